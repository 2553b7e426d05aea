"""The Tools button of a conversation: which built-in tools, servers and server tools are on.

The menu lists the built-in tools, then each enabled server with its tools (those it listed
when it last ran; a server that has not run yet says it starts when first needed). Checking or
unchecking an entry emits ``choice_changed`` with the new ``ToolChoice``; the chat stores it
in the conversation's settings.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from app.services.builtin_tools import BUILTIN_TOOLS
from app.services.tool_settings import ToolChoice, ToolSettings
from app.services.tool_types import tool_name
from app.storage.tool_config import McpServerConfig, approval_key
from app.ui.style.controls import decorate


class ConversationToolsButton(QToolButton):
    """A tool button whose menu chooses the tools of the open conversation.

    Signals:
        choice_changed(object): the new ToolChoice after the person changed an entry.
    """

    choice_changed = Signal(object)

    def __init__(self, tool_settings: ToolSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool_settings = tool_settings
        self.choice = ToolChoice()
        self.setObjectName("chatToolsButton")
        self.setAccessibleName("Tools for this conversation")
        self.setText("Choose")
        self.setToolTip("Choose the tools this conversation may call")
        decorate(self, "tools", flat=True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.tools_menu = QMenu(self)
        self.tools_menu.setObjectName("chatToolsMenu")
        self.tools_menu.aboutToShow.connect(self.rebuild)
        self.setMenu(self.tools_menu)

    def set_choice(self, choice: ToolChoice) -> None:
        """Shows the choice of the conversation that was opened."""
        self.choice = choice
        self._update_text()

    def _update_text(self) -> None:
        config = self.tool_settings.config
        count = len(self.choice.builtins_used(config)) + len(self.choice.servers_used(config))
        self.setText(f"{count} chosen" if count else "Choose")

    def rebuild(self) -> None:
        menu = self.tools_menu
        menu.clear()
        config = self.tool_settings.config
        menu.addSection("Built-in")
        used_builtins = self.choice.builtins_used(config)
        for tool in BUILTIN_TOOLS:
            action = self._checkable(menu, tool.label, tool.spec.name in used_builtins)
            action.setObjectName(f"chatTool_builtin_{tool.spec.name}")
            action.toggled.connect(lambda on, n=tool.spec.name: self._on_builtin_toggled(n, on))
        servers = [s for s in config.servers if s.enabled]
        menu.addSection("MCP servers" if servers else "No MCP server is switched on")
        used = {s.id for s in self.choice.servers_used(config)}
        for server in servers:
            self._add_server(menu, server, server.id in used)
        menu.addSeparator()
        menu.addAction("Settings → Tools to add servers…").setEnabled(False)

    def _add_server(self, menu: QMenu, server: McpServerConfig, on: bool) -> None:
        action = self._checkable(menu, server.name, on)
        action.setObjectName(f"chatToolServer_{server.id}")
        action.toggled.connect(lambda checked, i=server.id: self._on_server_toggled(i, checked))
        tools = self.tool_settings.status(server.id).tools
        if not on:
            return
        if not tools:
            note = menu.addAction("    its tools are listed once it has run")
            note.setEnabled(False)
        for tool in tools:
            key = approval_key(server.name, tool.name)
            entry = self._checkable(menu, f"    {tool.title or tool.name}", key not in self._hidden)
            entry.setToolTip(tool.description)
            entry.setObjectName(f"chatTool_{server.id}_{tool_name(tool.name)}")
            entry.toggled.connect(lambda checked, k=key: self._on_tool_toggled(k, checked))

    @property
    def _hidden(self) -> set[str]:
        return set(self.choice.hidden)

    def _checkable(self, menu: QMenu, text: str, checked: bool) -> QAction:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(checked)
        return action

    def _change(self, choice: ToolChoice) -> None:
        self.choice = choice
        self._update_text()
        self.choice_changed.emit(choice)

    def _on_builtin_toggled(self, name: str, on: bool) -> None:
        used = self.choice.builtins_used(self.tool_settings.config)
        used = used | {name} if on else used - {name}
        self._change(replace(self.choice, builtins=tuple(sorted(used))))

    def _on_server_toggled(self, server_id: str, on: bool) -> None:
        used = {s.id for s in self.choice.servers_used(self.tool_settings.config)}
        used = used | {server_id} if on else used - {server_id}
        self._change(replace(self.choice, servers=tuple(sorted(used))))

    def _on_tool_toggled(self, key: str, on: bool) -> None:
        hidden = self._hidden - {key} if on else self._hidden | {key}
        self._change(replace(self.choice, hidden=tuple(sorted(hidden))))
