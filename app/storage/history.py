"""The history of all four tabs in one SQLite database.

WAL journal, foreign keys on, ``PRAGMA user_version`` migrations (see ``history_schema``)
with a backup copy of the database taken before each migration, and FTS5 tables for search.
Tabs build their own small stores on ``HistoryDatabase.conn`` and ``transaction()``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from app.errors import StorageError
from app.storage.history_schema import MIGRATIONS
from app.storage.paths import history_db_path

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class HistoryError(StorageError):
    """The history cannot be opened; the message is a sentence for the person."""


class HistoryDatabase:
    """One connection to the history database, shared by the tabs' stores.

    The connection may be used from any worker thread; hold ``transaction()`` (or ``lock``)
    around work that must not interleave with another thread's.

    Args:
        path: the database file; ``history_db_path()`` when None, ":memory:" for a
            throwaway database.
        migrations: the schema scripts, oldest first (tests pass longer lists).
    """

    def __init__(
        self, path: str | Path | None = None, *, migrations: Sequence[str] = MIGRATIONS
    ) -> None:
        self.path = Path(path) if path is not None else history_db_path()
        self.lock = threading.RLock()
        try:
            self.conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise HistoryError(f"The history file {self.path} cannot be opened: {exc}.") from exc
        self.conn.row_factory = sqlite3.Row
        try:
            self._configure()
            self._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise HistoryError(
                f"The history file {self.path} is damaged or not a database ({exc})."
            ) from exc
        except HistoryError:
            self.conn.close()
            raise

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _is_empty(self) -> bool:
        return bool(self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0)

    def _migrate(self, migrations: Sequence[str]) -> None:
        current = self.schema_version
        if current > len(migrations):
            raise HistoryError(
                f"The history file {self.path} was written by a newer version of AIML Desktop "
                f"(schema {current}); update the app to open it."
            )
        fresh = self._is_empty()  # a new file has nothing to keep a copy of
        for version in range(current, len(migrations)):
            if not fresh:
                self.backup(self.backup_path(version))
            self._apply(migrations[version], version + 1)
            log.info("history schema now at version %d", version + 1)

    def _apply(self, script: str, version: int) -> None:
        try:
            self.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
        except sqlite3.Error:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise

    def backup_path(self, version: int) -> Path:
        """Where the copy taken before migrating away from ``version`` is kept."""
        return self.path.with_name(f"{self.path.name}.v{version}.bak")

    def backup(self, target: str | Path) -> Path:
        """Copy the whole database to ``target`` with SQLite's online backup."""
        target = Path(target)
        with self.lock, contextlib.closing(sqlite3.connect(str(target))) as copy:
            self.conn.backup(copy)
        log.info("history backed up to %s", target)
        return target

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and commit on success, roll back on an exception."""
        with self.lock, self.conn:
            yield self.conn

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def __enter__(self) -> HistoryDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a person typed into an FTS5 query that matches every word, as prefixes.

    Quotes and FTS5 operators in the input are treated as plain text. Returns "" when the
    text has no words.
    """
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))
