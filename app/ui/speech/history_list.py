"""The list of earlier speech generations."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.storage.speech_store import SpeechRecord
from app.ui.widgets.audio_player import format_clock
from app.ui.widgets.wrapped_rows import WrappedRows

RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
_PREVIEW_CHARS = 60


def describe_record(record: SpeechRecord) -> str:
    text = " ".join(record.text.split())
    if len(text) > _PREVIEW_CHARS:
        text = text[: _PREVIEW_CHARS - 1].rstrip() + "…"
    length = format_clock(record.duration or 0.0, round_up=True)
    voice = record.voice or record.model
    when = time.strftime("%d %b %H:%M", time.localtime(record.created))
    return f"{text}\n{voice} · {length} · {when}"


def record_tooltip(record: SpeechRecord) -> str:
    cost = f"${record.cost_usd:.4f}" if record.cost_usd is not None else "unknown"
    lines = [
        f"Model: {record.model}",
        f"Voice: {record.voice or 'default'}",
        f"Length: {record.duration or 0:.1f} s · {record.format.upper()}",
        f"Cost: {cost}",
    ]
    if record.options:
        lines.append("Options: " + ", ".join(f"{k}={v}" for k, v in record.options.items()))
    return "\n".join(lines)


class SpeechHistoryList(QListWidget):
    """Newest first; each row holds its ``SpeechRecord``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ttsHistory")
        self.setAccessibleName("Earlier speech")
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setSpacing(3)
        self.setItemDelegate(WrappedRows(self))  # rows wrap inside the list's width

    def set_records(self, records: list[SpeechRecord]) -> None:
        self.clear()
        for record in records:
            self.addItem(self._item(record))

    def add_record(self, record: SpeechRecord) -> None:
        self.insertItem(0, self._item(record))
        self.setCurrentRow(0)

    def _item(self, record: SpeechRecord) -> QListWidgetItem:
        item = QListWidgetItem(describe_record(record))
        item.setData(RECORD_ROLE, record)
        item.setToolTip(record_tooltip(record))
        return item

    def current_record(self) -> SpeechRecord | None:
        item = self.currentItem()
        return item.data(RECORD_ROLE) if item is not None else None

    def records(self) -> list[SpeechRecord]:
        return [self.item(i).data(RECORD_ROLE) for i in range(self.count())]

    def remove_record(self, record_id: int) -> None:
        for index in range(self.count()):
            if self.item(index).data(RECORD_ROLE).id == record_id:
                self.takeItem(index)
                return
