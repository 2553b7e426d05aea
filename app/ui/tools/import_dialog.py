"""Pasting (or opening) the ``mcpServers`` JSON of another client, with a preview of it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.mcp_import import ImportProblem, parse_mcp_servers
from app.storage.tool_config import ToolConfig
from app.ui.asyncutils import ask_open_file_names, async_slot
from app.ui.style.repolish import repolish

MAX_FILE_BYTES = 1_000_000


class ImportDialog(QDialog):
    """Takes the JSON text; ``text()`` is it after ``accepted``. OK stays off until it reads."""

    def __init__(self, config: ToolConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self.setObjectName("toolImportDialog")
        self.setWindowTitle("Import MCP servers")
        self.setAccessibleName(self.windowTitle())
        self.resize(560, 420)

        intro = QLabel(
            "Paste the “mcpServers” JSON from Claude Desktop (claude_desktop_config.json), "
            "Cherry Studio or VS Code, or open the file.",
            self,
        )
        intro.setWordWrap(True)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("toolImportText")
        self.text_edit.setAccessibleName("Server configuration JSON")
        self.text_edit.setPlaceholderText(
            '{\n  "mcpServers": {\n    "files": {"command": "npx"}\n  }\n}'
        )
        self.text_edit.textChanged.connect(self._on_text_edit_changed)
        self.file_button = QPushButton("Open a file…", self)
        self.file_button.setObjectName("toolImportFile")
        self.file_button.setAutoDefault(False)
        self.file_button.clicked.connect(self._on_file_button_clicked)
        self.preview = QLabel(self)
        self.preview.setObjectName("toolImportPreview")
        self.preview.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("toolImportOk")
        self.ok_button.setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.file_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self._on_text_edit_changed()

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def _on_text_edit_changed(self) -> None:
        text = self.text().strip()
        if not text:
            self.preview.setText("")
            self.ok_button.setEnabled(False)
            return
        try:
            result = parse_mcp_servers(text, self._config)
        except ImportProblem as exc:
            self._show(str(exc), error=True)
            self.ok_button.setEnabled(False)
            return
        names = ", ".join(s.name for s in result.servers)
        lines = [
            f"Adds {len(result.servers)} server{'s' if len(result.servers) != 1 else ''}: {names}."
        ]
        if not result.servers:
            lines = ["Nothing to add."]
        lines += result.skipped
        self._show("\n".join(lines), error=not result.servers)
        self.ok_button.setEnabled(bool(result.servers))

    def _show(self, text: str, *, error: bool) -> None:
        self.preview.setText(text)
        self.preview.setProperty("role", "error" if error else "hint")
        repolish(self.preview)

    @async_slot
    async def _on_file_button_clicked(self) -> None:
        files = await ask_open_file_names(
            self, "Open an MCP server configuration", "", "JSON files (*.json);;All files (*)"
        )
        if not files:
            return
        path = Path(files[0])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self._show(f"{path.name} is too large to be a server configuration.", error=True)
                return
            self.text_edit.setPlainText(path.read_text(encoding="utf-8-sig", errors="replace"))
        except OSError as exc:
            self._show(f"{path.name} could not be read ({exc.strerror or exc}).", error=True)
