"""Text to speech: synthesis and saving the audio in the format asked for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError
from app.api.types import SpeechAudio
from app.storage.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from app.services.context import Services

AUDIO_FORMATS = ("wav", "mp3", "ogg", "flac")
_FORMAT_ALIASES = {"oga": "ogg", "opus": "ogg", "wave": "wav"}


_OPENAI_RESPONSE_FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")


def speech_body(
    model: str, text: str, *, voice: str | None = None, fmt: str | None = None
) -> dict[str, Any]:
    """The JSON body for ``POST /v1/tts`` in the model family's own terms.

    VibeVoice takes a ``script`` and speaker presets, MiniMax a ``voice_setting``; the
    others take ``text`` and ``voice``. OpenAI models are asked for ``fmt`` directly.
    """
    lowered = model.lower()
    if "vibevoice" in lowered:
        script = text if text.lstrip().lower().startswith("speaker") else f"Speaker 1: {text}"
        return {"model": model, "script": script, "speakers": [{"preset": voice or "Alice [EN]"}]}
    body: dict[str, Any] = {"model": model, "text": text}
    if lowered.startswith("minimax/"):
        if voice:
            body["voice_setting"] = {"voice_id": voice}
        return body
    if voice:
        body["voice"] = voice
    if lowered.startswith("openai/") and fmt in _OPENAI_RESPONSE_FORMATS:
        body["response_format"] = fmt
    return body


def audio_format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` when given, else the path's extension."""
    chosen = (fmt or Path(path).suffix).lower().lstrip(".")
    chosen = _FORMAT_ALIASES.get(chosen, chosen)
    if not chosen:
        raise InvalidInputError(
            f"Cannot tell which audio format to write for {Path(path).name}; "
            f"add an extension ({', '.join(AUDIO_FORMATS)})."
        )
    return chosen


def save_audio(audio: SpeechAudio, path: str | Path, fmt: str | None = None) -> Path:
    """Write the audio to ``path`` atomically, converting when the format differs.

    The same format is written byte for byte; another format goes through
    ``app.media.audio`` (ffmpeg), whose ``MediaError`` explains what is missing.
    """
    target = Path(path)
    wanted = audio_format_for(target, fmt)
    if not audio.data:
        raise InvalidInputError("The server sent no audio; nothing was saved.")
    if wanted == audio.format:
        return write_bytes_atomic(target, audio.data)
    if wanted not in AUDIO_FORMATS:
        raise InvalidInputError(
            f"Cannot write {wanted!r} audio; choose one of {', '.join(AUDIO_FORMATS)}."
        )
    from app.media import audio as media_audio

    segment = media_audio.load(audio.data)
    media_audio.export(segment, target, wanted)
    return target


class SpeechService:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def synthesize(self, body: dict[str, Any]) -> SpeechAudio:
        """Synthesise speech; ``body`` holds the model, ``text`` (or ``script``) and options."""
        text = body.get("text", body.get("script"))
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError("The text is empty. Type something to speak.")
        if not body.get("model"):
            raise InvalidInputError("No model is selected. Pick a voice model.")
        return await self._services.call(lambda client: client.audio.speech(body))

    async def save(self, audio: SpeechAudio, path: str | Path, fmt: str | None = None) -> Path:
        """``save_audio`` on the worker pool (conversion can take a while)."""
        return await self._services.runner.run(save_audio, audio, path, fmt)
