"""Python's cycle collector, run on the UI thread only.

The automatic collector runs on whichever thread happens to allocate when a threshold is
crossed. A worker thread (an HTTP stream, a file read) can then collect a reference cycle that
holds a Qt object, and destroy that object off the UI thread, which Qt does not survive: a
crash some time later, anywhere. So the automatic collector is switched off and the UI thread
collects on a short timer, each generation when its threshold says so, as Python would have.
Objects without cycles are still freed at once by reference counting, on any thread.

While the window starts, nothing is collected until it has been painted (or for
``LATEST_START_MS`` at most, should the paint not come: a window started minimised): the
objects made by then are nearly all alive, and walking them would only delay the first paint.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.ui.events import after_first_paint

INTERVAL_MS = 100
LATEST_START_MS = 5_000


class UiThreadCollector(QObject):
    """Collects garbage cycles on the UI thread every ``INTERVAL_MS``, instead of Python's
    automatic collector, from the window's first paint on (at once without a window, and after
    ``LATEST_START_MS`` whatever happens)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        after_first_paint(self._start)
        QTimer.singleShot(LATEST_START_MS, self, self._start)

    def _start(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def collect_due(self) -> None:
        """Collect the generations whose counts passed their thresholds."""
        if gc.isenabled():  # switched back on by someone: off again, it is ours to run
            gc.disable()
        limit0, limit1, limit2 = gc.get_threshold()
        count0, count1, count2 = gc.get_count()
        if count0 > limit0:
            gc.collect(0)
            if count1 > limit1:
                gc.collect(1)
                if count2 > limit2:
                    gc.collect(2)


def collect_on_the_ui_thread(app: QCoreApplication) -> UiThreadCollector:
    """The application's collector, made on first call (collecting from the first paint on,
    see ``UiThreadCollector``)."""
    found = app.findChild(UiThreadCollector)
    if isinstance(found, UiThreadCollector):
        gc.disable()
        return found
    collector = UiThreadCollector(app)
    collector.setObjectName("uiThreadCollector")
    return collector
