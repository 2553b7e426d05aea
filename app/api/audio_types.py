"""Transcripts and synthesised speech as the API client returns them.

See ``app.api.types`` for how they are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.api.types import Cost


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: float
    end: float
    speaker: str | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of transcript; times in seconds."""

    text: str
    start: float
    end: float
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """Every STT result shape (Deepgram, AssemblyAI, OpenAI, MAI) normalised; times in seconds."""

    text: str
    segments: tuple[Segment, ...] = ()
    words: tuple[Word, ...] = ()
    language: str | None = None
    duration: float | None = None
    cost: Cost = field(default_factory=Cost)

    @property
    def speakers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for seg in self.segments:
            if seg.speaker is not None:
                seen.setdefault(seg.speaker, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class SpeechAudio:
    """Synthesised audio. ``format`` comes from the bytes' magic, never from a URL or request."""

    data: bytes
    format: str  # "wav" | "mp3" | "ogg" | "flac" | "aac" | "webm" | "pcm" | "unknown"
    source_url: str | None = None
    cost: Cost = field(default_factory=Cost)
