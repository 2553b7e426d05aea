"""Settings → Tools: MCP servers, the built-in tools, calls that are always allowed, and how
many rounds of tool calls one question may use.

Changes are kept in a draft (``ToolDraft``) until the Settings dialog's OK saves them; Cancel
drops them. A server is not started by opening this page; "Start and list tools" starts it
(on the MCP host's thread, with the settings shown, saved or not) to show its state and
tools. State changes arrive from that thread through a queued signal.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.builtin_tools import BUILTIN_TOOLS, FETCH_PAGE
from app.services.mcp_import import ImportProblem
from app.services.mcp_status import ServerState, ServerStatus
from app.services.tool_settings import ToolDraft
from app.storage.tool_config import HTTP, McpServerConfig, ToolConfig
from app.ui.asyncutils import ask_question, async_slot, await_dialog, start_task
from app.ui.style.repolish import repolish
from app.ui.tools.import_dialog import ImportDialog
from app.ui.tools.server_dialog import ServerDialog
from app.ui.widgets.empty_hint import EmptyHint

if TYPE_CHECKING:
    from app.services.context import Services

SERVER_ID = Qt.ItemDataRole.UserRole
NO_SERVER_TOOLS = "A server's tools are listed here once it has started."
# What the empty list of a server's tools says, by the server's state.
TOOLS_HINTS = {
    ServerState.STOPPED: "Not running yet: Start and list tools shows what it offers.",
    ServerState.STARTING: "Starting the server…",
    ServerState.READY: "This server offers no tools.",
    ServerState.FAILED: "No tools: the server did not start (see above).",
}


class _StatusBridge(QObject):
    """Carries status changes from the MCP host's thread to the UI thread."""

    changed = Signal(str, object)


def describe_server(server: McpServerConfig) -> str:
    if server.transport == HTTP:
        return server.url
    return " ".join([server.command, *server.args])


def approval_label(key: str) -> str:
    source, _slash, tool = key.partition("/")
    return f"{tool} ({'built-in' if source == 'builtin' else source})"


class ToolsPage(QWidget):
    """The Tools page of the Settings dialog.

    Signals:
        config_changed(object): the ToolConfig as it would be saved, after each change.
    """

    config_changed = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolsPage")
        self.tool_settings = services.tool_settings
        self.draft = ToolDraft(self.tool_settings)
        self._bridge = _StatusBridge(self)
        self._bridge.changed.connect(self._on_status_changed)
        host, listener = self.tool_settings.host, self._bridge.changed.emit
        host.add_listener(listener)
        self.destroyed.connect(lambda *_args: host.remove_listener(listener))
        self._filling = False

        servers = QGroupBox("MCP servers", self)
        self.server_list = QListWidget(servers)
        self.server_list.setObjectName("toolServerList")
        self.server_list.setAccessibleName("MCP servers")
        self.server_list.currentItemChanged.connect(self._on_server_list_current_changed)
        self.server_list.itemChanged.connect(self._on_server_list_item_changed)
        self.server_list.itemDoubleClicked.connect(self._on_edit_button_clicked)
        self.add_button = self._button("toolServerAdd", "Add…", servers)
        self.edit_button = self._button("toolServerEdit", "Edit…", servers)
        self.remove_button = self._button("toolServerRemove", "Remove", servers)
        self.import_button = self._button("toolServerImport", "Import…", servers)
        self.check_button = self._button("toolServerCheck", "Start and list tools", servers)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.check_button.clicked.connect(self._on_check_button_clicked)

        self.command_label = QLabel(servers)
        self.command_label.setObjectName("toolServerCommandLine")
        self.command_label.setProperty("role", "hint")
        self.command_label.setWordWrap(True)
        self.command_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel(servers)
        self.state_label.setObjectName("toolServerState")
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stderr_view = QPlainTextEdit(servers)
        self.stderr_view.setObjectName("toolServerStderr")
        self.stderr_view.setAccessibleName("The server's last lines on stderr")
        self.stderr_view.setReadOnly(True)
        self.stderr_view.setMaximumHeight(90)
        self.stderr_view.hide()
        self.tool_tree = QTreeWidget(servers)
        self.tool_tree.setObjectName("toolServerTools")
        self.tool_tree.setAccessibleName("The server's tools")
        self.tool_tree.setHeaderLabels(["Tool", "Description"])
        self.tool_tree.setRootIsDecorated(False)
        self.tool_tree.setWordWrap(True)
        self.tool_tree.setColumnWidth(0, 150)
        self.tools_hint = EmptyHint(self.tool_tree, NO_SERVER_TOOLS, purpose="tools")

        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.server_list, 1)
        left.addLayout(buttons)
        right = QVBoxLayout()
        state_row = QHBoxLayout()
        state_column = QVBoxLayout()
        state_column.addWidget(self.state_label)
        state_column.addWidget(self.command_label)
        state_row.addLayout(state_column, 1)
        state_row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        right.addLayout(state_row)
        right.addWidget(self.stderr_view)
        right.addWidget(self.tool_tree, 1)
        server_layout = QHBoxLayout(servers)
        server_layout.addLayout(left, 1)
        server_layout.addLayout(right, 1)

        builtins = QGroupBox("Built-in tools", self)
        builtin_layout = QVBoxLayout(builtins)
        self.builtin_boxes: dict[str, QCheckBox] = {}
        self.fetch_local_box = QCheckBox(
            "May read this computer and local networks (localhost, 192.168.…, 10.…)", builtins
        )
        self.fetch_local_box.setObjectName("builtinFetchLocal")
        self.fetch_local_box.setToolTip(
            "Off: the fetch tool refuses addresses on this computer and private networks, so a "
            "model cannot reach your router, printers or local services."
        )
        self.fetch_local_box.toggled.connect(self._on_fetch_local_toggled)
        for tool in BUILTIN_TOOLS:
            box = QCheckBox(tool.label, builtins)
            box.setObjectName(f"builtinTool_{tool.spec.name}")
            box.setToolTip(tool.spec.description)
            box.toggled.connect(lambda on, name=tool.spec.name: self._on_builtin_toggled(name, on))
            builtin_layout.addWidget(box)
            self.builtin_boxes[tool.spec.name] = box
            if tool.spec.name == FETCH_PAGE:
                indented = QHBoxLayout()
                indented.addSpacing(24)
                indented.addWidget(self.fetch_local_box, 1)
                builtin_layout.addLayout(indented)
        hint = QLabel(
            "They work without any server and are off until you switch them on.", builtins
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        builtin_layout.addWidget(hint)
        builtin_layout.addStretch(1)

        allowed = QGroupBox("Always allowed", self)
        self.allowed_list = QListWidget(allowed)
        self.allowed_list.setObjectName("alwaysAllowedList")
        self.allowed_list.setAccessibleName("Tools that run without asking")
        self.allowed_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.forget_button = self._button("alwaysAllowedForget", "Ask again", allowed)
        self.clear_button = self._button("alwaysAllowedClear", "Ask again for all", allowed)
        self.forget_button.clicked.connect(self._on_forget_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        allowed_buttons = QHBoxLayout()
        allowed_buttons.addWidget(self.forget_button)
        allowed_buttons.addWidget(self.clear_button)
        allowed_buttons.addStretch(1)
        allowed_layout = QVBoxLayout(allowed)
        allowed_layout.addWidget(self.allowed_list, 1)
        allowed_layout.addLayout(allowed_buttons)

        self.notice = QLabel(self)
        self.notice.setObjectName("toolsNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.rounds_box = QSpinBox(self)
        self.rounds_box.setObjectName("toolMaxRounds")
        self.rounds_box.setAccessibleName("Tool rounds per question")
        self.rounds_box.setRange(1, 100)
        self.rounds_box.setValue(10)
        self.rounds_box.setToolTip(
            "How many turns in a row the model may call tools before it must answer"
        )
        rounds_label = QLabel("Tool rounds per question", self)
        rounds_label.setBuddy(self.rounds_box)
        self.apply_hint = QLabel("Changes on this page are saved with OK; Cancel drops them.", self)
        self.apply_hint.setObjectName("toolsApplyHint")
        self.apply_hint.setProperty("role", "hint")
        bottom = QHBoxLayout()
        bottom.addWidget(rounds_label)
        bottom.addWidget(self.rounds_box)
        bottom.addStretch(1)
        bottom.addWidget(self.apply_hint)

        lower = QHBoxLayout()
        lower.addWidget(builtins, 1)
        lower.addWidget(allowed, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(servers, 3)
        layout.addLayout(lower, 2)
        layout.addLayout(bottom)
        layout.addWidget(self.notice)
        self._show_config(ToolConfig())
        self.loaded = start_task(self._load(), owner=self, name="tools-page-load")

    def _button(self, name: str, text: str, parent: QWidget) -> QPushButton:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.setAutoDefault(False)
        return button

    # -- showing ---------------------------------------------------------------------------

    async def _load(self) -> None:
        await self.tool_settings.load()
        self.draft = ToolDraft(self.tool_settings)
        self._show_config(self.draft.config)

    @property
    def config(self) -> ToolConfig:
        """The config as shown: the saved one with this page's changes."""
        return self.draft.config

    def pending_save(self) -> Coroutine[Any, Any, ToolConfig] | None:
        """Saving this page's changes (OK), or None when there are none. The work holds no
        reference to the page, so it may finish after the dialog is gone."""
        draft = self.draft
        return draft.save() if draft.changed else None

    def discard(self) -> Coroutine[Any, Any, None] | None:
        """Dropping this page's changes (Cancel), or None when there are none; the page shows
        the saved config again."""
        draft = self.draft
        if not draft.changed:
            return None
        self.draft = ToolDraft(self.tool_settings)
        self._show_config(self.draft.config)
        return draft.discard()

    def _show_config(self, config: ToolConfig, select: str | None = None) -> None:
        current = select or self._current_id()
        self._filling = True
        try:
            self.server_list.clear()
            for server in config.servers:
                item = QListWidgetItem(self._server_text(server))
                item.setData(SERVER_ID, server.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if server.enabled else Qt.CheckState.Unchecked
                )
                item.setToolTip(describe_server(server))
                self.server_list.addItem(item)
                if server.id == current:
                    self.server_list.setCurrentItem(item)
            if self.server_list.currentItem() is None and self.server_list.count():
                self.server_list.setCurrentRow(0)
            for name, box in self.builtin_boxes.items():
                box.setChecked(config.builtins.get(name, False))
            self.fetch_local_box.setChecked(config.fetch_local)
            self.fetch_local_box.setEnabled(self.builtin_boxes[FETCH_PAGE].isChecked())
            self.allowed_list.clear()
            for key in sorted(config.always_allowed):
                item = QListWidgetItem(approval_label(key))
                item.setData(SERVER_ID, key)
                self.allowed_list.addItem(item)
        finally:
            self._filling = False
        self._show_details()
        self._update_buttons()
        notice = self.tool_settings.store.notice()
        self.notice.setText(notice or "")
        self.notice.setVisible(bool(notice))

    def _server_text(self, server: McpServerConfig) -> str:
        status = self.tool_settings.status(server.id)
        if status.state is ServerState.FAILED:
            summary = "failed"
        elif status.state is ServerState.READY:
            summary = f"{len(status.tools)} tool{'s' if len(status.tools) != 1 else ''}"
        else:
            summary = "starting…" if status.state is ServerState.STARTING else "not running"
        return f"{server.name} — {summary}"

    def _current_id(self) -> str | None:
        item = self.server_list.currentItem()
        return item.data(SERVER_ID) if item is not None else None

    def _current_server(self) -> McpServerConfig | None:
        server_id = self._current_id()
        return self.config.server(server_id) if server_id else None

    def _show_details(self) -> None:
        server = self._current_server()
        self.tool_tree.clear()
        if server is None:
            self.state_label.setText("No server yet. Add one, or import the mcpServers JSON.")
            self.command_label.setText("")
            self.stderr_view.hide()
            self.tools_hint.setText(NO_SERVER_TOOLS)
            return
        status = self.tool_settings.status(server.id)
        state = status.summary()
        if not server.enabled:
            state += " — switched off, so conversations do not use it"
        self.state_label.setText(state)
        self.command_label.setText(describe_server(server))
        self.state_label.setProperty(
            "role", "error" if status.state is ServerState.FAILED else "heading"
        )
        repolish(self.state_label)
        self.stderr_view.setPlainText("\n".join(status.stderr_tail))
        self.stderr_view.setVisible(bool(status.stderr_tail))
        self.tools_hint.setText(TOOLS_HINTS[status.state])
        for tool in status.tools:
            row = QTreeWidgetItem([tool.title or tool.name, tool.description])
            row.setToolTip(1, tool.description)
            self.tool_tree.addTopLevelItem(row)
        self.check_button.setText(
            "Restart"
            if status.state in (ServerState.READY, ServerState.FAILED)
            else "Start and list tools"
        )

    def _update_buttons(self) -> None:
        has_server = self._current_id() is not None
        for button in (self.edit_button, self.remove_button, self.check_button):
            button.setEnabled(has_server)
        has_allowed = self.allowed_list.count() > 0
        self.forget_button.setEnabled(has_allowed)
        self.clear_button.setEnabled(has_allowed)

    def _on_status_changed(self, server_id: str, _status: ServerStatus) -> None:
        for row in range(self.server_list.count()):
            item = self.server_list.item(row)
            server = self.config.server(item.data(SERVER_ID))
            if item.data(SERVER_ID) == server_id and server is not None:
                self._filling = True
                item.setText(self._server_text(server))
                self._filling = False
        if server_id == self._current_id():
            self._show_details()

    def _on_server_list_current_changed(self, *_items: object) -> None:
        self._show_details()
        self._update_buttons()

    # -- changes ---------------------------------------------------------------------------

    def _changed(self, select: str | None = None) -> None:
        self._show_config(self.config, select)
        self.config_changed.emit(self.config)

    @async_slot
    async def _on_add_button_clicked(self) -> None:
        await self._edit_server(None)

    @async_slot
    async def _on_edit_button_clicked(self) -> None:
        current = self._current_server()
        if current is not None:
            await self._edit_server(current)

    async def _edit_server(self, current: McpServerConfig | None) -> None:
        """The server dialog for a new server (None) or ``current``; what it gives goes into
        the draft."""
        dialog = ServerDialog(self.config, current, self)
        accepted = await await_dialog(dialog)
        server = dialog.server()
        dialog.deleteLater()
        if accepted and server is not None:
            self.draft.put_server(server)
            self._changed(server.id)

    @async_slot
    async def _on_remove_button_clicked(self) -> None:
        current = self._current_server()
        if current is None:
            return
        answer = await ask_question(
            self,
            "Remove server",
            f"Remove the server “{current.name}”? Its settings, environment values and headers "
            "are deleted when you press OK.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.draft.remove_server(current.id)
            self._changed()

    @async_slot
    async def _on_import_button_clicked(self) -> None:
        dialog = ImportDialog(self.config, self)
        accepted = await await_dialog(dialog)
        text = dialog.text()
        dialog.deleteLater()
        if not accepted:
            return
        try:
            result = self.draft.import_servers(text)
        except ImportProblem as exc:
            self.notice.setText(str(exc))
            self.notice.show()
            return
        self._changed(result.servers[0].id if result.servers else None)
        if result.skipped:
            self.notice.setText("\n".join(result.skipped))
            self.notice.show()

    @async_slot
    async def _on_check_button_clicked(self) -> None:
        current = self._current_server()
        if current is not None:
            await self.tool_settings.check(current)
            self._on_status_changed(current.id, self.tool_settings.status(current.id))

    def _on_server_list_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        self.draft.set_enabled(item.data(SERVER_ID), item.checkState() == Qt.CheckState.Checked)
        self._show_details()  # the list is not refilled from inside its own signal
        self.config_changed.emit(self.config)

    def _on_builtin_toggled(self, name: str, on: bool) -> None:
        if not self._filling:
            self.draft.set_builtin(name, on)
            self._changed()

    def _on_fetch_local_toggled(self, on: bool) -> None:
        if not self._filling:
            self.draft.set_fetch_local(on)
            self._changed()

    def _on_forget_button_clicked(self) -> None:
        keys = {item.data(SERVER_ID) for item in self.allowed_list.selectedItems()}
        if keys:
            self.draft.forget_allowed(keys)
            self._changed()

    def _on_clear_button_clicked(self) -> None:
        self.draft.forget_allowed()
        self._changed()
