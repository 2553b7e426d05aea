"""Qt fixtures: a qasync loop inside pytest-qt, and main windows against the stand-in."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from app.services.context import Services
from app.storage.settings import Settings, load_settings, save_settings
from app.ui.asyncutils import cancel_all_tasks, running_tasks
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager
from app.ui.ui_thread_gc import collect_on_the_ui_thread


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop that advances while pytest-qt waits (``qtbot.waitUntil``/``wait``)."""
    collect_on_the_ui_thread(qapp)  # as create_application does for the app
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    cancel_all_tasks()
    # Not loop.stop(): it calls QApplication.exit(), after which every later QEventLoop.exec()
    # (qtbot.wait, waitUntil) returns at once and the next test's tasks never run.
    loop._QEventLoop__is_running = False
    with contextlib.suppress(RuntimeError, TypeError):
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    loop._after_run_forever()
    loop.close()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


def use_server(url: str, **changes: Any) -> Settings:
    """Write settings pointing at ``url`` (as a custom provider) and return them."""
    settings = load_settings()
    settings.provider = "custom"
    settings.base_url = url
    settings.dialect = "aimlapi"
    settings.max_retries = 0
    settings.connect_timeout = 2.0
    settings.read_timeout = 30.0
    for name, value in changes.items():
        setattr(settings, name, value)
    save_settings(settings)
    return settings


@pytest.fixture
def open_window(qtbot: Any, qapp: QApplication, qloop: Any) -> Iterator[Callable[..., MainWindow]]:
    """Open a MainWindow as ``run_gui`` does (settings from disk, theme, shown, started)."""
    opened: list[tuple[MainWindow, Services]] = []

    def open_(*, start: bool = True, **connection: Any) -> MainWindow:
        services = Services(**connection)
        services.settings.max_retries = 0
        theme = ThemeManager(qapp, services.settings.theme)
        theme.apply()
        with theme.style_sheet_after_building():
            window = MainWindow(services, theme=theme)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if start:
            window.start()
        opened.append((window, services))
        return window

    yield open_
    for window, _services in opened:
        if window.isVisible():
            window.close()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=3000)
    for _window, services in opened:
        services.close()
