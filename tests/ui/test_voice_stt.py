"""Record in the Speech to text tab: the take joins the queue and is transcribed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.storage.paths import cache_dir
from app.ui.transcription.tab import TranscriptionTab
from tests.fake_api import FakeApi
from tests.ui.conftest import use_server
from tests.ui.microphone import (  # noqa: F401
    heard_then_quiet,
    microphone,
    null_microphone_source,
    play_into_sink,
)

TAKE_TIMEOUT_MS = 15000


@pytest.fixture
def stt_tab(
    qtbot: Any, open_window: Callable[..., Any], fake_api: FakeApi, monkeypatch: Any
) -> TranscriptionTab:
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    fake_api.options.stt_statuses = []
    use_server(fake_api.url)
    window = open_window()
    window.services.transcription.poll_interval = 0.02
    tab = window.findChild(TranscriptionTab, "sttTab")
    window.tabs.setCurrentWidget(tab)
    return tab


@pytest.mark.usefixtures("microphone")
def test_a_recorded_take_is_queued_and_transcribed(
    qtbot: Any, stt_tab: TranscriptionTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    record = stt_tab.findChild(QPushButton, "sttRecord")
    assert record.isEnabled() and record.text() == "Record"
    levels: list[float] = []
    stt_tab.record_control.recorder.level_changed.connect(levels.append)
    qtbot.mouseClick(record, Qt.MouseButton.LeftButton)
    assert record.text() == "Stop"
    play_into_sink(speech_wav)
    qtbot.waitUntil(lambda: heard_then_quiet(levels), timeout=TAKE_TIMEOUT_MS)
    qtbot.mouseClick(record, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(
        lambda: [job.status for job in stt_tab.queue.jobs()] == ["done"], timeout=TAKE_TIMEOUT_MS
    )
    job = stt_tab.queue.jobs()[0]
    take = Path(job.record.source)
    assert take.parent == cache_dir() / "recordings" and take.is_file()
    assert job.record.name == take.name and job.record.source_kind == "file"
    upload = next(r for r in fake_api.requests if r.path == "/v1/stt/create")
    name, data, _content_type = upload.files["audio"]
    assert name == take.name and data == take.read_bytes()
    qtbot.waitUntil(lambda: "quick brown fox" in stt_tab.view.plain_text())
    assert record.text() == "Record" and record.isEnabled()
