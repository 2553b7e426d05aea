"""Playing a file through ffplay for the command line: found beside ffmpeg, and a player that
cannot reach a sound device (it exits 0 and says so on stderr) is a failure with one sentence."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.errors import MediaError
from app.media import playback


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.mark.skipif(os.name != "posix", reason="the stand-in players are shell scripts")
def test_the_player_gets_the_file_and_plays_it_to_the_end(bin_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "args.txt"
    _script(bin_dir, "ffplay", f'echo "$@" > "{log}"')
    audio = tmp_path / "speech.wav"
    audio.write_bytes(b"RIFF")
    playback.play_file(audio)
    assert log.read_text().split() == ["-nodisp", "-autoexit", "-loglevel", "error", str(audio)]


@pytest.mark.skipif(os.name != "posix", reason="the stand-in players are shell scripts")
def test_no_sound_device_is_a_failure_even_when_ffplay_exits_0(
    bin_dir: Path, tmp_path: Path
) -> None:
    _script(bin_dir, "ffplay", 'echo "SDL_OpenAudio (2 channels, 24000 Hz): audio open failed" >&2')
    with pytest.raises(MediaError) as caught:
        playback.play_file(tmp_path / "speech.wav")
    assert caught.value.sentence == playback.NOT_PLAYED


@pytest.mark.skipif(os.name != "posix", reason="the stand-in players are shell scripts")
def test_ffplay_beside_ffmpeg_is_found_when_it_is_not_on_the_path(
    bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "ffmpeg-tools"
    tools.mkdir()
    ffmpeg = _script(tools, "ffmpeg", "exit 0")
    ffprobe = _script(tools, "ffprobe", "exit 0")
    monkeypatch.setattr("app.media.audio.find_ffmpeg", lambda: (str(ffmpeg), str(ffprobe)))
    assert playback.find_player() is None
    beside = _script(tools, "ffplay", "exit 0")
    assert playback.find_player() == str(beside)


def test_without_any_player_the_sentence_says_how_to_save_instead(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.media.audio.find_ffmpeg", lambda: None)
    with pytest.raises(MediaError, match=r"ffplay \(part of ffmpeg\) was not found"):
        playback.play_file(Path("speech.wav"))
