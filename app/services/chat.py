"""Chat: streamed and whole replies, and legacy text completion with a fallback to chat."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

from app.api.chat_parsing import ChunkAccumulator
from app.api.chat_types import ChatChunk, ChatCompletion
from app.api.errors import BadRequestError, InvalidInputError, NotFoundError
from app.services.data_urls import data_url
from app.services.usage import StreamTally, completion_record

if TYPE_CHECKING:
    from app.api.client import ApiClient, ChatStream
    from app.services.service_context import ServiceContext
    from app.storage.chat_store import ChatStore, Conversation, Message

log = logging.getLogger(__name__)


def require_text(text: str, what: str = "The prompt") -> str:
    """Return ``text`` unless it is blank.

    Raises:
        InvalidInputError: ``text`` is empty or only whitespace.
    """
    if not text or not text.strip():
        raise InvalidInputError(f"{what} is empty. Type something to send.")
    return text


def prepare_for_replies() -> None:
    """Import what the first reply of a process needs: the API client, its stream reader and
    the key store. For idle time, on a worker thread: done by the first reply itself, these
    imports hold the interpreter lock while the window is showing the reply's first frames."""
    import app.api.client
    import app.services.models
    import app.storage.secrets  # noqa: F401


def _require_messages(messages: list[dict[str, Any]]) -> None:
    if not messages:
        raise InvalidInputError("There is no message to send.")


class ClosingChatStream(Iterator[ChatChunk]):
    """A chat stream that also closes its client once it ends or is closed (once only)."""

    def __init__(self, client: ApiClient, stream: ChatStream) -> None:
        self._client = client
        self.stream = stream
        self._closed = False
        self._lock = threading.Lock()

    def __iter__(self) -> ClosingChatStream:
        return self

    def __next__(self) -> ChatChunk:
        try:
            return next(self.stream)
        except BaseException:
            self.close()
            raise

    def next_batch(self) -> list[ChatChunk]:
        """Every chunk of the next network read (see ``ChatStream.next_batch``)."""
        try:
            return self.stream.next_batch()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self.stream.close()
        finally:
            self._client.close()


class ChatService:
    def __init__(self, services: ServiceContext) -> None:
        self._services = services

    def _open_stream(
        self, model: str, messages: list[dict[str, Any]], params: dict[str, Any]
    ) -> ClosingChatStream:
        """Open a chat stream on a fresh client (runs on a worker thread)."""
        client = self._services.client()
        try:
            stream = client.chat.stream(model=model, messages=messages, **params)
        except BaseException:
            client.close()
            raise
        return ClosingChatStream(client, stream)

    async def stream(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> AsyncIterator[ChatChunk]:
        """Yield reply chunks as they arrive; stopping the iteration closes the HTTP stream."""
        async with contextlib.aclosing(self.stream_batches(model, messages, **params)) as batches:
            async for batch in batches:
                for chunk in batch:
                    yield chunk

    async def stream_batches(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> AsyncGenerator[list[ChatChunk], None]:
        """Yield every reply chunk that arrived since the last step at once (the stream is
        read a network read at a time; steps are at most one a frame); stopping the iteration
        closes the HTTP stream."""
        _require_messages(messages)

        def open_stream() -> ClosingChatStream:
            return self._open_stream(model, messages, params)

        chunks = self._services.runner.stream(open_stream, close=_close_iterator)
        tally = StreamTally(model)
        status = "stopped"
        try:
            async for batch in chunks.batches():
                tally.add_all(batch)
                yield batch
            status = "complete"
        except Exception:
            status = "error"
            raise
        finally:
            chunks.close()
            self._record_stream(tally, status)

    def _record_stream(self, tally: StreamTally, status: str) -> None:
        """Leave the cost record of a stream that got an answer (not of one refused at once).

        The record goes to the worker pool without holding the reply up; ``Services.close``
        waits for it.
        """
        if tally.request_id is None and tally.usage is None and tally.cost is None:
            return
        self._services.usage.record_soon(tally.record(status))

    async def complete(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> ChatCompletion:
        """The whole reply in one answer (no streaming)."""
        _require_messages(messages)

        def run(client: ApiClient) -> ChatCompletion:
            result = client.chat.create(model=model, messages=messages, **params)
            self._services.usage.record(completion_record(model, result))
            return result

        return await self._services.call(run)

    async def completion(
        self, prompt: str, model: str, max_tokens: int | None = None, **params: Any
    ) -> tuple[ChatCompletion, bool]:
        """Legacy text completion (``/v1/completions``).

        Where the server or model has no such route (404) or refuses it (400), the prompt is
        sent to chat as one user message instead.

        Returns:
            The completion, and True when it came from the chat fallback.
        """
        require_text(prompt)

        def run(client: ApiClient) -> tuple[ChatCompletion, bool]:
            result, fell_back = ask(client)
            self._services.usage.record(completion_record(model, result))
            return result, fell_back

        def ask(client: ApiClient) -> tuple[ChatCompletion, bool]:
            try:
                result = client.completions.create(
                    model=model, prompt=prompt, max_tokens=max_tokens, **params
                )
                return result, False
            except (NotFoundError, BadRequestError) as exc:
                log.info("text completion refused (%s); using chat", type(exc).__name__)
            chat_params = dict(params)
            if max_tokens is not None:
                chat_params["max_tokens"] = max_tokens
            messages = [{"role": "user", "content": prompt}]
            return client.chat.create(model=model, messages=messages, **chat_params), True

        return await self._services.call(run)


def _close_iterator(iterator: Iterator[Any]) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


# -- conversations ---------------------------------------------------------------------------

TITLE_CHARS = 48
DEFAULT_CONTEXT_MESSAGES = 20
SENT_ROLES = ("user", "assistant")


def auto_title(text: str, limit: int = TITLE_CHARS) -> str:
    """A short title from the first words of a message (first line, Markdown marks dropped)."""
    for line in text.splitlines():
        words = line.strip().lstrip("#>*-` ").split()
        if words:
            break
    else:
        return "New conversation"
    title = ""
    for word in words:
        candidate = f"{title} {word}".strip()
        if len(candidate) > limit:
            return (title or word[: limit - 1]) + "…"
        title = candidate
    return title


def message_payload(message: Message) -> dict[str, Any]:
    """One stored message as the API wants it; images become ``image_url`` data-URL parts."""
    if message.role != "user" or not message.attachments:
        return {"role": message.role, "content": message.content}
    if message.meta.get("documents"):
        from app.services.message_documents import user_content

        return {"role": "user", "content": user_content(message)[0]}
    parts: list[dict[str, Any]] = []
    if message.content:
        parts.append({"type": "text", "text": message.content})
    for attachment in message.attachments:
        parts.append(
            {"type": "image_url", "image_url": {"url": data_url(attachment.mime, attachment.data)}}
        )
    return {"role": "user", "content": parts}


def answered_tool_calls(message: Message) -> list[dict[str, Any]]:
    """The tool calls stored with a reply that have a result (see ``ChatSession``)."""
    calls = message.meta.get("tool_calls")
    if message.role != "assistant" or not isinstance(calls, list):
        return []
    return [c for c in calls if isinstance(c, dict) and c.get("id") and "result" in c]


def message_payloads(message: Message) -> list[dict[str, Any]]:
    """One stored message as API messages: a reply that called tools is the assistant turn
    with its ``tool_calls`` and one ``role: tool`` message per call with the result sent."""
    calls = answered_tool_calls(message)
    if not calls:
        return [message_payload(message)]
    turn = {
        "role": "assistant",
        "content": message.content or None,
        "tool_calls": [
            {
                "id": call["id"],
                "type": "function",
                "function": {"name": call.get("name", ""), "arguments": call.get("arguments", "")},
            }
            for call in calls
        ],
    }
    results = [
        {"role": "tool", "tool_call_id": call["id"], "content": str(call["result"])}
        for call in calls
    ]
    return [turn, *results]


def request_messages(conversation: Conversation, history: list[Message]) -> list[dict[str, Any]]:
    """System prompt plus the last ``context_messages`` usable messages of ``history``.

    Failed replies and empty messages are left out; a reply that was stopped is sent as far as
    it got; a reply that called tools is sent with the calls and their results.
    """
    usable = [
        m
        for m in history
        if m.role in SENT_ROLES
        and m.status != "error"
        and (m.content or m.attachments or answered_tool_calls(m))
    ]
    keep = conversation.context_messages
    if keep is None:
        keep = DEFAULT_CONTEXT_MESSAGES
    usable = usable[-keep:] if keep > 0 else usable[-1:]
    payload = []
    if conversation.system_prompt and conversation.system_prompt.strip():
        payload.append({"role": "system", "content": conversation.system_prompt})
    for message in usable:
        payload.extend(message_payloads(message))
    return payload


def request_params(conversation: Conversation) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if conversation.temperature is not None:
        params["temperature"] = conversation.temperature
    if conversation.max_tokens:
        params["max_tokens"] = conversation.max_tokens
    if conversation.top_p is not None:
        params["top_p"] = conversation.top_p
    return params


def completion_details(result: ChatCompletion) -> dict[str, Any]:
    """Stored message columns of a finished reply (id, model, tokens, cost …)."""
    return {
        "model": result.model,
        "response_id": result.id,
        "finish_reason": result.finish_reason,
        "prompt_tokens": result.usage.prompt_tokens,
        "completion_tokens": result.usage.completion_tokens,
        "total_tokens": result.usage.total_tokens,
        "cost_credits": result.cost.credits,
        "cost_usd": result.cost.usd,
        "meta": {"created": result.created, "reasoning_tokens": result.usage.reasoning_tokens},
    }


class ReplyRecorder:
    """Collects a streamed reply and writes it to the store at most every ``interval`` seconds.

    The message row exists before the first chunk (status ``streaming``); ``finish`` writes the
    whole reply and its final status (``complete``, ``stopped`` or ``error``).
    """

    def __init__(
        self,
        store: ChatStore,
        message_id: int,
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.meta = dict(meta or {})  # kept in the reply's meta when it is finished
        self.message_id = message_id
        self.interval = interval
        self._clock = clock
        self._reply = ChunkAccumulator()
        self._dirty = False
        self._last_write = clock()
        self.chunks = 0

    @property
    def content(self) -> str:
        return self._reply.content

    @property
    def reasoning(self) -> str:
        return self._reply.reasoning

    @property
    def finish_reason(self) -> str | None:
        return self._reply.finish_reason

    def add(self, chunk: ChatChunk) -> None:
        """Take one chunk; writes to the store when ``interval`` has passed since the last write."""
        self.chunks += 1
        self._reply.add(chunk)
        if chunk.content or chunk.reasoning:
            self._dirty = True
        if self._dirty and self._clock() - self._last_write >= self.interval:
            self.save()

    def save(self) -> None:
        """Write the reply as far as it arrived (still ``streaming``)."""
        self.store.update_message(
            self.message_id, content=self.content, reasoning=self.reasoning or None
        )
        self._dirty = False
        self._last_write = self._clock()

    def result(self) -> ChatCompletion:
        return self._reply.result()

    def finish(self, status: str, error: str | None = None) -> dict[str, Any]:
        """Write the whole reply with ``status``; returns the columns written."""
        details = completion_details(self.result())
        details["meta"].update(self.meta)
        if error:
            details["meta"]["error"] = error
        changes = {
            "content": self.content,
            "reasoning": self.reasoning or None,
            "status": status,
            **details,
        }
        self.store.update_message(self.message_id, **changes)
        self._dirty = False
        return changes
