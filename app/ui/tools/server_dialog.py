"""Adding or editing one MCP server: a command to run (stdio) or an address (streamable HTTP)."""

from __future__ import annotations

import shlex
from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.storage.tool_config import HTTP, STDIO, McpServerConfig, ToolConfig

TRANSPORT_LABELS = {
    STDIO: "A program on this computer (stdio)",
    HTTP: "A server at an address (streamable HTTP)",
}


def parse_pairs(text: str, separator: str) -> tuple[dict[str, str], str | None]:
    """``KEY=value`` (or ``Name: value``) lines as a dict, and the first malformed line's error."""
    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, found, value = line.partition(separator)
        if not found or not key.strip():
            example = "NAME=value" if separator == "=" else "Name: value"
            return pairs, f"Line {number} should look like “{example}”."
        pairs[key.strip()] = value.strip()
    return pairs, None


def format_pairs(pairs: dict[str, str], separator: str) -> str:
    joiner = "=" if separator == "=" else ": "
    return "\n".join(f"{key}{joiner}{value}" for key, value in pairs.items())


class ServerDialog(QDialog):
    """Edits one server's settings; ``server()`` gives the result after ``accepted``."""

    def __init__(
        self, config: ToolConfig, server: McpServerConfig | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._original = server or McpServerConfig(name="")
        self._result: McpServerConfig | None = None
        self.setObjectName("toolServerDialog")
        self.setWindowTitle("Edit MCP server" if server else "Add MCP server")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(520)

        self.name_edit = self._line("toolServerName", "Name", "files")
        self.transport_combo = QComboBox(self)
        self.transport_combo.setObjectName("toolServerTransport")
        self.transport_combo.setAccessibleName("Kind of server")
        for key, label in TRANSPORT_LABELS.items():
            self.transport_combo.addItem(label, key)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._stdio_page())
        self.stack.addWidget(self._http_page())
        self.transport_combo.currentIndexChanged.connect(self.stack.setCurrentIndex)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("toolServerError")
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("toolServerOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Kind", self.transport_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stack)
        note = QLabel(
            "Environment values and headers are kept in the system keyring, not in a file.", self
        )
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._load(self._original)

    def _line(self, name: str, accessible: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit

    def _pairs(self, name: str, accessible: str, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(80)
        return edit

    def _stdio_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.command_edit = self._line("toolServerCommand", "Command", "npx")
        self.args_edit = self._line(
            "toolServerArgs", "Arguments", "-y @modelcontextprotocol/server-filesystem ~/Documents"
        )
        self.env_edit = self._pairs(
            "toolServerEnv", "Environment variables", "API_TOKEN=…  (one a line)"
        )
        self.folder_edit = self._line(
            "toolServerFolder", "Working folder", "The app's own folder when empty"
        )
        form.addRow("Command", self.command_edit)
        form.addRow("Arguments", self.args_edit)
        form.addRow("Environment", self.env_edit)
        form.addRow("Working folder", self.folder_edit)
        return page

    def _http_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.url_edit = self._line("toolServerUrl", "Address", "https://example.com/mcp")
        self.headers_edit = self._pairs(
            "toolServerHeaders", "HTTP headers", "Authorization: Bearer …  (one a line)"
        )
        form.addRow("Address", self.url_edit)
        form.addRow("Headers", self.headers_edit)
        return page

    def _load(self, server: McpServerConfig) -> None:
        self.name_edit.setText(server.name)
        self.transport_combo.setCurrentIndex(
            max(self.transport_combo.findData(server.transport), 0)
        )
        self.command_edit.setText(server.command)
        self.args_edit.setText(shlex.join(server.args))
        self.env_edit.setPlainText(format_pairs(server.env, "="))
        self.folder_edit.setText(server.cwd)
        self.url_edit.setText(server.url)
        self.headers_edit.setPlainText(format_pairs(server.headers, ":"))

    def _edited(self) -> tuple[McpServerConfig | None, str | None]:
        try:
            args = tuple(shlex.split(self.args_edit.text()))
        except ValueError:
            return None, "The arguments have an unclosed quote."
        env, env_error = parse_pairs(self.env_edit.toPlainText(), "=")
        headers, header_error = parse_pairs(self.headers_edit.toPlainText(), ":")
        transport = self.transport_combo.currentData()
        error = env_error if transport == STDIO else header_error
        if error:
            return None, error
        name = self.name_edit.text().strip()
        server = replace(
            self._original,
            name=self._config.unique_name(name, server_id=self._original.id) if name else "",
            transport=transport,
            command=self.command_edit.text().strip(),
            args=args,
            env=env,
            cwd=self.folder_edit.text().strip(),
            url=self.url_edit.text().strip(),
            headers=headers,
        )
        return server, server.problem()

    def server(self) -> McpServerConfig | None:
        return self._result

    def accept(self) -> None:
        server, error = self._edited()
        if error or server is None:
            self.error_label.setText(error or "")
            self.error_label.show()
            return
        self._result = server
        super().accept()
