"""Chat and text-completion bodies → ``ChatCompletion`` / ``ChatChunk`` (API_NOTES §2)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from app.api.chat_types import ChatChunk, ChatCompletion, ToolCallPart
from app.api.errors import ResponseFormatError, StreamError
from app.api.errors import parse_error_body as parse_error_message
from app.api.types import Cost, Usage
from app.api.values import as_dict, as_int, as_list, as_str, cost_from_meta, parse_cost, parse_usage

_fast_loads: Callable[[str], Any] | None
try:
    from orjson import loads as _fast_loads
except ImportError:  # optional: the standard parser gives the same values, more slowly
    _fast_loads = None


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


def _tool_calls_of(holder: Mapping[str, Any]) -> tuple[ToolCallPart, ...]:
    """``tool_calls`` of a message or a delta: ``[{index, id, function: {name, arguments}}]``."""
    parts = []
    for position, item in enumerate(as_list(holder.get("tool_calls"))):
        call = as_dict(item)
        if not call:
            continue
        function = as_dict(call.get("function"))
        index = call.get("index")
        arguments = function.get("arguments")
        if isinstance(arguments, dict | list):
            arguments = json.dumps(arguments)
        parts.append(
            ToolCallPart(
                index=index if isinstance(index, int) else -1 - position,
                id=as_str(call.get("id")),
                name=as_str(function.get("name")),
                arguments=arguments if isinstance(arguments, str) else "",
            )
        )
    return tuple(parts)


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
    tool_calls: tuple[ToolCallPart, ...] = ()
    if message:
        content = _text_of(message.get("content"))
        reasoning = _reasoning_of(message)
        tool_calls = tuple(
            ToolCallPart(i, p.id, p.name, p.arguments)
            for i, p in enumerate(_tool_calls_of(message))
        )
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
        tool_calls=tool_calls,
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
        tool_calls=_tool_calls_of(delta) if delta else (),
    )
    if not choices and chunk.usage is None and chunk.cost is None:
        return None
    return chunk


def _plain_delta(body: Any) -> tuple[str, str] | None:
    """(content, reasoning) of an event that carries only reply text; None for any other."""
    if type(body) is not dict:
        return None
    choices = body.get("choices")
    if type(choices) is not list or len(choices) != 1:
        return None
    if body.get("usage") is not None or body.get("meta") is not None or body.get("error"):
        return None
    first = choices[0]
    if type(first) is not dict or first.get("finish_reason") is not None:
        return None
    delta = first.get("delta")
    if type(delta) is not dict or not delta or delta.get("tool_calls"):
        return None
    content = delta.get("content")
    if content is None:
        content = ""
    elif type(content) is not str:
        return None
    if "reasoning_content" in delta or "reasoning" in delta:
        return content, _reasoning_of(delta)
    return content, ""


def _identity(body: dict[str, Any]) -> tuple[Any, Any, Any]:
    return body.get("id"), body.get("model"), body.get("created")


class DeltaMerger:
    """Turns the bodies of consecutive stream events into as few chunks as say the same.

    A run of events that carry only text (content and reasoning) of one reply (same id, model
    and created) becomes one chunk with the texts joined; anything else (finish reason, usage,
    cost, several choices) is a chunk of its own, as ``parse_chat_chunk`` makes it. Folding the
    merged chunks gives the same ``ChatCompletion`` as folding one chunk per event.
    """

    def __init__(self) -> None:
        self.chunks: list[ChatChunk] = []
        self._run: ChatChunk | None = None
        self._run_identity: tuple[Any, Any, Any] | None = None
        self._content: list[str] = []
        self._reasoning: list[str] = []

    def add(self, body: Any) -> None:
        """Take one event's JSON; ``StreamError`` for an ``error`` event."""
        plain = _plain_delta(body)
        if plain is not None and self._run is not None and _identity(body) == self._run_identity:
            self._content.append(plain[0])
            self._reasoning.append(plain[1])
            return
        self._end_run()
        chunk = parse_chat_chunk(body)
        if chunk is None:
            return
        if plain is not None and chunk.usage is None and chunk.cost is None:
            self._run, self._run_identity = chunk, _identity(body)
            self._content, self._reasoning = [chunk.content], [chunk.reasoning]
        else:
            self.chunks.append(chunk)

    def _end_run(self) -> None:
        run = self._run
        if run is None:
            return
        if len(self._content) > 1:
            run = replace(run, content="".join(self._content), reasoning="".join(self._reasoning))
        self.chunks.append(run)
        self._run = self._run_identity = None

    def add_text(self, shape: TextShape, text: str) -> None:
        """Take an event of ``shape`` with ``text`` as its text."""
        content, reasoning = ("", text) if shape.is_reasoning else (text, "")
        if self._run is not None and shape.identity == self._run_identity:
            self._content.append(content)
            self._reasoning.append(reasoning)
            return
        self._end_run()
        self._run = replace(shape.chunk, content=content, reasoning=reasoning)
        self._run_identity = shape.identity
        self._content, self._reasoning = [content], [reasoning]

    def take(self) -> list[ChatChunk]:
        """The chunks so far (a run in progress is ended); the merger starts afresh."""
        self._end_run()
        chunks, self.chunks = self.chunks, []
        return chunks


_TEXT_FIELDS = ("content", "reasoning_content", "reasoning")
_NAME_SEPARATOR = re.compile(r"[ \t\r\n]*:[ \t\r\n]*")
_RAW_DECODER = json.JSONDecoder()


class TextShape(NamedTuple):
    """An event's data around its text: ``prefix`` + a JSON string + ``suffix``; the text is
    the reply's content, or its reasoning (``is_reasoning``); ``chunk`` is the event's chunk
    and ``identity`` its (id, model, created)."""

    prefix: str
    suffix: str
    is_reasoning: bool
    chunk: ChatChunk
    identity: tuple[Any, Any, Any]


_PROBE = "\u0001probe\u0002"


class TextEventTemplate:
    """Recognises the events of a stream that are an earlier text-only event with other text.

    Streams repeat one event shape per token, only the text changing. ``learn`` keeps the data
    before and after the text's JSON string of an event that carries only text in a single
    text field, after checking that any JSON string put there is that field's value when the
    whole event is parsed (so a duplicate key or the same name elsewhere cannot mislead it);
    ``match`` then takes the text of an event with exactly that data around one JSON string —
    the values a full parse gives, for the cost of decoding the string alone. Each event that
    does not match (and is parsed) is learnt instead, until ``MAX_MISSES`` in a row show the
    stream has no repeating shape.
    """

    MAX_MISSES = 32

    def __init__(self) -> None:
        self.shape: TextShape | None = None
        self._misses = 0

    def learn(self, data: str, body: Any) -> None:
        """Take ``data`` (parsed: ``body``) as the template if it is a text-only event."""
        if self._misses >= self.MAX_MISSES or _plain_delta(body) is None:
            return
        self._misses += 1
        delta = body["choices"][0]["delta"]
        fields = [name for name in _TEXT_FIELDS if name in delta]
        if len(fields) != 1 or type(delta[fields[0]]) is not str:
            return
        name = f'"{fields[0]}"'
        at = data.find(name)
        separator = None if at < 0 else _NAME_SEPARATOR.match(data, at + len(name))
        if separator is None:
            return
        try:
            _value, end = _RAW_DECODER.raw_decode(data, separator.end())
        except ValueError:
            return
        shape = _checked_shape(data[: separator.end()], data[end:], fields[0] != "content", body)
        if shape is not None:
            self.shape = shape

    def match(self, data: str) -> tuple[str, TextShape] | None:
        """The text of an event shaped like the template, and the shape; None for any other."""
        matched = self.match_all([data])
        return None if matched is None else (matched[0][0], matched[1])

    def match_all(self, datas: list[str]) -> tuple[list[str], TextShape] | None:
        """The texts of events that all match the template; None unless every one does."""
        shape = self.shape
        if shape is None:
            return None
        prefix, suffix = shape.prefix, shape.suffix
        start, tail = len(prefix), len(suffix)
        texts = []
        for data in datas:
            if not data.startswith(prefix) or not data.endswith(suffix):
                return None
            text = _string_value(data[start : len(data) - tail])
            if text is None:
                return None
            texts.append(text)
        self._misses = 0
        return texts, shape


def _string_value(literal: str) -> str | None:
    """The string a JSON string token stands for; None if ``literal`` is anything else."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        return None
    try:
        value = _fast_loads(literal) if _fast_loads is not None else json.loads(literal)
    except ValueError:
        return None
    return value if type(value) is str else None


def _checked_shape(prefix: str, suffix: str, is_reasoning: bool, body: Any) -> TextShape | None:
    """The shape ``prefix`` + string + ``suffix`` if a probe string put there comes out of a
    full parse as the text field's value, with everything else as in ``body``."""
    try:
        probe = event_json(prefix + json.dumps(_PROBE) + suffix)
    except ResponseFormatError:
        return None
    plain = _plain_delta(probe)
    wanted = ("", _PROBE) if is_reasoning else (_PROBE, "")
    chunk = parse_chat_chunk(body)
    if plain != wanted or chunk is None or _identity(probe) != _identity(body):
        return None
    expected = (
        replace(chunk, content="", reasoning=_PROBE)
        if is_reasoning
        else replace(chunk, content=_PROBE)
    )
    if parse_chat_chunk(probe) != expected:
        return None
    return TextShape(prefix, suffix, is_reasoning, chunk, _identity(body))


def parse_chat_event(data: str) -> ChatChunk | None:
    """The ``data`` of one SSE event (not ``[DONE]``)."""
    return parse_chat_chunk(event_json(data))


def event_json(data: str) -> Any:
    """The JSON of one stream event's ``data`` (with ``orjson`` where it is installed: a long
    reply is thousands of events)."""
    if _fast_loads is not None:
        try:
            return _fast_loads(data)
        except ValueError:
            pass  # what orjson refuses (NaN, Infinity) the standard parser decides
    try:
        return json.loads(data)
    except ValueError as exc:
        raise ResponseFormatError("A streamed event was not valid JSON.") from exc


class _GrowingString:
    """Text that grows by pieces, joined once when read rather than on every piece."""

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._text = ""

    def append(self, piece: str) -> None:
        self._pieces.append(piece)

    @property
    def text(self) -> str:
        if self._pieces:
            self._text += "".join(self._pieces)
            self._pieces.clear()
        return self._text


class ChunkAccumulator:
    """Folds chunks into the ``ChatCompletion`` they add up to."""

    def __init__(self) -> None:
        self._content = _GrowingString()
        self._reasoning = _GrowingString()
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.cost: Cost | None = None
        self._calls: dict[int, list[Any]] = {}  # index -> [id, name, argument pieces]

    @property
    def content(self) -> str:
        """The reply text so far."""
        return self._content.text

    @property
    def reasoning(self) -> str:
        return self._reasoning.text

    def add(self, chunk: ChatChunk) -> None:
        if chunk.content:
            self._content.append(chunk.content)
        if chunk.reasoning:
            self._reasoning.append(chunk.reasoning)
        self.id = self.id or chunk.id
        self.model = self.model or chunk.model
        self.created = self.created or chunk.created
        self.finish_reason = chunk.finish_reason or self.finish_reason
        self.usage = chunk.usage or self.usage
        self.cost = chunk.cost or self.cost
        for part in chunk.tool_calls:
            self._add_tool_call(part)

    def _add_tool_call(self, part: ToolCallPart) -> None:
        index = part.index
        if index < 0:  # no index: the call with this id, else a new one (with an id) or the last
            known = [i for i, call in self._calls.items() if part.id and call[0] == part.id]
            if known:
                index = known[0]
            elif part.id or not self._calls:
                index = max(self._calls, default=-1) + 1
            else:
                index = max(self._calls)
        call = self._calls.setdefault(index, [None, None, []])
        if part.id and not call[0]:
            call[0] = part.id
        if part.name and not call[1]:
            call[1] = part.name
        if part.arguments:
            call[2].append(part.arguments)

    @property
    def tool_calls(self) -> tuple[ToolCallPart, ...]:
        """The calls assembled so far, in index order."""
        return tuple(
            ToolCallPart(index, call[0], call[1], "".join(call[2]))
            for index, call in sorted(self._calls.items())
        )

    def result(self) -> ChatCompletion:
        return ChatCompletion(
            content=self.content,
            reasoning=self.reasoning,
            id=self.id,
            model=self.model,
            created=self.created,
            finish_reason=self.finish_reason,
            usage=self.usage or Usage(),
            cost=self.cost or Cost(),
            tool_calls=self.tool_calls,
        )
