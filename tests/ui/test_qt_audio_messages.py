"""Starting Qt Multimedia without its backend: Qt's warning about the missing backend is
dropped, every other message still reaches whoever handled Qt's messages before."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qWarning

from app.ui.widgets import qt_audio

BACKEND_WARNING = (
    "No QtMultimedia backends found. Only QMediaDevices, QAudioDevice, QSoundEffect, "
    "QAudioSink, and QAudioSource are available."
)


def _devices_that_warn(*messages: str) -> Any:
    """Stands in for QtMultimedia: listing the outputs makes Qt warn ``messages``."""

    def audio_outputs() -> list[object]:
        for message in messages:
            qWarning(message)
        return []

    return SimpleNamespace(QMediaDevices=SimpleNamespace(audioOutputs=audio_outputs))


@pytest.fixture
def outer_handler() -> Iterator[list[tuple[QtMsgType, str]]]:
    received: list[tuple[QtMsgType, str]] = []
    previous = qInstallMessageHandler(
        lambda kind, _context, message: received.append((kind, message))
    )
    yield received
    qInstallMessageHandler(previous)


def test_only_the_backend_warning_is_dropped(outer_handler: list[tuple[QtMsgType, str]]) -> None:
    module = _devices_that_warn(BACKEND_WARNING, "PulseAudioService: pa_context_connect() failed")
    qt_audio._start_devices_quietly(module)
    assert outer_handler == [
        (QtMsgType.QtWarningMsg, "PulseAudioService: pa_context_connect() failed")
    ]


def test_the_handler_before_is_put_back(outer_handler: list[tuple[QtMsgType, str]]) -> None:
    qt_audio._start_devices_quietly(_devices_that_warn(BACKEND_WARNING))
    qWarning(BACKEND_WARNING)  # after the start, nothing is dropped any more
    assert outer_handler == [(QtMsgType.QtWarningMsg, BACKEND_WARNING)]


def test_without_a_handler_before_messages_go_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    previous = qInstallMessageHandler(None)
    try:
        with caplog.at_level(logging.DEBUG, logger=qt_audio.__name__):
            qt_audio._start_devices_quietly(_devices_that_warn(BACKEND_WARNING, "no sound server"))
    finally:
        qInstallMessageHandler(previous)
    assert [record.getMessage() for record in caplog.records] == ["Qt (default): no sound server"]
    assert caplog.records[0].levelno == logging.WARNING
