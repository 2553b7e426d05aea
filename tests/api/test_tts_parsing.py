from __future__ import annotations

import base64

import pytest

from app.api.errors import ResponseFormatError
from app.api.tts_parsing import AudioLocation, locate_audio

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(40))
MP3_B64 = base64.b64encode(MP3).decode()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"audio": {"url": "https://cdn.aimlapi.com/generations/hedgehog/a.mp3"}},
            AudioLocation(url="https://cdn.aimlapi.com/generations/hedgehog/a.mp3"),
        ),
        (
            {"audio": "https://cdn/x.wav", "meta": {"usage": {"credits_used": 1}}},
            AudioLocation(url="https://cdn/x.wav"),
        ),
        (
            {
                "audio": {"url": "https://cdn/v.wav", "file_name": "v.wav"},
                "duration": 7.87,
                "sample_rate": 24000,
            },
            AudioLocation(url="https://cdn/v.wav"),
        ),
        ({"audio": f"data:audio/mpeg;base64,{MP3_B64}"}, AudioLocation(data=MP3)),
        ({"audio": MP3_B64}, AudioLocation(data=MP3)),
        (
            {"audio": {"href": "https://cdn/h.mp3", "mime_type": "audio/mpeg"}},
            AudioLocation(url="https://cdn/h.mp3"),
        ),
        ({"audio": {"base64": MP3_B64}}, AudioLocation(data=MP3)),
        ({"audio_url": "https://cdn/u.mp3"}, AudioLocation(url="https://cdn/u.mp3")),
        ({"url": "https://cdn/plain.mp3"}, AudioLocation(url="https://cdn/plain.mp3")),
        ({"data": [{"url": "https://cdn/d.mp3"}]}, AudioLocation(url="https://cdn/d.mp3")),
        ({"data": [{"b64_json": MP3_B64}]}, AudioLocation(data=MP3)),
        ({"base64": MP3_B64}, AudioLocation(data=MP3)),
        (
            {
                "audio": {"url": "http://dashscope-result/x.wav?Expires=1"},
                "usage": {"characters": 267},
            },
            AudioLocation(url="http://dashscope-result/x.wav?Expires=1"),
        ),
    ],
)
def test_every_documented_place_for_the_audio(body: dict, expected: AudioLocation) -> None:
    assert locate_audio(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"audio": None},
        {"audio": ""},
        {"audio": {"file_name": "x"}},
        {"audio": "not b64 !"},
        [],
        None,
        {"metadata": {"request_id": "x"}},
    ],
)
def test_no_audio_raises(body: object) -> None:
    with pytest.raises(ResponseFormatError):
        locate_audio(body)
