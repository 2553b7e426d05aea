"""Qt Multimedia, loaded the first time sound is needed, or the reason it cannot be.

Importing ``PySide6.QtMultimedia`` costs time and memory at start-up, and fails outright on a
system without the PulseAudio client library. Sound widgets ask ``multimedia()`` when they
play or record and ``unavailable_reason()`` to disable themselves with a one-line reason.
"""

from __future__ import annotations

import logging
from types import ModuleType

from app.services.system_parts import sound_unavailable

log = logging.getLogger(__name__)

NO_BACKEND_WARNING = "No QtMultimedia backends found."

_module: ModuleType | None = None
_reason: str | None = None


class SoundUnavailable(RuntimeError):
    """Qt Multimedia cannot be loaded here; the message is the sentence to show."""


def multimedia() -> ModuleType:
    """``PySide6.QtMultimedia``, imported once.

    Raises:
        SoundUnavailable: it cannot be imported (a system library is missing).
    """
    global _module, _reason
    if _module is not None:
        return _module
    if _reason is not None:
        raise SoundUnavailable(_reason)
    try:
        from PySide6 import QtMultimedia
    except ImportError as exc:
        _reason = sound_unavailable(str(exc))
        log.warning("Qt Multimedia is not available: %s", exc)
        raise SoundUnavailable(_reason) from exc
    _start_devices_quietly(QtMultimedia)
    _module = QtMultimedia
    return _module


def _start_devices_quietly(module: ModuleType) -> None:
    """Ask for the devices once, so Qt Multimedia starts, without its warning that it has no
    media backend: the app leaves that plugin out on purpose (``app.ui.qt_plugin_folders``).
    Qt's other messages meanwhile go where they would have gone: to the handler installed from
    Python before, else to the log. (The app installs none from C++, which this would hide.)"""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def without_backend_warning(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith(NO_BACKEND_WARNING):
            return
        if previous is not None:
            previous(kind, context, message)
            return
        log.log(levels.get(kind, logging.WARNING), "Qt (%s): %s", context.category, message)

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    previous = qInstallMessageHandler(without_backend_warning)
    try:
        module.QMediaDevices.audioOutputs()
    finally:
        qInstallMessageHandler(previous)


def unavailable_reason() -> str:
    """ "" when sound can be used, else the sentence saying why not (loads Qt Multimedia)."""
    try:
        multimedia()
    except SoundUnavailable as exc:
        return str(exc)
    return ""
