"""File ▸ Back up everything… and File ▸ Restore from backup… in a real window."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase
from app.storage.paths import media_dir
from app.storage.settings import load_settings
from tests.ui.conftest import use_server

KEY = "menu-backup-key-0123456789"


@pytest.fixture
def window(open_window, fake_api, monkeypatch):
    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url, theme="dark")
    with HistoryDatabase() as history:
        ChatStore(history).create_conversation("Before the backup")
    (media_dir("images") / "kept.png").write_bytes(b"\x89PNG kept")
    return open_window()


def _visible(window: QWidget, kind: type[QWidget]) -> Any:
    found = [w for w in window.findChildren(kind) if w.isVisible()]
    return found[-1] if found else None


def _trigger(window: QWidget, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None and action.isEnabled()
    action.trigger()


def _choose_file(qtbot, window, path: Path) -> None:
    qtbot.waitUntil(lambda: _visible(window, QFileDialog) is not None, timeout=3000)
    dialog = _visible(window, QFileDialog)
    dialog.setDirectory(str(path.parent))
    dialog.findChild(QLineEdit, "fileNameEdit").setText(path.name)  # typed by the person
    assert dialog.selectedFiles() == [str(path)]
    dialog.accept()


def _answer(qtbot, window, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: _visible(window, QMessageBox) is not None, timeout=3000)
    box = _visible(window, QMessageBox)
    assert "safety folder" in box.text()
    box.button(button).click()


def _titles(window) -> list[str]:
    return [c.title for c in ChatStore(window.services.history).conversations()]


def _back_up(qtbot, window, target: Path) -> None:
    _trigger(window, "actionBackUp")
    _choose_file(qtbot, window, target)
    qtbot.waitUntil(lambda: window.message_bar.text.startswith("Backed up"), timeout=10000)


def test_back_up_then_restore_from_the_file_menu(qtbot, window, tmp_path):
    menu_texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Back up everything…" in menu_texts and "&Restore from backup…" in menu_texts

    _back_up(qtbot, window, tmp_path / "menu-backup")
    archive = tmp_path / "menu-backup.zip"
    assert str(archive) in window.message_bar.text
    assert _visible(window, QProgressDialog) is None
    with zipfile.ZipFile(archive) as zf:
        assert "data/images/kept.png" in zf.namelist()
        assert all(KEY.encode() not in zf.read(name) for name in zf.namelist())

    ChatStore(window.services.history).create_conversation("After the backup")
    (media_dir("images") / "kept.png").unlink()
    window.services.settings.theme = "light"
    _trigger(window, "actionRestore")
    _choose_file(qtbot, window, archive)
    _answer(qtbot, window, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: "is restored" in window.message_bar.text, timeout=10000)

    assert window.message_bar.level == "notice"
    assert "restart AIML Desktop" in window.message_bar.text
    assert window.message_bar.action_text == "Quit now"
    assert not window.tabs.isEnabled()
    assert _titles(window) == ["Before the backup"]
    assert (media_dir("images") / "kept.png").read_bytes() == b"\x89PNG kept"
    window.close()
    assert load_settings().theme == "dark"


def test_a_damaged_archive_is_refused_in_the_message_bar(qtbot, window, tmp_path):
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04 only the start of a zip")
    _trigger(window, "actionRestore")
    _choose_file(qtbot, window, damaged)
    _answer(qtbot, window, QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: window.message_bar.level == "error", timeout=10000)
    assert window.message_bar.text.startswith("Cannot restore damaged.zip")
    assert window.tabs.isEnabled()
    assert _titles(window) == ["Before the backup"]
    assert (media_dir("images") / "kept.png").exists()


def test_saying_no_restores_nothing(qtbot, window, tmp_path):
    _back_up(qtbot, window, tmp_path / "b.zip")
    ChatStore(window.services.history).create_conversation("Kept")
    _trigger(window, "actionRestore")
    _choose_file(qtbot, window, tmp_path / "b.zip")
    _answer(qtbot, window, QMessageBox.StandardButton.No)
    qtbot.wait(200)
    assert sorted(_titles(window)) == ["Before the backup", "Kept"]
    assert window.tabs.isEnabled()


def test_cancel_in_the_progress_dialog_leaves_no_file(qtbot, window, tmp_path):
    big = media_dir("images") / "big.png"
    with big.open("wb") as handle:  # sparse: quick to make, slow enough to copy
        handle.truncate(768 << 20)
    target = tmp_path / "cancelled.zip"
    _trigger(window, "actionBackUp")
    _choose_file(qtbot, window, target)
    qtbot.waitUntil(lambda: _visible(window, QProgressDialog) is not None, timeout=3000)
    progress = _visible(window, QProgressDialog)
    qtbot.waitUntil(lambda: progress.value() > 0, timeout=5000)
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()
    qtbot.waitUntil(lambda: "cancelled" in window.message_bar.text, timeout=10000)
    assert window.message_bar.text == "The backup was cancelled; no file was written."
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
