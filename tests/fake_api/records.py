"""What the stand-in gateway received: one :class:`Recorded` per request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from requests.structures import CaseInsensitiveDict

UploadedFile = tuple[str, bytes, str]


@dataclass
class Recorded:
    """One request as it arrived. ``headers`` look up names case-insensitively."""

    method: str
    path: str
    query: dict[str, str]
    headers: CaseInsensitiveDict[str]
    body: bytes
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    file_parts: list[tuple[str, UploadedFile]] = field(default_factory=list)
    client_port: int = 0

    @property
    def bearer(self) -> str | None:
        """The key of an ``Authorization: Bearer <key>`` header, if any."""
        value = self.headers.get("Authorization", "")
        scheme, _, key = value.partition(" ")
        return key.strip() if scheme.lower() == "bearer" else None


def build_record(
    method: str, target: str, headers: Message, body: bytes, client_port: int = 0
) -> Recorded:
    """Parse ``body`` by its content type into JSON or multipart fields and files."""
    parts = urlsplit(target)
    header_map: CaseInsensitiveDict[str] = CaseInsensitiveDict(headers.items())
    record = Recorded(
        method=method,
        path=parts.path,
        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
        headers=header_map,
        body=body,
        client_port=client_port,
    )
    content_type = header_map.get("Content-Type", "")
    if content_type.lower().startswith("multipart/form-data"):
        record.form, record.file_parts = parse_multipart_parts(content_type, body)
        record.files = dict(record.file_parts)
    elif body:
        try:
            record.json = json.loads(body)
        except ValueError:
            record.json = None
    return record


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a ``multipart/form-data`` body into text fields and uploaded files (by name; the
    last of several parts with one name wins)."""
    form, parts = parse_multipart_parts(content_type, body)
    return form, dict(parts)


def parse_multipart_parts(
    content_type: str, body: bytes
) -> tuple[dict[str, str], list[tuple[str, UploadedFile]]]:
    """Split a ``multipart/form-data`` body into text fields and every file part in order
    (``image[]`` may come many times)."""
    envelope = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(envelope + body)
    form: dict[str, str] = {}
    files: list[tuple[str, UploadedFile]] = []
    if not message.is_multipart():
        return form, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            charset = part.get_content_charset() or "utf-8"
            form[name] = payload.decode(charset, errors="replace")
        else:
            files.append((name, (filename, payload, part.get_content_type())))
    return form, files
