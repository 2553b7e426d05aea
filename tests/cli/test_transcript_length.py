"""A transcript without segments (the OpenAI shape) becomes one cue spanning the audio."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Reply
from tests.fake_api.media import wav_bytes

Cli = Callable[..., CliResult]


def test_srt_and_vtt_cue_spans_the_audio(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_bytes(2.5))
    for fmt, span in (
        ("srt", "00:00:00,000 --> 00:00:02,500"),
        ("vtt", "00:00:00.000 --> 00:00:02.500"),
    ):
        gateway.script("/v1/audio/transcriptions", Reply(json={"text": "Hello there."}))
        result = cli("stt", clip, "--dialect", "openai", "--model", "whisper-1", "--format", fmt)
        assert result.code == 0, result.err
        assert span in result.out
        assert "Hello there." in result.out
