"""A Text to speech tab against the stand-in gateway, with a real audio sink."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.services.context import Services
from app.ui.message_bar import MessageBar
from app.ui.speech.tab import SpeechTab
from app.ui.widgets.audio_player import has_output_device
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server


@pytest.fixture
def speech_tab(
    qtbot: Any,
    qloop: Any,
    fake_api: FakeApi,
    missing_real_service: Callable[[str], None],
) -> Iterator[SpeechTab]:
    if not has_output_device():
        missing_real_service("no audio output device (start a PulseAudio null sink)")
    fake_api.options.tts_seconds_per_char = 0.01  # short clips: tests stay fast
    fake_api.options.tts_max_seconds = 1.0
    services = Services(use_server(fake_api.url))
    bar = MessageBar()
    tab = SpeechTab(services, bar)
    tab.bar = bar
    qtbot.addWidget(tab)
    qtbot.addWidget(bar)
    tab.resize(1100, 700)
    tab.show()
    yield tab
    tab.shutdown()
    services.close()
