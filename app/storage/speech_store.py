"""Speech generations in the history database (table ``speech``): the text, model, voice,
options, the audio file under ``media_dir("tts")``, its length and cost."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.storage.history import HistoryDatabase

log = logging.getLogger(__name__)

_COLUMNS = "id, created, text, model, voice, options, path, format, duration, cost_usd"


@dataclass(frozen=True, slots=True)
class SpeechRecord:
    """One stored generation; ``id`` is 0 until it is added."""

    text: str
    model: str
    voice: str
    path: str
    format: str
    duration: float | None = None
    cost_usd: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    id: int = 0

    @property
    def file(self) -> Path:
        return Path(self.path)


def _record(row: Any) -> SpeechRecord:
    try:
        options = json.loads(row["options"] or "{}")
    except json.JSONDecodeError:
        options = {}
    return SpeechRecord(
        id=row["id"],
        created=row["created"],
        text=row["text"],
        model=row["model"],
        voice=row["voice"] or "",
        options=options if isinstance(options, dict) else {},
        path=row["path"] or "",
        format=row["format"] or "",
        duration=row["duration"],
        cost_usd=row["cost_usd"],
    )


class SpeechStore:
    """Add, list, find and delete speech generations."""

    def __init__(self, db: HistoryDatabase) -> None:
        self._db = db

    def add(self, record: SpeechRecord) -> SpeechRecord:
        created = record.created or time.time()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO speech (created, text, model, voice, options, path, format, "
                "duration, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    record.text,
                    record.model,
                    record.voice,
                    json.dumps(record.options, sort_keys=True),
                    record.path,
                    record.format,
                    record.duration,
                    record.cost_usd,
                ),
            )
        return replace(record, id=int(cursor.lastrowid or 0), created=created)

    def get(self, record_id: int) -> SpeechRecord | None:
        with self._db.lock:
            row = self._db.conn.execute(
                f"SELECT {_COLUMNS} FROM speech WHERE id = ?", (record_id,)
            ).fetchone()
        return _record(row) if row else None

    def recent(self, limit: int = 200, search: str = "") -> list[SpeechRecord]:
        """Newest first; ``search`` matches words of the text (full-text search)."""
        query = f"SELECT {_COLUMNS} FROM speech"
        params: tuple[Any, ...] = ()
        words = [w for w in search.replace('"', " ").split() if w]
        if words:
            match = " ".join(f'"{w}"*' for w in words)
            query += " WHERE id IN (SELECT rowid FROM speech_fts WHERE speech_fts MATCH ?)"
            params = (match,)
        query += " ORDER BY created DESC, id DESC LIMIT ?"
        with self._db.lock:
            rows = self._db.conn.execute(query, (*params, limit)).fetchall()
        return [_record(row) for row in rows]

    def delete(self, record_id: int) -> bool:
        """Remove the row and its audio file; False when there was no such row."""
        record = self.get(record_id)
        if record is None:
            return False
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM speech WHERE id = ?", (record_id,))
        if record.path:
            try:
                record.file.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("audio file not removed: %s", exc)
        return True
