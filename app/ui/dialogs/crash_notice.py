"""A non-modal notice for an unexpected error, with its details one click away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SUMMARY = (
    "Something went wrong inside AIML Desktop. Your data is safe; the details were written "
    "to the log. If it keeps happening, copy the details into a bug report."
)


class CrashNotice(QDialog):
    """Shows the latest unexpected errors; later errors are appended to the same notice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashNotice")
        self.setWindowTitle("Unexpected error")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 320)

        summary = QLabel(SUMMARY, self)
        summary.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("crashDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setObjectName("crashCopy")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add_details(self, text: str) -> None:
        if self.details.toPlainText():
            self.details.appendPlainText("\n" + "-" * 60 + "\n")
        self.details.appendPlainText(text.rstrip())

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")
