"""The API key at first run, in Settings, from the environment and without a keyring."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QToolButton

from app.storage.secrets import SERVICE, USERNAME
from tests.fake_api.scripting import Fault
from tests.ui.conftest import use_server

GOOD_KEY = "good-key-0123456789abcdef"


def _key_dialog(qtbot, window) -> QDialog:
    qtbot.waitUntil(lambda: window.findChild(QDialog, "apiKeyDialog") is not None, timeout=5000)
    dialog = window.findChild(QDialog, "apiKeyDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    return dialog


def _closed(dialog: QDialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _type_key(qtbot, dialog: QDialog, key: str) -> None:
    edit = dialog.findChild(QLineEdit, "apiKeyEdit")
    edit.clear()
    qtbot.keyClicks(edit, key)


def _files_containing(root_dirs: dict[str, Path], needle: str) -> list[Path]:
    found = []
    for root in root_dirs.values():
        for path in root.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                found.append(path)
    return found


def test_first_run_asks_tests_and_saves_the_key_in_the_keyring_only(
    qtbot, open_window, fake_api, memory_keyring, isolated_user_dirs
):
    fake_api.options.require_key = GOOD_KEY
    fake_api.options.balance = 42.5
    use_server(fake_api.url)
    window = open_window()
    dialog = _key_dialog(qtbot, window)
    edit = dialog.findChild(QLineEdit, "apiKeyEdit")
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert "aimlapi.com/app/keys" in dialog.findChild(QLabel, "apiKeyIntro").text()

    _type_key(qtbot, dialog, GOOD_KEY)
    qtbot.mouseClick(dialog.findChild(QPushButton, "apiKeyTest"), Qt.MouseButton.LeftButton)
    result = dialog.findChild(QLabel, "apiKeyResult")
    qtbot.waitUntil(lambda: "works" in result.text(), timeout=5000)
    assert "$42.50" in result.text()

    qtbot.mouseClick(dialog.findChild(QPushButton, "apiKeySave"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _closed(dialog), timeout=5000)
    assert memory_keyring.passwords[(SERVICE, USERNAME)] == GOOD_KEY
    balance = window.status.balance_button
    qtbot.waitUntil(lambda: balance.text() == "Balance: $42.50", timeout=5000)

    window.close()
    assert _files_containing(isolated_user_dirs, GOOD_KEY) == []
    assert GOOD_KEY not in window.windowTitle()


def test_a_refused_key_is_explained_in_a_sentence(qtbot, open_window, fake_api, memory_keyring):
    fake_api.options.require_key = GOOD_KEY
    use_server(fake_api.url)
    window = open_window()
    dialog = _key_dialog(qtbot, window)
    _type_key(qtbot, dialog, "wrong-key-9876543210")
    qtbot.mouseClick(dialog.findChild(QPushButton, "apiKeyTest"), Qt.MouseButton.LeftButton)
    result = dialog.findChild(QLabel, "apiKeyResult")
    qtbot.waitUntil(lambda: "refused" in result.text(), timeout=5000)
    assert result.text().startswith("The API key was refused")
    assert "Settings" not in result.text()  # the person is already where keys are entered
    assert memory_keyring.passwords == {}


def test_a_stored_key_that_is_refused_shows_in_the_message_bar(
    qtbot, open_window, fake_api, memory_keyring
):
    fake_api.options.require_key = GOOD_KEY
    memory_keyring.set_password(SERVICE, USERNAME, "revoked-key-123456")
    use_server(fake_api.url)
    window = open_window()
    bar = window.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "refused" in bar.text, timeout=5000)
    assert bar.level == "error"
    assert window.status.connection_state == "key_refused"
    assert window.findChild(QDialog, "apiKeyDialog") is None


def test_the_environment_key_wins_for_this_run_and_is_never_stored(
    qtbot, open_window, fake_api, memory_keyring, monkeypatch, isolated_user_dirs
):
    monkeypatch.setenv("AIML_API_KEY", GOOD_KEY)
    memory_keyring.set_password(SERVICE, USERNAME, "stored-key-abcdef")
    fake_api.options.require_key = GOOD_KEY
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: window.status.balance_button.text() == "Balance: $12.50", timeout=5000)
    assert window.findChild(QDialog, "apiKeyDialog") is None
    billing = fake_api.requests_to("/v2/billing")
    assert billing[-1].headers.get("Authorization") == f"Bearer {GOOD_KEY}"

    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    assert "AIML_API_KEY" in settings.findChild(QLabel, "apiKeyStatus").text()
    settings.reject()
    window.close()
    assert memory_keyring.passwords[(SERVICE, USERNAME)] == "stored-key-abcdef"
    assert _files_containing(isolated_user_dirs, GOOD_KEY) == []


def test_without_a_keyring_the_key_lives_for_this_session_and_says_so(
    qtbot, open_window, fake_api, isolated_user_dirs
):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    fake_api.options.require_key = GOOD_KEY
    use_server(fake_api.url)
    window = open_window()
    dialog = _key_dialog(qtbot, window)
    notes = dialog.findChild(QLabel, "apiKeyNotes")
    assert notes.isVisibleTo(dialog)
    assert "No system keyring" in notes.text()
    assert "this session only" in notes.text()

    _type_key(qtbot, dialog, GOOD_KEY)
    qtbot.mouseClick(dialog.findChild(QPushButton, "apiKeySave"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _closed(dialog), timeout=5000)
    bar = window.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and "session only" in bar.text, timeout=5000)
    qtbot.waitUntil(lambda: window.status.balance_button.text() == "Balance: $12.50", timeout=5000)
    window.close()
    assert _files_containing(isolated_user_dirs, GOOD_KEY) == []


def test_settings_replace_and_remove_the_key(qtbot, open_window, fake_api, memory_keyring):
    memory_keyring.set_password(SERVICE, USERNAME, "old-key-abcdef123")
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: window.connection.key_source == "keyring", timeout=5000)

    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    edit = settings.findChild(QLineEdit, "apiKeyEdit")
    qtbot.keyClicks(edit, "new-key-fedcba987")
    qtbot.mouseClick(settings.findChild(QPushButton, "settingsOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: memory_keyring.passwords.get((SERVICE, USERNAME)) == "new-key-fedcba987",
        timeout=5000,
    )

    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    remove = settings.findChild(QPushButton, "apiKeyRemove")
    assert remove.isEnabled()
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: memory_keyring.passwords == {}, timeout=5000)
    status = settings.findChild(QLabel, "apiKeyStatus")
    qtbot.waitUntil(lambda: status.text() == "No key yet.", timeout=5000)
    assert window.status.connection_state == "no_key"
    settings.reject()


def test_the_show_toggle_unmasks_the_key(qtbot, open_window, fake_api):
    use_server(fake_api.url)
    window = open_window()
    dialog = _key_dialog(qtbot, window)
    edit = dialog.findChild(QLineEdit, "apiKeyEdit")
    toggle = dialog.findChild(QToolButton, "apiKeyEditShow")
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def test_removing_the_key_while_the_balance_is_asked_for_shows_no_key(
    qtbot, open_window, fake_api, memory_keyring
):
    memory_keyring.set_password(SERVICE, USERNAME, "old-key-abcdef123")
    use_server(fake_api.url)
    window = open_window()
    qtbot.waitUntil(lambda: window.status.connection_state == "online", timeout=5000)

    fake_api.script("/v2/billing", Fault.delay(0.6))  # the balance for the new key is slow
    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    qtbot.keyClicks(settings.findChild(QLineEdit, "apiKeyEdit"), "new-key-fedcba987")
    qtbot.mouseClick(settings.findChild(QPushButton, "settingsOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.status.balance_button.text() == "Balance: …", timeout=5000)

    window.remove_key()
    qtbot.waitUntil(lambda: memory_keyring.passwords == {}, timeout=5000)
    qtbot.wait(900)  # the slow answer has come back by now
    assert window.status.connection_state == "no_key"
