"""The Speech to text tab in a real main window against the stand-in gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.ui.transcription.tab import TranscriptionTab
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server

FAST_POLL = 0.02


@pytest.fixture
def open_stt_tab(
    qtbot: Any, open_window: Callable[..., Any], fake_api: FakeApi, monkeypatch: Any
) -> Callable[[], TranscriptionTab]:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    use_server(fake_api.url)

    def open_() -> TranscriptionTab:
        window = open_window()
        window.services.transcription.poll_interval = FAST_POLL
        tab = window.findChild(TranscriptionTab, "sttTab")
        window.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
        return tab

    return open_


@pytest.fixture
def stt_tab(open_stt_tab: Callable[[], TranscriptionTab]) -> TranscriptionTab:
    return open_stt_tab()


def statuses(tab: TranscriptionTab) -> list[str]:
    return [job.status for job in tab.queue.jobs()]


def wait_all(qtbot: Any, tab: TranscriptionTab, status: str = "done", timeout: int = 10000) -> None:
    qtbot.waitUntil(
        lambda: bool(tab.queue.jobs()) and all(s == status for s in statuses(tab)),
        timeout=timeout,
    )
