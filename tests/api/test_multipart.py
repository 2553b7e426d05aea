from __future__ import annotations

import threading
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import pytest

from app.api.errors import CancelledByUser
from app.api.multipart import MultipartFileBody, form_value


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (False, "false"), (3, "3"), (0.5, "0.5"), (["a", "b"], "a,b"), ("x", "x")],
)
def test_form_values(value: object, text: str) -> None:
    assert form_value(value) == text


def read_all(body: MultipartFileBody, block: int) -> bytes:
    parts = []
    while chunk := body.read(block):
        parts.append(chunk)
    return b"".join(parts)


def test_body_parses_as_multipart_with_declared_length(tmp_path: Path) -> None:
    audio = tmp_path / 'say "hi" ünï.mp3'
    payload = bytes(range(256)) * 300
    audio.write_bytes(payload)
    fractions: list[float] = []
    body = MultipartFileBody(
        {"model": "#g1_nova-2-general", "punctuate": True, "skip": None},
        file_field="audio",
        path=audio,
        on_progress=fractions.append,
    )
    raw = read_all(body, 8192)
    assert len(raw) == len(body)
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {body.content_type}\r\n\r\n".encode() + raw
    )
    parts = {
        part.get_param("name", header="content-disposition"): part for part in message.iter_parts()
    }
    assert set(parts) == {"model", "punctuate", "audio"}
    assert parts["model"].get_payload(decode=True) == b"#g1_nova-2-general"
    assert parts["punctuate"].get_payload(decode=True) == b"true"
    assert parts["audio"].get_payload(decode=True) == payload
    assert parts["audio"].get_content_type() == "audio/mpeg"
    assert "ünï" in parts["audio"].get_filename()


def test_cancel_stops_reading(tmp_path: Path) -> None:
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"\x00" * 100_000)
    cancel = threading.Event()
    body = MultipartFileBody({}, file_field="audio", path=audio, cancel=cancel)
    assert body.read(1000)
    cancel.set()
    with pytest.raises(CancelledByUser):
        body.read(1000)
