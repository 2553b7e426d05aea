"""Incremental server-sent-events decoder.

Fed with byte chunks as they arrive from the network; lines may be split anywhere across
chunks and may end in CRLF, CR or LF. Follows the event-stream parsing rules: ``:`` comment
lines are ignored, several ``data:`` lines join with a newline, ``event:``/``id:``/``retry:``
fields are kept, a blank line dispatches the event.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

DONE_SENTINEL = "[DONE]"


class SseEvent(NamedTuple):
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None

    @property
    def is_done(self) -> bool:
        data = self.data
        return data == DONE_SENTINEL or (len(data) < 32 and data.strip() == DONE_SENTINEL)


class SseDecoder:
    """Turns byte chunks into ``SseEvent`` objects; keeps partial lines between calls."""

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._pending_cr = False
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        self._first_line = True

    def feed(self, chunk: bytes) -> list[SseEvent]:
        """Decode one chunk; return the events it completed (possibly none)."""
        return self._consume(self._text.decode(chunk))

    def flush(self) -> list[SseEvent]:
        """End of stream: an unterminated last line counts, an undispatched event is kept."""
        events = self._consume(self._text.decode(b"", final=True))
        if self._buffer:
            line, self._buffer = self._buffer, ""
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        event = self._dispatch()
        if event is not None:
            events.append(event)
        return events

    def _consume(self, text: str) -> list[SseEvent]:
        if self._first_line and text:
            self._first_line = False
            text = text.removeprefix("\ufeff")
        if self._pending_cr or "\r" in text or "\r" in self._buffer:
            events: list[SseEvent] = []
            self._consume_lines(self._split_lines(text), events)
            return events
        return self._consume_blocks(self._buffer + text)

    def _consume_blocks(self, text: str) -> list[SseEvent]:
        """LF-only text, one event block (up to a blank line) at a time; an event of a single
        ``data: …`` line, the usual kind, is taken whole."""
        events: list[SseEvent] = []
        blocks = text.split("\n\n")
        tail = blocks.pop()
        for block in blocks:
            if block.startswith("data: ") and "\n" not in block and not self._data:
                events.append(SseEvent(block[6:], self._event or "message", self._id, self._retry))
                self._event = ""
            else:
                self._consume_lines([*block.split("\n"), ""], events)
        lines = tail.split("\n")
        self._buffer = lines.pop()
        self._consume_lines(lines, events)
        return events

    def _consume_lines(self, lines: list[str], events: list[SseEvent]) -> None:
        data = self._data
        for line in lines:
            # The usual lines (``data: …`` and the blank line after it) without a call each.
            if line.startswith("data: "):
                data.append(line[6:])
            elif line:
                self._process_line(line)
            elif data:
                joined = data[0] if len(data) == 1 else "\n".join(data)
                events.append(SseEvent(joined, self._event or "message", self._id, self._retry))
                data = self._data = []
                self._event = ""
            else:
                self._event = ""

    def _split_lines(self, text: str) -> list[str]:
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CRLF that was split across two chunks
        buffer = self._buffer + text
        lines = _LINE_BREAK.split(buffer)
        self._buffer = lines.pop()
        self._pending_cr = buffer.endswith("\r")
        return lines

    def _process_line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._data:
            self._event = ""
            return None
        data = self._data[0] if len(self._data) == 1 else "\n".join(self._data)
        event = SseEvent(data, self._event or "message", self._id, self._retry)
        self._data = []
        self._event = ""
        return event


def iter_sse(chunks: Iterable[bytes]) -> Iterator[SseEvent]:
    """Decode a whole iterable of byte chunks; ends at EOF (``[DONE]`` is left to the caller)."""
    decoder = SseDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
