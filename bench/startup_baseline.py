"""The start-up baseline: a bare PySide6 window with four empty tabs, shown, painted, quit.

No qasync and nothing of the app: create the QApplication, show a QMainWindow holding a
four-tab QTabWidget, wait for its first paint, then open each tab once (each painted), quit.
With ``--with-loop`` the same window runs under a qasync event loop (asyncio and qasync imported
first, as the app must): the floor that the app's event loop sets, before any code of the app.
With ``--with-qt-names`` the window uses one value of Qt's namespace (``Qt.TextElideMode``) as
any widget code does; PySide6 then makes the Python enums of the whole namespace at once.
With ``--with-libraries`` the window runs under the qasync loop and, after its first paint and
before the tabs are opened, uses each library the app is built on as the app does in its first
second: a ``requests`` session (the HTTP client), the system keyring's backend (``keyring``), and
the list of sound devices (Qt Multimedia, with Qt's plugin folder less its media backend, as the
app runs it). No code of the app: what those parts cost is the floor under "after all tabs".
With ``--with-chat-widgets`` the first tab holds the widgets the app's Chat tab shows (a
sidebar with a search field and a list, a model box, tick boxes and tool buttons, a transcript
list with its hint, a composer with its buttons; SVG icons on the tabs and buttons), the window
has the app's menus and a status bar, and the app's stylesheet (its text only) is set: the
floor the Chat tab's look sets before any of its logic (``bench/chat_floor.py``).
With ``AIML_SELF_TEST_REPORT=FILE`` it writes the same report lines as the app's self-test
(see ``app/ui/self_test.py``): time, peak RSS and RSS at the first paint and after all tabs.

    QT_QPA_PLATFORM=offscreen python bench/startup_baseline.py [--with-loop] [--with-qt-names]
        [--with-libraries] [--with-chat-widgets]
"""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6 import QtCore  # Qt by attribute: importing its name would build its enums
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QWidget

TITLES = ("Chat", "Images", "Speech to text", "Text to speech")


def report(stage: str) -> None:
    path = os.environ.get("AIML_SELF_TEST_REPORT")
    if not path:
        return
    memory = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                memory[name] = int(value.split()[0])
    with open(path, "a", encoding="utf-8") as out:
        line = {"stage": stage, "time": time.time(), "cpu_s": time.process_time()}
        line["hwm_kb"] = memory["VmHWM"]
        out.write(json.dumps({**line, "rss_kb": memory["VmRSS"]}) + "\n")


class PaintWatch(QObject):
    """Calls ``then`` after the watched widget's next paint event."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self._then = then
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            self._widget.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def plugins_without_media_backend() -> None:
    """Point Qt at a folder linking every plugin folder of PySide6 but ``multimedia``, removed
    at exit. The bench's own few lines for what ``app.ui.qt_plugin_folders`` does for the app:
    the baseline runs no code of the app but the stylesheet's text."""
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QLibraryInfo

    root = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    linked = Path(tempfile.mkdtemp(prefix="baseline-plugins-"))
    atexit.register(shutil.rmtree, linked, True)
    for entry in root.iterdir():
        if entry.name != "multimedia":
            (linked / entry.name).symlink_to(entry)
    QCoreApplication.setLibraryPaths([str(linked)])


def use_libraries() -> None:
    """What the libraries the app is built on load on their first use."""
    import keyring
    import requests
    from PySide6.QtMultimedia import QMediaDevices

    requests.Session().close()
    keyring.get_keyring()
    QMediaDevices.audioOutputs()
    QMediaDevices.audioInputs()


def main() -> int:
    libraries = "--with-libraries" in sys.argv[1:]
    with_loop = libraries or "--with-loop" in sys.argv[1:]
    if with_loop:
        import asyncio

        import qasync
    if libraries:
        plugins_without_media_backend()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget(window)
    pages = [QWidget(tabs) for _ in TITLES]
    for page, title in zip(pages, TITLES, strict=True):
        tabs.addTab(page, title)
    if "--with-qt-names" in sys.argv[1:]:
        tabs.setElideMode(QtCore.Qt.TextElideMode.ElideRight)
    if "--with-chat-widgets" in sys.argv[1:]:
        import chat_floor  # beside this script; only with the flag

        chat_floor.build(window, tabs, pages[0])
    window.setCentralWidget(tabs)
    window.resize(1180, 780)

    def open_tab(index: int) -> None:
        if index == len(pages):
            report("all tabs")
            app.quit()
            return
        PaintWatch(pages[index], lambda: open_tab(index + 1))
        tabs.setCurrentIndex(index)
        pages[index].update()

    def painted() -> None:
        report("painted")
        print("baseline ok", flush=True)
        if libraries:
            use_libraries()
        if os.environ.get("AIML_SELF_TEST_REPORT"):
            PaintWatch(pages[1], lambda: open_tab(2))
            tabs.setCurrentIndex(1)
        else:
            app.quit()

    PaintWatch(pages[0], painted)
    window.show()
    if not with_loop:
        return app.exec()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    quit_now = asyncio.Event()
    app.aboutToQuit.connect(quit_now.set)
    with loop:
        loop.run_until_complete(quit_now.wait())
    return 0


if __name__ == "__main__":
    sys.exit(main())
