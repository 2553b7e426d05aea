"""A ``multipart/form-data`` body that streams its file from disk.

``requests`` sends any object with ``read()`` and ``__len__`` as the body with a
Content-Length, reading it block by block; each read reports progress and checks the cancel
flag, so a large upload neither sits in memory nor ignores a Cancel.
"""

from __future__ import annotations

import mimetypes
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

from app.api.errors import CancelledByUser


def form_value(value: object) -> str:
    """Form fields are text: booleans as ``"true"``/``"false"``, lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(form_value(v) for v in value)
    return str(value)


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartFileBody:
    """Form fields plus one file part, read lazily."""

    def __init__(
        self,
        fields: Mapping[str, object],
        *,
        file_field: str,
        path: Path,
        content_type: str | None = None,
        on_progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.boundary = f"aiml-desktop-{uuid.uuid4().hex}"
        self._path = path
        self._file_size = path.stat().st_size
        mime = content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._head = self._encode_head(fields, file_field, path.name, mime)
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()
        self._length = len(self._head) + self._file_size + len(self._tail)
        self._on_progress = on_progress
        self._cancel = cancel
        self._stage = 0  # 0 head, 1 file, 2 tail, 3 done
        self._offset = 0
        self._sent = 0
        self._file: BinaryIO | None = None

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _encode_head(
        self, fields: Mapping[str, object], file_field: str, name: str, mime: str
    ) -> bytes:
        parts = []
        for key, value in fields.items():
            if value is None:
                continue
            parts.append(
                f"--{self.boundary}\r\n"
                f'Content-Disposition: form-data; name="{_quote(key)}"\r\n\r\n'
                f"{form_value(value)}\r\n"
            )
        parts.append(
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(file_field)}"; '
            f'filename="{_quote(name)}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        )
        return "".join(parts).encode("utf-8")

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            self.close()
            raise CancelledByUser()
        if size is None or size < 0:
            size = self._length
        out = bytearray()
        while len(out) < size and self._stage < 3:
            out += self._read_stage(size - len(out))
        self._sent += len(out)
        if self._on_progress is not None and self._length:
            self._on_progress(min(self._sent / self._length, 1.0))
        return bytes(out)

    def _read_stage(self, size: int) -> bytes:
        if self._stage == 1:
            if self._file is None:
                self._file = self._path.open("rb")
            data = self._file.read(size)
            if not data:
                self._file.close()
                self._stage, self._offset = 2, 0
            return data
        source = self._head if self._stage == 0 else self._tail
        data = source[self._offset : self._offset + size]
        self._offset += len(data)
        if self._offset >= len(source):
            self._stage, self._offset = self._stage + 1, 0
        return data

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
