"""A server that crashed during a conversation is shown as failed, and the next call's approval
says that allowing it starts the server again; allowed, it does."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from app.services.mcp_status import ServerState
from app.storage.tool_config import ToolConfig
from tests.mcp_server import server_config
from tests.ui.chat.conftest import chat_tab, type_and_send, wait_reply
from tests.ui.chat.test_tool_calls import answer
from tests.ui.tools.test_chat_with_mcp import approval_dialog, save_tools, switch_tools_on

__all__ = ["chat_tab"]  # the fixture, used by name below


def test_the_next_call_offers_to_restart_a_crashed_server(
    qtbot: Any, chat_tab: Any, fake_api: Any
) -> None:
    calc = server_config("calc")
    save_tools(qtbot, chat_tab, ToolConfig(servers=(calc,)))
    host = chat_tab.services.mcp_host
    fake_api.options.tool_calls = [{"name": "crash", "arguments": {}}]
    fake_api.options.tool_call_rounds = 1
    switch_tools_on(qtbot, chat_tab)
    type_and_send(qtbot, chat_tab, "Crash it")
    first = approval_dialog(qtbot)
    assert not first.findChild(QLabel, "toolApprovalRestart").isVisible()
    answer(qtbot, first, "toolApprovalAllowOnce")
    wait_reply(qtbot, chat_tab, 3, timeout=30_000)
    qtbot.waitUntil(lambda: host.status(calc.id).state is ServerState.FAILED, timeout=10_000)

    fake_api.options.tool_calls = [{"name": "add", "arguments": {"a": 1, "b": 1}}]
    type_and_send(qtbot, chat_tab, "Add again")
    second = approval_dialog(qtbot)
    note = second.findChild(QLabel, "toolApprovalRestart")
    assert note.isVisible()
    assert note.text().startswith(
        "The server “calc” has failed; allowing this call starts it again. What happened: "
    )
    answer(qtbot, second, "toolApprovalAllowOnce")
    reply = wait_reply(qtbot, chat_tab, 6, timeout=30_000)
    assert reply.content == "From the tools: add said 2."
    assert host.status(calc.id).state is ServerState.READY
