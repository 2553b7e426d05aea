from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from app.api.audio_format import sniff_audio_format
from app.api.audio_types import SpeechAudio
from app.api.errors import InvalidInputError
from app.api.image_types import GeneratedImage
from app.services.context import Services, client_config
from app.services.images import save_image, sidecar_path
from app.services.speech import save_audio, speech_body
from app.services.transcription import check_audio_file, stt_options
from app.storage.settings import Settings
from tests.fake_api import FakeApi

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_save_image_uses_the_real_format_and_never_overwrites(tmp_path: Path) -> None:
    image = GeneratedImage(data=PNG_1x1, mime_type="image/jpeg", seed=5)
    request = {"model": "flux/schnell", "prompt": "dot"}
    first = save_image(image, tmp_path, "dot", request=request)
    second = save_image(image, tmp_path, "dot", request=request)
    assert first.name == "dot.png" and second.name == "dot-2.png"
    assert first.read_bytes() == PNG_1x1
    sidecar = json.loads(sidecar_path(first).read_text())
    assert sidecar["request"] == request
    assert sidecar["image"]["seed"] == 5
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_save_image_falls_back_to_the_mime_type(tmp_path: Path) -> None:
    image = GeneratedImage(data=b"not magic at all", mime_type="image/webp")
    assert save_image(image, tmp_path, "x").suffix == ".webp"


def _wav_bytes(path: Path, seconds: float = 0.5, rate: int = 8000) -> bytes:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x10" * int(seconds * rate))
    return path.read_bytes()


def test_save_audio_same_format_writes_bytes(tmp_path: Path) -> None:
    data = _wav_bytes(tmp_path / "source.wav")
    target = save_audio(SpeechAudio(data=data, format="wav"), tmp_path / "copy.wav")
    assert target.read_bytes() == data


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffmpeg is not installed")
def test_save_audio_converts_to_another_format(tmp_path: Path) -> None:
    data = _wav_bytes(tmp_path / "source.wav", seconds=1.0)
    target = save_audio(SpeechAudio(data=data, format="wav"), tmp_path / "speech.mp3")
    assert sniff_audio_format(target.read_bytes()) == "mp3"
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", target],
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(probe.stdout) == pytest.approx(1.0, abs=0.25)  # MP3 frames pad the end


def test_check_audio_file_explains_each_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="not found"):
        check_audio_file(tmp_path / "missing.mp3")
    with pytest.raises(InvalidInputError, match="folder"):
        check_audio_file(tmp_path)
    (tmp_path / "zero.wav").write_bytes(b"")
    with pytest.raises(InvalidInputError, match="empty"):
        check_audio_file(tmp_path / "zero.wav")
    disguised = tmp_path / "letter.wav"
    disguised.write_text("Dear reader, this is text with a sound-file name.\n" * 10)
    with pytest.raises(InvalidInputError, match=r"letter\.wav"):
        check_audio_file(disguised)
    real = tmp_path / "real.wav"
    _wav_bytes(real)
    assert check_audio_file(real) == real


def test_transcribe_refuses_before_upload(tmp_path: Path, fake_api: FakeApi) -> None:
    services = Services(Settings(base_url=fake_api.url))
    try:
        with pytest.raises(InvalidInputError):
            asyncio.run(services.transcription.transcribe("#g1_nova-2-general", file=tmp_path))
        with pytest.raises(InvalidInputError, match="either"):
            asyncio.run(services.transcription.transcribe("#g1_nova-2-general"))
    finally:
        services.close()
    assert fake_api.requests == []


def test_transcribe_reports_progress_on_the_loop(services: Services, tmp_path: Path) -> None:
    audio = tmp_path / "tone.wav"
    _wav_bytes(audio, seconds=2.0)
    stages: list[str] = []

    async def run() -> str:
        import threading

        loop_thread = threading.get_ident()

        def on_progress(stage: str, _fraction: float | None) -> None:
            assert threading.get_ident() == loop_thread
            stages.append(stage)

        transcript = await services.transcription.transcribe(
            "#g1_nova-2-general", file=audio, on_progress=on_progress, poll_interval=0.05
        )
        await asyncio.sleep(0)
        return transcript.text

    assert asyncio.run(run())
    assert "uploading" in stages and stages[-1] != "uploading"


def test_request_bodies_per_family() -> None:
    assert stt_options("aai/universal", language="de") == {"language_code": "de"}
    assert stt_options("#g1_nova-2-general", language="de") == {"language": "de"}
    assert speech_body("openai/tts-1", "hi", voice="coral", fmt="mp3") == {
        "model": "openai/tts-1",
        "text": "hi",
        "voice": "coral",
        "response_format": "mp3",
    }
    assert speech_body("minimax/speech-2.6-hd", "hi", voice="Wise_Woman")["voice_setting"] == {
        "voice_id": "Wise_Woman"
    }
    assert speech_body("microsoft/vibevoice-7b", "hi")["script"] == "Speaker 1: hi"


def test_client_config_carries_connection_settings() -> None:
    settings = Settings(
        base_url="http://127.0.0.1:9/",
        dialect="openai",
        proxy="",
        connect_timeout=2.0,
        read_timeout=45.0,
        max_retries=1,
    )
    config = client_config(settings, "secret-key")
    assert config.base_url == "http://127.0.0.1:9/"
    assert config.api_key == "secret-key"
    assert config.dialect == "openai"
    assert config.proxy is None
    assert config.timeouts.connect == 2.0
    assert config.timeouts.read == 45.0
    assert config.max_retries == 1
    assert client_config(settings, None).api_key is None


def test_client_follows_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIML_API_BASE_URL", "http://127.0.0.1:1234")
    services = Services(Settings(base_url="https://example.invalid", dialect="aimlapi"))
    assert services.client_config(None).base_url == "http://127.0.0.1:1234"
    flagged = Services(Settings(), base_url="http://127.0.0.1:5678", dialect="openai")
    config = flagged.client_config("sk-x")
    assert (config.base_url, config.dialect, config.api_key) == (
        "http://127.0.0.1:5678",
        "openai",
        "sk-x",
    )
    services.close()
    flagged.close()
