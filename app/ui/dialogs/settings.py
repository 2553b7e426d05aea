"""The Settings dialog: connection, API key, models, appearance and where files live."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import DEFAULT_BASE_URL
from app.api.types import ModelInfo
from app.errors import ApiError, describe
from app.storage.settings import Settings
from app.ui.asyncutils import start_task
from app.ui.dialogs.api_key import KEY_SOURCE_TEXTS, ApiKeyForm
from app.ui.style.repolish import repolish
from app.ui.theme import THEME_LABELS, THEME_MODES
from app.ui.tools.page import ToolsPage
from app.ui.widgets.model_combo import ModelCombo

if TYPE_CHECKING:
    from app.services.context import Services


class Preset(NamedTuple):
    label: str
    base_url: str
    dialect: str


PRESETS: dict[str, Preset] = {
    "aimlapi": Preset("AI/ML API", DEFAULT_BASE_URL, "aimlapi"),
    "openai": Preset("OpenAI", "https://api.openai.com", "openai"),
    "custom": Preset("Other OpenAI-compatible server", "", "openai"),
}
DIALECT_LABELS = {
    "aimlapi": "AI/ML API routes (/v1/stt/create, /v1/tts)",
    "openai": "OpenAI routes (/v1/audio/transcriptions, /v1/audio/speech)",
}
MODEL_KINDS = (
    ("chat", "Chat"),
    ("image", "Images"),
    ("stt", "Speech to text"),
    ("tts", "Text to speech"),
)
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


# -- validation -------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> tuple[str | None, str | None]:
    """Return ``(error, warning)`` for a base URL; an error refuses the settings."""
    url = url.strip()
    if not url:
        return "Enter the server's base URL, for example https://api.aimlapi.com.", None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            "The base URL must start with http:// or https:// and name a host, "
            "for example https://api.aimlapi.com.",
            None,
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return None, (
            "This is plain http to another machine: your API key and everything you send "
            "would travel unencrypted. Use https unless you trust the network."
        )
    return None, None


def check_proxy(proxy: str) -> str | None:
    """An error sentence for a malformed proxy URL; an empty proxy is fine."""
    proxy = proxy.strip()
    if not proxy:
        return None
    parts = urlsplit(proxy)
    if parts.scheme not in PROXY_SCHEMES or not parts.hostname:
        return (
            "The proxy must be a URL such as http://proxy.example:8080 or socks5://127.0.0.1:1080."
        )
    return None


# -- the dialog -------------------------------------------------------------------------------


class SettingsDialog(QDialog):
    """Edits a copy of the settings; ``edited_settings()`` returns it after ``accepted``.

    Signals:
        remove_key_requested(): the person asked to remove the stored key.
    """

    remove_key_requested = Signal()

    def __init__(
        self,
        services: Services,
        *,
        key_source: str = "none",
        keyring_notice: str | None = None,
        models: Mapping[str, Sequence[ModelInfo]] | None = None,
        folders: Mapping[str, Path] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self._original = services.settings
        self.setObjectName("settingsDialog")
        self.setAccessibleName("Settings")
        self.setWindowTitle("Settings")
        self.setMinimumSize(620, 480)

        self.pages = QTabWidget(self)
        self.pages.setObjectName("settingsPages")
        self.pages.addTab(self._connection_page(), "Connection")
        self.pages.addTab(self._key_page(key_source, keyring_notice), "API key")
        self.pages.addTab(self._models_page(models or {}), "Models")
        self.pages.addTab(self._general_page(), "General")
        self.pages.addTab(self._folders_page(folders or {}), "Files")
        self.tools_page = ToolsPage(services, self.pages)
        self.pages.addTab(self.tools_page, "Tools")

        self.error_label = QLabel(self)
        self.error_label.setObjectName("settingsError")
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("settingsOk")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("settingsCancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._load(self._original)

    # -- pages ---------------------------------------------------------------------------

    def _connection_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.provider_combo = QComboBox(page)
        self.provider_combo.setObjectName("providerCombo")
        for key, preset in PRESETS.items():
            self.provider_combo.addItem(preset.label, key)
        self.provider_combo.currentIndexChanged.connect(self._on_provider_combo_changed)
        self.base_url_edit = QLineEdit(page)
        self.base_url_edit.setObjectName("baseUrlEdit")
        self.base_url_edit.setAccessibleName("Base URL")
        self.base_url_edit.setPlaceholderText("https://your-server.example")
        self.base_url_edit.textChanged.connect(self._on_base_url_edit_changed)
        self.base_url_message = QLabel(page)
        self.base_url_message.setObjectName("baseUrlMessage")
        self.base_url_message.setWordWrap(True)
        self.base_url_message.hide()
        self.dialect_combo = QComboBox(page)
        self.dialect_combo.setObjectName("dialectCombo")
        for key, label in DIALECT_LABELS.items():
            self.dialect_combo.addItem(label, key)
        self.proxy_edit = QLineEdit(page)
        self.proxy_edit.setObjectName("proxyEdit")
        self.proxy_edit.setPlaceholderText("None (the system's proxy variables apply)")
        self.connect_timeout = self._seconds_box("connectTimeout", 1, 120, page)
        self.read_timeout = self._seconds_box("readTimeout", 10, 3600, page)
        self.max_retries = QSpinBox(page)
        self.max_retries.setObjectName("maxRetries")
        self.max_retries.setRange(0, 10)

        form.addRow("Provider", self.provider_combo)
        url_column = QVBoxLayout()
        url_column.setContentsMargins(0, 0, 0, 0)
        url_column.addWidget(self.base_url_edit)
        url_column.addWidget(self.base_url_message)
        form.addRow("Base URL", url_column)
        form.addRow("Routes", self.dialect_combo)
        form.addRow("Proxy", self.proxy_edit)
        form.addRow("Connect timeout", self.connect_timeout)
        form.addRow("Read timeout", self.read_timeout)
        form.addRow("Retries", self.max_retries)
        self.test_button = QPushButton("Test connection", page)
        self.test_button.setObjectName("providerTestConnection")
        self.test_button.setToolTip("Try each tab's route on this server (nothing is generated)")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.test_result = QLabel(page)
        self.test_result.setObjectName("providerTestResult")
        self.test_result.setAccessibleName("Connection test result")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_result.hide()
        test_column = QVBoxLayout()
        test_column.setContentsMargins(0, 0, 0, 0)
        test_column.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        test_column.addWidget(self.test_result)
        form.addRow("Server", test_column)
        self._test_task: asyncio.Task[Any] | None = None
        self.tools_saved: asyncio.Task[Any] | None = None  # the Tools page's save, after OK
        hint = QLabel(
            "The read timeout is the longest wait between two pieces of a reply; reasoning "
            "models and image or audio models can be slow, so minutes are normal.",
            page,
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow("", hint)
        return page

    def _seconds_box(self, name: str, low: float, high: float, parent: QWidget) -> QDoubleSpinBox:
        box = QDoubleSpinBox(parent)
        box.setObjectName(name)
        box.setRange(low, high)
        box.setDecimals(0)
        box.setSuffix(" s")
        return box

    def _key_page(self, key_source: str, keyring_notice: str | None) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.key_status = QLabel(KEY_SOURCE_TEXTS.get(key_source, ""), page)
        self.key_status.setObjectName("apiKeyStatus")
        self.key_status.setWordWrap(True)
        self.key_form = ApiKeyForm(
            self.services.keys, key_source=key_source, keyring_notice=keyring_notice, parent=page
        )
        self.remove_key_button = QPushButton("Remove the stored key", page)
        self.remove_key_button.setObjectName("apiKeyRemove")
        self.remove_key_button.setAutoDefault(False)
        self.remove_key_button.setEnabled(key_source in ("keyring", "session"))
        self.remove_key_button.clicked.connect(self._on_remove_key_button_clicked)
        hint = QLabel(
            "A key typed here replaces the stored one when you press OK. The key is kept in "
            "the system keyring, never in the settings file.",
            page,
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        layout.addWidget(self.key_status)
        layout.addWidget(self.key_form)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_key_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _models_page(self, models: Mapping[str, Sequence[ModelInfo]]) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.default_model_combos: dict[str, ModelCombo] = {}
        for kind, label in MODEL_KINDS:
            combo = ModelCombo(kind, page)
            combo.setObjectName(f"default{kind.capitalize()}Model")
            combo.setAccessibleName(f"Default {label.lower()} model")
            combo.set_models(models.get(kind, ()))
            combo.set_placeholder("None: the tab remembers the last model used")
            self.default_model_combos[kind] = combo
            form.addRow(label, combo)
        hint = QLabel(
            "A default model is what a tab starts with until you pick another one there.", page
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow("", hint)
        return page

    def _general_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.theme_combo = QComboBox(page)
        self.theme_combo.setObjectName("themeCombo")
        for mode in THEME_MODES:
            self.theme_combo.addItem(THEME_LABELS[mode], mode)
        self.reduce_motion = QCheckBox(
            "Reduce motion (new messages and images appear at once)", page
        )
        self.reduce_motion.setObjectName("reduceMotion")
        self.send_with_enter = QCheckBox("Enter sends a chat message (Shift+Enter: new line)", page)
        self.send_with_enter.setObjectName("sendWithEnter")
        self.stt_parallel = QSpinBox(page)
        self.stt_parallel.setObjectName("sttParallel")
        self.stt_parallel.setAccessibleName("Transcriptions at a time")
        self.stt_parallel.setRange(1, 16)
        self.stt_parallel.setSuffix(" at a time")
        self.stt_upload_limit = QSpinBox(page)
        self.stt_upload_limit.setObjectName("sttUploadLimit")
        self.stt_upload_limit.setAccessibleName("Largest upload before a file is split")
        self.stt_upload_limit.setRange(1, 2000)
        self.stt_upload_limit.setSuffix(" MB; larger files are split")
        form.addRow("Theme", self.theme_combo)
        form.addRow("Motion", self.reduce_motion)
        form.addRow("Chat", self.send_with_enter)
        form.addRow("Transcriptions", self.stt_parallel)
        form.addRow("Upload limit", self.stt_upload_limit)
        return page

    def _folders_page(self, folders: Mapping[str, Path]) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        for label, path in folders.items():
            row = QHBoxLayout()
            shown = QLineEdit(str(path), page)
            shown.setReadOnly(True)
            shown.setObjectName(f"folder{label.split()[0]}")
            shown.setAccessibleName(label)
            opener = QPushButton("Open", page)
            opener.setAutoDefault(False)
            opener.clicked.connect(lambda _checked=False, p=path: self._open_folder(p))
            row.addWidget(shown, 1)
            row.addWidget(opener)
            form.addRow(label, row)
        return page

    # -- values --------------------------------------------------------------------------

    def _load(self, settings: Settings) -> None:
        self._select(self.provider_combo, settings.provider)
        self.base_url_edit.setText(settings.base_url)
        self._select(self.dialect_combo, settings.dialect)
        self._apply_provider_lock(settings.provider)
        self.proxy_edit.setText(settings.proxy)
        self.connect_timeout.setValue(settings.connect_timeout)
        self.read_timeout.setValue(settings.read_timeout)
        self.max_retries.setValue(settings.max_retries)
        self._select(self.theme_combo, settings.theme)
        self.reduce_motion.setChecked(settings.reduce_motion)
        self.send_with_enter.setChecked(settings.send_with_enter)
        self.stt_parallel.setValue(settings.stt_parallel)
        self.stt_upload_limit.setValue(settings.stt_upload_limit_mb)
        self.tools_page.rounds_box.setValue(settings.tool_max_rounds)
        for kind, combo in self.default_model_combos.items():
            combo.set_current_model_id(settings.default_models.get(kind, ""))

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def edited_settings(self) -> Settings:
        """A copy of the settings with this dialog's values."""
        defaults = {
            kind: combo.current_model_id()
            for kind, combo in self.default_model_combos.items()
            if combo.current_model_id()
        }
        return dataclasses.replace(
            self._original,
            provider=self.provider_combo.currentData(),
            base_url=self.base_url_edit.text().strip().rstrip("/"),
            dialect=self.dialect_combo.currentData(),
            proxy=self.proxy_edit.text().strip(),
            connect_timeout=float(self.connect_timeout.value()),
            read_timeout=float(self.read_timeout.value()),
            max_retries=self.max_retries.value(),
            theme=self.theme_combo.currentData(),
            reduce_motion=self.reduce_motion.isChecked(),
            send_with_enter=self.send_with_enter.isChecked(),
            stt_parallel=self.stt_parallel.value(),
            stt_upload_limit_mb=self.stt_upload_limit.value(),
            tool_max_rounds=self.tools_page.rounds_box.value(),
            default_models=defaults,
            last_models=dict(self._original.last_models),
            extra=dict(self._original.extra),
        )

    def new_key(self) -> str:
        """The key typed on the API key page, or "" to keep the current one."""
        return self.key_form.key()

    def set_key_source(self, key_source: str) -> None:
        self.key_status.setText(KEY_SOURCE_TEXTS.get(key_source, ""))
        self.remove_key_button.setEnabled(key_source in ("keyring", "session"))

    # -- connection test -----------------------------------------------------------------

    def _on_test_button_clicked(self) -> None:
        if self._test_task is not None and not self._test_task.done():
            return
        self._test_task = start_task(self.test_connection(), owner=self, name="test connection")

    async def test_connection(self) -> None:
        """Try each tab's route on the server as edited here (not yet saved) and show which
        tabs it supports."""
        error, _warning = check_base_url(self.base_url_edit.text())
        if error:
            self._show_test_result(error)
            return
        self.test_button.setEnabled(False)
        self._show_test_result("Trying each tab's route…")
        try:
            report = await self.services.routes.check(
                base_url=self.base_url_edit.text().strip().rstrip("/"),
                dialect=self.dialect_combo.currentData(),
                proxy=self.proxy_edit.text(),
                api_key=self.new_key() or None,
            )
        except ApiError as exc:
            self._show_test_result(describe(exc))
            return
        finally:
            if shiboken6.isValid(self):
                self.test_button.setEnabled(True)
        lines = [report.summary, *(tab.sentence for tab in report.tabs)]
        self._show_test_result("\n".join(lines))

    def _show_test_result(self, text: str) -> None:
        self.test_result.setText(text)
        self.test_result.setAccessibleDescription(text)
        self.test_result.show()

    # -- validation ----------------------------------------------------------------------

    def validation_error(self) -> tuple[str | None, int]:
        """The first problem that refuses the settings, and the page it is on."""
        error, _warning = check_base_url(self.base_url_edit.text())
        if error:
            return error, 0
        proxy_error = check_proxy(self.proxy_edit.text())
        if proxy_error:
            return proxy_error, 0
        return None, -1

    def accept(self) -> None:
        error, page = self.validation_error()
        if error:
            self.error_label.setText(error)
            self.error_label.show()
            self.pages.setCurrentIndex(page)
            return
        self.error_label.hide()
        saving = self.tools_page.pending_save()
        if saving is not None:  # outlives the dialog, which is deleted once closed
            self.tools_saved = start_task(saving, name="save tools")
        super().accept()

    def reject(self) -> None:
        dropping = self.tools_page.discard()
        if dropping is not None:
            start_task(dropping, name="drop tool changes")
        super().reject()

    # -- slots ---------------------------------------------------------------------------

    def _apply_provider_lock(self, provider: str) -> None:
        custom = provider == "custom"
        self.base_url_edit.setReadOnly(not custom)
        self.dialect_combo.setEnabled(custom)

    def _on_provider_combo_changed(self, _index: int) -> None:
        provider = self.provider_combo.currentData()
        preset = PRESETS.get(provider)
        if preset is not None and preset.base_url:
            self.base_url_edit.setText(preset.base_url)
            self._select(self.dialect_combo, preset.dialect)
        self._apply_provider_lock(provider)
        if provider == "custom":
            self.base_url_edit.setFocus()
            self.base_url_edit.selectAll()

    def _on_base_url_edit_changed(self, text: str) -> None:
        error, warning = check_base_url(text)
        message = error or warning
        self.base_url_message.setText(message or "")
        self.base_url_message.setProperty("role", "error" if error else "warning")
        repolish(self.base_url_message)
        self.base_url_message.setVisible(bool(message))

    def _on_remove_key_button_clicked(self) -> None:
        self.remove_key_requested.emit()

    def _open_folder(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
