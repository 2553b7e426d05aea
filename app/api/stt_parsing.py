"""Speech-to-text bodies → ``Transcript`` (API_NOTES §5.6).

Result shapes: Deepgram (``results.channels[0].alternatives[0]``, seconds), AssemblyAI
(``text`` + ``words``/``utterances`` in milliseconds), OpenAI (``text`` + token ``usage``, or
``verbose_json`` with ``segments``/``words`` in seconds) and Microsoft MAI (``text`` +
``usage{seconds, cost}``). Job envelopes carry the payload under ``result`` or ``output``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.api.audio_types import Segment, Transcript, Word
from app.api.errors import ResponseFormatError
from app.api.types import Cost
from app.api.values import (
    as_dict,
    as_float,
    as_list,
    as_str,
    cost_from_meta,
    first_present,
)

SUCCESS_STATUSES = frozenset({"completed", "complete", "succeeded", "success", "done", "finished"})
FAILURE_STATUSES = frozenset(
    {
        "failed",
        "failure",
        "error",
        "errored",
        "cancelled",
        "canceled",
        "timeout",
        "timed_out",
        "expired",
        "rejected",
    }
)
QUEUED_STATUSES = frozenset({"waiting", "queued", "pending", "submitted", "created", "in_queue"})

PAUSE_SPLIT = 1.0
LONG_SEGMENT = 20.0
SENTENCE_SEGMENT = 8.0


@dataclass(frozen=True, slots=True)
class JobState:
    """One poll answer: the status word, the payload when finished, the error when failed."""

    status: str
    payload: Any = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in SUCCESS_STATUSES

    @property
    def failed(self) -> bool:
        return self.status in FAILURE_STATUSES

    @property
    def stage(self) -> str:
        """``"waiting"`` while queued, ``"transcribing"`` while running."""
        return "waiting" if self.status in QUEUED_STATUSES else "transcribing"


def _error_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    error = as_dict(value)
    return as_str(error.get("message")) or as_str(error.get("name")) or None


def job_state(body: Any) -> JobState:
    """Read a create/poll envelope (``generation_id``/``id``, ``status``, ``result``/``output``)."""
    envelope = as_dict(body)
    payload = first_present(envelope, "result", "output")
    status = (as_str(envelope.get("status")) or "").strip().lower()
    error = _error_text(envelope.get("error"))
    if not status:
        if payload is not None:
            status = "completed"
        elif error:
            status = "error"
        else:
            status = "unknown"
    return JobState(status=status, payload=payload, error=error)


def generation_id_of(body: Any) -> str:
    envelope = as_dict(body)
    value = as_str(first_present(envelope, "generation_id", "id", "generationId", "request_id"))
    if not value:
        raise ResponseFormatError("The server did not return a transcription job id.")
    return value


def _speaker_label(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return f"Speaker {int(value) + 1}"
    text = str(value).strip()
    if not text:
        return None
    return text if text.lower().startswith("speaker") else f"Speaker {text}"


def _words(items: Iterable[Any], scale: float) -> tuple[Word, ...]:
    words = []
    for item in items:
        entry = as_dict(item)
        text = as_str(first_present(entry, "punctuated_word", "word", "text"))
        timed = _timed(entry, scale)
        if not text or timed is None:
            continue
        words.append(Word(text=text, **timed, confidence=as_float(entry.get("confidence"))))
    return tuple(words)


def _timed(entry: dict[str, Any], scale: float = 1.0) -> dict[str, Any] | None:
    """The start, end (the start when none is given) and speaker of a word, segment or
    paragraph, times ``scale`` to make seconds; None without a start."""
    start = as_float(entry.get("start"))
    if start is None:
        return None
    end = as_float(entry.get("end"))
    return {
        "start": start * scale,
        "end": (end if end is not None else start) * scale,
        "speaker": _speaker_label(entry.get("speaker")),
    }


def _should_split(current: list[Word], word: Word) -> bool:
    last = current[-1]
    duration = last.end - current[0].start
    return (
        word.speaker != last.speaker
        or word.start - last.end >= PAUSE_SPLIT
        or duration >= LONG_SEGMENT
        or (duration >= SENTENCE_SEGMENT and last.text.endswith((".", "?", "!")))
    )


def group_words(words: Iterable[Word]) -> tuple[Segment, ...]:
    """Segments from words: a new one at a speaker change, a pause, or a long stretch."""
    segments: list[Segment] = []
    current: list[Word] = []

    def flush() -> None:
        if current:
            segments.append(
                Segment(
                    text=" ".join(w.text for w in current),
                    start=current[0].start,
                    end=current[-1].end,
                    speaker=current[0].speaker,
                )
            )

    for word in words:
        if current and _should_split(current, word):
            flush()
            current = []
        current.append(word)
    flush()
    return tuple(segments)


def _segments(
    items: Iterable[Any], scale: float, text_keys: tuple[str, ...]
) -> tuple[Segment, ...]:
    segments = []
    for item in items:
        entry = as_dict(item)
        text = as_str(first_present(entry, *text_keys))
        timed = _timed(entry, scale)
        if text is None or timed is None:
            continue
        segments.append(Segment(text=text.strip(), **timed))
    return tuple(segments)


def _paragraph_segments(paragraphs: Any) -> tuple[Segment, ...]:
    segments = []
    for item in as_list(as_dict(paragraphs).get("paragraphs")):
        paragraph = as_dict(item)
        sentences = [as_dict(s) for s in as_list(paragraph.get("sentences"))]
        text = " ".join(t for s in sentences if (t := as_str(s.get("text"))))
        timed = _timed(paragraph)
        if not text or timed is None:
            continue
        segments.append(Segment(text=text, **timed))
    return tuple(segments)


def _deepgram(payload: dict[str, Any]) -> Transcript:
    results = as_dict(payload.get("results"))
    channels = results.get("channels")
    channel_list = as_list(channels) or ([channels] if isinstance(channels, dict) else [])
    channel = as_dict(channel_list[0]) if channel_list else {}
    alternative = as_dict((as_list(channel.get("alternatives")) or [{}])[0])
    words = _words(as_list(alternative.get("words")), 1.0)
    segments = (
        _segments(as_list(results.get("utterances")), 1.0, ("transcript", "text"))
        or _paragraph_segments(alternative.get("paragraphs"))
        or group_words(words)
    )
    languages = as_list(alternative.get("languages"))
    language = as_str(channel.get("detected_language")) or (
        as_str(languages[0]) if languages else None
    )
    metadata = as_dict(payload.get("metadata"))
    return Transcript(
        text=(as_str(alternative.get("transcript")) or "").strip(),
        segments=segments,
        words=words,
        language=language,
        duration=as_float(metadata.get("duration")),
        cost=cost_from_meta(payload) or Cost(),
    )


def _is_assemblyai(payload: dict[str, Any]) -> bool:
    if any(key in payload for key in ("utterances", "audio_duration", "language_code")):
        return True
    first_word = as_dict((as_list(payload.get("words")) or [{}])[0])
    return "text" in first_word and "word" not in first_word


def _assemblyai(payload: dict[str, Any]) -> Transcript:
    words = _words(as_list(payload.get("words")), 0.001)
    segments = _segments(as_list(payload.get("utterances")), 0.001, ("text",)) or group_words(words)
    return Transcript(
        text=(as_str(payload.get("text")) or "").strip(),
        segments=segments,
        words=words,
        language=as_str(payload.get("language_code")),
        duration=as_float(payload.get("audio_duration")),
        cost=cost_from_meta(payload) or Cost(),
    )


def _openai_like(payload: dict[str, Any]) -> Transcript:
    """OpenAI (``json`` or ``verbose_json``) and Microsoft MAI (``usage{seconds, cost}``)."""
    words = _words(as_list(payload.get("words")), 1.0)
    segments = _segments(as_list(payload.get("segments")), 1.0, ("text",)) or group_words(words)
    usage = as_dict(payload.get("usage"))
    duration = as_float(payload.get("duration"))
    if duration is None:
        duration = as_float(usage.get("seconds"))
    usd = as_float(usage.get("cost"))
    cost = cost_from_meta(payload) or (Cost(usd=usd) if usd is not None else Cost())
    return Transcript(
        text=(as_str(payload.get("text")) or "").strip(),
        segments=segments,
        words=words,
        language=as_str(payload.get("language")),
        duration=duration,
        cost=cost,
    )


def parse_transcript(payload: Any) -> Transcript:
    """Any of the four result shapes (or a bare string) → ``Transcript``."""
    if isinstance(payload, str):
        return Transcript(text=payload.strip())
    body = as_dict(payload)
    if "results" in body:
        return _deepgram(body)
    if isinstance(body.get("text"), str):
        return _assemblyai(body) if _is_assemblyai(body) else _openai_like(body)
    nested = first_present(body, "result", "output")
    if nested is not None and nested is not payload:
        return parse_transcript(nested)
    raise ResponseFormatError("The transcription result had no text.")
