"""Chat and text completions as the API client returns them: whole replies, stream events and
the tool calls in them.

See ``app.api.types`` for how they are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.api.types import Cost, Usage


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
