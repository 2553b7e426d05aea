"""Application-wide Qt signals that tabs emit without knowing the main window."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    """Signals:
    paid_request_finished(): a request that may have cost money has ended; the status bar
        refreshes the balance shortly after.
    models_loaded(str): the model list of one kind ("chat", "image", "stt", "tts") was filled.
    settings_changed(): the person changed the settings (tabs re-read what they use).
    """

    paid_request_finished = Signal()
    models_loaded = Signal(str)
    settings_changed = Signal()


_events: AppEvents | None = None


def app_events() -> AppEvents:
    """The one ``AppEvents`` object of this process."""
    global _events
    if _events is None:
        _events = AppEvents()
    return _events


def notify_paid_request() -> None:
    """Tell the status bar that the balance may have changed."""
    app_events().paid_request_finished.emit()
