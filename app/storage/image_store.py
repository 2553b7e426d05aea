"""Generated images in the history database (table ``images``): the file path, the exact
request and what the response said of the image."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.storage.history import HistoryDatabase

_COLUMNS = (
    "id, created, model, prompt, request, response_meta, path, mime, width, height, seed, "
    "cost_usd, cost_credits"
)


@dataclass(frozen=True, slots=True)
class ImageRecord:
    """One stored image; ``id`` is 0 until it is added."""

    model: str
    prompt: str
    request: dict[str, Any]
    path: str
    mime: str = ""
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    cost_usd: float | None = None
    cost_credits: float | None = None
    response_meta: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0
    id: int = 0

    @property
    def file(self) -> Path:
        return Path(self.path)


def _loads(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _record(row: Any) -> ImageRecord:
    return ImageRecord(
        id=row["id"],
        created=row["created"],
        model=row["model"],
        prompt=row["prompt"],
        request=_loads(row["request"]),
        response_meta=_loads(row["response_meta"]),
        path=row["path"] or "",
        mime=row["mime"] or "",
        width=row["width"],
        height=row["height"],
        seed=row["seed"],
        cost_usd=row["cost_usd"],
        cost_credits=row["cost_credits"],
    )


class ImageStore:
    """Rows of the ``images`` table, newest first."""

    def __init__(self, history: HistoryDatabase) -> None:
        self._db = history

    def add(self, record: ImageRecord) -> ImageRecord:
        """Insert ``record``; returns it with its id and creation time."""
        created = record.created or time.time()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO images (created, model, prompt, request, response_meta, path, mime,"
                " width, height, seed, cost_usd, cost_credits)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    record.model,
                    record.prompt,
                    json.dumps(record.request, ensure_ascii=False),
                    json.dumps(record.response_meta, ensure_ascii=False, default=str),
                    record.path,
                    record.mime,
                    record.width,
                    record.height,
                    record.seed,
                    record.cost_usd,
                    record.cost_credits,
                ),
            )
            new_id = int(cursor.lastrowid or 0)
        return replace(record, id=new_id, created=created)

    def count(self) -> int:
        with self._db.lock:
            return int(self._db.conn.execute("SELECT count(*) FROM images").fetchone()[0])

    def page(self, offset: int, limit: int) -> list[ImageRecord]:
        """Rows ``offset`` … ``offset + limit - 1`` counted from the newest."""
        with self._db.lock:
            rows = self._db.conn.execute(
                f"SELECT {_COLUMNS} FROM images ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [_record(row) for row in rows]

    def get(self, image_id: int) -> ImageRecord | None:
        with self._db.lock:
            row = self._db.conn.execute(
                f"SELECT {_COLUMNS} FROM images WHERE id = ?", (image_id,)
            ).fetchone()
        return _record(row) if row is not None else None

    def children(self, image_id: int) -> list[ImageRecord]:
        """Images made by editing image ``image_id`` (their ``edit.source_id``), oldest first."""
        with self._db.lock:
            rows = self._db.conn.execute(
                f"SELECT {_COLUMNS} FROM images"
                " WHERE json_extract(response_meta, '$.edit.source_id') = ?"
                " ORDER BY created, id",
                (image_id,),
            ).fetchall()
        return [_record(row) for row in rows]

    def delete(self, image_id: int) -> ImageRecord | None:
        """Remove the row and its file; returns what was removed (None when it was not there)."""
        record = self.get(image_id)
        if record is None:
            return None
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM images WHERE id = ?", (image_id,))
        if record.path:
            Path(record.path).unlink(missing_ok=True)
            Path(record.path).with_suffix(".json").unlink(missing_ok=True)
        return record
