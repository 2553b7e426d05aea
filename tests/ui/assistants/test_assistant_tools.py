"""A chat started from an assistant that lists tools has those tools: offered to the model,
approved in the dialog, shown on in the conversation's Tools menu."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QListWidget, QPushButton, QToolButton

from app.services.assistants import AssistantService
from app.services.context import Services
from app.storage.assistants import Assistant
from app.storage.tool_config import ToolConfig, ToolConfigStore
from tests.mcp_server import server_config
from tests.ui.assistants.test_library_window import _names, _pick
from tests.ui.tools.test_chat_with_mcp import approval_dialog

KEY = "assistant-tools-key-0123456789"


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch, fake_api: Any) -> None:
    from tests.ui.conftest import use_server

    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url)


def test_an_assistants_tools_are_the_conversations_toolbox(
    qtbot: Any, open_window: Any, keyed: None, fake_api: Any
) -> None:
    calc = server_config("calc")
    ToolConfigStore().save(ToolConfig(servers=(calc,)))  # enabled, but not the assistant's
    services = Services()
    try:
        AssistantService(services).save(
            Assistant(name="Clock", system_prompt="Tell the time.", tools=("current_date_time",))
        )
    finally:
        services.close()
    fake_api.options.tool_calls = [
        {"name": "current_date_time", "arguments": {"timezone": "Asia/Tokyo"}}
    ]

    window = open_window()
    window.findChild(QAction, "actionAssistants").trigger()
    from app.ui.assistants.library import AssistantLibraryWindow

    library = window.findChild(AssistantLibraryWindow, "assistantsLibrary")
    items = library.findChild(QListWidget, "assistantList")
    qtbot.waitUntil(lambda: any("Clock" in name for name in _names(items)), timeout=3000)
    _pick(items, "Clock")
    qtbot.mouseClick(
        library.findChild(QPushButton, "assistantStartChat"), Qt.MouseButton.LeftButton
    )
    chat = window.tab_pages["chat"]
    qtbot.waitUntil(lambda: chat.conversation is not None, timeout=3000)
    assert chat.findChild(QCheckBox, "chatToolsToggle").isChecked()
    button = chat.findChild(QToolButton, "chatToolsButton")
    qtbot.waitUntil(lambda: button.text() == "1 chosen", timeout=3000)

    chat.input.setPlainText("What time is it?")
    chat.findChild(object, "chatSend").click()
    dialog = approval_dialog(qtbot)
    qtbot.mouseClick(
        dialog.findChild(QPushButton, "toolApprovalAllowOnce"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: len(fake_api.requests_to("/v1/chat/completions")) == 2, timeout=10_000)
    first = fake_api.requests_to("/v1/chat/completions")[0].json
    assert [t["function"]["name"] for t in first["tools"]] == ["current_date_time"]
    qtbot.waitUntil(lambda: not chat.streaming, timeout=5000)
    reply = chat.history.store.messages(chat.conversation.id)[-1]
    assert reply.content.startswith("From the tools: current_date_time said ")
    assert chat.services.mcp_host.thread is None  # the calc server was never started

    # the menu shows the assistant's choice, and can change it
    button.menu().aboutToShow.emit()
    clock = button.menu().findChild(QAction, "chatTool_builtin_current_date_time")
    assert clock is not None and clock.isChecked()
    server = button.menu().findChild(QAction, f"chatToolServer_{calc.id}")
    assert server is not None and not server.isChecked()
