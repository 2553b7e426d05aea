"""Settings → Tools in the Settings dialog: changes wait for OK, and Cancel drops them (a server
started from unsaved settings stops); the rounds limit is a field there that chats follow."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QSpinBox

from app.services.conversation import ChatSession
from app.services.mcp_status import ServerState
from app.storage.settings import load_settings
from app.storage.tool_config import ToolConfigStore, tools_config_path
from tests.mcp_server import SERVER_SCRIPT, server_config
from tests.ui.conftest import use_server
from tests.ui.tools.test_tools_page import child, server_rows, wait_dialog


def settings_dialog(qtbot: Any, window: Any) -> QDialog:
    window.open_settings()
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    page = dialog.tools_page
    qtbot.waitUntil(lambda: page.loaded.done(), timeout=3000)
    return dialog


def test_cancel_drops_the_changes_and_ok_saves_them(
    qtbot: Any, open_window: Any, fake_api: Any
) -> None:
    use_server(fake_api.url)
    window = open_window()
    dialog = settings_dialog(qtbot, window)
    page = dialog.tools_page
    assert child(page, QLabel, "toolsApplyHint").text() == (
        "Changes on this page are saved with OK; Cancel drops them."
    )
    rounds = child(page, QSpinBox, "toolMaxRounds")
    assert rounds.value() == 10
    rounds.setValue(3)
    child(page, QCheckBox, "builtinTool_current_date_time").setChecked(True)
    qtbot.mouseClick(child(page, QPushButton, "toolServerAdd"), Qt.MouseButton.LeftButton)
    server_dialog = wait_dialog(qtbot, page, "toolServerDialog")
    child(server_dialog, QLineEdit, "toolServerName").setText("calc")
    child(server_dialog, QLineEdit, "toolServerCommand").setText(server_config().command)
    child(server_dialog, QLineEdit, "toolServerArgs").setText(f"'{SERVER_SCRIPT}'")
    qtbot.mouseClick(child(server_dialog, QPushButton, "toolServerOk"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: server_rows(page) == ["calc — not running"], timeout=3000)
    # started from settings not yet saved, to see its tools
    qtbot.mouseClick(child(page, QPushButton, "toolServerCheck"), Qt.MouseButton.LeftButton)
    state = child(page, QLabel, "toolServerState")
    qtbot.waitUntil(lambda: "Ready with" in state.text(), timeout=20_000)
    [added] = page.config.servers
    host = window.services.mcp_host
    assert host.status(added.id).state is ServerState.READY

    qtbot.mouseClick(child(dialog, QPushButton, "settingsCancel"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: host.status(added.id).state is ServerState.STOPPED, timeout=10_000)
    assert not tools_config_path().exists()
    assert window.services.tool_settings.config.servers == ()
    assert window.services.settings.tool_max_rounds == 10

    dialog = settings_dialog(qtbot, window)
    page = dialog.tools_page
    assert server_rows(page) == []
    assert not child(page, QCheckBox, "builtinTool_current_date_time").isChecked()
    rounds = child(page, QSpinBox, "toolMaxRounds")
    assert rounds.value() == 10
    rounds.setValue(3)
    child(page, QCheckBox, "builtinTool_current_date_time").setChecked(True)
    qtbot.mouseClick(child(dialog, QPushButton, "settingsOk"), Qt.MouseButton.LeftButton)
    assert dialog.tools_saved is not None
    qtbot.waitUntil(dialog.tools_saved.done, timeout=5000)
    assert ToolConfigStore().load().builtins == {"current_date_time": True}
    assert load_settings().tool_max_rounds == 3
    assert ChatSession(window.services).max_rounds == 3
