"""Settings → Provider → Test connection: which tabs the edited server supports; a tab it
cannot serve says so when opened, before the person tries it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton

from tests.fake_api import FakeApi, Reply
from tests.ui.conftest import use_server

SCREENSHOTS = os.environ.get("AIML_SCREENSHOTS")  # a folder: save the dialog there


def _open_settings(window: Any) -> QDialog:
    window.open_settings()
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_test_connection_names_the_tabs_and_a_missing_tab_says_so(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "routes-key-0123456789")
    # the saved server; the test is of the edited one
    use_server("https://api.aimlapi.com", theme=os.environ.get("AIML_SCREENSHOT_THEME", "light"))
    window = open_window(start=False)
    dialog = _open_settings(window)
    dialog.findChild(QComboBox, "providerCombo").setCurrentIndex(
        dialog.findChild(QComboBox, "providerCombo").findData("custom")
    )
    dialog.findChild(QLineEdit, "baseUrlEdit").setText(fake_api.url)
    routes = dialog.findChild(QComboBox, "dialectCombo")
    routes.setCurrentIndex(routes.findData("openai"))
    missing = Reply(status=404, json={"detail": "Not Found"})
    fake_api.script("/v1/audio/speech", missing)
    fake_api.script("/v1/tts", missing)

    button = dialog.findChild(QPushButton, "providerTestConnection")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    result = dialog.findChild(QLabel, "providerTestResult")
    qtbot.waitUntil(lambda: "supports" in result.text(), timeout=5000)
    lines = result.text().splitlines()
    assert lines[0] == "This server supports Chat, Images and Speech to text; not Text to speech."
    assert "Text to speech: not available on this server (POST /v1/audio/speech answered 404)." in (
        lines
    )
    assert button.isEnabled()
    posted = [r.path for r in fake_api.requests if r.method == "POST"]
    assert "/v1/audio/speech" in posted and all(
        r.json == {} for r in fake_api.requests if r.method == "POST"
    )
    if SCREENSHOTS:
        qtbot.wait(100)  # let the form lay out the longer result
        dialog.grab().save(str(Path(SCREENSHOTS) / "settings-test-connection.png"))

    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    window.tabs.setCurrentWidget(window.tab_pages["tts"])
    bar = window.message_bar
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    assert bar.level == "notice"
    assert bar.text.startswith("Text to speech: not available on this server")
    window.tabs.setCurrentWidget(window.tab_pages["chat"])
    window.message_bar.clear()
    window.tabs.setCurrentWidget(window.tab_pages["image"])
    assert not bar.isVisible()


def test_an_unreachable_server_is_one_sentence(qtbot: Any, open_window: Any) -> None:
    window = open_window(start=False)
    dialog = _open_settings(window)
    dialog.findChild(QComboBox, "providerCombo").setCurrentIndex(
        dialog.findChild(QComboBox, "providerCombo").findData("custom")
    )
    dialog.findChild(QLineEdit, "baseUrlEdit").setText("http://127.0.0.1:9")
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "providerTestConnection"), Qt.MouseButton.LeftButton
    )
    result = dialog.findChild(QLabel, "providerTestResult")
    qtbot.waitUntil(lambda: "reach" in result.text(), timeout=8000)
    assert result.text().startswith("Could not reach the server.")
