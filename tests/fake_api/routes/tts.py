"""Text to speech: ``/v1/tts`` (bytes or JSON audio URL/string/base64) and the OpenAI
dialect ``/v1/audio/speech``."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fake_api.exchange import Exchange
from tests.fake_api.gateway import cost_for_tokens, cost_headers
from tests.fake_api.media import wav_bytes

SAMPLE_RATE = 24000
CHUNK = 8 * 1024
JSON_URL_PREFIXES = (
    "openai/",
    "microsoft/",
    "alibaba/",
    "hume/",
    "inworld/",
    "minimax/speech-2.8",
    "bytedance/",
)
SUFFIX_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg"}


def speech_text(body: dict[str, Any]) -> tuple[str, str]:
    """(field name expected for this model, its value or "")."""
    key = "script" if "vibevoice" in str(body.get("model", "")) else "text"
    value = body.get(key)
    return key, value if isinstance(value, str) else ""


def synthesise(ex: Exchange, text: str) -> bytes:
    options = ex.options
    seconds = min(max(len(text) * options.tts_seconds_per_char, 0.2), options.tts_max_seconds)
    return wav_bytes(seconds, sample_rate=SAMPLE_RATE)


def auto_mode(model: str) -> str:
    return "json_url" if model.startswith(JSON_URL_PREFIXES) else "bytes"


def send_audio_bytes(ex: Exchange, audio: bytes) -> None:
    pieces = (audio[i : i + CHUNK] for i in range(0, len(audio), CHUNK))
    ex.send_chunked(200, pieces, content_type="audio/wav")


def json_answer(ex: Exchange, mode: str, model: str, audio: bytes) -> dict[str, Any]:
    encoded = base64.b64encode(audio).decode()
    if mode == "json_base64":
        return {"audio": encoded}
    if mode == "json_data_uri":
        return {"audio": f"data:audio/wav;base64,{encoded}"}
    suffix = ex.options.tts_url_suffix
    name = ex.state.files.put(audio, SUFFIX_TYPES.get(suffix, "application/octet-stream"), suffix)
    url = ex.state.file_url(name)
    if mode == "json_string":
        return {"audio": url}
    answer: dict[str, Any] = {"audio": {"url": url}}
    if "vibevoice" in model:
        seconds = (len(audio) - 44) / (SAMPLE_RATE * 2)
        answer = {
            "audio": {"url": url, "file_name": name},
            "duration": round(seconds, 2),
            "sample_rate": SAMPLE_RATE,
        }
    return answer


def handle_tts(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_with_model()
    if body is None:
        return
    model = str(body["model"])
    key, text = speech_text(body)
    if not text.strip():
        ex.send_validation_error(f"{key}: Required")
        return
    audio = synthesise(ex, text)
    mode = ex.options.tts_mode or auto_mode(model)
    cost = cost_for_tokens(len(text))
    ex.state.charge(model, cost)
    if mode == "bytes":
        send_audio_bytes(ex, audio)
        return
    answer = json_answer(ex, mode, model, audio)
    answer["meta"] = {"usage": cost}
    ex.send_json(answer, headers=cost_headers(cost))


def handle_openai_speech(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_object()
    if body is None:
        return
    for key in ("model", "input"):
        if not isinstance(body.get(key), str) or not body[key].strip():
            ex.send_validation_error(f"{key}: Required")
            return
    send_audio_bytes(ex, synthesise(ex, body["input"]))
