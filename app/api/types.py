"""Frozen value types returned by the API client.

Parsers build these tolerantly from the gateway's many shapes (API_NOTES §8): unknown keys are
ignored, missing optional keys become ``None`` or empty, and nothing here knows about HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ModelKind(StrEnum):
    """Which tab a model belongs to."""

    CHAT = "chat"
    IMAGE = "image"
    STT = "stt"
    TTS = "tts"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Cost:
    """What one request cost, as far as the gateway said (``meta.usage`` or cost headers)."""

    credits: float | None = None
    usd: float | None = None

    @property
    def known(self) -> bool:
        return self.credits is not None or self.usd is not None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one chat or completion request."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One entry of the model list."""

    id: str
    kind: ModelKind
    name: str = ""
    developer: str = ""
    type: str = ""
    aliases: tuple[str, ...] = ()
    context_length: int | None = None
    description: str = ""
    capabilities: tuple[str, ...] | None = None  # None: the list did not say

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class ModelList:
    """A fetched model list with the ETag to revalidate it (``not_modified`` after a 304)."""

    models: tuple[ModelInfo, ...]
    etag: str | None = None
    not_modified: bool = False

    def of_kind(self, kind: ModelKind) -> list[ModelInfo]:
        return [m for m in self.models if m.kind == kind]


@dataclass(frozen=True, slots=True)
class ToolCallPart:
    """A tool call the model asked for, or (in a stream) a piece of one.

    In a stream, the pieces with one ``index`` add up to a call: ``id`` and ``name`` come
    once, ``arguments`` (JSON text) arrives in pieces. In a finished reply each part is whole.
    """

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class ChatCompletion:
    """A finished (non-streamed, or assembled from a stream) chat or text completion."""

    content: str
    reasoning: str = ""
    id: str | None = None
    model: str | None = None
    created: int | None = None
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    cost: Cost = field(default_factory=Cost)
    tool_calls: tuple[ToolCallPart, ...] = ()


@dataclass(frozen=True, slots=True)
class ChatChunk:
    """One decoded streaming event. Empty-``choices`` usage chunks carry only usage/cost."""

    content: str = ""
    reasoning: str = ""
    id: str | None = None
    model: str | None = None
    created: int | None = None
    finish_reason: str | None = None
    usage: Usage | None = None
    cost: Cost | None = None
    tool_calls: tuple[ToolCallPart, ...] = ()


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    """One image: its bytes once downloaded/decoded, and whatever the response said of it."""

    data: bytes
    mime_type: str
    source_url: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    revised_prompt: str | None = None


@dataclass(frozen=True, slots=True)
class ImageResult:
    images: tuple[GeneratedImage, ...]
    cost: Cost = field(default_factory=Cost)
    seed: int | None = None
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


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


@dataclass(frozen=True, slots=True)
class Balance:
    amount: float
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class Transaction:
    """One row of ``/v2/billing/transactions``: a charge or a top-up of the account."""

    created_at: str
    direction: str  # "CHARGE" | "TOPUP"
    type: str  # "MODEL_USAGE", "PAYMENT", "BONUS", "REFUND", …
    usd: float | None = None
    credits: float | None = None
    model: str | None = None
    reference_id: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionPage:
    transactions: tuple[Transaction, ...]
    next_cursor: str | None = None
    has_more: bool = False
