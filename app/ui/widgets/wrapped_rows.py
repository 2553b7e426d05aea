"""Word-wrapped rows of a list that fit its width.

A list that wraps its rows' text lays each row out at the viewport's width, and the
stylesheet's row padding then comes on top of that: every row ends a little past the list's
right edge, and the list scrolls sideways by that much. ``WrappedRows`` wraps the text to the
width left inside the padding instead, so the rows end at the edge.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtWidgets import QListView, QStyledItemDelegate, QStyleOptionViewItem


class WrappedRows(QStyledItemDelegate):
    """The delegate of a word-wrapping ``QListView`` (its parent): rows as wide as the list."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        room = self._view.viewport().width() - 2 * self._view.spacing()
        if room <= 0:
            return super().sizeHint(option, index)
        # The list also asks with an empty rect (when it lays rows out before it has a width):
        # the row is wrapped to the room there is all the same, in a rect Qt takes as valid.
        narrower = QStyleOptionViewItem(option)
        narrower.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        height = max(option.rect.height(), 1)
        width = room
        # Taking the padding off once is enough; a second step covers a row whose wrapped lines
        # come out narrower than the room, and the guard a word longer than the room.
        for _ in range(4):
            narrower.rect = QRect(option.rect.topLeft(), QSize(width, height))
            hint = super().sizeHint(narrower, index)
            if hint.width() <= room or width <= hint.width() - room:
                break
            width -= hint.width() - room
        return QSize(room, hint.height())
