"""The start-up baseline: a bare PySide6 window with four empty tabs, shown, painted, quit.

No qasync and nothing of the app: create the QApplication, show a QMainWindow holding a
four-tab QTabWidget, wait for its first paint, then open each tab once (each painted), quit.
With ``--with-loop`` the same window runs under a qasync event loop (asyncio and qasync imported
first, as the app must): the floor that the app's event loop sets, before any code of the app.
With ``--with-qt-names`` the window uses one value of Qt's namespace (``Qt.TextElideMode``) as
any widget code does; PySide6 then makes the Python enums of the whole namespace at once.
With ``AIML_SELF_TEST_REPORT=FILE`` it writes the same report lines as the app's self-test
(see ``app/ui/self_test.py``): time, peak RSS and RSS at the first paint and after all tabs.

    QT_QPA_PLATFORM=offscreen python bench/startup_baseline.py [--with-loop] [--with-qt-names]
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


def main() -> int:
    with_loop = "--with-loop" in sys.argv[1:]
    if with_loop:
        import asyncio

        import qasync
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    tabs = QTabWidget(window)
    pages = [QWidget(tabs) for _ in TITLES]
    for page, title in zip(pages, TITLES, strict=True):
        tabs.addTab(page, title)
    if "--with-qt-names" in sys.argv[1:]:
        tabs.setElideMode(QtCore.Qt.TextElideMode.ElideRight)
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
