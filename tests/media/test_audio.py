from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.media import audio
from app.media.audio import AudioSegment, MediaError
from app.storage import paths


def spoken_energy(segment: AudioSegment) -> float:
    """Loudness of the loudest 100 ms, in dBFS: speech is far above digital silence."""
    return max(chunk.dBFS for chunk in segment[::100])


def test_probe_reads_a_real_recording(speech_wav: Path, speech_mp3: Path) -> None:
    wav = audio.probe(speech_wav)
    assert wav.has_audio
    assert wav.channels == 1
    assert wav.sample_rate == 22050
    assert wav.codec == "pcm_s16le"
    assert 1.0 < (wav.duration or 0) < 3.0
    mp3 = audio.probe(speech_mp3)
    assert mp3.codec == "mp3"
    assert abs((mp3.duration or 0) - (wav.duration or 0)) < 0.2


def test_probe_tells_video_with_and_without_sound(speech_video: Path, silent_video: Path) -> None:
    assert audio.probe(speech_video).has_audio
    silent = audio.probe(silent_video)
    assert not silent.has_audio
    assert silent.codec is None


def test_probe_refuses_a_non_media_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all")
    with pytest.raises(MediaError, match="not an audio or video file"):
        audio.probe(text)
    with pytest.raises(MediaError, match="does not exist"):
        audio.probe(tmp_path / "missing.wav")


@pytest.mark.parametrize("fixture", ["speech_wav", "speech_mp3", "speech_ogg", "speech_video"])
def test_load_decodes_every_format_from_path_and_bytes(
    fixture: str, request: pytest.FixtureRequest, speech_wav: Path
) -> None:
    path: Path = request.getfixturevalue(fixture)
    reference = AudioSegment.from_wav(speech_wav)
    for source in (path, path.read_bytes()):
        segment = audio.load(source)
        assert abs(len(segment) - len(reference)) < 200
        assert spoken_energy(segment) > -30


def test_load_refuses_garbage_with_a_sentence() -> None:
    with pytest.raises(MediaError, match=r"^The audio could not be read: it is damaged, or not"):
        audio.load(b"\x00\x01garbage" * 200)
    with pytest.raises(MediaError, match="empty"):
        audio.load(b"")


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "flac"])
def test_export_writes_playable_files(fmt: str, speech_wav: Path, tmp_path: Path) -> None:
    segment = audio.load(speech_wav)
    target = audio.export(segment, tmp_path / f"out.{fmt}")
    assert [p.name for p in tmp_path.iterdir()] == [f"out.{fmt}"]
    info = audio.probe(target)
    assert info.has_audio
    assert abs((info.duration or 0) - len(segment) / 1000) < 0.15
    assert spoken_energy(audio.load(target)) > -30


def test_export_refuses_an_unknown_format(speech_wav: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="not supported"):
        audio.export(audio.load(speech_wav), tmp_path / "out.xyz")


def test_decode_pcm_gives_16_bit_samples(speech_mp3: Path, speech_wav_16k: Path) -> None:
    pcm = audio.decode_pcm(speech_mp3.read_bytes())
    assert pcm.sample_width == 2
    assert pcm.channels == 1
    assert pcm.sample_rate in (22050, 24000)
    assert 1.0 < pcm.duration < 3.0
    resampled = audio.decode_pcm(speech_wav_16k, sample_rate=48000)
    assert resampled.sample_rate == 48000
    assert abs(resampled.duration - audio.decode_pcm(speech_wav_16k).duration) < 0.01


def test_join_and_split_keep_the_length(speech_wav: Path) -> None:
    clip = audio.load(speech_wav)
    joined = audio.concatenate([clip, clip, clip], gap_ms=250)
    assert abs(len(joined) - (3 * len(clip) + 500)) <= 2
    pieces = audio.split_by_duration(joined, 1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert sum(len(piece) for piece in pieces) == len(joined)
    with pytest.raises(MediaError):
        audio.concatenate([])


def test_audio_track_of_a_video(speech_video: Path, speech_wav: Path, tmp_path: Path) -> None:
    track = audio.audio_track_of(speech_video)
    assert track.parent == paths.cache_dir() / "tracks"
    assert track.name.startswith(f"{speech_video.stem}-") and track.suffix == ".mp3"
    assert list(track.parent.iterdir()) == [track]  # no empty placeholder, no partial left
    info = audio.probe(track)
    assert (info.codec, info.channels, info.sample_rate) == ("mp3", 1, 16000)
    assert abs((info.duration or 0) - (audio.probe(speech_wav).duration or 0)) < 0.3
    chosen = audio.audio_track_of(speech_video, tmp_path / "speech.mp3")
    assert chosen == tmp_path / "speech.mp3"
    assert [p.name for p in tmp_path.iterdir()] == ["speech.mp3"]


def test_audio_track_of_a_silent_video_says_so(silent_video: Path) -> None:
    with pytest.raises(MediaError, match="no audio track"):
        audio.audio_track_of(silent_video)
    tracks = paths.cache_dir() / "tracks"
    assert not tracks.exists() or not list(tracks.iterdir())


def test_without_ffmpeg_the_message_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, speech_mp3: Path, speech_wav: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert audio.find_ffmpeg() is None
    with pytest.raises(MediaError) as caught:
        audio.load(speech_mp3)
    message = str(caught.value)
    assert "FFmpeg" in message and "install" in message
    assert message.endswith(".")
    # WAV needs no FFmpeg at all.
    segment = audio.load(speech_wav)
    assert audio.export(segment, tmp_path / "copy.wav").is_file()


def test_a_bundled_ffmpeg_next_to_a_frozen_program_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, speech_mp3: Path
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for tool in ("ffmpeg", "ffprobe"):
        real = shutil.which(tool)
        if real is None:
            pytest.skip(f"{tool} is not installed")
        os.symlink(real, bundle / tool)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(AudioSegment, "converter", AudioSegment.converter)
    assert audio.find_ffmpeg() == (str(bundle / "ffmpeg"), str(bundle / "ffprobe"))
    segment = audio.load(speech_mp3)
    assert AudioSegment.converter == str(bundle / "ffmpeg")
    assert spoken_energy(segment) > -30
    assert audio.probe(speech_mp3).codec == "mp3"


def test_missing_ffmpeg_never_prints_a_traceback(speech_mp3: Path, tmp_path: Path) -> None:
    program = textwrap.dedent(
        f"""
        from app.media import audio
        try:
            audio.load({str(speech_mp3)!r})
        except audio.MediaError as exc:
            print(exc)
        """
    )
    env = {**os.environ, "PATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0
    assert "FFmpeg is needed" in result.stdout
    assert "Traceback" not in result.stderr
    assert "Warning" not in result.stderr
