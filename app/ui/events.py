"""Application-wide Qt signals that tabs emit without knowing the main window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal


class AppEvents(QObject):
    """Signals:
    paid_request_finished(): a request that may have cost money has ended; the status bar
        refreshes the balance shortly after.
    models_loaded(str): the model list of one kind ("chat", "image", "stt", "tts") was filled.
    settings_changed(): the person changed the settings (tabs re-read what they use).
    window_painted(): the main window has been painted for the first time.
    """

    paid_request_finished = Signal()
    models_loaded = Signal(str)
    settings_changed = Signal()
    window_painted = Signal()


_events: AppEvents | None = None
_paint_pending = False


def app_events() -> AppEvents:
    """The one ``AppEvents`` object of this process."""
    global _events
    if _events is None:
        _events = AppEvents()
    return _events


def notify_paid_request() -> None:
    """Tell the status bar that the balance may have changed."""
    app_events().paid_request_finished.emit()


def expect_first_paint() -> None:
    """Work passed to ``after_first_paint`` from now on waits for ``first_paint_done``."""
    global _paint_pending
    _paint_pending = True


def first_paint_done() -> None:
    """The window has been painted: run the work that waited for it."""
    global _paint_pending
    _paint_pending = False
    app_events().window_painted.emit()


def first_paint_pending() -> bool:
    """True while the window is starting and has not been painted yet."""
    return _paint_pending


def after_first_paint(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the main window has been painted; at once when nobody is waiting
    for a first paint (a widget made later, or on its own)."""
    if _paint_pending:
        app_events().window_painted.connect(callback, Qt.ConnectionType.SingleShotConnection)
    else:
        callback()
