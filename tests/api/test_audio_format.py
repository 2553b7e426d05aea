from __future__ import annotations

import io
import wave

import pytest

from app.api.audio_format import sniff_audio_format


def real_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 80)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (real_wav(), "wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20, "mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 20, "mp3"),  # MPEG-1 layer III frame
        (b"\xff\xf3\x48\xc4" + b"\x00" * 20, "mp3"),  # MPEG-2 layer III frame
        (b"\xff\xf1\x50\x80" + b"\x00" * 20, "aac"),  # ADTS
        (b"ADIF" + b"\x00" * 20, "aac"),
        (b"OggS\x00\x02" + b"\x00" * 20, "ogg"),
        (b"fLaC\x00\x00\x00\x22" + b"\x00" * 20, "flac"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81" + b"\x00" * 20, "webm"),
        (b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 20, "mp4"),
        (b'{"audio": {"url": "x.mp3"}}', "unknown"),
        (b"", "unknown"),
        (b"RIFF\x00\x00\x00\x00AVI ", "unknown"),
    ],
)
def test_sniff_audio_format(head: bytes, expected: str) -> None:
    assert sniff_audio_format(head) == expected
