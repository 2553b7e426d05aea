"""Where the audio is in a text-to-speech JSON reply (API_NOTES §6).

``audio`` as a URL string, ``{url}``/``{href}``, base64 or a ``data:`` URI; ``audio_url``; ``url``;
``data[0].url|b64_json``; ``base64``/``audio_base64``. The result is either bytes or a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.api.errors import ResponseFormatError
from app.api.image_parsing import decode_base64, decode_data_uri
from app.api.values import as_dict, as_list, as_str

_URL_KEYS = ("url", "href", "uri", "audio_url", "file_url")
_BASE64_KEYS = ("b64_json", "base64", "audio_base64", "b64", "data", "content")


@dataclass(frozen=True, slots=True)
class AudioLocation:
    """Either the audio bytes themselves or a URL to download them from."""

    data: bytes | None = None
    url: str | None = None


def _from_string(value: str) -> AudioLocation | None:
    text = value.strip()
    if not text:
        return None
    if text.startswith("data:"):
        return AudioLocation(data=decode_data_uri(text)[0])
    if text.startswith(("http://", "https://")):
        return AudioLocation(url=text)
    if len(text) >= 16 and " " not in text:
        try:
            return AudioLocation(data=decode_base64(text))
        except ResponseFormatError:
            return None
    return None


def _from_value(value: Any) -> AudioLocation | None:
    if isinstance(value, str):
        return _from_string(value)
    if isinstance(value, list):
        return _from_value(value[0]) if value else None
    mapping = as_dict(value)
    for key in (*_URL_KEYS, *_BASE64_KEYS, "audio"):
        text = as_str(mapping.get(key))
        if text:
            found = _from_string(text)
            if found is not None:
                return found
    nested = mapping.get("audio")
    return _from_value(nested) if isinstance(nested, (dict, list)) else None


def locate_audio(body: Any) -> AudioLocation:
    """Find the audio in a TTS JSON body; ``ResponseFormatError`` when there is none."""
    root = as_dict(body)
    candidates = (
        root.get("audio"),
        root.get("audio_url"),
        root.get("url"),
        as_list(root.get("data")),
        root.get("data") if isinstance(root.get("data"), (dict, str)) else None,
        {key: root.get(key) for key in ("base64", "audio_base64", "b64_json")},
        as_dict(root.get("result")) or as_dict(root.get("output")) or None,
    )
    for candidate in candidates:
        if candidate is None:
            continue
        found = _from_value(candidate)
        if found is not None:
            return found
    raise ResponseFormatError("The speech reply held no audio.")
