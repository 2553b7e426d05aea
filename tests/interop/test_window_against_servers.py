"""The window against LiteLLM proxy and mock-ai-api, opened as ``aiml-desktop --base-url URL
--dialect openai`` opens it: every tab once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from app.cli import build_parser, connection_overrides
from app.ui.chat.tab import ChatTab
from app.ui.images.tab import ImagesTab
from app.ui.speech.tab import SpeechTab
from app.ui.transcription.tab import TranscriptionTab
from tests.fake_api.media import wav_bytes
from tests.interop.servers import Server
from tests.ui.chat.conftest import type_and_send, wait_reply

pytestmark = [pytest.mark.interop, pytest.mark.timeout(900)]

WAIT_MS = 20000


def _window(open_window: Any, server: Server) -> Any:
    args = build_parser().parse_args(["--base-url", server.url, "--dialect", "openai"])
    return open_window(**connection_overrides(args))


def _tab(qtbot: Any, window: Any, cls: type, model: str) -> Any:
    tab = window.findChild(cls)
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: model in tab.model_combo.model_ids(), timeout=WAIT_MS)
    tab.model_combo.set_current_model_id(model)
    tab.model_combo.model_changed.emit(model)
    return tab


def test_status_bar_names_the_server(qtbot: Any, open_window: Any, litellm: Server, keyed: str):
    window = _window(open_window, litellm)
    provider = window.findChild(QLabel, "statusProvider").text()
    assert "AIML API" not in provider and "127.0.0.1" in provider
    qtbot.waitUntil(lambda: "n/a" in window.status.balance_button.text(), timeout=WAIT_MS)


def test_chat_tab(qtbot: Any, open_window: Any, litellm: Server, keyed: str) -> None:
    tab = _tab(qtbot, _window(open_window, litellm), ChatTab, "chat-mock")
    type_and_send(qtbot, tab, "Hello")
    reply = wait_reply(qtbot, tab, 2, timeout=WAIT_MS)
    assert (reply.status, reply.content) == ("complete", "Hello from the mock model.")


def test_chat_tab_tool_call_only_reply(
    qtbot: Any, open_window: Any, mock_ai_api: Server, keyed: str
) -> None:
    window = _window(open_window, mock_ai_api)
    tab = _tab(qtbot, window, ChatTab, "gpt-4.1")
    tab.model_combo.set_current_model_id("gpt-4.1:mock-tool-stream")  # a mock-ai-api scenario
    type_and_send(qtbot, tab, "Hello")
    wait_reply(qtbot, tab, 2, timeout=WAIT_MS)
    qtbot.waitUntil(tab.message_bar.isVisible, timeout=WAIT_MS)
    assert tab.message_bar.text.startswith("The reply was empty")


def test_images_tab(qtbot: Any, open_window: Any, litellm: Server, keyed: str) -> None:
    tab = _tab(qtbot, _window(open_window, litellm), ImagesTab, "painter")
    tab.set_prompt("a red dot")
    qtbot.keyClick(tab.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(tab.cards), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.cards[0].state != "running", timeout=WAIT_MS)
    assert tab.cards[0].state == "done", tab.message_bar.text
    assert tab.gallery_model.rowCount() == 1


def test_speech_tab_reaches_the_speech_route(
    qtbot: Any, open_window: Any, litellm: Server, keyed: str
) -> None:
    tab = _tab(qtbot, _window(open_window, litellm), SpeechTab, "voice")
    editor = tab.findChild(QPlainTextEdit, "ttsText")
    editor.setPlainText("Hello there.")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    bar = tab.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.level in ("error", "info"), timeout=WAIT_MS)
    # mock-ai-api answers every speech request with the same few bytes that are no real MP3:
    # the route was found (no "not found") and the person reads why nothing plays.
    assert bar.text == (
        "The audio could not be read: it is damaged, or not in a sound format FFmpeg knows."
    )


def test_speech_to_text_tab(
    qtbot: Any, open_window: Any, mock_ai_api: Server, keyed: str, tmp_path: Path
) -> None:
    window = _window(open_window, mock_ai_api)
    window.services.transcription.poll_interval = 0.05
    tab = _tab(qtbot, window, TranscriptionTab, "whisper-1")
    clip = tmp_path / "call.wav"
    clip.write_bytes(wav_bytes(1.2))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    tab.dropEvent(
        QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    qtbot.waitUntil(
        lambda: bool(tab.queue.jobs()) and all(j.status == "done" for j in tab.queue.jobs()),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: "thanks for calling support" in tab.view.plain_text(), timeout=WAIT_MS)


def test_test_connection_on_litellm_with_the_wrong_routes(
    qtbot: Any, open_window: Any, litellm: Server, keyed: str
) -> None:
    args = build_parser().parse_args(["--base-url", litellm.url, "--dialect", "aimlapi"])
    window = open_window(**connection_overrides(args))
    window.open_settings()
    dialog = window.findChild(QDialog, "settingsDialog")
    provider = dialog.findChild(QComboBox, "providerCombo")
    provider.setCurrentIndex(provider.findData("custom"))
    dialog.findChild(QLineEdit, "baseUrlEdit").setText(litellm.url)
    routes = dialog.findChild(QComboBox, "dialectCombo")
    routes.setCurrentIndex(routes.findData("aimlapi"))
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "providerTestConnection"), Qt.MouseButton.LeftButton
    )
    result = dialog.findChild(QLabel, "providerTestResult")
    qtbot.waitUntil(lambda: "supports" in result.text(), timeout=WAIT_MS)
    assert result.text().splitlines()[0] == (
        "This server supports Chat and Images; not Speech to text and Text to speech."
    )
    assert "this server has the OpenAI routes" in result.text()
    dialog.accept()
    window.tabs.setCurrentWidget(window.tab_pages["stt"])
    qtbot.waitUntil(window.message_bar.isVisible, timeout=WAIT_MS)
    assert window.message_bar.text.startswith("Speech to text: not with these routes")
