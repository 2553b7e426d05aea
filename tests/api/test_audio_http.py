from __future__ import annotations

import io
import threading
import wave
from pathlib import Path

import pytest

from app.api.client import ApiClient
from app.api.errors import (
    ApiTimeoutError,
    CancelledByUser,
    InvalidInputError,
    JobFailedError,
    LinkExpiredError,
)
from tests.fake_api import FakeApi, Fault

TEXT = "The quick brown fox jumps over the lazy dog."


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x01\x00" * int(seconds * rate))
    return buffer.getvalue()


@pytest.fixture
def audio_file(tmp_path: Path) -> Path:
    path = tmp_path / "talk ünïcode.wav"
    path.write_bytes(wav_bytes(2.0))
    return path


@pytest.mark.parametrize("shape", ["deepgram", "assemblyai", "openai", "mai"])
@pytest.mark.parametrize("envelope", ["result", "output"])
def test_upload_create_and_poll_every_shape(
    client: ApiClient, fake_api: FakeApi, audio_file: Path, shape: str, envelope: str
) -> None:
    fake_api.options.stt_shape = shape
    fake_api.options.stt_envelope = envelope
    fake_api.options.stt_text = TEXT
    fake_api.options.stt_statuses = ["waiting", "active", "queued", "generating"]
    stages: list[tuple[str, float | None]] = []
    transcript = client.audio.transcribe(
        model="#g1_nova-2-general",
        file=audio_file,
        options={"language": "en", "punctuate": True, "diarize": False},
        on_progress=lambda stage, fraction: stages.append((stage, fraction)),
        poll_interval=0.01,
    )
    assert transcript.text == TEXT
    if shape in ("deepgram", "assemblyai"):
        assert transcript.words and transcript.segments
        assert transcript.words[-1].end <= 3.0  # seconds, not milliseconds
    (create,) = fake_api.requests_to("/v1/stt/create")
    assert create.files["audio"][1] == audio_file.read_bytes()
    assert create.form["model"] == "#g1_nova-2-general"
    assert (create.form["punctuate"], create.form["diarize"]) == ("true", "false")
    polls = fake_api.requests_to("/v1/stt/", method="GET")
    assert len(polls) == 5
    uploading = [f for s, f in stages if s == "uploading"]
    assert uploading and uploading[-1] == 1.0
    assert {"waiting", "transcribing"} <= {s for s, _ in stages}


def test_openai_transcribe_models_upload_as_file(
    client: ApiClient, fake_api: FakeApi, audio_file: Path
) -> None:
    fake_api.options.stt_statuses = []
    client.audio.transcribe(model="openai/gpt-4o-transcribe", file=audio_file, poll_interval=0)
    (create,) = fake_api.requests_to("/v1/stt/create")
    assert set(create.files) == {"file"}


def test_url_source_goes_as_json(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.stt_statuses = []
    url = "https://audio-samples.github.io/samples/mp3/blizzard_primed/sample-0.mp3"
    transcript = client.audio.transcribe(
        model="#g1_whisper-large", url=url, options={"smart_format": True}, poll_interval=0
    )
    assert transcript.text
    (create,) = fake_api.requests_to("/v1/stt/create")
    assert create.json == {"model": "#g1_whisper-large", "url": url, "smart_format": True}


def test_failed_job(client: ApiClient, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_error = "Audio could not be decoded"
    with pytest.raises(JobFailedError, match="could not be decoded"):
        client.audio.transcribe(model="#g1_nova-2-general", file=audio_file, poll_interval=0)


def test_poll_timeout(client: ApiClient, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_statuses = ["queued"] * 1000
    with pytest.raises(ApiTimeoutError):
        client.audio.transcribe(
            model="#g1_nova-2-general", file=audio_file, poll_interval=0.01, poll_timeout=0.2
        )


def test_cancel_while_waiting(client: ApiClient, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_statuses = ["queued"] * 1000
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    with pytest.raises(CancelledByUser):
        client.audio.transcribe(
            model="#g1_nova-2-general", file=audio_file, cancel=cancel, poll_interval=0.05
        )
    timer.cancel()


def test_cancel_during_upload_stops_sending(
    client: ApiClient, fake_api: FakeApi, tmp_path: Path
) -> None:
    big = tmp_path / "long.wav"
    big.write_bytes(wav_bytes(60.0, rate=16000))  # ~1.9 MB
    cancel = threading.Event()

    def progress(stage: str, fraction: float | None) -> None:
        if stage == "uploading" and fraction and fraction > 0.2:
            cancel.set()

    with pytest.raises(CancelledByUser):
        client.audio.transcribe(
            model="#g1_nova-2-general", file=big, cancel=cancel, on_progress=progress
        )
    assert fake_api.requests_to("/v1/stt/", method="GET") == []


def test_create_and_poll_separately(client: ApiClient, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_statuses = ["queued"]
    generation_id = client.audio.create_transcription(model="aai/universal", file=audio_file)
    assert client.audio.poll_transcription(generation_id) == ("queued", None)
    status, transcript = client.audio.poll_transcription(generation_id)
    assert status == "completed"
    assert transcript is not None and transcript.text


def test_legacy_sync(client: ApiClient, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_text = TEXT
    transcript = client.audio.transcribe_sync(model="#g1_nova-2-general", file=audio_file)
    assert transcript.text == TEXT
    assert fake_api.requests_to("/v1/stt", method="POST")[0].path == "/v1/stt"


def test_openai_dialect_transcription(make_client, fake_api: FakeApi, audio_file: Path) -> None:
    fake_api.options.stt_text = TEXT
    client = make_client(dialect="openai")
    transcript = client.audio.transcribe(model="whisper-1", file=audio_file)
    assert transcript.text == TEXT
    assert transcript.segments
    (request,) = fake_api.requests_to("/v1/audio/transcriptions")
    assert request.form["response_format"] == "verbose_json"
    assert set(request.files) == {"file"}
    with pytest.raises(InvalidInputError):
        client.audio.transcribe(model="whisper-1", url="https://x/a.mp3")


def test_file_and_url_are_exclusive(client: ApiClient, audio_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        client.audio.transcribe(model="m", file=audio_file, url="https://x")
    with pytest.raises(InvalidInputError):
        client.audio.transcribe(model="m")
    with pytest.raises(InvalidInputError):
        client.audio.transcribe(model="m", file=tmp_path / "missing.wav")


def test_upload_is_retried_with_a_fresh_body(
    client: ApiClient, fake_api: FakeApi, audio_file: Path, slept: list[float]
) -> None:
    fake_api.options.stt_statuses = []
    fake_api.script("/v1/stt/create", Fault.error(503))
    transcript = client.audio.transcribe(
        model="#g1_nova-2-general", file=audio_file, poll_interval=0
    )
    assert transcript.text
    creates = fake_api.requests_to("/v1/stt/create")
    assert len(creates) == 2
    assert creates[1].files["audio"][1] == audio_file.read_bytes()
    assert slept[0] == 0.5


# ----- text to speech ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode", ["bytes", "json_url", "json_string", "json_base64", "json_data_uri"]
)
def test_speech_every_answer_mode(client: ApiClient, fake_api: FakeApi, mode: str) -> None:
    fake_api.options.tts_mode = mode
    audio = client.audio.speech({"model": "openai/tts-1", "text": "Hello there", "voice": "coral"})
    assert audio.format == "wav"
    assert audio.data.startswith(b"RIFF")
    assert (audio.source_url is not None) == (mode in ("json_url", "json_string"))
    (request,) = fake_api.requests_to("/v1/tts")
    assert request.json["text"] == "Hello there"


def test_format_comes_from_bytes_not_url(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.tts_mode = "json_url"
    fake_api.options.tts_url_suffix = ".mp3"
    audio = client.audio.speech({"model": "openai/tts-1", "text": "Hi"})
    assert audio.source_url is not None and audio.source_url.endswith(".mp3")
    assert audio.format == "wav"


def test_expired_audio_link(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.tts_mode = "json_url"
    fake_api.options.image_expired = True
    with pytest.raises(LinkExpiredError):
        client.audio.speech({"model": "openai/tts-1", "text": "Hi"})


def test_openai_dialect_speech_sends_input(make_client, fake_api: FakeApi) -> None:
    client = make_client(dialect="openai")
    audio = client.audio.speech({"model": "tts-1", "text": "Hello", "voice": "alloy"})
    assert audio.data
    (request,) = fake_api.requests_to("/v1/audio/speech")
    assert request.json["input"] == "Hello"
    assert "text" not in request.json
