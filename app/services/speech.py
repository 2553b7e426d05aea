"""Text to speech: synthesis and saving the audio in the format asked for."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.audio_format import sniff_audio_format
from app.api.audio_types import SpeechAudio
from app.api.errors import InvalidInputError, ResponseFormatError
from app.api.types import Cost
from app.services.digests import sha256_hex
from app.services.text_chunks import split_text
from app.services.usage import speech_record
from app.services.voices import (
    OPENAI,
    build_body,
    check_voice,
    default_voice,
    estimate_cost,
    family_for,
)
from app.storage.atomic import write_bytes_atomic
from app.storage.ids import random_id
from app.storage.paths import media_dir
from app.storage.speech_store import SpeechRecord, SpeechStore

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.media.audio import Pcm
    from app.services.service_context import ServiceContext

AUDIO_FORMATS = ("wav", "mp3", "ogg", "flac")
_FORMAT_ALIASES = {"oga": "ogg", "opus": "ogg", "wave": "wav"}


_OPENAI_RESPONSE_FORMATS = ("mp3", "opus", "aac", "flac", "wav")


def speech_body(
    model: str, text: str, *, voice: str | None = None, fmt: str | None = None
) -> dict[str, Any]:
    """The JSON body for ``POST /v1/tts`` in the model family's own terms (see ``voices``).

    OpenAI models are asked for ``fmt`` directly. Without ``voice`` the family's default voice
    is sent, as the window's voice picker starts with it.
    """
    options: dict[str, object] = {}
    if family_for(model) is OPENAI and fmt in _OPENAI_RESPONSE_FORMATS:
        options["response_format"] = fmt
    return build_body(model, text, voice or default_voice(model), options)


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


PREVIEW_SENTENCE = "Hello! This is how I sound when I read your words aloud."
USD_PER_CREDIT = 1 / 2_000_000
_FILE_SUFFIXES = {"mp4": "m4a", "unknown": "bin"}


def file_suffix(fmt: str) -> str:
    """The file extension for an audio format as sniffed from the bytes."""
    return _FILE_SUFFIXES.get(fmt, fmt)


@dataclass(frozen=True)
class SpeechRequest:
    """What to speak and how: the model, the voice and the family's options."""

    model: str
    text: str
    voice: str = ""
    options: dict[str, object] = field(default_factory=dict)

    def body(self, text: str | None = None) -> dict[str, Any]:
        return build_body(self.model, self.text if text is None else text, self.voice, self.options)

    def parts(self) -> list[str]:
        """The text cut into parts under the family's limit.

        Raises:
            InvalidInputError: no text, no model, or a voice the model does not have.
        """
        if not self.model.strip():
            raise InvalidInputError("No model is selected. Pick a voice model.")
        if not self.text.strip():
            raise InvalidInputError("The text is empty. Type something to speak.")
        check_voice(self.model, self.voice)
        return split_text(self.text, family_for(self.model).text_limit)


@dataclass(frozen=True)
class JoinedSpeech:
    audio: SpeechAudio
    duration: float


def estimated_usd(request: SpeechRequest, parts: list[SpeechAudio]) -> float | None:
    """What the generation cost: the gateway's figures when all parts had them, else the
    family's list price, else None."""
    costs = [part.cost for part in parts]
    if costs and all(cost.usd is not None for cost in costs):
        return sum(cost.usd or 0.0 for cost in costs)
    if costs and all(cost.credits is not None for cost in costs):
        return sum(cost.credits or 0.0 for cost in costs) * USD_PER_CREDIT
    return estimate_cost(request.model, len(request.text))


def join_audio(parts: list[SpeechAudio]) -> JoinedSpeech:
    """One track from the parts (pydub); one part stays byte for byte as it came."""
    from app.media import audio as media_audio

    segments = [media_audio.load(part.data) for part in parts]
    if len(parts) == 1:
        return JoinedSpeech(parts[0], segments[0].duration_seconds)
    joined = media_audio.concatenate(segments)
    formats = {part.format for part in parts}
    fmt = formats.pop() if len(formats) == 1 else "wav"
    fmt = fmt if fmt in media_audio.EXPORT_FORMATS else "wav"
    data = media_audio.to_bytes(joined, fmt)
    cost = Cost(
        credits=_sum_or_none(p.cost.credits for p in parts),
        usd=_sum_or_none(p.cost.usd for p in parts),
    )
    return JoinedSpeech(SpeechAudio(data=data, format=fmt, cost=cost), joined.duration_seconds)


def _sum_or_none(values: Iterable[float | None]) -> float | None:
    items = list(values)
    return None if any(v is None for v in items) else sum(v or 0.0 for v in items)


def preview_key(model: str, voice: str, options: dict[str, object]) -> str:
    """A stable name for the preview of one (model, voice, options)."""
    body = build_body(model, PREVIEW_SENTENCE, voice, options)
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return sha256_hex(text.encode())[:32]


def cached_preview(model: str, voice: str, options: dict[str, object]) -> Path | None:
    """The preview file already on disk for these settings, if any."""
    key = preview_key(model, voice, options)
    return next(iter(sorted(media_dir("previews").glob(f"tts-{key}.*"))), None)


class SpeechService:
    def __init__(self, services: ServiceContext) -> None:
        self._services = services
        self._store: SpeechStore | None = None

    @property
    def store(self) -> SpeechStore:
        if self._store is None:
            self._store = SpeechStore(self._services.history)
        return self._store

    async def synthesize(self, body: dict[str, Any]) -> SpeechAudio:
        """Synthesise speech; ``body`` holds the model, ``text`` (or ``script``) and options.

        Raises:
            ResponseFormatError: the answer was not audio.
        """
        text = body.get("text", body.get("script"))
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError("The text is empty. Type something to speak.")
        if not body.get("model"):
            raise InvalidInputError("No model is selected. Pick a voice model.")

        def run(client: ApiClient) -> SpeechAudio:
            audio = client.audio.speech(body)
            estimate = estimate_cost(str(body["model"]), len(str(text)))
            self._services.usage.record(speech_record(body, audio, estimate))
            return audio

        audio = await self._services.call(run)
        if audio.format == "unknown":
            raise ResponseFormatError(
                "the answer is not audio in any format this app knows (WAV, MP3, OGG, FLAC)"
            )
        return audio

    async def generate(
        self,
        request: SpeechRequest,
        *,
        on_part: Callable[[int, int, SpeechAudio], Awaitable[None] | None] | None = None,
    ) -> list[SpeechAudio]:
        """Speak every part of the text, ``family.parallel`` requests at a time.

        ``on_part(index, count, audio)`` is called in text order as soon as a part and all
        parts before it are ready, so playback can start with the first. Cancelling the
        awaiting task cancels the parts still waiting.
        """
        import asyncio

        texts = request.parts()
        limit = asyncio.Semaphore(max(family_for(request.model).parallel, 1))
        results: list[SpeechAudio | None] = [None] * len(texts)
        delivered = 0

        async def speak(index: int) -> None:
            nonlocal delivered
            async with limit:
                results[index] = await self.synthesize(request.body(texts[index]))
            while delivered < len(texts) and results[delivered] is not None:
                ready, delivered = results[delivered], delivered + 1
                assert ready is not None  # the loop stops at the first missing part
                outcome = on_part(delivered - 1, len(texts), ready) if on_part else None
                if inspect.isawaitable(outcome):
                    await outcome

        tasks = [asyncio.ensure_future(speak(index)) for index in range(len(texts))]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            raise
        return [audio for audio in results if audio is not None]

    async def join(self, parts: list[SpeechAudio]) -> JoinedSpeech:
        return await self._services.runner.run(join_audio, parts)

    async def decode(self, source: bytes | Path, *, like: Pcm | None = None) -> Pcm:
        """PCM for the player; ``like`` makes it match an earlier part's sample format."""
        from app.media.audio import decode_pcm

        rate = like.sample_rate if like else None
        channels = like.channels if like else None
        return await self._services.runner.run(
            lambda: decode_pcm(source, sample_rate=rate, channels=channels)
        )

    async def keep(
        self, request: SpeechRequest, joined: JoinedSpeech, cost_usd: float | None
    ) -> SpeechRecord:
        """Write the audio under ``media_dir("tts")`` and add it to the history."""
        audio = joined.audio
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = media_dir("tts") / f"speech-{stamp}-{random_id(3)}.{file_suffix(audio.format)}"

        def write() -> SpeechRecord:
            write_bytes_atomic(target, audio.data)
            record = SpeechRecord(
                text=request.text,
                model=request.model,
                voice=request.voice,
                options=dict(request.options),
                path=str(target),
                format=audio.format,
                duration=round(joined.duration, 3),
                cost_usd=cost_usd,
            )
            return self.store.add(record)

        return await self._services.runner.run(write)

    async def preview(self, model: str, voice: str, options: dict[str, object]) -> Path:
        """The sample sentence in this voice: from the disk cache, else generated and cached."""
        cached = await self._services.runner.run(cached_preview, model, voice, options)
        if cached is not None:
            return cached
        request = SpeechRequest(model, PREVIEW_SENTENCE, voice, options)
        request.parts()
        audio = await self.synthesize(request.body())
        key = preview_key(model, voice, options)
        target = media_dir("previews") / f"tts-{key}.{file_suffix(audio.format)}"
        return await self._services.runner.run(write_bytes_atomic, target, audio.data)

    async def history(self, limit: int = 200, search: str = "") -> list[SpeechRecord]:
        return await self._services.runner.run(self.store.recent, limit, search)

    async def delete(self, record_id: int) -> bool:
        return await self._services.runner.run(self.store.delete, record_id)

    async def save_record(
        self, record: SpeechRecord, path: str | Path, fmt: str | None = None
    ) -> Path:
        """Save a stored generation as another file (converting when the format differs)."""

        def save() -> Path:
            data = record.file.read_bytes()
            audio = SpeechAudio(data=data, format=sniff_audio_format(data))
            return save_audio(audio, path, fmt)

        return await self._services.runner.run(save)

    async def save(self, audio: SpeechAudio, path: str | Path, fmt: str | None = None) -> Path:
        """``save_audio`` on the worker pool (conversion can take a while)."""
        return await self._services.runner.run(save_audio, audio, path, fmt)
