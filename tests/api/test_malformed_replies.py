"""A 2xx reply the client cannot use ends in an ``ApiError`` with a sentence, on every surface."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.api.client import ApiClient
from app.api.errors import ApiError, ResponseFormatError, describe
from tests.api.test_audio_http import wav_bytes
from tests.fake_api import FakeApi, Fault, Reply

HTML = b"<!DOCTYPE html><html><body><h1>Welcome to the hotel network</h1></body></html>"

Call = Callable[[ApiClient, Path], object]

SURFACES: dict[str, tuple[str, Call]] = {
    "chat": (
        "/v1/chat",
        lambda c, _: c.chat.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}]),
    ),
    "stream": (
        "/v1/chat",
        lambda c, _: list(
            c.chat.stream(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        ),
    ),
    "images": ("/v1/images", lambda c, _: c.images.generate({"model": "m", "prompt": "x"})),
    "tts": ("/v1/tts", lambda c, _: c.audio.speech({"model": "#g1_aura-asteria-en", "text": "x"})),
    "stt": (
        "/v1/stt",
        lambda c, wav: c.audio.transcribe(model="#g1_nova-2-general", file=wav, poll_interval=0),
    ),
    "billing": ("/v2/billing", lambda c, _: c.billing.balance()),
}

REPLIES: dict[str, Callable[[], object]] = {
    "html": lambda: Reply(body=HTML, content_type="text/html; charset=utf-8"),
    "empty": lambda: Reply(body=b"", content_type="application/json"),
    "bad-json": Fault.malformed_json,
    "wrong-type": Fault.wrong_content_type,
    "plain-text": lambda: Reply(body=b"upstream busy", content_type="text/plain"),
}


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "talk.wav"
    path.write_bytes(wav_bytes(0.5))
    return path


@pytest.mark.parametrize("reply", REPLIES)
@pytest.mark.parametrize("surface", SURFACES)
def test_an_unusable_reply_is_a_response_format_error(
    client: ApiClient, fake_api: FakeApi, wav: Path, surface: str, reply: str
) -> None:
    prefix, call = SURFACES[surface]
    fake_api.script(prefix, REPLIES[reply]())
    with pytest.raises(ApiError) as caught:
        call(client, wav)
    assert isinstance(caught.value, ResponseFormatError), repr(caught.value)
    sentence = describe(caught.value)
    assert sentence.startswith("The server sent a reply this app could not read")
    assert "<" not in sentence
