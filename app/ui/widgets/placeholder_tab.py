"""A tab page with a model picker and a centred note, shown until the real tab is built."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.ui.message_bar import MessageBar
from app.ui.widgets.model_combo import ModelCombo

if TYPE_CHECKING:
    from app.services.context import Services


class PlaceholderTab(QWidget):
    """Shared shape of the four tab pages: ``model_combo`` of ``model_kind``, ``set_busy``."""

    OBJECT_NAME = ""
    ACCESSIBLE_NAME = ""
    MODEL_KIND = ""
    MODEL_OBJECT_NAME = ""
    NOTE = ""

    def __init__(self, services: Services, message_bar: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.message_bar = message_bar
        self.model_kind = self.MODEL_KIND
        self.setObjectName(self.OBJECT_NAME)
        self.setAccessibleName(self.ACCESSIBLE_NAME)

        self.model_combo = ModelCombo(self.MODEL_KIND, self)
        self.model_combo.setObjectName(self.MODEL_OBJECT_NAME)
        self.model_combo.setAccessibleName("Model")
        self.model_combo.setMaximumWidth(560)
        form = QFormLayout()
        form.addRow("Model", self.model_combo)

        self._note = QLabel(self.NOTE, self)
        self._note.setObjectName(f"{self.OBJECT_NAME}Note")
        self._note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._note.setWordWrap(True)
        self._note.setProperty("role", "hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self._note)
        layout.addStretch(1)

    def set_busy(self, busy: bool) -> None:
        self.model_combo.setEnabled(not busy)

    def shutdown(self) -> None:
        """Stop whatever this tab is doing; called when the window closes."""
