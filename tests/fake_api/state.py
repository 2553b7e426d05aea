"""Shared, thread-safe state of one running stand-in gateway."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.fake_api.gateway import nanoid, timestamp
from tests.fake_api.options import FakeOptions


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    content_type: str


class FileStore:
    """Bytes handed out as URLs under ``/files/<name>``."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._lock = threading.Lock()
        self._counter = itertools.count(1)

    def put(self, data: bytes, content_type: str, suffix: str) -> str:
        """Store ``data`` and return its file name (``<n><suffix>``)."""
        name = f"{next(self._counter):06d}{suffix}"
        with self._lock:
            self._files[name] = StoredFile(data, content_type)
        return name

    def get(self, name: str) -> StoredFile | None:
        with self._lock:
            return self._files.get(name)


@dataclass
class GatewayState:
    options: FakeOptions
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    files: FileStore = field(default_factory=FileStore)
    jobs: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    started_at: str = field(default_factory=timestamp)

    def charge(self, model: str, cost: dict[str, Any]) -> None:
        """Book a ``MODEL_USAGE`` charge for ``/v2/billing/transactions``."""
        usd = cost.get("usd_spent")
        credits = cost.get("credits_used")
        row = {
            "created_at": timestamp(),
            "direction": "CHARGE",
            "type": "MODEL_USAGE",
            "amount": {"usd": usd, "credits": credits},
            "model": model,
            "reference_id": nanoid(),
        }
        with self.lock:
            self.ledger.append(row)

    def file_url(self, name: str) -> str:
        return f"{self.url}/files/{name}"
