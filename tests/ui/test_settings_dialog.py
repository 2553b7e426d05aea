"""The Settings dialog: presets, validation, and settings that survive a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialog, QLabel, QLineEdit

from app.storage.paths import settings_path
from app.storage.settings import load_settings
from app.ui.dialogs.settings import check_base_url
from tests.ui.conftest import use_server


def _settings_dialog(window) -> QDialog:
    window.open_settings()
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def _select(combo: QComboBox, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_settings_persist_across_a_restart(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window()
    window.resize(900, 640)
    window.tabs.setCurrentIndex(2)
    dialog = _settings_dialog(window)
    _select(dialog.findChild(QComboBox, "themeCombo"), "dark")
    dialog.findChild(QCheckBox, "sendWithEnter").setChecked(True)
    dialog.findChild(QLineEdit, "proxyEdit").setText("http://127.0.0.1:3128")
    dialog.read_timeout.setValue(600)
    dialog.max_retries.setValue(3)
    dialog.stt_parallel.setValue(4)
    dialog.stt_upload_limit.setValue(10)
    dialog.default_model_combos["chat"].setEditText("my/default-chat")
    dialog.accept()
    assert not dialog.isVisible()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100
    window.close()

    saved = load_settings()
    assert (saved.theme, saved.send_with_enter, saved.proxy) == (
        "dark",
        True,
        "http://127.0.0.1:3128",
    )
    again = open_window(start=False)
    assert again.services.settings.read_timeout == 600
    assert (saved.stt_parallel, saved.stt_upload_limit_mb) == (4, 10)
    assert again.services.settings.max_retries in (3, 0)
    assert again.tabs.currentIndex() == 2
    assert (again.width(), again.height()) == (900, 640)
    assert again.services.settings.default_models == {"chat": "my/default-chat"}
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100
    dialog = _settings_dialog(again)
    assert dialog.findChild(QComboBox, "themeCombo").currentData() == "dark"
    assert dialog.findChild(QLineEdit, "baseUrlEdit").text() == fake_api.url
    dialog.reject()


def test_a_url_that_is_not_http_is_refused_with_a_sentence(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window(start=False)
    dialog = _settings_dialog(window)
    edit = dialog.findChild(QLineEdit, "baseUrlEdit")
    edit.setText("ftp://files.example.com")
    dialog.accept()
    assert dialog.isVisible()
    error = dialog.findChild(QLabel, "settingsError")
    assert error.isVisibleTo(dialog)
    assert "must start with http:// or https://" in error.text()
    assert load_settings().base_url == fake_api.url


def test_plain_http_to_another_machine_gets_a_warning_but_is_allowed(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window(start=False)
    dialog = _settings_dialog(window)
    message = dialog.findChild(QLabel, "baseUrlMessage")
    edit = dialog.findChild(QLineEdit, "baseUrlEdit")
    edit.setText("http://127.0.0.1:9/")
    assert not message.isVisibleTo(dialog)
    edit.setText("http://gpu-box.lan:8080")
    assert message.isVisibleTo(dialog)
    assert "unencrypted" in message.text()
    assert dialog.validation_error() == (None, -1)


def test_presets_fill_the_url_and_routes(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window(start=False)
    dialog = _settings_dialog(window)
    provider = dialog.findChild(QComboBox, "providerCombo")
    edit = dialog.findChild(QLineEdit, "baseUrlEdit")
    dialect = dialog.findChild(QComboBox, "dialectCombo")
    _select(provider, "openai")
    assert (edit.text(), dialect.currentData(), edit.isReadOnly()) == (
        "https://api.openai.com",
        "openai",
        True,
    )
    _select(provider, "aimlapi")
    assert (edit.text(), dialect.currentData()) == ("https://api.aimlapi.com", "aimlapi")
    _select(provider, "custom")
    assert not edit.isReadOnly() and dialect.isEnabled()
    dialog.reject()
    assert load_settings().provider == "custom"


def test_the_key_never_reaches_the_settings_file(qtbot, open_window, fake_api, memory_keyring):
    use_server(fake_api.url)
    window = open_window(start=False)
    dialog = _settings_dialog(window)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "apiKeyEdit"), "secret-key-5555aaaa")
    dialog.accept()
    qtbot.waitUntil(lambda: bool(memory_keyring.passwords), timeout=5000)
    window.close()
    assert "secret-key-5555aaaa" not in settings_path().read_text(encoding="utf-8")


def test_base_url_checks():
    assert check_base_url("https://api.aimlapi.com") == (None, None)
    assert check_base_url("http://localhost:1234/v1") == (None, None)
    assert check_base_url("http://[::1]:8000")[1] is None
    assert check_base_url("api.aimlapi.com")[0]
    assert check_base_url("")[0]
    assert check_base_url("http://10.0.0.5:11434")[1]


def test_folders_are_shown_read_only(qtbot, open_window, fake_api, isolated_user_dirs):
    use_server(fake_api.url)
    window = open_window(start=False)
    dialog = _settings_dialog(window)
    data = dialog.findChild(QLineEdit, "folderData")
    assert data.isReadOnly()
    assert data.text().startswith(str(isolated_user_dirs["data"]))
    assert (
        dialog.findChild(QLineEdit, "folderLogs")
        .text()
        .startswith(str(isolated_user_dirs["state"]))
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
