"""Reading a streamed response body many network packets at a time.

``http.client`` hands out a chunked body one transfer chunk per read, and a server that sends
one event per chunk (most of them) costs a trip through ``urllib3`` and ``http.client`` per
token. ``ChunkedReader`` reads whatever the socket has (up to ``size`` bytes) and removes the
chunk framing itself, so one read returns every event that has arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SIZE, _DATA, _DATA_END, _TRAILER, _DONE = range(5)


class ChunkedBodyError(ConnectionError):
    """The chunked body was cut off or its framing is broken."""


class ChunkedDecoder:
    """Undoes HTTP/1.1 chunked transfer coding for bytes fed in pieces of any size.

    Chunk extensions and trailer fields are read and dropped, as ``http.client`` does.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._left = 0
        self._state = _SIZE

    @property
    def done(self) -> bool:
        """True once the last (zero-size) chunk and the trailer have been read."""
        return self._state == _DONE

    def feed(self, data: bytes) -> bytes:
        """The body bytes carried by ``data`` (possibly none)."""
        buffer = self._buffer + data if self._buffer else data
        position, end = 0, len(buffer)
        body: list[bytes] = []
        while position < end and self._state != _DONE:
            if self._state in (_SIZE, _TRAILER):
                after = self._read_line(buffer, position)
                if after < 0:
                    break
                position = after
                data_end = position + self._left
                while self._state == _DATA and data_end + 2 <= end:
                    # the usual case: the whole chunk, its CRLF and maybe the next size are
                    # here (once per event for most servers, so the size is read inline)
                    body.append(buffer[position:data_end])
                    position = data_end + 2
                    line_end = buffer.find(b"\n", position)
                    if line_end < 0:
                        self._state = _SIZE
                        break
                    line = buffer[position:line_end]
                    position = line_end + 1
                    try:
                        size = int(line, 16)
                    except ValueError:
                        size = -1
                    if size > 0:
                        self._left = size
                    else:  # the last chunk, a chunk extension or a malformed size
                        self._state = _SIZE
                        self._line(line)
                    data_end = position + self._left
            elif self._state == _DATA:
                take = min(self._left, end - position)
                body.append(buffer[position : position + take])
                position += take
                self._left -= take
                if not self._left:
                    self._state = _DATA_END
            else:  # _DATA_END
                if end - position < 2:
                    break
                position += 2  # the CRLF after a chunk's data
                self._state = _SIZE
        self._buffer = buffer[position:]
        return b"".join(body)

    def _read_line(self, buffer: bytes, position: int) -> int:
        """Take the size or trailer line at ``position``; where the next line starts, or -1
        while the line is not complete."""
        line_end = buffer.find(b"\n", position)
        if line_end < 0:
            return -1
        self._line(buffer[position:line_end])
        return line_end + 1

    def _line(self, line: bytes) -> None:
        if self._state == _TRAILER:
            if not line.strip():
                self._state = _DONE
            return
        try:
            size = int(line.split(b";", 1)[0] if b";" in line else line, 16)
        except ValueError as exc:
            raise ChunkedBodyError("The server sent a malformed chunk size.") from exc
        if size < 0:
            raise ChunkedBodyError("The server sent a malformed chunk size.")
        if size:
            self._left = size
            self._state = _DATA
        else:
            self._state = _TRAILER


class ChunkedReader:
    """Reads a chunked body straight from the connection's buffered socket file.

    ``read()`` returns the body bytes of one socket read (``b""`` only at the end of the body)
    and raises ``ChunkedBodyError`` when the connection ends before the body does.
    """

    def __init__(self, file: Any, size: int) -> None:
        self._file = file
        self._size = size
        self._decoder = ChunkedDecoder()

    def read(self) -> bytes:
        while not self._decoder.done:
            data = self._file.read1(self._size)
            if not data:
                raise ChunkedBodyError("The connection closed before the reply was complete.")
            body = self._decoder.feed(data)
            if body:
                return body
        return b""


def chunked_reader(raw: Any, size: int) -> Callable[[], bytes] | None:
    """A bulk reader for ``raw`` (a ``urllib3`` response) when its body is chunked, not
    compressed and not yet touched; otherwise None (read it the usual way)."""
    connection_response = getattr(raw, "_fp", None)
    file = getattr(connection_response, "fp", None)
    if (
        not getattr(raw, "chunked", False)
        or not getattr(connection_response, "chunked", False)
        or getattr(connection_response, "chunk_left", 0) is not None
        or not callable(getattr(file, "read1", None))
    ):
        return None
    encoding = str(getattr(raw, "headers", {}).get("content-encoding", "identity")).lower()
    if encoding.strip() not in ("", "identity"):
        return None
    return ChunkedReader(file, size).read
