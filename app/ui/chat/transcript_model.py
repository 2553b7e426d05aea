"""The transcript's list model: a window of one conversation's messages, a row per message
(or several for one taller than a list row may be)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.chat_history import Message

MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 1
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 2
PART_ROLE = Qt.ItemDataRole.UserRole + 3
SLICE_HEIGHT = 16_000  # the tallest row; a taller message takes several (Qt's limit: 32,767)

_Index = QModelIndex | QPersistentModelIndex


class TranscriptModel(QAbstractListModel):
    """A contiguous window of one conversation's messages, in position order.

    A message takes one row, or several when it is taller than one list row may be (Qt keeps
    item heights in 16 bits): part N of it shows the slice of its layout that starts
    ``N * SLICE_HEIGHT`` pixels down. ``has_earlier``/``has_later`` say whether the store holds
    messages outside the window.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._messages: list[Message] = []
        self._parts: dict[int, int] = {}
        self._row_items: list[tuple[int, int]] = []  # row → (index in _messages, part)
        self._rows: dict[int, int] = {}  # message id → its first row
        self.versions: dict[int, int] = {}
        self.has_earlier = False
        self.has_later = False
        self.busy = False

    # -- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._row_items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._row_items):
            return None
        position, part = self._row_items[index.row()]
        message = self._messages[position]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return message.content if part == 0 else ""
        if role == MESSAGE_ROLE:
            return message
        if role == MESSAGE_ID_ROLE:
            return message.id
        if role == PART_ROLE:
            return part
        return None

    # -- contents -----------------------------------------------------------------------

    def _reindex(self) -> None:
        self._rows = {}
        self._row_items = []
        for position, message in enumerate(self._messages):
            self._rows[message.id] = len(self._row_items)
            parts = self._parts.get(message.id, 1)
            self._row_items.extend((position, part) for part in range(parts))

    def _rows_of(self, messages: list[Message]) -> int:
        return sum(self._parts.get(m.id, 1) for m in messages)

    def reset(self, messages: list[Message], *, has_earlier: bool, has_later: bool) -> None:
        self.beginResetModel()
        self._messages = list(messages)
        self._parts = {}
        self.versions = {m.id: 0 for m in messages}
        self.has_earlier, self.has_later = has_earlier, has_later
        self._reindex()
        self.endResetModel()

    def prepend(self, messages: list[Message], *, has_earlier: bool) -> int:
        """Add earlier messages; the number of rows added."""
        self.has_earlier = has_earlier
        if not messages:
            return 0
        self.beginInsertRows(QModelIndex(), 0, len(messages) - 1)
        self._messages[:0] = messages
        self.versions.update({m.id: 0 for m in messages})
        self._reindex()
        self.endInsertRows()
        return len(messages)

    def extend(self, messages: list[Message], *, has_later: bool) -> None:
        self.has_later = has_later
        if not messages:
            return
        first = len(self._row_items)
        self.beginInsertRows(QModelIndex(), first, first + len(messages) - 1)
        self._messages.extend(messages)
        self.versions.update({m.id: 0 for m in messages})
        self._reindex()
        self.endInsertRows()

    def append(self, message: Message) -> int:
        self.extend([message], has_later=self.has_later)
        return len(self._row_items) - 1

    def remove_from(self, message_id: int, *, and_later: bool = False) -> list[Message]:
        """Remove a message (and, with ``and_later``, every one after it)."""
        first = self._rows.get(message_id)
        if first is None:
            return []
        position = self._row_items[first][0]
        end = len(self._messages) if and_later else position + 1
        removed = self._messages[position:end]
        self.beginRemoveRows(QModelIndex(), first, first + self._rows_of(removed) - 1)
        del self._messages[position:end]
        for message in removed:
            self._parts.pop(message.id, None)
        self._reindex()
        self.endRemoveRows()
        return removed

    def set_parts(self, message_id: int, parts: int) -> None:
        """Let a message take ``parts`` rows (it grew or shrank past a slice)."""
        first = self._rows.get(message_id)
        old = self._parts.get(message_id, 1)
        if first is None or parts == old or parts < 1:
            return
        if parts > old:
            self.beginInsertRows(QModelIndex(), first + old, first + parts - 1)
            self._parts[message_id] = parts
            self._reindex()
            self.endInsertRows()
        else:
            self.beginRemoveRows(QModelIndex(), first + parts, first + old - 1)
            self._parts[message_id] = parts
            self._reindex()
            self.endRemoveRows()

    def parts(self, message_id: int) -> int:
        return self._parts.get(message_id, 1)

    def update_message(self, message_id: int, **changes: Any) -> None:
        row = self._rows.get(message_id)
        if row is None:
            return
        message = self._messages[self._row_items[row][0]]
        for name, value in changes.items():
            if hasattr(message, name):
                setattr(message, name, value)
        self.touch(message_id)

    def touch(self, message_id: int) -> None:
        """Mark a message changed so its rows are laid out and painted again."""
        row = self._rows.get(message_id)
        if row is None:
            return
        self.versions[message_id] = self.versions.get(message_id, 0) + 1
        last = row + self._parts.get(message_id, 1) - 1
        self.dataChanged.emit(self.index(row), self.index(last))

    def touch_all(self) -> None:
        for message_id in list(self._rows):
            self.versions[message_id] = self.versions.get(message_id, 0) + 1
        if self._row_items:
            self.dataChanged.emit(self.index(0), self.index(len(self._row_items) - 1))

    # -- lookups ------------------------------------------------------------------------

    def messages(self) -> list[Message]:
        return list(self._messages)

    def message(self, row: int) -> Message:
        """The message shown in ``row`` (any of its parts)."""
        return self._messages[self._row_items[row][0]]

    def row_of(self, message_id: int) -> int | None:
        """The first row of a message."""
        return self._rows.get(message_id)

    def is_last_message(self, message_id: int) -> bool:
        return bool(self._messages) and self._messages[-1].id == message_id

    def last_reply_id(self) -> int | None:
        for message in reversed(self._messages):
            if message.role == "assistant":
                return message.id
            if message.role == "user":
                return None
        return None
