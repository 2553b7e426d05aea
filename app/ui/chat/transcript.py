"""The transcript: a list model over a window of stored messages, a delegate that paints each
row from its layout, and a list view that keeps its place when rows change height."""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPalette,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.markdown_render import MarkdownRenderer, copy_index
from app.storage.chat_store import Message
from app.ui.chat.row_layout import (
    MARGIN,
    Piece,
    RowFlags,
    RowLayout,
    RowLayoutCache,
    actions_for,
)

log = logging.getLogger(__name__)

MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
EAGER_ROWS = 12
IDLE_STEP_SECONDS = 0.008  # layout work per step for text off screen
IDLE_STEP_INTERVAL_MS = 4
IDLE_START_MS = 30

_Index = QModelIndex | QPersistentModelIndex


class TranscriptModel(QAbstractListModel):
    """A contiguous window of one conversation's messages, in position order.

    ``has_earlier``/``has_later`` say whether the store holds messages outside the window.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._messages: list[Message] = []
        self._rows: dict[int, int] = {}
        self.versions: dict[int, int] = {}
        self.has_earlier = False
        self.has_later = False
        self.busy = False

    # -- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._messages)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._messages):
            return None
        message = self._messages[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return message.content
        if role == MESSAGE_ROLE:
            return message
        if role == MESSAGE_ID_ROLE:
            return message.id
        return None

    # -- contents -----------------------------------------------------------------------

    def _reindex(self) -> None:
        self._rows = {m.id: row for row, m in enumerate(self._messages)}

    def reset(self, messages: list[Message], *, has_earlier: bool, has_later: bool) -> None:
        self.beginResetModel()
        self._messages = list(messages)
        self.versions = {m.id: 0 for m in messages}
        self.has_earlier, self.has_later = has_earlier, has_later
        self._reindex()
        self.endResetModel()

    def prepend(self, messages: list[Message], *, has_earlier: bool) -> None:
        self.has_earlier = has_earlier
        if not messages:
            return
        self.beginInsertRows(QModelIndex(), 0, len(messages) - 1)
        self._messages[:0] = messages
        self.versions.update({m.id: 0 for m in messages})
        self._reindex()
        self.endInsertRows()

    def extend(self, messages: list[Message], *, has_later: bool) -> None:
        self.has_later = has_later
        if not messages:
            return
        first = len(self._messages)
        self.beginInsertRows(QModelIndex(), first, first + len(messages) - 1)
        self._messages.extend(messages)
        self.versions.update({m.id: 0 for m in messages})
        self._reindex()
        self.endInsertRows()

    def append(self, message: Message) -> int:
        self.extend([message], has_later=self.has_later)
        return len(self._messages) - 1

    def remove_rows(self, first: int, count: int = 1) -> list[Message]:
        if count <= 0 or first >= len(self._messages):
            return []
        last = min(len(self._messages), first + count) - 1
        self.beginRemoveRows(QModelIndex(), first, last)
        removed = self._messages[first : last + 1]
        del self._messages[first : last + 1]
        self._reindex()
        self.endRemoveRows()
        return removed

    def update_message(self, message_id: int, **changes: Any) -> None:
        row = self._rows.get(message_id)
        if row is None:
            return
        message = self._messages[row]
        for name, value in changes.items():
            if hasattr(message, name):
                setattr(message, name, value)
        self.touch(message_id)

    def touch(self, message_id: int) -> None:
        """Mark a message changed so its row is laid out and painted again."""
        row = self._rows.get(message_id)
        if row is None:
            return
        self.versions[message_id] = self.versions.get(message_id, 0) + 1
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def touch_all(self) -> None:
        for message_id in list(self._rows):
            self.versions[message_id] = self.versions.get(message_id, 0) + 1
        if self._messages:
            self.dataChanged.emit(self.index(0), self.index(len(self._messages) - 1))

    # -- lookups ------------------------------------------------------------------------

    def messages(self) -> list[Message]:
        return list(self._messages)

    def message(self, row: int) -> Message:
        return self._messages[row]

    def row_of(self, message_id: int) -> int | None:
        return self._rows.get(message_id)

    def last_reply_id(self) -> int | None:
        for message in reversed(self._messages):
            if message.role == "assistant":
                return message.id
            if message.role == "user":
                return None
        return None


class MessageDelegate(QStyledItemDelegate):
    """Paints message rows and turns clicks on their links into signals.

    Text of a row that is off screen is laid out in short steps between frames, which wait
    while ``defer_idle`` is set (a reply is streaming: the stream comes first); text that comes
    on screen is laid out as it is painted.

    Signals:
        action_requested(str, int): an action link ("copy", "edit", "regenerate", "delete",
            "details", "retry") was clicked under message (id).
        link_activated(str): a web link in a message was clicked.
        code_copy_requested(str): the Copy link of a code block was clicked (its code).
    """

    action_requested = Signal(str, int)
    link_activated = Signal(str)
    code_copy_requested = Signal(str)

    def __init__(self, view: TranscriptView, renderer: MarkdownRenderer) -> None:
        super().__init__(view)
        self.view = view
        self.layouts = RowLayoutCache(renderer)
        self.flags: dict[int, RowFlags] = {}
        self.work_seconds = 0.0
        self._defer_idle = False
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle_timer_timeout)

    # -- geometry -----------------------------------------------------------------------

    def content_width(self) -> int:
        """The text width of rows; the same with or without the scroll bar, so a reply that
        grows past the bottom is not laid out again when the bar appears."""
        width = self.view.viewport().width()
        bar = self.view.verticalScrollBar()
        if not bar.isVisible():
            width -= bar.sizeHint().width()
        return max(120, width - 2 * MARGIN - 2 * 10)

    def warm_up(self, html: str) -> None:
        """Do once, at start, what a first reply would otherwise pay for in its first frame:
        the first text layout and painting (fonts, glyphs), and the first calls of the view's
        geometry methods (their Python types are made on first use)."""
        self.layouts.warm_up(html)
        self.content_width()

    def flags_for(self, message_id: int) -> RowFlags:
        return self.flags.setdefault(message_id, RowFlags())

    def _key(self, model: TranscriptModel, message: Message, width: int) -> tuple[Any, ...]:
        flags = self.flags_for(message.id)
        is_last = model.last_reply_id() == message.id
        return (
            message.id,
            model.versions.get(message.id, 0),
            width,
            flags.reasoning_open,
            flags.details_open,
            is_last,
            model.busy,
            self.layouts.renderer.scheme,
        )

    def layout_for(self, index: _Index) -> RowLayout:
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        message: Message = index.data(MESSAGE_ROLE)
        width = self.content_width()
        key = self._key(model, message, width)
        layout = self.layouts.cached(message.id, key)
        if layout is None:
            started = time.perf_counter()
            is_last = model.last_reply_id() == message.id
            actions = actions_for(message, is_last_reply=is_last, busy=model.busy)
            layout = self.layouts.build(
                message, key, width, self.flags_for(message.id), actions, self._shown_end(index)
            )
            self.work_seconds += time.perf_counter() - started
            if not layout.complete:
                self._schedule_idle(IDLE_START_MS)
        return layout

    def _shown_end(self, index: _Index) -> int:
        """How many pixels at the end of row ``index`` are on screen for sure: the viewport's
        height for the last row while the view follows the bottom, else 0 (pending text that
        is painted is laid out before the next frame)."""
        if self.view.following_bottom and index.row() == index.model().rowCount() - 1:
            return self.view.viewport().height()
        return 0

    # -- text off screen ----------------------------------------------------------------

    @property
    def defer_idle(self) -> bool:
        return self._defer_idle

    @defer_idle.setter
    def defer_idle(self, defer: bool) -> None:
        self._defer_idle = defer
        if not defer and self.layouts.incomplete:
            self._schedule_idle(IDLE_START_MS)

    def _schedule_idle(self, delay_ms: int) -> None:
        if not self._idle_timer.isActive() or delay_ms < self._idle_timer.remainingTime():
            self._idle_timer.start(delay_ms)

    def _on_idle_timer_timeout(self) -> None:
        if self._defer_idle:
            return
        started = time.perf_counter()
        changed = self.layouts.complete_step(started + IDLE_STEP_SECONDS)
        self.work_seconds += time.perf_counter() - started
        model = self.view.model()
        if isinstance(model, TranscriptModel):
            for message_id in changed:
                model.touch(message_id)
        if self.layouts.incomplete and not self._defer_idle:
            self._schedule_idle(IDLE_STEP_INTERVAL_MS)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        model: TranscriptModel = index.model()  # type: ignore[assignment]
        message: Message = index.data(MESSAGE_ROLE)
        width = self.content_width()
        layout = self.layouts.cached(message.id, self._key(model, message, width))
        if layout is None and index.row() >= model.rowCount() - EAGER_ROWS:
            layout = self.layout_for(index)
        if layout is not None:
            height = layout.height
        else:
            known = self.layouts.heights.get(message.id)
            height = known or self.layouts.estimate(message, width, self.flags_for(message.id))
        return QSize(self.view.viewport().width(), height + MARGIN)

    # -- painting -----------------------------------------------------------------------

    def take_work_seconds(self) -> float:
        """Seconds spent laying out and painting rows since the last call."""
        spent, self.work_seconds = self.work_seconds, 0.0
        return spent

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        started = time.perf_counter()
        try:
            self._paint_row(painter, option, index)
        finally:
            self.work_seconds += time.perf_counter() - started

    def _paint_row(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        message: Message = index.data(MESSAGE_ROLE)
        layout = self._with_visible_text(index, message.id, option.rect)
        row_rect = QRect(option.rect.left() + MARGIN, option.rect.top(), 0, layout.height)
        row_rect.setWidth(option.rect.width() - 2 * MARGIN)
        if option.rect.height() != layout.height + MARGIN:
            self.sizeHintChanged.emit(index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        background = self._background(palette, message)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(background)
        painter.drawRoundedRect(row_rect.adjusted(0, 0, -1, -1), 8, 8)
        visible = option.rect.intersected(self.view.viewport().rect())
        for piece in layout.pieces:
            target = piece.rect.translated(row_rect.topLeft())
            if target.intersects(visible):
                self._paint_piece(painter, palette, piece, target, visible)
        painter.restore()

    def _with_visible_text(self, index: _Index, message_id: int, rect: QRect) -> RowLayout:
        """The row's layout with every text group that lies on screen laid out (those that
        came on screen by scrolling are laid out now, before they are painted)."""
        layout = self.layout_for(index)
        visible = rect.intersected(self.view.viewport().rect())
        visible.translate(-rect.left() - MARGIN, -rect.top())
        for _attempt in range(4):  # laying out a group moves the ones below it
            groups = [
                piece.group
                for piece in layout.pieces
                if piece.group is not None and piece.rect.intersects(visible)
            ]
            if not groups:
                break
            for kind, number in groups:
                self.layouts.realize_pending(message_id, kind, number)
            self.layouts.drop_layout(message_id)
            layout = self.layout_for(index)
        return layout

    def _background(self, palette: QPalette, message: Message) -> QColor:
        if message.role == "user":
            return palette.color(QPalette.ColorRole.AlternateBase)
        return palette.color(QPalette.ColorRole.Base)

    def _paint_piece(
        self, painter: QPainter, palette: QPalette, piece: Piece, target: QRect, visible: QRect
    ) -> None:
        if piece.group is not None:
            return  # not laid out yet (off screen)
        if piece.doc is not None:
            painter.save()
            painter.translate(target.topLeft())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette = palette
            clip = visible.translated(-target.topLeft()).intersected(
                QRect(0, 0, target.width(), target.height())
            )
            context.clip = clip.toRectF()
            painter.setClipRect(clip)
            piece.doc.documentLayout().draw(painter, context)
            painter.restore()
            return
        if piece.pixmap is not None:
            painter.drawPixmap(target.topLeft(), piece.pixmap)
            return
        self._paint_text(painter, palette, piece, target)

    def _paint_text(
        self, painter: QPainter, palette: QPalette, piece: Piece, target: QRect
    ) -> None:
        font = QFont(self.layouts.font)
        colour = palette.color(QPalette.ColorRole.Text)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if piece.kind == "header":
            font.setBold(True)
        elif piece.kind.startswith("action:") or piece.kind == "toggle_reasoning":
            colour = palette.color(QPalette.ColorRole.Link)
        elif piece.kind == "error":
            colour = palette.color(QPalette.ColorRole.BrightText)
        elif piece.kind in ("header_right", "details"):
            colour = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(target, int(flags) | int(Qt.TextFlag.TextWordWrap), piece.text)

    # -- clicks -------------------------------------------------------------------------

    def row_origin(self, index: _Index) -> QPoint:
        rect = self.view.visualRect(index)
        return QPoint(rect.left() + MARGIN, rect.top())

    def piece_at(self, index: _Index, point: QPoint) -> tuple[Piece | None, QPoint]:
        """The piece of row ``index`` under viewport ``point`` and the point inside it."""
        layout = self.layout_for(index)
        local = point - self.row_origin(index)
        for piece in layout.pieces:
            if piece.rect.contains(local):
                return piece, local - piece.rect.topLeft()
        return None, local

    def action_rect(self, index: _Index, name: str) -> QRect | None:
        """Where the ``name`` action link of a row is, in viewport coordinates (or None)."""
        for piece in self.layout_for(index).pieces:
            if piece.kind in (f"action:{name}", name):
                return piece.rect.translated(self.row_origin(index))
        return None

    def editorEvent(
        self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: _Index
    ) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease:
            return False
        assert isinstance(event, QMouseEvent)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        piece, inside = self.piece_at(index, event.position().toPoint())
        if piece is None:
            return False
        return self._click(index, piece, inside)

    def _click(self, index: _Index, piece: Piece, inside: QPoint) -> bool:
        message_id = int(index.data(MESSAGE_ID_ROLE))
        if piece.kind.startswith("action:"):
            name = piece.kind.split(":", 1)[1]
            if name == "details":
                self.toggle(message_id, "details")
            else:
                self.action_requested.emit(name, message_id)
            return True
        if piece.kind == "toggle_reasoning":
            self.toggle(message_id, "reasoning")
            return True
        if piece.doc is not None:
            href = piece.doc.documentLayout().anchorAt(inside.toPointF())
            return self._activate(piece, href)
        return False

    def _activate(self, piece: Piece, href: str) -> bool:
        if not href:
            return False
        number = copy_index(href)
        if number is not None:
            if 0 <= number < len(piece.code):
                self.code_copy_requested.emit(piece.code[number])
        else:
            self.link_activated.emit(href)
        return True

    def toggle(self, message_id: int, what: str) -> None:
        flags = self.flags_for(message_id)
        if what == "details":
            flags.details_open = not flags.details_open
        else:
            flags.reasoning_open = not flags.reasoning_open
        model = self.view.model()
        if isinstance(model, TranscriptModel):
            model.touch(message_id)

    def anchor_at(self, point: QPoint) -> str:
        index = self.view.indexAt(point)
        if not index.isValid():
            return ""
        piece, inside = self.piece_at(index, point)
        if piece is not None and piece.doc is not None:
            return piece.doc.documentLayout().anchorAt(inside.toPointF())
        if piece is not None and (
            piece.kind.startswith("action:") or piece.kind == "toggle_reasoning"
        ):
            return piece.kind
        return ""


class TranscriptView(QListView):
    """The message list: pixel scrolling, keeps its anchor row in place when heights change,
    follows the bottom while it is there, and asks for earlier/later pages at the edges.

    Signals:
        earlier_needed(): scrolled to the top while older messages exist.
        later_needed(): scrolled to the bottom while newer messages exist.
    """

    earlier_needed = Signal()
    later_needed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.following_bottom = True
        self._restoring = False
        self.setObjectName("chatTranscript")
        self.setAccessibleName("Conversation")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        self.setSpacing(0)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalScrollBar().setSingleStep(24)
        self.following_bottom = True
        self._restoring = False
        self.verticalScrollBar().valueChanged.connect(self._on_scroll_value_changed)

    def transcript_model(self) -> TranscriptModel:
        model = self.model()
        assert isinstance(model, TranscriptModel)
        return model

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def doItemsLayout(self) -> None:
        follow = self.following_bottom
        anchor, offset = (None, 0) if follow else self._anchor()
        self._restoring = True
        try:
            super().doItemsLayout()
            self.updateGeometries()
            if follow:
                self.scrollToBottom()
            elif anchor is not None and anchor.isValid():
                moved = self.visualRect(anchor).top() - offset
                if moved:
                    bar = self.verticalScrollBar()
                    bar.setValue(bar.value() + moved)
        finally:
            self._restoring = False

    def _anchor(self) -> tuple[QPersistentModelIndex | None, int]:
        index = self.indexAt(QPoint(MARGIN + 4, 2))
        if not index.isValid():
            return None, 0
        return QPersistentModelIndex(index), self.visualRect(index).top()

    def top_row(self) -> tuple[int, int] | None:
        """(row, pixel offset of its top) of the row at the top of the viewport."""
        index = self.indexAt(QPoint(MARGIN + 4, 2))
        if not index.isValid():
            return None
        return index.row(), self.visualRect(index).top()

    def keep_row_at(self, row: int, offset: int) -> None:
        """Lay out now and scroll so ``row``'s top is ``offset`` pixels from the viewport top."""
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        self.following_bottom = False
        self.doItemsLayout()
        moved = self.visualRect(model.index(row, 0)).top() - offset
        bar = self.verticalScrollBar()
        self._restoring = True
        try:
            bar.setValue(bar.value() + moved)
        finally:
            self._restoring = False

    def wheelEvent(self, event: QWheelEvent) -> None:
        model = self.model()
        at_top = self.verticalScrollBar().value() == 0
        scrolling_up = event.angleDelta().y() > 0
        if at_top and scrolling_up and isinstance(model, TranscriptModel) and model.has_earlier:
            self.earlier_needed.emit()
        super().wheelEvent(event)

    def scroll_to_row(self, row: int) -> None:
        model = self.model()
        if model is None or not 0 <= row < model.rowCount():
            return
        self.following_bottom = False
        self.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)

    def follow_bottom(self) -> None:
        self.following_bottom = True
        self.scrollToBottom()

    def _on_scroll_value_changed(self, value: int) -> None:
        if self._restoring:
            return
        bar = self.verticalScrollBar()
        self.following_bottom = value >= bar.maximum() - 4
        model = self.model()
        if not isinstance(model, TranscriptModel):
            return
        if value <= bar.singleStep() and model.has_earlier:
            self.earlier_needed.emit()
        elif self.following_bottom and model.has_later:
            self.later_needed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        delegate = self.itemDelegate()
        if isinstance(delegate, MessageDelegate):
            anchor = delegate.anchor_at(event.position().toPoint())
            shape = Qt.CursorShape.PointingHandCursor if anchor else Qt.CursorShape.ArrowCursor
            self.viewport().setCursor(shape)
            self.viewport().setToolTip(anchor if anchor.startswith(("http", "mailto")) else "")
        super().mouseMoveEvent(event)
