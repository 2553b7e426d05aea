"""Screenshots of a tool-using chat, light and dark: the approval prompt before a call runs
(``tool-approval-*``) and the reply with its folded tool-call blocks, one unfolded
(``chat-tool-call-*``). The tools are a small local toolbox (the weather of two cities)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from screenshots_common import SCHEMES, Session, save, settle, until

from app.ui.chat.tab import ChatTab
from app.ui.chat.tool_approval import ToolApprovalDialog
from tests.tools.local_toolbox import LocalToolBox

QUESTION = "Is it warmer in Paris or in Tokyo right now?"
PLAN = [
    {"name": "get_weather", "arguments": {"city": "Paris"}},
    {"name": "get_weather", "arguments": {"city": "Tokyo"}},
]


def _dialog() -> ToolApprovalDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ToolApprovalDialog) and widget.isVisible():
            return widget
    return None


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    tab.set_toolbox(LocalToolBox(["get_weather"], source="weather"))
    tab.tools_toggle.setChecked(True)
    tab.session.switch_tools(True)
    session.api.options.tool_calls = PLAN
    tab.input.setPlainText(QUESTION)
    tab.send()
    await until(lambda: _dialog() is not None)
    dialog = _dialog()
    assert dialog is not None
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.4)
        save(dialog, out / f"tool-approval-{scheme}.png")
    dialog.allow_once.click()
    await until(lambda: _dialog() is not None and _dialog() is not dialog)
    second = _dialog()
    assert second is not None
    second.always.click()
    await until(lambda: tab.transcript_model.rowCount() >= 3 and not tab.streaming)
    tab.delegate.toggle(tab.transcript_model.message(1).id, "tool_0")
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        await settle(0.6)
        tab.transcript.follow_bottom()
        await settle(0.4)
        save(window, out / f"chat-tool-call-{scheme}.png")
