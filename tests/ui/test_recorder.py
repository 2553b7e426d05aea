"""Recording from the microphone: takes of real speech played into the null sink."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QAudioDevice

from app.ui.widgets.recorder import (
    NO_INPUT_NOTICE,
    RECORDING,
    RecordControl,
    Recorder,
)
from tests.ui.microphone import (  # noqa: F401
    heard_then_quiet,
    microphone,
    null_microphone_source,
    play_into_sink,
)
from tests.ui.no_sound import run_without_sound_server

with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_nonsilent

TAKE_TIMEOUT_MS = 15000


def speech_span(clip: Path) -> tuple[AudioSegment, float, float]:
    """The clip and the start and end (seconds) of the sound in it."""
    audio = AudioSegment.from_wav(clip)
    spans = detect_nonsilent(audio, min_silence_len=300, silence_thresh=-45)
    assert spans, f"{clip.name} is silent"
    return audio, spans[0][0] / 1000, spans[-1][1] / 1000


def clip_seconds(path: Path) -> float:
    return len(AudioSegment.from_wav(path)) / 1000


@pytest.fixture
def control(qtbot: Any, tmp_path: Path) -> RecordControl:
    widget = RecordControl("testRecord", "Record", recorder=Recorder(directory=tmp_path))
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.recorder.shutdown()


@pytest.mark.usefixtures("microphone")
def test_a_take_of_speech_is_recorded_as_16k_mono_wav(
    qtbot: Any, control: RecordControl, speech_wav: Path
) -> None:
    levels: list[float] = []
    control.recorder.level_changed.connect(levels.append)
    qtbot.mouseClick(control.button, Qt.MouseButton.LeftButton)
    assert control.recorder.state() == RECORDING
    assert control.button.text() == "Stop"
    assert control.meter.isVisible() and control.time_label.isVisible()
    play_into_sink(speech_wav)
    qtbot.waitUntil(lambda: heard_then_quiet(levels), timeout=TAKE_TIMEOUT_MS)
    assert control.time_label.text() != "0:00"
    with qtbot.waitSignal(control.recorded, timeout=TAKE_TIMEOUT_MS) as recorded:
        qtbot.mouseClick(control.button, Qt.MouseButton.LeftButton)
    take = Path(recorded.args[0])
    assert take.parent == control.recorder.directory and take.suffix == ".wav"
    audio, start, end = speech_span(take)
    assert (audio.frame_rate, audio.channels, audio.sample_width) == (16000, 1, 2)
    _source, spoken_start, spoken_end = speech_span(speech_wav)
    assert end - start == pytest.approx(spoken_end - spoken_start, abs=0.2)
    assert audio.dBFS > -45
    assert max(levels) > 0.3
    assert control.button.text() == "Record" and not control.meter.isVisible()


@pytest.mark.usefixtures("microphone")
def test_silence_after_speech_ends_the_take(qtbot: Any, tmp_path: Path, speech_wav: Path) -> None:
    recorder = Recorder(directory=tmp_path)
    finished: list[Path] = []
    recorder.finished.connect(finished.append)
    assert recorder.start(stop_on_silence=True)
    qtbot.wait(1800)  # quiet before anyone speaks does not end the take
    assert recorder.is_recording() and not finished
    play_into_sink(speech_wav)
    qtbot.waitUntil(lambda: bool(finished), timeout=TAKE_TIMEOUT_MS)
    audio, _start, end = speech_span(finished[0])
    assert len(audio) / 1000 - end == pytest.approx(1.5, abs=0.4)


@pytest.mark.usefixtures("microphone")
def test_a_take_stops_at_the_length_cap(qtbot: Any, control: RecordControl) -> None:
    control.recorder.max_seconds = 1.0
    with (
        qtbot.waitSignal(control.notice_given, timeout=TAKE_TIMEOUT_MS) as noticed,
        qtbot.waitSignal(control.recorded, timeout=TAKE_TIMEOUT_MS) as recorded,
    ):
        control.toggle()
    assert "0:01 limit" in noticed.args[0]
    assert clip_seconds(Path(recorded.args[0])) == pytest.approx(1.0, abs=0.1)


@pytest.mark.usefixtures("microphone")
def test_cancel_keeps_nothing(qtbot: Any, control: RecordControl) -> None:
    control.toggle()
    qtbot.wait(300)
    control.recorder.cancel()
    qtbot.wait(200)
    assert control.button.text() == "Record"
    assert not list(control.recorder.directory.iterdir())


def test_without_an_input_the_button_says_why(qtbot: Any, tmp_path: Path) -> None:
    recorder = Recorder(device=QAudioDevice(), directory=tmp_path)
    widget = RecordControl("testRecord", "Record", recorder=recorder)
    qtbot.addWidget(widget)
    widget.show()
    assert not widget.button.isEnabled()
    assert widget.button.toolTip() == NO_INPUT_NOTICE
    assert widget.notice_label.isVisible() and widget.notice() == NO_INPUT_NOTICE
    with qtbot.waitSignal(recorder.failed) as failed:
        assert not recorder.start()
    assert failed.args == [NO_INPUT_NOTICE]


def test_without_a_sound_server_recording_is_unavailable(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        from app.ui.app import create_application
        from app.ui.widgets.recorder import RecordControl
        app = create_application()
        control = RecordControl("sttRecord")
        control.show()
        print(control.button.isEnabled())
        print(control.button.toolTip())
        """
    )
    done = run_without_sound_server(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["False", NO_INPUT_NOTICE]
