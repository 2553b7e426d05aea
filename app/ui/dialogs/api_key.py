"""Entering, testing and saving the API key: a form used by the first-run dialog and Settings.

The flows (the test, the save, and the sentences they end with) are ``app.services.api_key``'s;
these widgets show them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserInputError
from app.services.api_key import ASKING, ENV_KEY_IN_USE
from app.services.defaults import key_source_heading
from app.ui.asyncutils import async_slot
from app.ui.style.repolish import repolish
from app.ui.widgets.password_field import PasswordField

if TYPE_CHECKING:
    from app.services.api_key import KeyChange, KeyService

log = logging.getLogger(__name__)

KEYS_URL = "https://aimlapi.com/app/keys"
KEY_SOURCE_TEXTS = {
    "env": f"{key_source_heading('env')} (used for this run only, never saved).",
    "keyring": f"{key_source_heading('keyring')}.",
    "session": f"{key_source_heading('session')}: there is no usable system keyring.",
    "none": "No key yet.",
}
ENV_NOTE = f"{ENV_KEY_IN_USE} A key saved here is used when the variable is not set."


class ApiKeyForm(QWidget):
    """The key field with a Show toggle, a Test button and the test's result.

    Signals:
        tested(bool): a test finished; True when the server accepted the key.
    """

    tested = Signal(bool)

    def __init__(
        self,
        keys: KeyService,
        *,
        key_source: str = "none",
        keyring_notice: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keys = keys
        self.field = PasswordField("apiKeyEdit", self)
        self.field.line_edit.setAccessibleName("API key")
        self.field.line_edit.setPlaceholderText(
            "Paste a new key to replace the stored one"
            if key_source in ("keyring", "session")
            else "Paste your API key"
        )
        self.test_button = QPushButton("Test key", self)
        self.test_button.setObjectName("apiKeyTest")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("apiKeyResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes_label = QLabel(self)
        self.notes_label.setObjectName("apiKeyNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.setProperty("role", "warning")
        notes = [ENV_NOTE] if key_source == "env" else []
        if keyring_notice:
            notes.append(keyring_notice)
        self.notes_label.setText("\n\n".join(notes))
        self.notes_label.setVisible(bool(notes))

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addWidget(self.notes_label)
        self.result_label.hide()

    def key(self) -> str:
        return self.field.text().strip()

    def show_result(self, text: str, role: str) -> None:
        self.result_label.setText(text)
        self.result_label.setProperty("role", role)
        repolish(self.result_label)
        self.result_label.show()

    def set_busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.test_button.setText("Testing…" if busy else "Test key")

    @async_slot
    async def _on_test_button_clicked(self) -> None:
        key = self.key()
        if key:
            self.show_result(ASKING, "hint")
        check = await self.keys.check(key)
        self.show_result(check.sentence, check.tone)
        if check.works is not None:
            self.tested.emit(check.works)


class ApiKeyDialog(QDialog):
    """Asks for the key (first run, or File → API key…), tests it and saves it.

    After ``accepted``, ``change`` is what saving the key left, and ``persisted`` is True when
    the keyring holds the key and False when it is kept for this session only.
    """

    def __init__(
        self,
        keys: KeyService,
        *,
        key_source: str = "none",
        keyring_notice: str | None = None,
        first_run: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keys = keys
        self.change: KeyChange | None = None
        self.setObjectName("apiKeyDialog")
        self.setAccessibleName("API key")
        self.setWindowTitle("API key")
        self.setMinimumWidth(580)

        heading = QLabel("Welcome to AIML Desktop" if first_run else "API key", self)
        heading.setProperty("role", "heading")
        intro = QLabel(self)
        intro.setObjectName("apiKeyIntro")
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setText(
            "<p>Requests go to the AI/ML API with your API key. You can create one at "
            f"<a href='{KEYS_URL}'>{KEYS_URL.removeprefix('https://')}</a>.</p>"
            "<p>The key is kept in your system keyring — never in a file.</p>"
        )
        self.form = ApiKeyForm(
            keys, key_source=key_source, keyring_notice=keyring_notice, parent=self
        )
        self.error_label = QLabel(self)
        self.error_label.setObjectName("apiKeyError")
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("apiKeySave")
        self.save_button.setDefault(True)
        cancel = self.buttons.addButton(
            "Later" if first_run else "Cancel", QDialogButtonBox.ButtonRole.RejectRole
        )
        cancel.setObjectName("apiKeyCancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.form.field.setFocus()

    @property
    def persisted(self) -> bool | None:
        return self.change.persisted if self.change is not None else None

    def set_busy(self, busy: bool) -> None:
        self.save_button.setEnabled(not busy)

    @async_slot
    async def _on_buttons_accepted(self) -> None:
        try:
            self.change = await self.keys.save(self.form.key())
        except UserInputError as exc:
            self.error_label.setText(exc.sentence)
            self.error_label.show()
            return
        self.accept()
