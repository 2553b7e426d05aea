"""A masked line edit with a Show/Hide toggle."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget


class PasswordField(QWidget):
    """``line_edit`` is masked until the toggle button is checked."""

    def __init__(self, edit_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line_edit = QLineEdit(self)
        if edit_name:
            self.line_edit.setObjectName(edit_name)
        self.line_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.line_edit.setClearButtonEnabled(True)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName(f"{edit_name}Show" if edit_name else "showToggle")
        self.toggle.setCheckable(True)
        self.toggle.setText("Show")
        self.toggle.setAccessibleName("Show the key")
        self.toggle.setToolTip("Show or hide what you typed")
        self.toggle.toggled.connect(self._on_toggle_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.toggle)
        self.setFocusProxy(self.line_edit)

    def text(self) -> str:
        return self.line_edit.text()

    def setText(self, text: str) -> None:
        self.line_edit.setText(text)

    def _on_toggle_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.line_edit.setEchoMode(mode)
        self.toggle.setText("Hide" if shown else "Show")
        self.toggle.setAccessibleName("Hide the key" if shown else "Show the key")
