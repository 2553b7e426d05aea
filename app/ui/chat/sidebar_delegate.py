"""Paints a conversation in the sidebar: a group heading above the first of each group, the
title on one line and, under it, the model and when it was last used."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.ui.style.icons import icon
from app.ui.style.tokens import SPACE, TYPE

CONVERSATION_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
HEADING_ROLE = Qt.ItemDataRole.UserRole + 3
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 4
PINNED_ROLE = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _small(font: QFont, *, bold: bool = False) -> QFont:
    small = QFont(font)
    small.setPointSizeF(font.pointSizeF() * TYPE["small"] / TYPE["body"])
    small.setBold(bold)
    return small


class ConversationDelegate(QStyledItemDelegate):
    """Draws conversation rows; search hits and notices keep the plain item look."""

    def _heading_height(self, option: QStyleOptionViewItem, index: _Index) -> int:
        if not index.data(HEADING_ROLE):
            return 0
        return QFontMetrics(_small(option.font, bold=True)).height() + SPACE["xl"]

    def _body(self, option: QStyleOptionViewItem, index: _Index) -> QRect:
        return option.rect.adjusted(0, self._heading_height(option, index), 0, 0)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        if index.data(SUBTITLE_ROLE) is None:
            return super().sizeHint(option, index)
        lines = QFontMetrics(option.font).height() + QFontMetrics(_small(option.font)).height()
        body = lines + 2 * SPACE["m"] + SPACE["xs"]
        return QSize(option.rect.width() or 200, body + self._heading_height(option, index))

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> None:
        editor.setGeometry(self._body(option, index))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        if index.data(SUBTITLE_ROLE) is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        palette = opt.palette
        widget = opt.widget
        style = widget.style() if widget is not None else None
        painter.save()
        heading = index.data(HEADING_ROLE)
        if heading:
            self._paint_heading(painter, opt, str(heading), bool(index.data(PINNED_ROLE)))
        body = self._body(option, index)
        opt.rect = body
        opt.text = ""
        opt.icon = opt.icon.__class__()
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        inner = body.adjusted(SPACE["m"] + SPACE["s"], SPACE["m"], -SPACE["m"], -SPACE["m"])
        title_font = QFont(option.font)
        title_metrics = QFontMetrics(title_font)
        title = title_metrics.elidedText(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            Qt.TextElideMode.ElideRight,
            inner.width(),
        )
        painter.setFont(title_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        title_rect = QRect(inner.left(), inner.top(), inner.width(), title_metrics.height())
        painter.drawText(title_rect, LEFT, title)
        small = _small(option.font)
        small_metrics = QFontMetrics(small)
        sub = small_metrics.elidedText(
            str(index.data(SUBTITLE_ROLE)), Qt.TextElideMode.ElideRight, inner.width()
        )
        painter.setFont(small)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        sub_top = title_rect.bottom() + 1 + SPACE["xs"]
        sub_rect = QRect(inner.left(), sub_top, inner.width(), small_metrics.height())
        painter.drawText(sub_rect, LEFT, sub)
        painter.restore()

    def _paint_heading(
        self, painter: QPainter, opt: QStyleOptionViewItem, heading: str, pinned: bool
    ) -> None:
        font = _small(opt.font, bold=True)
        metrics = QFontMetrics(font)
        left = opt.rect.left() + SPACE["m"]
        top = opt.rect.top() + SPACE["l"]
        if pinned:
            size = metrics.height()
            icon("pin", "muted").paint(painter, QRect(left, top, size, size))
            left += size + SPACE["s"]
        painter.setFont(font)
        painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QRect(left, top, opt.rect.right() - left, metrics.height()),
            LEFT,
            heading.upper(),
        )
