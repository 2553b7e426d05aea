"""Chat completions (plain and streamed) and legacy text completions."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any

import requests
import urllib3

from app.api.chat_parsing import (
    ChunkAccumulator,
    DeltaMerger,
    TextEventTemplate,
    event_json,
    parse_chat_completion,
    parse_chat_event,
)
from app.api.chat_types import ChatChunk, ChatCompletion
from app.api.chunked import chunked_reader
from app.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    ResponseFormatError,
    StreamError,
)
from app.api.sampling import check_sampling
from app.api.sse import SseDecoder, SseEvent
from app.api.transport import Transport, decode_json

log = logging.getLogger(__name__)

CHAT_PATH = "/v1/chat/completions"
COMPLETIONS_PATH = "/v1/completions"
READ_SIZE = 64 * 1024
# A read smaller than this means the reader has caught up with the server; the next read then
# waits a moment, so a reply pouring in as one tiny event per token is taken a few thousand
# bytes at a time rather than one event per read (each read has a fixed cost).
CAUGHT_UP_BYTES = 16 * 1024
CAUGHT_UP_PAUSE_S = 0.002

_READ_FAILURES = (
    urllib3.exceptions.HTTPError,
    requests.RequestException,
    OSError,
    ValueError,  # reading a response whose connection another thread closed
    AttributeError,
)


def _socket_of(response: requests.Response) -> socket.socket | None:
    raw = response.raw
    connection = getattr(raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        fp = getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None)
        sock = getattr(fp, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


class ChatStream:
    """Iterator of ``ChatChunk`` over one streamed reply.

    Iterating gives one chunk per event; ``next_batch()`` gives every chunk of the next network
    read at once, a run of text-only events merged into one chunk. ``close()`` may be called
    from any thread: it shuts the socket down so a reader blocked in a read returns at once,
    and iteration then ends quietly. ``result()`` is the reply as far as it arrived, also after
    an error.
    """

    def __init__(self, response: requests.Response) -> None:
        self._response = response
        self.headers: Mapping[str, str] = response.headers
        self._socket = _socket_of(response)
        self._decoder = SseDecoder()
        self._ready: deque[ChatChunk] = deque()
        self._failure: ApiError | None = None
        self._accumulator = ChunkAccumulator()
        self._template = TextEventTemplate()
        self._closed = threading.Event()
        self._finished = False
        self._close_lock = threading.Lock()
        self._received_any = False
        self._caught_up = False
        self._events_seen = 0
        self._eof = False
        self._is_event_stream = "json" not in response.headers.get("content-type", "").lower()
        self._read_body = chunked_reader(response.raw, READ_SIZE) or self._read_response

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def __iter__(self) -> Iterator[ChatChunk]:
        return self

    def __next__(self) -> ChatChunk:
        self._wait_for_chunks(merge=False)
        return self._ready.popleft()

    def next_batch(self) -> list[ChatChunk]:
        """Every chunk that the next read brought (never empty); ``StopIteration`` at the end."""
        self._wait_for_chunks(merge=True)
        batch = list(self._ready)
        self._ready.clear()
        return batch

    def batches(self) -> Iterator[list[ChatChunk]]:
        """``next_batch()`` until the reply ends."""
        while True:
            try:
                yield self.next_batch()
            except StopIteration:
                return

    def _wait_for_chunks(self, *, merge: bool) -> None:
        while True:
            if self._closed.is_set():
                self._finish()
                raise StopIteration
            if self._ready:
                return
            if self._failure is not None:
                failure, self._failure = self._failure, None
                raise failure
            if self._finished:
                raise StopIteration
            events = self._next_events()
            if events is None:
                self._finish()
                if not self._events_seen and not self._closed.is_set():
                    raise self._no_events_error()
                raise StopIteration
            self._take(events, merge)

    def _take(self, events: list[SseEvent], merge: bool) -> None:
        """Turn events into ready chunks; stops at ``[DONE]`` or at the first bad event."""
        merger = DeltaMerger() if merge else None
        try:
            if merger is None or not self._merge_texts(events, merger):
                self._take_each(events, merger)
        except ApiError as exc:
            self._failure = exc
            self._finish()
        finally:
            if merger is not None:
                self._ready.extend(merger.take())
        for chunk in self._ready:
            self._accumulator.add(chunk)

    def _merge_texts(self, events: list[SseEvent], merger: DeltaMerger) -> bool:
        """The usual read of a fast stream: text events that all match the template (and
        maybe ``[DONE]``) merged at once; False (nothing taken) for any other read."""
        done = bool(events) and events[-1].is_done
        texts_events = events[:-1] if done else events
        if not texts_events or any(event.event != "message" for event in texts_events):
            return False
        matched = self._template.match_all([event.data for event in texts_events])
        if matched is None:  # (``[DONE]`` never matches: the template is a JSON object)
            return False
        texts, shape = matched
        merger.add_text(shape, "".join(texts))
        self._events_seen += len(events)
        if done:
            self._finish()
        return True

    def _take_each(self, events: list[SseEvent], merger: DeltaMerger | None) -> None:
        for event in events:
            self._events_seen += 1
            if event.is_done:
                self._finish()
                break
            if merger is not None and event.event == "message":
                self._merge(merger, event.data)
                continue
            if merger is not None:
                self._ready.extend(merger.take())
            chunk = self._chunk_of(event)
            if chunk is not None:
                self._ready.append(chunk)

    def _merge(self, merger: DeltaMerger, data: str) -> None:
        """One text event: read through the template when it matches, else parsed (and
        learnt from)."""
        matched = self._template.match(data)
        if matched is not None:
            merger.add_text(matched[1], matched[0])
            return
        body = event_json(data)
        self._template.learn(data, body)
        merger.add(body)

    def _chunk_of(self, event: SseEvent) -> ChatChunk | None:
        chunk = parse_chat_event(event.data)
        if event.event == "error" and chunk is None:
            raise StreamError(event.data.strip() or "The server reported an error.")
        return chunk

    def _next_events(self) -> list[SseEvent] | None:
        """The events of the next read(s) (never empty); None at the end of the stream."""
        events: list[SseEvent] = []
        while not events:
            if self._eof:
                return None
            if not self._is_event_stream:
                events.append(self._whole_json_reply())
                continue
            data = self._read()
            if data is None:
                return None
            if data:
                events = self._decoder.feed(data)
            else:
                self._eof = True
                events = self._decoder.flush()
        return events

    def _no_events_error(self) -> ResponseFormatError:
        kind = self.headers.get("content-type") or "no content type"
        return ResponseFormatError(f"The streamed reply held no events ({kind}).")

    def _whole_json_reply(self) -> SseEvent:
        """A server that ignored ``stream: true`` answered with one JSON body."""
        self._is_event_stream = True
        self._eof = True
        body = decode_json(self._response)
        completion = parse_chat_completion(body, self._response.headers)
        payload = {
            "id": completion.id,
            "model": completion.model,
            "created": completion.created,
            "choices": [
                {
                    "delta": {"content": completion.content, "reasoning": completion.reasoning},
                    "finish_reason": completion.finish_reason,
                }
            ],
            "usage": body.get("usage"),
            "meta": body.get("meta"),
        }
        return SseEvent(data=json.dumps(payload))

    def _read_response(self) -> bytes:
        return self._response.raw.read1(READ_SIZE)

    def _read(self) -> bytes | None:
        """Next bytes; ``b""`` at EOF; ``None`` once closed from elsewhere."""
        if self._caught_up and self._closed.wait(CAUGHT_UP_PAUSE_S):
            return None  # closed during the pause
        try:
            data = self._read_body()
        except _READ_FAILURES as exc:
            if self._closed.is_set():
                return None
            self._finish()
            raise self._read_error(exc) from exc
        if self._closed.is_set():
            return None
        if data:
            self._received_any = True
        self._caught_up = 0 < len(data) < CAUGHT_UP_BYTES
        return data

    def _read_error(self, exc: BaseException) -> ApiError:
        timed_out = isinstance(exc, (urllib3.exceptions.ReadTimeoutError, TimeoutError))
        if timed_out:
            return ApiTimeoutError("The server stopped sending the reply (read timeout).")
        if self._received_any:
            return StreamError("The connection dropped before the reply was complete.")
        return ApiConnectionError(f"The connection dropped: {exc}")

    def result(self) -> ChatCompletion:
        """The reply assembled from the chunks received so far."""
        return self._accumulator.result()

    def _finish(self) -> None:
        self._finished = True
        self._release()

    def _release(self) -> None:
        with self._close_lock:
            try:
                self._response.close()
            except _READ_FAILURES:
                log.debug("closing a finished stream failed", exc_info=True)

    def close(self) -> None:
        """Stop the stream; safe from any thread and more than once."""
        if self._closed.is_set():
            return
        self._closed.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._release()

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ChatApi:
    """``POST /v1/chat/completions``."""

    def __init__(self, transport: Transport, *, dialect: str = "aimlapi") -> None:
        self._transport = transport
        self._dialect = dialect

    def create(
        self, *, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> ChatCompletion:
        check_sampling(params)
        body = {**params, "model": model, "messages": messages, "stream": False}
        data, response = self._transport.send_json("POST", CHAT_PATH, json=body)
        return parse_chat_completion(data, response.headers)

    def stream(self, *, model: str, messages: list[dict[str, Any]], **params: Any) -> ChatStream:
        check_sampling(params)
        body: dict[str, Any] = {**params, "model": model, "messages": messages, "stream": True}
        if self._dialect == "aimlapi":
            body.setdefault("stream_options", {"include_usage": True})
        response = self._transport.send(
            "POST",
            CHAT_PATH,
            json=body,
            stream=True,
            headers={"Accept": "text/event-stream"},
        )
        return ChatStream(response)


class CompletionsApi:
    """Legacy ``POST /v1/completions`` (the reply is ``choices[0].text``)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(
        self, *, model: str, prompt: str, max_tokens: int | None = None, **params: Any
    ) -> ChatCompletion:
        body: dict[str, Any] = {**params, "model": model, "prompt": prompt, "stream": False}
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        check_sampling(body)
        data, response = self._transport.send_json("POST", COMPLETIONS_PATH, json=body)
        return parse_chat_completion(data, response.headers)
