"""The start-up baseline: a bare QMainWindow with four empty tabs, shown through qasync, then exit.

It does what ``python -m app --self-test`` does minus the app itself: create the QApplication,
run a qasync loop, show the window, wait until it is exposed, print "baseline ok", close.

    python bench/startup_baseline.py
"""

from __future__ import annotations

import asyncio
import sys

import qasync
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

TIMEOUT_S = 20.0


async def show_and_close(window: QMainWindow) -> int:
    window.show()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT_S
    while loop.time() < deadline:
        handle = window.windowHandle()
        if window.isVisible() and handle is not None and handle.isExposed():
            await asyncio.sleep(0)
            print("baseline ok", flush=True)
            window.close()
            return 0
        await asyncio.sleep(0.01)
    return 1


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget(window)
    for title in ("Chat", "Images", "Speech to text", "Text to speech"):
        tabs.addTab(QWidget(tabs), title)
    window.setCentralWidget(tabs)
    window.resize(1180, 780)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(show_and_close(window))


if __name__ == "__main__":
    sys.exit(main())
