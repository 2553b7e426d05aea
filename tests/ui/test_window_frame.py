"""The window frame: tabs, shortcuts, theme, status bar, message bar, crash notice, closing."""

from __future__ import annotations

import asyncio
import logging
import sys
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.api.errors import ApiConnectionError, AuthenticationError
from app.storage.logging_setup import register_secret, setup_logging
from app.storage.settings import load_settings
from app.ui.app import CrashReporter
from app.ui.asyncutils import async_slot, await_dialog, running_tasks
from app.ui.events import notify_paid_request
from app.ui.message_bar import MessageBar
from tests.fake_api import Fault
from tests.ui.conftest import use_server

KEY = "frame-key-0123456789"


@pytest.fixture
def keyed(monkeypatch, fake_api):
    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url)


def _window_lightness() -> int:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness()


def test_four_tabs_with_stable_names(open_window, keyed):
    window = open_window(start=False)
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == "AIML Desktop"
    assert window.tabs.objectName() == "tabs"
    names = [window.tabs.widget(i).objectName() for i in range(window.tabs.count())]
    assert names == ["chatTab", "imageTab", "sttTab", "ttsTab"]
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Chat", "Images", "Speech to text", "Text to speech"]
    assert all(window.tabs.widget(i).accessibleName() for i in range(4))
    assert window.minimumWidth() >= 900 and window.minimumHeight() >= 600
    assert not window.windowIcon().isNull()


def test_ctrl_number_switches_tabs(qtbot, open_window, keyed):
    window = open_window(start=False)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    for number, key in enumerate((Qt.Key.Key_2, Qt.Key.Key_4, Qt.Key.Key_3, Qt.Key.Key_1)):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == [1, 3, 2, 0][number]


def test_ctrl_comma_opens_settings(qtbot, open_window, keyed):
    window = open_window(start=False)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_the_theme_menu_switches_the_palette_and_is_remembered(qtbot, open_window, keyed):
    window = open_window(start=False)
    window.findChild(QAction, "actionThemeDark").trigger()
    assert _window_lightness() < 100
    window.findChild(QAction, "actionThemeLight").trigger()
    assert _window_lightness() > 200
    window.findChild(QAction, "actionThemeDark").trigger()
    window.close()
    assert load_settings().theme == "dark"


def test_the_status_bar_shows_provider_connection_and_balance(qtbot, open_window, keyed, fake_api):
    fake_api.options.balance = 7.25
    window = open_window()
    button = window.status.balance_button
    qtbot.waitUntil(lambda: button.text() == "Balance: $7.25", timeout=5000)
    assert window.status.connection_state == "online"
    assert window.status.provider_label.text() == f"Custom · 127.0.0.1:{fake_api.port}"

    fake_api.options.balance = 6.0
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.text() == "Balance: $6.00", timeout=5000)

    fake_api.options.balance = 5.5
    notify_paid_request()
    qtbot.waitUntil(lambda: button.text() == "Balance: $5.50", timeout=5000)


def test_closing_during_a_slow_request_returns_at_once(qtbot, open_window, keyed, fake_api):
    fake_api.script("/v2/billing", Fault.delay(10))
    window = open_window()
    qtbot.waitUntil(lambda: bool(fake_api.requests_to("/v2/billing")), timeout=5000)
    assert window.status.balance_button.text() == "Balance: …"
    started = time.monotonic()
    window.close()
    window.services.close()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=2000)
    assert time.monotonic() - started < 2.0


class _Page(QWidget):
    def __init__(self, bar: MessageBar) -> None:
        super().__init__()
        self.message_bar = bar
        self.busy_changes: list[bool] = []
        self.calls = 0

    def set_busy(self, busy: bool) -> None:
        self.busy_changes.append(busy)

    @async_slot
    async def fail_to_connect(self) -> None:
        self.calls += 1
        await asyncio.sleep(0)
        raise ApiConnectionError("connection refused")

    @async_slot
    async def refused(self, _checked: bool = False) -> None:
        raise AuthenticationError("bad key", status=401)

    @async_slot
    async def wait_forever(self) -> None:
        await asyncio.sleep(3600)

    @async_slot
    async def break_down(self) -> None:
        raise KeyError("bug")


def test_async_slot_sends_errors_to_the_message_bar_with_retry(qtbot, qloop):
    bar = MessageBar()
    page = _Page(bar)
    qtbot.addWidget(page)
    qtbot.addWidget(bar)
    page.fail_to_connect()
    qtbot.waitUntil(bar.isVisible, timeout=2000)
    assert bar.level == "error"
    assert bar.text.startswith("Could not reach the server")
    assert bar.action_text == "Retry"
    assert page.busy_changes == [True, False]
    qtbot.mouseClick(bar.findChild(QPushButton, "messageAction"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.calls == 2 and bar.isVisible(), timeout=2000)

    page.refused(True)  # a signal's extra argument is accepted
    qtbot.waitUntil(lambda: "API key was refused" in bar.text, timeout=2000)
    assert bar.action_text == ""
    qtbot.mouseClick(bar.findChild(QToolButton, "messageClose"), Qt.MouseButton.LeftButton)
    assert not bar.isVisible()


def test_async_slot_ignores_cancellation_and_clears_busy(qtbot, qloop):
    bar = MessageBar()
    page = _Page(bar)
    qtbot.addWidget(page)
    task = page.wait_forever()
    qtbot.waitUntil(lambda: page.busy_changes == [True], timeout=2000)
    task.cancel()
    qtbot.waitUntil(task.done, timeout=2000)
    assert page.busy_changes == [True, False]
    assert not bar.isVisible()


def test_unexpected_errors_become_a_crash_notice_without_the_key(
    qtbot, qloop, monkeypatch, isolated_user_dirs
):
    log_path = setup_logging()
    register_secret("sk-crash-secret-7777")
    reporter = CrashReporter()
    monkeypatch.setattr(sys, "excepthook", reporter)
    page = _Page(MessageBar())
    qtbot.addWidget(page)
    try:
        raise RuntimeError("request with Authorization: Bearer sk-crash-secret-7777 failed")
    except RuntimeError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    page.break_down()
    qtbot.waitUntil(
        lambda: reporter.notice is not None and "KeyError" in _details(reporter), timeout=2000
    )
    notice = reporter.notice
    assert notice.objectName() == "crashNotice"
    assert not notice.isModal()
    assert "sk-crash-secret-7777" not in _details(reporter)
    qtbot.mouseClick(notice.findChild(QPushButton, "crashCopy"), Qt.MouseButton.LeftButton)
    assert "KeyError" in QApplication.clipboard().text()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "RuntimeError" in text and "sk-crash-secret-7777" not in text
    notice.close()


def _details(reporter: CrashReporter) -> str:
    return reporter.notice.findChild(QPlainTextEdit, "crashDetails").toPlainText()


def test_await_dialog_returns_the_result_without_exec(qtbot, qloop):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    results: list[int] = []

    async def ask() -> None:
        results.append(await await_dialog(dialog))

    task = asyncio.get_event_loop().create_task(ask())
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=2000)
    assert results == [QDialog.DialogCode.Accepted.value]
