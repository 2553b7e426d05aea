"""Settings → Tools driven by objectName, against the real test MCP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
)

from app.services.context import Services
from app.storage.settings import Settings
from app.storage.tool_config import ToolConfig, ToolConfigStore, approval_key, tools_config_path
from app.ui.asyncutils import start_task
from app.ui.tools.page import ToolsPage
from app.ui.widgets.empty_hint import EmptyState
from tests.mcp_server import SERVER_SCRIPT, server_config


@pytest.fixture
def services() -> Iterator[Services]:
    built = Services(Settings())
    yield built
    built.close()


def open_page(qtbot: Any, services: Services) -> ToolsPage:
    page = ToolsPage(services)
    qtbot.addWidget(page)
    page.resize(760, 560)
    page.show()
    qtbot.waitUntil(lambda: page.loaded.done(), timeout=3000)
    return page


def child(parent: Any, kind: type, name: str) -> Any:
    found = parent.findChild(kind, name)
    assert found is not None, name
    return found


def wait_dialog(qtbot: Any, page: ToolsPage, name: str) -> QDialog:
    qtbot.waitUntil(lambda: page.findChild(QDialog, name) is not None, timeout=2000)
    dialog = page.findChild(QDialog, name)
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def save_page(qtbot: Any, page: ToolsPage) -> None:
    """What the Settings dialog's OK does with the page's changes."""
    saving = page.pending_save()
    assert saving is not None, "the page has no changes to save"
    task = start_task(saving)
    qtbot.waitUntil(task.done, timeout=5000)


def server_rows(page: ToolsPage) -> list[str]:
    servers = child(page, QListWidget, "toolServerList")
    return [servers.item(row).text() for row in range(servers.count())]


def test_add_a_server_start_it_and_see_its_tools(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    page = open_page(qtbot, services)
    assert "No server yet" in child(page, QLabel, "toolServerState").text()
    assert services.mcp_host.thread is None  # opening the page starts nothing

    qtbot.mouseClick(child(page, QPushButton, "toolServerAdd"), Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, "toolServerDialog")
    child(dialog, QLineEdit, "toolServerName").setText("test tools")
    child(dialog, QLineEdit, "toolServerCommand").setText(server_config().command)
    child(dialog, QLineEdit, "toolServerArgs").setText(f"'{SERVER_SCRIPT}' --prefix 'hi '")
    child(dialog, QPlainTextEdit, "toolServerEnv").setPlainText("TEST_TOKEN=open-sesame-42")
    qtbot.mouseClick(child(dialog, QPushButton, "toolServerOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_rows(page) == ["test tools — not running"], timeout=3000)
    assert not tools_config_path().exists()  # kept until OK
    save_page(qtbot, page)

    saved = tools_config_path().read_text(encoding="utf-8")
    assert "open-sesame-42" not in saved
    [server] = ToolConfigStore().load().servers
    assert server.args == (str(SERVER_SCRIPT), "--prefix", "hi ")
    assert server.env == {"TEST_TOKEN": "open-sesame-42"}

    hint = child(page, EmptyState, "toolServerToolsEmptyHint")
    assert hint.isVisible() and "Start and list tools" in hint.text()
    qtbot.mouseClick(child(page, QPushButton, "toolServerCheck"), Qt.MouseButton.LeftButton)
    state = child(page, QLabel, "toolServerState")
    qtbot.waitUntil(lambda: "Ready with 9 tools" in state.text(), timeout=10_000)
    assert not hint.isVisible()
    tree = child(page, QTreeWidget, "toolServerTools")
    rows = {
        tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1)
        for i in range(tree.topLevelItemCount())
    }
    assert rows["add"] == "Adds two whole numbers."
    assert server_rows(page) == ["test tools — 9 tools"]


def test_a_failing_server_shows_the_reason_and_its_stderr(
    qtbot: Any, qloop: Any, services: Services
) -> None:
    ToolConfigStore().save(ToolConfig(servers=(server_config("broken", "--fail-at-start"),)))
    page = open_page(qtbot, services)
    assert server_rows(page) == ["broken — not running"]
    qtbot.mouseClick(child(page, QPushButton, "toolServerCheck"), Qt.MouseButton.LeftButton)
    state = child(page, QLabel, "toolServerState")
    qtbot.waitUntil(lambda: "Failed:" in state.text(), timeout=10_000)
    assert "closed the connection before it was ready" in state.text()
    stderr = child(page, QPlainTextEdit, "toolServerStderr")
    assert stderr.isVisible()
    assert stderr.toPlainText().endswith("error: the configuration file is missing")
    assert server_rows(page) == ["broken — failed"]
    hint = child(page, EmptyState, "toolServerToolsEmptyHint")
    assert hint.isVisible() and "did not start" in hint.text()


def test_switch_off_edit_and_remove_a_server(qtbot: Any, qloop: Any, services: Services) -> None:
    ToolConfigStore().save(ToolConfig(servers=(server_config("one"), server_config("two"))))
    page = open_page(qtbot, services)
    servers = child(page, QListWidget, "toolServerList")
    servers.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert not page.config.servers[1].enabled
    save_page(qtbot, page)
    assert not ToolConfigStore().load().servers[1].enabled
    assert ToolConfigStore().load().servers[0].enabled

    servers.setCurrentRow(0)
    qtbot.mouseClick(child(page, QPushButton, "toolServerEdit"), Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, "toolServerDialog")
    name = child(dialog, QLineEdit, "toolServerName")
    assert name.text() == "one"
    name.setText("two")  # taken: it becomes "two 2"
    child(dialog, QLineEdit, "toolServerCommand").clear()
    qtbot.mouseClick(child(dialog, QPushButton, "toolServerOk"), Qt.MouseButton.LeftButton)
    error = child(dialog, QLabel, "toolServerError")
    assert error.text() == "The server “two 2” needs a command to run."
    child(dialog, QLineEdit, "toolServerCommand").setText("python3")
    qtbot.mouseClick(child(dialog, QPushButton, "toolServerOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_rows(page)[0] == "two 2 — not running", timeout=3000)

    qtbot.mouseClick(child(page, QPushButton, "toolServerRemove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=2000)
    box = QApplication.activeModalWidget()
    assert "Remove the server “two 2”?" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: server_rows(page) == ["two — not running"], timeout=3000)
    save_page(qtbot, page)
    assert [s.name for s in ToolConfigStore().load().servers] == ["two"]


def test_import_claude_desktop_json(qtbot: Any, qloop: Any, services: Services) -> None:
    page = open_page(qtbot, services)
    qtbot.mouseClick(child(page, QPushButton, "toolServerImport"), Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, page, "toolImportDialog")
    ok = child(dialog, QPushButton, "toolImportOk")
    text = child(dialog, QPlainTextEdit, "toolImportText")
    text.setPlainText("{not json")
    assert not ok.isEnabled()
    assert (
        child(dialog, QLabel, "toolImportPreview").text().startswith("The text is not valid JSON")
    )
    text.setPlainText(
        json.dumps(
            {
                "mcpServers": {
                    "filesystem": {"command": "npx", "args": ["-y", "server-filesystem", "/tmp"]},
                    "old": {"type": "sse", "url": "https://old.example/sse"},
                }
            }
        )
    )
    preview = child(dialog, QLabel, "toolImportPreview").text()
    assert preview.startswith("Adds 1 server: filesystem.")
    assert "“old” was skipped" in preview
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_rows(page) == ["filesystem — not running"], timeout=3000)
    assert "“old” was skipped" in child(page, QLabel, "toolsNotice").text()
    save_page(qtbot, page)
    assert [s.name for s in ToolConfigStore().load().servers] == ["filesystem"]


def test_builtins_and_always_allowed_choices(qtbot: Any, qloop: Any, services: Services) -> None:
    ToolConfigStore().save(
        ToolConfig(
            always_allowed=frozenset(
                {approval_key("builtin", "current_date_time"), approval_key("files", "read_file")}
            )
        )
    )
    page = open_page(qtbot, services)
    fetch = child(page, QCheckBox, "builtinTool_fetch_web_page")
    assert not fetch.isChecked()
    local = child(page, QCheckBox, "builtinFetchLocal")
    assert not local.isEnabled()
    fetch.setChecked(True)
    assert local.isEnabled() and not local.isChecked()
    local.setChecked(True)
    save_page(qtbot, page)
    assert ToolConfigStore().load().builtins.get("fetch_web_page") is True
    assert ToolConfigStore().load().fetch_local

    allowed = child(page, QListWidget, "alwaysAllowedList")
    labels = [allowed.item(i).text() for i in range(allowed.count())]
    assert labels == ["current_date_time (built-in)", "read_file (files)"]
    allowed.item(1).setSelected(True)
    qtbot.mouseClick(child(page, QPushButton, "alwaysAllowedForget"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: allowed.count() == 1, timeout=3000)
    save_page(qtbot, page)
    assert ToolConfigStore().load().always_allowed == {"builtin/current_date_time"}
    qtbot.mouseClick(child(page, QPushButton, "alwaysAllowedClear"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: allowed.count() == 0, timeout=3000)
    save_page(qtbot, page)
    assert ToolConfigStore().load().always_allowed == frozenset()
    assert not child(page, QPushButton, "alwaysAllowedClear").isEnabled()
