"""What the voice features compute from audio and text: levels, silence, takes, spoken words."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

import pytest

from app.services.voice_chat import (
    CODE_MENTION,
    SampleFormat,
    SilenceDetector,
    level_db,
    meter_fraction,
    padded_words,
    save_take,
    spoken_text,
)
from app.storage.paths import cache_dir
from tests.ui.audio_clips import tone


def sine_samples(seconds: float, rate: int, channels: int, amplitude: float) -> list[float]:
    frames = int(seconds * rate)
    wave_ = [amplitude * math.sin(2 * math.pi * 440 * i / rate) for i in range(frames)]
    return [value for value in wave_ for _ in range(channels)]


def test_levels_of_a_tone_and_of_silence() -> None:
    quiet_fmt = SampleFormat(24000, 1, 2)
    loud = tone(0.2).raw_data  # -12 dBFS peak sine, about -15 dBFS RMS
    assert level_db(loud, quiet_fmt) == pytest.approx(-15.0, abs=0.2)
    assert level_db(bytes(4800), quiet_fmt) == -math.inf
    assert meter_fraction(-15.0) == pytest.approx(0.75)
    assert meter_fraction(-math.inf) == 0.0 and meter_fraction(3.0) == 1.0


def test_silence_detector_waits_for_speech_then_quiet() -> None:
    detector = SilenceDetector(silence_seconds=1.5)
    assert not any(detector.feed(-80.0, 0.05) for _ in range(100))  # 5 s of quiet first
    assert not detector.feed(-20.0, 0.05)  # a click alone is not speech
    assert not any(detector.feed(-80.0, 0.05) for _ in range(40))
    assert not any(detector.feed(-20.0, 0.05) for _ in range(20))  # one second of speech
    ended = [detector.feed(-80.0, 0.05) for _ in range(30)]
    assert ended.index(True) == 29  # after 1.5 s of quiet, not before


def test_float_stereo_44k_take_becomes_16k_mono_wav(tmp_path: Path) -> None:
    samples = array.array("f", sine_samples(0.5, 44100, 2, 0.5))
    fmt = SampleFormat(44100, 2, 4, is_float=True)
    take = save_take(samples.tobytes(), fmt, tmp_path)
    with wave.open(str(take)) as clip:
        assert (clip.getframerate(), clip.getnchannels(), clip.getsampwidth()) == (16000, 1, 2)
        assert clip.getnframes() / 16000 == pytest.approx(0.5, abs=0.005)
        frames = array.array("h", clip.readframes(clip.getnframes()))
    assert max(frames) / 32767 == pytest.approx(0.5, abs=0.02)
    assert not list(tmp_path.glob(".*.tmp"))


def test_takes_go_to_the_recordings_folder_under_names_of_their_own() -> None:
    takes = [save_take(bytes(3200), SampleFormat(16000, 1, 2)) for _ in range(3)]
    assert {take.parent for take in takes} == {cache_dir() / "recordings"}
    assert len({take.name for take in takes}) == 3
    assert all(t.name.startswith("recording-") and t.suffix == ".wav" for t in takes)


def test_spoken_text_leaves_out_markup_and_code() -> None:
    reply = "## Steps\n\n1. Run **this**:\n\n```sh\nrm -rf build\n```\n\nSee [the docs](https://x)."
    assert spoken_text(reply) == f"Steps\nRun this:\n{CODE_MENTION}\nSee the docs."


def test_dictated_words_are_spaced_from_their_neighbours() -> None:
    assert padded_words("big", "o", " ") == " big"
    assert padded_words("big", "", "w") == "big "
    assert padded_words(" end ", "d", ".") == " end"
