"""The speech-to-text queue and history, kept in the ``transcriptions`` table.

One row per input (a file path or a URL) in queue order (``position``). The ``transcript``
column holds JSON: ``{"result": <transcript as in the JSON export>, "elapsed": seconds,
"credits": number, "edited": bool}``; ``text`` holds the plain text (searched with FTS5).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.storage.history import HistoryDatabase, fts_query

log = logging.getLogger(__name__)

QUEUED = "queued"
UPLOADING = "uploading"
WAITING = "waiting"
TRANSCRIBING = "transcribing"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
INTERRUPTED = "interrupted"
UNFINISHED = (QUEUED, UPLOADING, WAITING, TRANSCRIBING)
STATUSES = (*UNFINISHED, DONE, FAILED, CANCELLED, INTERRUPTED)


@dataclass
class TranscriptionRecord:
    """One row of the queue and history; ``result`` is the transcript as plain data."""

    id: int
    source: str
    source_kind: str
    model: str
    options: dict[str, Any] = field(default_factory=dict)
    status: str = QUEUED
    error: str | None = None
    text: str = ""
    result: dict[str, Any] | None = None
    duration: float | None = None
    cost_usd: float | None = None
    cost_credits: float | None = None
    elapsed: float | None = None
    edited: bool = False
    created: float = 0.0
    position: int = 0

    @property
    def name(self) -> str:
        """The file name, or the URL as given."""
        return Path(self.source).name if self.source_kind == "file" else self.source

    @property
    def finished(self) -> bool:
        return self.status not in UNFINISHED


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        log.warning("unreadable JSON in a transcription row")
        return default


def _record(row: sqlite3.Row) -> TranscriptionRecord:
    extra = _loads(row["transcript"], {})
    extra = extra if isinstance(extra, dict) else {}
    result = extra.get("result")
    return TranscriptionRecord(
        id=row["id"],
        source=row["source"],
        source_kind=row["source_kind"],
        model=row["model"],
        options=_loads(row["options"], {}),
        status=row["status"],
        error=row["error"],
        text=row["text"],
        result=result if isinstance(result, dict) else None,
        duration=row["duration"],
        cost_usd=row["cost_usd"],
        cost_credits=extra.get("credits"),
        elapsed=extra.get("elapsed"),
        edited=bool(extra.get("edited")),
        created=row["created"],
        position=row["position"],
    )


class TranscriptionStore:
    """Reads and writes ``transcriptions`` rows; safe to call from any thread."""

    def __init__(self, db: HistoryDatabase) -> None:
        self._db = db

    def add(
        self,
        source: str,
        source_kind: str,
        model: str,
        options: dict[str, Any] | None = None,
        *,
        duration: float | None = None,
    ) -> TranscriptionRecord:
        """Append a queued row at the end of the queue."""
        if source_kind not in ("file", "url"):
            raise ValueError(f"source_kind is 'file' or 'url', not {source_kind!r}")
        with self._db.transaction() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM transcriptions"
            ).fetchone()[0]
            cursor = conn.execute(
                "INSERT INTO transcriptions (created, source, source_kind, model, options, "
                "status, duration, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    source,
                    source_kind,
                    model,
                    json.dumps(options or {}),
                    QUEUED,
                    duration,
                    position,
                ),
            )
            row_id = int(cursor.lastrowid or 0)
        record = self.get(row_id)
        assert record is not None
        return record

    def get(self, row_id: int) -> TranscriptionRecord | None:
        with self._db.lock:
            row = self._db.conn.execute(
                "SELECT * FROM transcriptions WHERE id = ?", (row_id,)
            ).fetchone()
        return _record(row) if row is not None else None

    def all(self) -> list[TranscriptionRecord]:
        """Every row, in queue order."""
        with self._db.lock:
            rows = self._db.conn.execute(
                "SELECT * FROM transcriptions ORDER BY position, id"
            ).fetchall()
        return [_record(row) for row in rows]

    def search(self, text: str) -> list[int]:
        """Ids of rows whose transcript or source matches every word of ``text``."""
        query = fts_query(text)
        if not query:
            return [record.id for record in self.all()]
        like = f"%{text.strip()}%"
        with self._db.lock:
            rows = self._db.conn.execute(
                "SELECT id FROM transcriptions WHERE id IN "
                "(SELECT rowid FROM transcriptions_fts WHERE transcriptions_fts MATCH ?) "
                "OR source LIKE ? OR model LIKE ? ORDER BY position, id",
                (query, like, like),
            ).fetchall()
        return [row["id"] for row in rows]

    def set_status(self, row_id: int, status: str, error: str | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE transcriptions SET status = ?, error = ? WHERE id = ?",
                (status, error, row_id),
            )

    def set_duration(self, row_id: int, duration: float | None) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE transcriptions SET duration = ? WHERE id = ?", (duration, row_id))

    def save_result(
        self,
        row_id: int,
        result: dict[str, Any],
        *,
        text: str,
        elapsed: float | None,
        cost_usd: float | None = None,
        cost_credits: float | None = None,
        edited: bool = False,
    ) -> None:
        """Store a finished transcript (or an edited one) and mark the row done."""
        extra = {"result": result, "elapsed": elapsed, "credits": cost_credits, "edited": edited}
        duration = result.get("duration")
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE transcriptions SET status = ?, error = NULL, text = ?, transcript = ?, "
                "cost_usd = ?, duration = coalesce(?, duration) WHERE id = ?",
                (DONE, text, json.dumps(extra, ensure_ascii=False), cost_usd, duration, row_id),
            )

    def delete(self, row_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM transcriptions WHERE id = ?", (row_id,))

    def mark_interrupted(self) -> int:
        """Rows left unfinished by an earlier run become "interrupted"; returns how many."""
        marks = ",".join("?" for _ in UNFINISHED)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE transcriptions SET status = ?, error = ? WHERE status IN ({marks})",
                (INTERRUPTED, "The app closed before this finished.", *UNFINISHED),
            )
        return cursor.rowcount
