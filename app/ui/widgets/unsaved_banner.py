"""The line a tab shows when its history cannot be saved (the data folder cannot be written):
the tab works, with its history in memory until the app closes (``Services.history_problem``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class UnsavedHistoryBanner(QLabel):
    """Hidden until ``show_problem`` is given a sentence; names itself ``name``."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "warning")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, problem: str, what: str) -> None:
        """Say that ``what`` (e.g. "Conversations") is not saved, and ``problem`` (why)."""
        if not problem:
            self.hide()
            return
        self.setText(f"{what} are not saved. {problem}")
        self.setAccessibleName(self.text())
        self.show()
