"""Tool calls in the window: the approval dialog, the folded blocks, storage and export."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QPlainTextEdit, QPushButton

from app.ui.asyncutils import start_task
from app.ui.chat.tool_approval import ToolApprovalDialog
from tests.tools.local_toolbox import LocalToolBox
from tests.ui.chat.conftest import chat_bodies, messages, type_and_send, wait_reply

PLAN = [
    {"name": "get_weather", "arguments": {"city": "Paris"}},
    {"name": "get_weather", "arguments": {"city": "Tokyo"}},
]


def approval_dialog(qtbot) -> ToolApprovalDialog:
    found: list[ToolApprovalDialog] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ToolApprovalDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=5000)
    return found[0]


def answer(qtbot, dialog: ToolApprovalDialog, button: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, button), Qt.MouseButton.LeftButton)


def tools_on(qtbot, tab, toolbox: LocalToolBox) -> None:
    tab.set_toolbox(toolbox)
    toggle = tab.findChild(QCheckBox, "chatToolsToggle")
    assert toggle.isVisible()
    if not toggle.isChecked():
        qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert toggle.isChecked()


def test_a_tool_using_conversation_in_the_window(qtbot, chat_tab, fake_api, tmp_path):
    fake_api.options.tool_calls = PLAN
    toolbox = LocalToolBox(["get_weather"])
    tools_on(qtbot, chat_tab, toolbox)
    type_and_send(qtbot, chat_tab, "Weather in Paris and Tokyo?")

    first = approval_dialog(qtbot)
    arguments = first.findChild(QPlainTextEdit, "toolApprovalArguments").toPlainText()
    assert json.loads(arguments) == {"city": "Paris"}
    assert "get_weather" in first.findChild(QLabel, "toolApprovalTool").text()
    answer(qtbot, first, "toolApprovalAllowOnce")
    answer(qtbot, approval_dialog(qtbot), "toolApprovalDeny")
    reply = wait_reply(qtbot, chat_tab, 3)

    assert toolbox.calls == [("get_weather", {"city": "Paris"})]
    assert reply.content.startswith("From the tools: get_weather said 18 °C, sunny;")
    assert "declined" in reply.content
    tool_messages = [m for m in chat_bodies(fake_api)[-1]["messages"] if m["role"] == "tool"]
    assert len(tool_messages) == 2 and "declined" in tool_messages[1]["content"]

    index = chat_tab.transcript_model.index(1)
    layout = chat_tab.delegate.layout_for(index)
    lines = [p.text for p in layout.pieces if p.kind.startswith("action:tool_")]
    assert lines[0].startswith("▸ Tool · get_weather · allowed once · ")
    assert lines[1] == "▸ Tool · get_weather · denied"
    assert not [p for p in layout.pieces if p.kind == "tool"]

    rect = chat_tab.delegate.action_rect(index, "tool_0")
    qtbot.mouseClick(chat_tab.transcript.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    layout = chat_tab.delegate.layout_for(index)
    [body] = [p for p in layout.pieces if p.kind == "tool"]
    assert '"city": "Paris"' in body.text and "18 °C, sunny" in body.text

    task = start_task(chat_tab.files.export_to(tmp_path / "weather.md", "markdown"))
    qtbot.waitUntil(task.done, timeout=5000)
    exported = (tmp_path / "weather.md").read_text(encoding="utf-8")
    assert "<summary>Tool call: get_weather · allowed once · " in exported
    assert "<summary>Tool call: get_weather · denied</summary>" in exported
    assert "18 °C, sunny" in exported


def test_always_allow_asks_once_and_the_blocks_come_back_when_reopened(qtbot, chat_tab, fake_api):
    fake_api.options.tool_calls = PLAN
    tools_on(qtbot, chat_tab, LocalToolBox(["get_weather"]))
    type_and_send(qtbot, chat_tab, "Both cities?")
    answer(qtbot, approval_dialog(qtbot), "toolApprovalAlwaysAllow")
    wait_reply(qtbot, chat_tab, 3)
    conversation_id = chat_tab.conversation.id

    chat_tab.new_conversation()
    assert messages(chat_tab) == []
    chat_tab.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: len(messages(chat_tab)) == 3, timeout=5000)
    calls = messages(chat_tab)[1].meta["tool_calls"]
    assert [c["approval"] for c in calls] == ["always_allow", "always_allow"]
    assert chat_tab.findChild(QCheckBox, "chatToolsToggle").isChecked()


def test_without_the_switch_no_tools_are_offered(qtbot, chat_tab, fake_api):
    fake_api.options.tool_calls = PLAN
    toolbox = LocalToolBox(["get_weather"])
    tools_on(qtbot, chat_tab, toolbox)
    qtbot.mouseClick(chat_tab.findChild(QCheckBox, "chatToolsToggle"), Qt.MouseButton.LeftButton)
    type_and_send(qtbot, chat_tab, "Just chat")
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content == "Echo: Just chat"
    assert "tools" not in chat_bodies(fake_api)[-1]
    assert toolbox.listed == 0
