"""Scripted answers: one-shot replies and faults queued per path prefix."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A literal answer. ``json`` wins over ``body``, ``body`` over ``pieces`` (sent as HTTP
    chunks ``piece_delay`` seconds apart); ``delay`` waits before answering."""

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] | None = None
    content_type: str | None = None
    delay: float = 0.0
    pieces: tuple[bytes, ...] = ()
    piece_delay: float = 0.0


@dataclass(frozen=True)
class Fault:
    """A misbehaviour of the gateway; build one with the class methods."""

    kind: str
    status: int = 0
    message: str | None = None
    retry_after: float | str | None = None
    status_code_as_string: bool = False
    seconds: float = 0.0
    after_events: int = 0
    n_bytes: int = 0

    @classmethod
    def error(
        cls,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | str | None = None,
        status_code_as_string: bool = False,
    ) -> Fault:
        """Answer ``status`` with the gateway error body (documented message by default)."""
        return cls(
            "error",
            status=status,
            message=message,
            retry_after=retry_after,
            status_code_as_string=status_code_as_string,
        )

    @classmethod
    def normal(cls) -> Fault:
        """Answer as if nothing were scripted (so a later item reaches a later request)."""
        return cls("normal")

    @classmethod
    def drop(cls) -> Fault:
        """Close the connection without any answer."""
        return cls("drop")

    @classmethod
    def drop_mid_stream(cls, after_events: int = 3) -> Fault:
        """Answer normally but cut the connection after ``after_events`` events or body pieces
        (before the end when there are fewer; the model list then sends its body, not 304)."""
        return cls("drop_mid_stream", after_events=after_events)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Wait ``seconds`` (or until the server stops), then answer normally."""
        return cls("delay", seconds=seconds)

    @classmethod
    def malformed_json(cls) -> Fault:
        """Answer 200 ``application/json`` (or an event stream) whose JSON is cut off."""
        return cls("malformed_json")

    @classmethod
    def wrong_content_type(cls) -> Fault:
        """Answer 200 with an HTML page, as a captive portal or a misrouted proxy would."""
        return cls("wrong_content_type")

    @classmethod
    def oversized(cls, n_bytes: int) -> Fault:
        """Answer 200 with a well-formed body of ``n_bytes`` bytes."""
        return cls("oversized", n_bytes=n_bytes)


ScriptItem = Reply | Fault


@dataclass
class _Entry:
    path_prefix: str
    method: str | None
    item: ScriptItem


class ScriptQueue:
    """Thread-safe queue of scripted items; each item answers exactly one matching request."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._lock = threading.Lock()

    def add(self, path_prefix: str, items: tuple[ScriptItem, ...], method: str | None) -> None:
        for item in items:
            if not isinstance(item, Reply | Fault):
                raise TypeError(f"script items are Reply or Fault, not {type(item).__name__}")
        with self._lock:
            self._entries.extend(
                _Entry(path_prefix, method.upper() if method else None, item) for item in items
            )

    def take(self, method: str, path: str) -> ScriptItem | None:
        """Remove and return the first item queued for this request, if any."""
        with self._lock:
            for index, entry in enumerate(self._entries):
                if path.startswith(entry.path_prefix) and entry.method in (None, method):
                    del self._entries[index]
                    return entry.item
        return None

    def pending(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
