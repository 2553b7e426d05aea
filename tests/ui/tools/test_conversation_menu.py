"""The Tools button of a conversation: the menu's entries make the conversation's ToolChoice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QAction

from app.services.context import Services
from app.services.tool_settings import ToolChoice, ToolSettings
from app.storage.settings import Settings
from app.storage.tool_config import McpServerConfig, ToolConfig, ToolConfigStore
from app.ui.tools.conversation_menu import ConversationToolsButton
from tests.mcp_server import server_config


@pytest.fixture
def services() -> Iterator[Services]:
    built = Services(Settings())
    yield built
    built.close()


def action(button: ConversationToolsButton, name: str) -> QAction:
    found = button.tools_menu.findChild(QAction, name)
    assert found is not None, name
    return found


def test_choosing_tools_for_one_conversation(qtbot: Any, services: Services) -> None:
    running = server_config("test tools")
    ToolConfigStore().save(
        ToolConfig(
            servers=(running, McpServerConfig(name="off", command="x", enabled=False)),
            builtins={"current_date_time": True},
        )
    )
    tool_settings = ToolSettings(services)
    asyncio.run(tool_settings.load())
    asyncio.run(services.mcp_host.tools(running))  # it ran once, so its tools are known
    button = ConversationToolsButton(tool_settings)
    qtbot.addWidget(button)
    chosen: list[ToolChoice] = []
    button.choice_changed.connect(chosen.append)
    button.set_choice(ToolChoice())
    assert button.text() == "2 chosen"

    button.rebuild()
    assert action(button, "chatTool_builtin_current_date_time").isChecked()
    assert not action(button, "chatTool_builtin_fetch_web_page").isChecked()
    assert (
        button.tools_menu.findChild(
            QAction, f"chatToolServer_{ToolConfigStore().load().servers[1].id}"
        )
        is None
    )
    echo = action(button, f"chatTool_{running.id}_echo")
    assert echo.isChecked() and echo.toolTip() == "Returns the text it was given."

    echo.setChecked(False)
    assert chosen[-1].hidden == ("test tools/echo",)
    action(button, "chatTool_builtin_current_date_time").setChecked(False)
    assert chosen[-1].builtins == ()
    assert button.text() == "1 chosen"
    action(button, f"chatToolServer_{running.id}").setChecked(False)
    assert chosen[-1].servers == ()
    assert button.text() == "Choose"

    stored = {"tool_sources": chosen[-1].to_settings()}
    assert ToolChoice.from_settings(stored) == chosen[-1]
    box = tool_settings.toolbox_for(chosen[-1])
    assert asyncio.run(box.list_tools()) == []
