"""The window completes a tool-using conversation against the stand-in and a real MCP server:
the approval dialog, "Always allow" remembered across conversations, and the Tools menu of a
conversation switching the server off, and no server left running after the window closes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QToolButton

from app.storage.tool_config import ToolConfig, ToolConfigStore
from app.ui.asyncutils import start_task
from app.ui.chat.tool_approval import ToolApprovalDialog
from tests.mcp_server import process_alive, server_config
from tests.ui.chat.conftest import chat_bodies, chat_tab, messages, type_and_send, wait_reply
from tests.ui.chat.test_tool_calls import answer

__all__ = ["chat_tab"]  # the fixture, used by name below

PLAN = [{"name": "add", "arguments": {"a": 2, "b": 40}}]


def approval_dialog(qtbot: Any) -> ToolApprovalDialog:
    """The approval dialog, once the server has started (a second or more on a busy machine)."""

    def shown() -> list[ToolApprovalDialog]:
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ToolApprovalDialog) and w.isVisible()
        ]

    qtbot.waitUntil(lambda: bool(shown()), timeout=20_000)
    return shown()[0]


def save_tools(qtbot: Any, tab: Any, config: ToolConfig) -> None:
    """Saves the tool config the way Settings → Tools does, through the app's shared copy."""
    task = start_task(tab.services.tool_settings.save(config))
    qtbot.waitUntil(task.done, timeout=5000)


def switch_tools_on(qtbot: Any, tab: Any) -> None:
    toggle = tab.findChild(QCheckBox, "chatToolsToggle")
    assert toggle.isVisible()
    if not toggle.isChecked():
        qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)


def test_a_conversation_calls_a_real_mcp_server(qtbot: Any, chat_tab: Any, fake_api: Any) -> None:
    calc = server_config("calc")
    save_tools(qtbot, chat_tab, ToolConfig(servers=(calc,)))
    host = chat_tab.services.mcp_host
    assert host.thread is None  # nothing started with the window
    fake_api.options.tool_calls = PLAN
    switch_tools_on(qtbot, chat_tab)
    type_and_send(qtbot, chat_tab, "What is 2 + 40?")

    dialog = approval_dialog(qtbot)
    assert "add" in dialog.findChild(QLabel, "toolApprovalTool").text()
    answer(qtbot, dialog, "toolApprovalAlwaysAllow")
    reply = wait_reply(qtbot, chat_tab, 3, timeout=30_000)
    assert reply.content.startswith("From the tools: add said 42")
    sent = chat_bodies(fake_api)[0]
    assert {t["function"]["name"] for t in sent["tools"]} >= {"add", "echo", "sleep_forever"}
    assert ToolConfigStore().load().always_allowed == {"calc/add"}
    assert host.status(calc.id).state.value == "ready"

    # a new conversation: the remembered choice lets the call run without asking
    chat_tab.new_conversation()
    switch_tools_on(qtbot, chat_tab)
    type_and_send(qtbot, chat_tab, "And again?")
    reply = wait_reply(qtbot, chat_tab, 3, timeout=15_000)
    assert reply.content.startswith("From the tools: add said 42")
    assert messages(chat_tab)[1].meta["tool_calls"][0]["approval"] == "always_allow"

    # the conversation's Tools menu switches the server off for this conversation only
    button = chat_tab.findChild(QToolButton, "chatToolsButton")
    button.rebuild()
    server_entry = button.tools_menu.findChild(QAction, f"chatToolServer_{calc.id}")
    assert server_entry.isChecked()
    server_entry.setChecked(False)
    assert chat_tab.conversation.settings["tool_sources"] == {"servers": []}
    fake_api.options.tool_calls = []
    type_and_send(qtbot, chat_tab, "Now without tools")
    wait_reply(qtbot, chat_tab, 5, timeout=15_000)
    assert "tools" not in chat_bodies(fake_api)[-1]

    # quitting stops the server: no process is left behind
    task = start_task(host.call(calc, "pid", {}, 10))
    qtbot.waitUntil(task.done, timeout=10_000)
    pid = int(task.result().text)
    assert process_alive(pid)
    window = chat_tab.window()
    window.close()
    window.services.close()
    assert not process_alive(pid)
