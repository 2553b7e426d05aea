"""The command line's connection flags reach the window: routes, and the server it names."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from app.cli import build_parser, connection_overrides
from tests.fake_api import FakeApi

KEY = "flags-key-0123456789"
WAIT_MS = 12000


def test_dialect_and_base_url_flags_apply_to_the_window(
    qtbot: Any, open_window: Any, fake_api: FakeApi, monkeypatch: Any
) -> None:
    monkeypatch.setenv("AIML_API_KEY", KEY)
    args = build_parser().parse_args(["--base-url", fake_api.url + "/v1", "--dialect", "openai"])
    window = open_window(**connection_overrides(args))
    provider = window.findChild(QLabel, "statusProvider").text()
    assert "AIML API" not in provider
    assert "127.0.0.1" in provider

    window.tabs.setCurrentWidget(window.tab_pages["tts"])
    page = window.tab_pages["tts"]
    qtbot.waitUntil(lambda: bool(page.model_combo.current_model_id()), timeout=WAIT_MS)
    editor = page.findChild(QPlainTextEdit, "ttsText")
    editor.setPlainText("Hello from a flag.")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(r.path == "/v1/audio/speech" for r in fake_api.requests), timeout=WAIT_MS
    )
    assert not any(r.path == "/v1/tts" for r in fake_api.requests)
