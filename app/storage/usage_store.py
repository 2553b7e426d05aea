"""The cost ledger in the history database (tables ``usage`` and ``balance_samples``).

One row per paid request of any tab, from the window or the command line: when, which tab
and model, what it cost (the gateway's figure, or an estimate flagged ``estimated``) and what
was bought (tokens, images, characters spoken, seconds transcribed). Rows outlive the history
they came from: deleting a conversation does not make its spend disappear.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.storage.history import HistoryDatabase

TABS = ("chat", "images", "stt", "tts")
TAB_LABELS = {"chat": "Chat", "images": "Images", "stt": "Speech to text", "tts": "Text to speech"}


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One paid request; ``id`` is 0 until it is added, ``created`` is Unix seconds."""

    tab: str
    model: str
    cost_usd: float | None = None
    cost_credits: float | None = None
    estimated: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    images: int | None = None
    characters: int | None = None
    seconds: float | None = None
    origin: str = "window"
    status: str = "complete"
    request_id: str | None = None
    created: float = 0.0
    id: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = tuple(f.name for f in fields(UsageRecord) if f.name != "id")
_INSERT = f"INSERT INTO usage ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})"


@dataclass(frozen=True, slots=True)
class BalanceSample:
    created: float
    amount: float
    currency: str = "USD"


def _record(row: sqlite3.Row) -> UsageRecord:
    values = {name: row[name] for name in (*_FIELDS, "id")}
    values["estimated"] = bool(values["estimated"])
    return UsageRecord(**values)


class UsageStore:
    """Add and query cost records and balance samples."""

    def __init__(self, db: HistoryDatabase) -> None:
        self.db = db

    def add(self, record: UsageRecord) -> UsageRecord:
        if record.tab not in TABS:
            raise ValueError(f"unknown tab {record.tab!r}")
        if not record.created:
            record = replace(record, created=time.time())
        row = tuple(getattr(record, name) for name in _FIELDS)
        with self.db.transaction() as conn:
            cursor = conn.execute(_INSERT, row)
        return replace(record, id=int(cursor.lastrowid or 0))

    def records(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        tabs: Iterable[str] | None = None,
        models: Iterable[str] | None = None,
    ) -> list[UsageRecord]:
        """Records with ``since <= created < until``, of the given tabs and models, oldest first."""
        where: list[str] = []
        args: list[Any] = []
        if since is not None:
            where.append("created >= ?")
            args.append(since)
        if until is not None:
            where.append("created < ?")
            args.append(until)
        for column, wanted in (("tab", tabs), ("model", models)):
            if wanted is not None:
                chosen = list(wanted)
                where.append(f"{column} IN ({', '.join('?' * len(chosen))})" if chosen else "0")
                args.extend(chosen)
        sql = "SELECT * FROM usage"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self.db.lock:
            rows = self.db.conn.execute(sql + " ORDER BY created, id", args).fetchall()
        return [_record(row) for row in rows]

    def models(self) -> list[str]:
        """Every model with a record, sorted."""
        with self.db.lock:
            rows = self.db.conn.execute(
                "SELECT DISTINCT model FROM usage WHERE model != '' ORDER BY model"
            ).fetchall()
        return [row[0] for row in rows]

    def add_balance(self, sample: BalanceSample, *, min_gap: float = 3600.0) -> bool:
        """Keep a balance reading when it differs from the last one or ``min_gap`` has passed."""
        with self.db.transaction() as conn:
            last = conn.execute(
                "SELECT created, amount FROM balance_samples ORDER BY created DESC LIMIT 1"
            ).fetchone()
            same = last is not None and abs(last["amount"] - sample.amount) < 1e-9
            if same and sample.created - last["created"] < min_gap:
                return False
            conn.execute(
                "INSERT INTO balance_samples (created, amount, currency) VALUES (?, ?, ?)",
                (sample.created, sample.amount, sample.currency),
            )
        return True

    def balances(self, *, since: float | None = None) -> list[BalanceSample]:
        sql = "SELECT created, amount, currency FROM balance_samples"
        args: tuple[Any, ...] = ()
        if since is not None:
            sql += " WHERE created >= ?"
            args = (since,)
        with self.db.lock:
            rows = self.db.conn.execute(sql + " ORDER BY created", args).fetchall()
        return [BalanceSample(row["created"], row["amount"], row["currency"]) for row in rows]
