"""The shared audio player, playing through a real audio sink (PulseAudio null sink in CI)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QtAudio

from app.media.audio import decode_pcm
from app.ui.widgets.audio_player import (
    NO_DEVICE_NOTICE,
    PAUSED,
    PLAYING,
    STOPPED,
    AudioPlayer,
    format_clock,
    has_output_device,
)
from tests.ui.audio_clips import tone_wav
from tests.ui.no_sound import run_without_sound_server

PLAY_TIMEOUT_MS = 12000  # the null sink starts each stream with up to two seconds of latency


@pytest.fixture
def player(qtbot: Any, missing_real_service: Callable[[str], None]) -> AudioPlayer:
    if not has_output_device():
        missing_real_service("no audio output device (start a PulseAudio null sink)")
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()


def load(qtbot: Any, player: AudioPlayer, data: bytes) -> None:
    with qtbot.waitSignal(player.loaded, timeout=5000):
        player.load_bytes(data)


def test_clock_text() -> None:
    assert format_clock(0) == "0:00"
    assert format_clock(61.4) == "1:01"
    assert format_clock(3725) == "1:02:05"
    assert format_clock(0.4, round_up=True) == "0:01"


def test_plays_a_clip_to_the_end(qtbot: Any, player: AudioPlayer) -> None:
    load(qtbot, player, tone_wav(0.5))
    assert player.duration() == pytest.approx(0.5, abs=0.01)
    assert player.time_label.text() == "0:00 / 0:01"
    states: list[str] = []
    player.state_changed.connect(states.append)

    with qtbot.waitSignal(player.finished, timeout=PLAY_TIMEOUT_MS):
        qtbot.mouseClick(player.play_button, Qt.MouseButton.LeftButton)
        assert player.sink is not None
        assert player.sink.state() == QtAudio.State.ActiveState
        assert player.play_button.accessibleName() == "Pause"
    assert states == [PLAYING, STOPPED]
    assert player.processed_seconds() == pytest.approx(0.5, abs=0.03)
    assert player.position() == 0.0
    assert player.play_button.accessibleName() == "Play"


def test_pause_holds_the_position_and_resume_finishes(qtbot: Any, player: AudioPlayer) -> None:
    load(qtbot, player, tone_wav(1.0))
    player.play()
    qtbot.waitUntil(lambda: player.position() > 0.2, timeout=PLAY_TIMEOUT_MS)
    player.pause()
    assert player.state() == PAUSED
    held = player.position()
    qtbot.wait(400)
    assert player.position() == pytest.approx(held, abs=0.02)
    assert player.sink is not None
    assert player.sink.state() == QtAudio.State.SuspendedState

    with qtbot.waitSignal(player.finished, timeout=PLAY_TIMEOUT_MS):
        player.play()
    assert player.processed_seconds() == pytest.approx(1.0, abs=0.03)


def test_play_from_a_point_plays_only_the_rest(qtbot: Any, player: AudioPlayer) -> None:
    load(qtbot, player, tone_wav(0.8))
    positions: list[float] = []
    player.position_changed.connect(positions.append)
    with qtbot.waitSignal(player.finished, timeout=PLAY_TIMEOUT_MS):
        player.play_from(0.5)
    assert player.processed_seconds() == pytest.approx(0.3, abs=0.03)
    assert min(p for p in positions if p > 0) >= 0.5 - 0.001


def test_seek_while_stopped_moves_slider_and_time(qtbot: Any, player: AudioPlayer) -> None:
    load(qtbot, player, tone_wav(0.9))
    player.seek(0.6)
    assert player.seek_slider.value() == 600
    assert player.time_label.text() == "0:00 / 0:01"
    with qtbot.waitSignal(player.finished, timeout=PLAY_TIMEOUT_MS):
        player.play()
    assert player.processed_seconds() == pytest.approx(0.3, abs=0.03)


def test_appended_audio_keeps_playing(qtbot: Any, player: AudioPlayer) -> None:
    first = decode_pcm(tone_wav(0.3))
    second = decode_pcm(tone_wav(0.4, frequency=660))
    player.load_pcm(first)
    positions: list[float] = []
    player.position_changed.connect(positions.append)
    with qtbot.waitSignal(player.finished, timeout=PLAY_TIMEOUT_MS * 2):
        player.play()
        player.append_pcm(second)
    assert player.duration() == pytest.approx(0.7, abs=0.01)
    assert max(positions) == pytest.approx(0.7, abs=0.03)


def test_volume_reaches_the_sink(qtbot: Any, player: AudioPlayer) -> None:
    load(qtbot, player, tone_wav(0.3))
    player.play()
    player.set_volume(0)
    assert player.sink is not None
    assert player.sink.volume() == 0.0
    player.set_volume(100)
    assert player.sink.volume() == pytest.approx(1.0)
    player.stop()
    assert player.state() == STOPPED
    assert player.sink is None


def test_bytes_that_are_not_audio_give_a_sentence(qtbot: Any) -> None:
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.load_failed, timeout=5000) as failed:
        widget.load_bytes(b"<html>not audio</html>")
    assert failed.args[0] == (
        "The audio could not be read: it is damaged, or not in a sound format FFmpeg knows."
    )
    assert widget.notice() == failed.args[0]
    assert not widget.play_button.isEnabled()


def test_without_a_sound_server_the_player_says_so(tmp_path: Path) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(tone_wav(0.2))
    script = textwrap.dedent(
        f"""
        from PySide6.QtCore import QTimer
        from app.ui.app import create_application
        from app.ui.widgets.audio_player import AudioPlayer
        app = create_application()
        player = AudioPlayer()
        # A decode that ends before app.exec() starts emits loaded at once: quit must be queued.
        player.loaded.connect(lambda _d: (player.play(), QTimer.singleShot(0, app.quit)))
        player.load_file({str(clip)!r})
        app.exec()
        print(player.state(), player.duration())
        print(player.notice())
        """
    )
    done = run_without_sound_server(script, tmp_path)
    assert done.returncode == 0, done.stderr
    state_line, notice_line = done.stdout.splitlines()[-2:]
    assert state_line.split()[0] == STOPPED
    assert float(state_line.split()[1]) == pytest.approx(0.2, abs=0.01)
    assert notice_line == NO_DEVICE_NOTICE
