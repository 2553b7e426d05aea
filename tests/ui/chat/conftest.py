"""The Chat tab in a real main window against the stand-in gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.storage.chat_store import Message
from app.ui.chat.tab import ChatTab
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server


@pytest.fixture
def chat_tab(
    qtbot: Any, open_window: Callable[..., Any], fake_api: FakeApi, monkeypatch: Any
) -> ChatTab:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)
    window = open_window()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
    tab.model_combo.set_current_model_id("openai/gpt-4o")
    return tab


def messages(tab: ChatTab) -> list[Message]:
    return tab.transcript_model.messages()


def type_and_send(qtbot: Any, tab: ChatTab, text: str) -> None:
    """Type into chatInput and press Ctrl+Enter."""
    tab.input.setFocus()
    tab.input.setPlainText(text)
    qtbot.keyClick(tab.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def wait_reply(qtbot: Any, tab: ChatTab, count: int, timeout: int = 8000) -> Message:
    """Wait until the transcript holds ``count`` messages and the last reply has ended."""
    qtbot.waitUntil(
        lambda: (
            len(messages(tab)) == count
            and messages(tab)[-1].status != "streaming"
            and not tab.streaming
        ),
        timeout=timeout,
    )
    return messages(tab)[-1]


def click_action(qtbot: Any, tab: ChatTab, row: int, action: str) -> None:
    """Click the ``action`` link under the message in ``row`` of chatTranscript."""
    view = tab.transcript
    view.scroll_to_row(row)
    qtbot.wait(20)
    rect = tab.delegate.action_rect(tab.transcript_model.index(row), action)
    assert rect is not None, f"no {action} link on row {row}"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click(qtbot: Any, tab: ChatTab, name: str) -> None:
    button = tab.findChild(QPushButton, name)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def chat_bodies(fake_api: FakeApi) -> list[dict[str, Any]]:
    return [r.json for r in fake_api.requests if r.path.endswith("/chat/completions")]
