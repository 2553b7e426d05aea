"""What every screenshot part shares: throwaway user folders, the stand-in gateway, a window."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import keyring
import qasync
from PySide6.QtWidgets import QApplication, QWidget

from app.services.context import Services
from app.storage.paths import user_dirs_under
from app.storage.settings import Settings
from app.ui.app import create_application
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeManager
from tests.conftest import MemoryKeyring
from tests.fake_api import FakeApi

SCRATCH = Path(tempfile.mkdtemp(prefix="aiml-shots-"))
WINDOW_SIZE = (1100, 720)
SCHEMES = ("light", "dark")
SCREENSHOT_KEY = "screenshot-key-0000"
T = TypeVar("T")


def run_offscreen(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work()`` on a qasync loop of a new application that quits only when told."""
    app = create_application()
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(work())


async def settle(seconds: float = 0.15) -> None:
    """Let the window run for ``seconds``: the loop delivers Qt's events (paints, layouts) and
    runs the tasks they start."""
    await asyncio.sleep(seconds)


async def until(condition: Callable[[], object], timeout: float = 15.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > end:
            raise TimeoutError("the window did not get ready in time")
        await asyncio.sleep(0.02)


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def fresh_user_dirs(part: str) -> None:
    """Point the XDG folders at a new empty folder, so each part starts like a new install."""
    for variable, folder in user_dirs_under(SCRATCH / part, create=True).items():
        os.environ[variable] = str(folder)


class Session:
    """A stand-in gateway, services and a shown, started main window for one part."""

    def __init__(self, part: str, *, balance: float = 18.4) -> None:
        fresh_user_dirs(part)
        self.api = FakeApi()
        self.api.start()
        self.api.options.balance = balance
        memory = MemoryKeyring()
        memory.set_password("aiml-desktop", "api-key", SCREENSHOT_KEY)
        keyring.set_keyring(memory)
        self.services = Services(Settings(), base_url=self.api.url)
        self.services.settings.max_retries = 0
        self.services.settings.reduce_motion = True  # each picture shows the settled view
        self.services.transcription.poll_interval = 0.05
        self.theme = ThemeManager(QApplication.instance(), "light")
        self.theme.apply()
        self.window: MainWindow | None = None

    async def open(self) -> MainWindow:
        window = MainWindow(self.services, theme=self.theme)
        window.resize(*WINDOW_SIZE)
        window.show()
        window.start()
        self.window = window
        await until(lambda: all(window.model_combo(k).model_ids() for k in window.tab_pages))
        await until(lambda: window.status.balance_button.text().startswith("Balance: $"))
        return window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
        self.services.close()
        self.api.stop()
