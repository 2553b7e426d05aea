"""Chat and text-completion bodies → ``ChatCompletion`` / ``ChatChunk`` (API_NOTES §2)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.api.errors import ResponseFormatError, StreamError
from app.api.errors import parse_error_body as parse_error_message
from app.api.types import ChatChunk, ChatCompletion, Cost, Usage
from app.api.values import as_dict, as_int, as_list, as_str, cost_from_meta, parse_cost, parse_usage


def _text_of(content: Any) -> str:
    """``content`` as a string, or a list of ``{"type": "text", "text": ...}`` parts joined."""
    if isinstance(content, str):
        return content
    parts = []
    for part in as_list(content):
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
    return "".join(parts)


def _reasoning_of(holder: Mapping[str, Any]) -> str:
    for key in ("reasoning_content", "reasoning"):
        value = holder.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _error_in(body: Mapping[str, Any]) -> str | None:
    error = body.get("error")
    if not error:
        return None
    message, _ = parse_error_message(body)
    return message or "The server reported an error."


def parse_chat_completion(body: Any, headers: Mapping[str, str] | None = None) -> ChatCompletion:
    """A non-streamed chat (``message``) or text completion (``text``) body."""
    if not isinstance(body, dict):
        raise ResponseFormatError("The chat reply was not a JSON object.")
    error = _error_in(body)
    choices = as_list(body.get("choices"))
    if error and not choices:
        raise ResponseFormatError(error)
    if not choices:
        raise ResponseFormatError("The chat reply had no choices.")
    first = as_dict(choices[0])
    message = as_dict(first.get("message"))
    if message:
        content = _text_of(message.get("content"))
        reasoning = _reasoning_of(message)
    else:
        content = _text_of(first.get("text"))
        reasoning = _reasoning_of(first)
    return ChatCompletion(
        content=content,
        reasoning=reasoning,
        id=as_str(body.get("id")),
        model=as_str(body.get("model")),
        created=as_int(body.get("created")),
        finish_reason=as_str(first.get("finish_reason")),
        usage=parse_usage(body.get("usage")) or Usage(),
        cost=parse_cost(body, headers),
    )


def parse_chat_chunk(body: Any) -> ChatChunk | None:
    """One stream event's JSON; ``None`` when it carries nothing; ``StreamError`` for ``error``."""
    if not isinstance(body, dict):
        return None
    error = _error_in(body)
    if error:
        raise StreamError(error)
    choices = as_list(body.get("choices"))
    first = as_dict(choices[0]) if choices else {}
    delta = as_dict(first.get("delta")) or as_dict(first.get("message"))
    content = _text_of(delta.get("content")) if delta else _text_of(first.get("text"))
    chunk = ChatChunk(
        content=content,
        reasoning=_reasoning_of(delta),
        id=as_str(body.get("id")),
        model=as_str(body.get("model")),
        created=as_int(body.get("created")),
        finish_reason=as_str(first.get("finish_reason")),
        usage=parse_usage(body.get("usage")),
        cost=cost_from_meta(body),
    )
    if not choices and chunk.usage is None and chunk.cost is None:
        return None
    return chunk


def parse_chat_event(data: str) -> ChatChunk | None:
    """The ``data`` of one SSE event (not ``[DONE]``)."""
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise ResponseFormatError("A streamed event was not valid JSON.") from exc
    return parse_chat_chunk(body)


class ChunkAccumulator:
    """Folds chunks into the ``ChatCompletion`` they add up to."""

    def __init__(self) -> None:
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.cost: Cost | None = None

    def add(self, chunk: ChatChunk) -> None:
        self._content.append(chunk.content)
        self._reasoning.append(chunk.reasoning)
        self.id = self.id or chunk.id
        self.model = self.model or chunk.model
        self.created = self.created or chunk.created
        self.finish_reason = chunk.finish_reason or self.finish_reason
        self.usage = chunk.usage or self.usage
        self.cost = chunk.cost or self.cost

    def result(self) -> ChatCompletion:
        return ChatCompletion(
            content="".join(self._content),
            reasoning="".join(self._reasoning),
            id=self.id,
            model=self.model,
            created=self.created,
            finish_reason=self.finish_reason,
            usage=self.usage or Usage(),
            cost=self.cost or Cost(),
        )
