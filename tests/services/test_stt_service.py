"""The transcription service against the stand-in gateway, with real audio files."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import pytest

from app.api.audio_format import sniff_audio_format
from app.api.errors import InvalidInputError
from app.media import audio as media_audio
from app.services.context import Services
from app.services.transcription import inspect_file
from app.storage.paths import cache_dir
from tests.fake_api import FakeApi, Fault

DEEPGRAM = "#g1_nova-2-general"
FAST = 0.02


def _run(services: Services, **kwargs: object):
    kwargs.setdefault("poll_interval", FAST)
    return asyncio.run(services.transcription.transcribe(**kwargs))  # type: ignore[arg-type]


def _uploads(fake_api: FakeApi) -> list:
    return [r for r in fake_api.requests if r.method == "POST" and r.path.startswith("/v1/stt")]


@pytest.mark.parametrize(
    ("shape", "model", "has_words"),
    [
        ("deepgram", DEEPGRAM, True),
        ("assemblyai", "aai/universal", True),
        ("openai", "openai/gpt-4o-transcribe", False),
        ("mai", "microsoft/mai-transcribe-1.5", False),
    ],
)
def test_each_result_shape_becomes_one_transcript(
    services: Services, fake_api: FakeApi, speech_wav: Path, shape: str, model: str, has_words: bool
) -> None:
    fake_api.options.stt_shape = shape
    transcript = _run(services, model=model, file=speech_wav)
    assert transcript.text.startswith("The quick brown fox")
    assert bool(transcript.words) == has_words
    if has_words:
        duration = media_audio.probe(speech_wav).duration
        # AssemblyAI counts milliseconds, Deepgram seconds: both end inside the recording.
        assert 0 < transcript.words[-1].end <= duration + 0.01
        assert [w.start for w in transcript.words] == sorted(w.start for w in transcript.words)


@pytest.mark.parametrize("envelope", ["result", "output"])
def test_every_status_word_is_waited_through(
    services: Services, fake_api: FakeApi, speech_wav: Path, envelope: str
) -> None:
    fake_api.options.stt_statuses = ["waiting", "active", "processing", "queued", "generating"]
    fake_api.options.stt_envelope = envelope
    stages: list[str] = []

    async def go() -> str:
        transcript = await services.transcription.transcribe(
            DEEPGRAM,
            file=speech_wav,
            poll_interval=FAST,
            on_progress=lambda stage, _fraction: stages.append(stage),
        )
        await asyncio.sleep(0)
        return transcript.text

    assert asyncio.run(go())
    polls = [r for r in fake_api.requests if r.method == "GET" and r.path.startswith("/v1/stt/")]
    assert len(polls) == 6
    assert {"uploading", "waiting", "transcribing"} <= set(stages)


def test_a_url_is_sent_as_url_and_not_downloaded(services: Services, fake_api: FakeApi) -> None:
    url = "https://example.org/talk.mp3"
    transcript = _run(services, model=DEEPGRAM, url=url, options={"punctuate": True})
    create = _uploads(fake_api)[0]
    assert create.json == {"model": DEEPGRAM, "url": url, "punctuate": True}
    assert not create.files
    assert transcript.text


def test_legacy_sync_endpoint_when_create_is_missing(
    services: Services, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.script("/v1/stt/create", Fault.error(404, "Cannot POST /v1/stt/create"))
    transcript = _run(services, model=DEEPGRAM, file=speech_wav)
    assert [r.path for r in _uploads(fake_api)] == ["/v1/stt/create", "/v1/stt"]
    assert "audio" in _uploads(fake_api)[1].files
    assert transcript.text.startswith("The quick brown fox")


def test_a_missing_job_is_not_mistaken_for_a_missing_route(
    services: Services, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.stt_statuses = ["queued"]
    fake_api.script("/v1/stt/", Fault.error(404, "Generation not found"), method="GET")
    with pytest.raises(Exception, match="not found"):
        _run(services, model=DEEPGRAM, file=speech_wav)
    assert [r.path for r in _uploads(fake_api)] == ["/v1/stt/create"]


def test_video_is_sent_as_its_audio_track(
    services: Services, fake_api: FakeApi, speech_video: Path
) -> None:
    transcript = _run(services, model=DEEPGRAM, file=speech_video)
    upload = _uploads(fake_api)[0].files["audio"]
    assert sniff_audio_format(upload[1]) == "mp3"
    assert transcript.text


@pytest.fixture(scope="session")
def long_speech(speech_wav_16k: Path) -> Path:
    """The speech four times with 0.6 s pauses (about 9 s, 290 kB of 16 kHz WAV)."""
    path = speech_wav_16k.with_name("long-speech.wav")
    paused = speech_wav_16k.with_name("paused.wav")
    subprocess.run(["sox", str(speech_wav_16k), str(paused), "pad", "0", "0.6"], check=True)
    subprocess.run(["sox", *[str(paused)] * 4, str(path)], check=True)
    return path


def test_a_file_over_the_limit_is_split_on_pauses_and_stitched(
    services: Services, fake_api: FakeApi, long_speech: Path
) -> None:
    services.transcription.upload_limit_bytes = 120_000
    transcript = _run(services, model=DEEPGRAM, file=long_speech)
    uploads = [r.files["audio"][1] for r in _uploads(fake_api)]
    assert len(uploads) >= 3
    assert all(len(data) <= 120_000 for data in uploads)
    part_lengths = [media_audio.load(data).duration_seconds for data in uploads]
    total = media_audio.probe(long_speech).duration
    assert sum(part_lengths) == pytest.approx(total, abs=0.05)
    # every part's words come after the parts before it, shifted by their length
    words_per_part = len(transcript.words) // len(uploads)
    offset = 0.0
    for index, length in enumerate(part_lengths):
        mine = transcript.words[index * words_per_part : (index + 1) * words_per_part]
        assert offset <= mine[0].start and mine[-1].end <= offset + length + 0.01
        offset += length
    assert transcript.duration == pytest.approx(total, abs=0.05)
    assert transcript.text.count("The quick brown fox") == len(uploads)
    assert list((cache_dir() / "stt-parts").glob("*")) == []


def test_inputs_that_cannot_be_transcribed_are_refused_with_a_reason(
    tmp_path: Path, speech_mp3: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a recording\n")
    with pytest.raises(InvalidInputError, match=r"notes\.txt is not an audio or video file"):
        inspect_file(text)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInputError, match="empty"):
        inspect_file(empty)
    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(speech_mp3.read_bytes()[:100] + bytes(range(256)) * 80)
    with pytest.raises(InvalidInputError, match=r"broken\.mp3 does not look like"):
        inspect_file(corrupt)


def test_without_ffmpeg_a_video_is_refused_with_how_to_install(
    monkeypatch: pytest.MonkeyPatch, speech_video: Path, speech_wav: Path
) -> None:
    monkeypatch.setattr(media_audio, "find_ffmpeg", lambda: None)
    with pytest.raises(media_audio.MediaError, match=r"FFmpeg is needed .* install"):
        inspect_file(speech_video)
    plain = inspect_file(speech_wav)
    assert plain.path == speech_wav and plain.duration is None


def test_no_progress_is_shown_after_a_transcription_is_cancelled(
    services: Services, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.stt_statuses = ["queued"] * 400  # polled for seconds
    stages: list[str] = []

    async def go() -> tuple[int, int]:
        task = asyncio.ensure_future(
            services.transcription.transcribe(
                DEEPGRAM,
                file=speech_wav,
                poll_interval=0.005,
                on_progress=lambda stage, _fraction: stages.append(stage),
            )
        )
        while "waiting" not in stages:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        seen = len(stages)
        await asyncio.sleep(0.2)  # the worker may still be polling: nothing of it shows
        return seen, len(stages)

    seen, later = asyncio.run(asyncio.wait_for(go(), timeout=20))
    assert later == seen
