"""Screenshots of Settings → Tools, light and dark: a running server with its tools, a server
that failed with its stderr lines, an imported one switched off, built-ins and allowed calls."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QLabel, QListWidget
from screenshots_common import SCHEMES, Session, save, settle, until

from app.storage.tool_config import (
    HTTP,
    McpServerConfig,
    ToolConfig,
    ToolConfigStore,
    approval_key,
)
from app.ui.main_window import MainWindow
from tests.mcp_server import server_config


def _config() -> ToolConfig:
    return ToolConfig(
        servers=(
            server_config("test tools", "--prefix", "echo: "),
            server_config("notes", "--fail-at-start"),
            McpServerConfig(
                name="docs search",
                transport=HTTP,
                url="https://docs.example/mcp",
                headers={"Authorization": "Bearer example"},
                enabled=False,
            ),
        ),
        builtins={"current_date_time": True, "fetch_web_page": True},
        always_allowed=frozenset(
            {approval_key("builtin", "current_date_time"), approval_key("test tools", "add")}
        ),
    )


async def _tools_page(window: MainWindow, scheme: str, out: Path) -> None:
    window.open_settings()
    settings = window.findChild(QDialog, "settingsDialog")
    settings.resize(900, 660)
    page = settings.tools_page
    settings.pages.setCurrentWidget(page)
    await until(lambda: page.loaded.done())
    servers = page.findChild(QListWidget, "toolServerList")
    state = page.findChild(QLabel, "toolServerState")
    for row, wanted in ((1, "Failed"), (0, "Ready")):
        servers.setCurrentRow(row)
        if wanted not in state.text():
            page.check_button.click()
            await until(lambda wanted=wanted: wanted in state.text())
    await settle(0.3)
    save(settings, out / f"settings-tools-{scheme}.png")
    servers.setCurrentRow(1)
    await settle(0.3)
    save(settings, out / f"settings-tools-failed-{scheme}.png")
    settings.reject()
    await settle()


async def shoot(session: Session, out: Path) -> None:
    ToolConfigStore().save(_config())
    window = await session.open()
    for scheme in SCHEMES:
        window.set_theme(scheme)
        await settle(0.3)
        await _tools_page(window, scheme, out)
