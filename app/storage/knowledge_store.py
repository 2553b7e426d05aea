"""Knowledge bases on disk: named sets of documents cut into passages, searched with FTS5.

A sibling of the history database (``knowledge.sqlite3`` in the data folder), so indexing a
folder of documents never holds up the chat history. WAL journal, foreign keys on; passages are
indexed by an external-content FTS5 table ranked with BM25.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import UserInputError
from app.storage.paths import data_dir
from app.storage.vector_samples import to_samples

BUSY_TIMEOUT_S = 5.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS knowledge_bases (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS kb_documents (
    id INTEGER PRIMARY KEY,
    kb_id INTEGER NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    pages INTEGER,
    added REAL NOT NULL,
    UNIQUE (kb_id, path)
);
CREATE TABLE IF NOT EXISTS kb_chunks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES kb_documents(id) ON DELETE CASCADE,
    page INTEGER,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kb_chunks_document ON kb_chunks(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_chunks_fts USING fts5(
    text, content='kb_chunks', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS kb_chunks_ai AFTER INSERT ON kb_chunks BEGIN
    INSERT INTO kb_chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER IF NOT EXISTS kb_chunks_ad AFTER DELETE ON kb_chunks BEGIN
    INSERT INTO kb_chunks_fts(kb_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE IF NOT EXISTS kb_vectors (
    chunk_id INTEGER PRIMARY KEY REFERENCES kb_chunks(id) ON DELETE CASCADE,
    vector BLOB NOT NULL,
    samples BLOB,
    unit REAL
);
"""
_WORD = re.compile(r"\w+", re.UNICODE)


def knowledge_db_path() -> Path:
    return data_dir() / "knowledge.sqlite3"


class KnowledgeError(UserInputError):
    """A knowledge-base request that cannot be done; the message is the sentence."""


@dataclass(frozen=True)
class KnowledgeBase:
    """A knowledge base; ``embedding_model`` is set when vector search is switched on."""

    id: int
    name: str
    documents: int
    chunks: int
    embedding_model: str | None = None


@dataclass(frozen=True)
class StoredDocument:
    id: int
    path: str
    name: str
    kind: str
    size: int
    pages: int | None
    chunks: int


@dataclass(frozen=True)
class Passage:
    """One passage found by a search: where it is from and how well it matched."""

    chunk_id: int
    document: str
    path: str
    page: int | None
    text: str
    score: float


def match_query(text: str) -> str:
    """A person's words as an FTS5 query: every word quoted, any of them may match."""
    words = dict.fromkeys(word.lower() for word in _WORD.findall(text))
    return " OR ".join(f'"{word}"' for word in words)


class KnowledgeStore:
    """The knowledge-base database; usable from any thread (one lock around each call)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else knowledge_db_path()
        self._lock = threading.RLock()
        self._writes = 0  # transactions on this connection, for ``version``
        self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys=ON")
        if str(path) != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(SCHEMA)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(knowledge_bases)")}
        if "embedding_model" not in columns:  # a database made before embeddings existed
            self.conn.execute("ALTER TABLE knowledge_bases ADD COLUMN embedding_model TEXT")
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(kb_vectors)")}
        if "samples" not in columns:  # made before samples were kept; filled by ``samples``
            self.conn.execute("ALTER TABLE kb_vectors ADD COLUMN samples BLOB")
            self.conn.execute("ALTER TABLE kb_vectors ADD COLUMN unit REAL")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                with self.conn:
                    yield self.conn
            finally:
                self._writes += 1

    # -- knowledge bases --------------------------------------------------------------------

    def create(self, name: str) -> KnowledgeBase:
        name = " ".join(name.split())
        if not name:
            raise KnowledgeError("A knowledge base needs a name.")
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO knowledge_bases(name, created) VALUES (?, ?)", (name, time.time())
                )
        except sqlite3.IntegrityError:
            raise KnowledgeError(f'A knowledge base named "{name}" already exists.') from None
        return self.get(name)

    def get(self, name: str) -> KnowledgeBase:
        with self._lock:
            row = self.conn.execute(
                """SELECT kb.id, kb.name, kb.embedding_model,
                          (SELECT COUNT(*) FROM kb_documents d WHERE d.kb_id = kb.id) AS documents,
                          (SELECT COUNT(*) FROM kb_chunks c JOIN kb_documents d
                             ON c.document_id = d.id WHERE d.kb_id = kb.id) AS chunks
                   FROM knowledge_bases kb WHERE kb.name = ?""",
                (" ".join(name.split()),),
            ).fetchone()
        if row is None:
            raise KnowledgeError(
                f'There is no knowledge base named "{name}"; create it with "kb create".'
            )
        return KnowledgeBase(
            row["id"], row["name"], row["documents"], row["chunks"], row["embedding_model"]
        )

    def all(self) -> list[KnowledgeBase]:
        with self._lock:
            names = [
                r[0] for r in self.conn.execute("SELECT name FROM knowledge_bases ORDER BY name")
            ]
        return [self.get(name) for name in names]

    def delete(self, name: str) -> None:
        base = self.get(name)
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM kb_chunks WHERE document_id IN "
                "(SELECT id FROM kb_documents WHERE kb_id = ?)",
                (base.id,),
            )
            conn.execute("DELETE FROM knowledge_bases WHERE id = ?", (base.id,))

    def set_embedding_model(self, name: str, model: str | None) -> KnowledgeBase:
        """Switch vector search on with ``model``, or off with None (its vectors are dropped)."""
        base = self.get(name)
        with self.transaction() as conn:
            if model != base.embedding_model:
                conn.execute(
                    "DELETE FROM kb_vectors WHERE chunk_id IN (SELECT c.id FROM kb_chunks c "
                    "JOIN kb_documents d ON d.id = c.document_id WHERE d.kb_id = ?)",
                    (base.id,),
                )
            conn.execute(
                "UPDATE knowledge_bases SET embedding_model = ? WHERE id = ?", (model, base.id)
            )
        return self.get(name)

    # -- vectors ----------------------------------------------------------------------------

    def chunks_without_vectors(self, base: KnowledgeBase) -> list[tuple[int, str]]:
        with self._lock:
            return [
                (row[0], row[1])
                for row in self.conn.execute(
                    """SELECT c.id, c.text FROM kb_chunks c
                       JOIN kb_documents d ON d.id = c.document_id
                       LEFT JOIN kb_vectors v ON v.chunk_id = c.id
                       WHERE d.kb_id = ? AND v.chunk_id IS NULL ORDER BY c.id""",
                    (base.id,),
                )
            ]

    def put_vectors(self, vectors: Sequence[tuple[int, bytes]]) -> None:
        """Store (chunk id, float32 vector) pairs, with the vectors' 16-bit samples."""
        rows = [(chunk_id, vector, *to_samples(vector)) for chunk_id, vector in vectors]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO kb_vectors(chunk_id, vector, samples, unit) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )

    def version(self) -> tuple[int, int]:
        """Changes whenever the database does: written here, or by another connection (another
        window or the command line). Cheap enough to ask before every search."""
        with self._lock:
            other = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
            return other, self._writes

    def vectors(self, base: KnowledgeBase) -> list[tuple[int, bytes]]:
        with self._lock:
            return [
                (row[0], row[1])
                for row in self.conn.execute(
                    """SELECT v.chunk_id, v.vector FROM kb_vectors v
                       JOIN kb_chunks c ON c.id = v.chunk_id
                       JOIN kb_documents d ON d.id = c.document_id WHERE d.kb_id = ?""",
                    (base.id,),
                )
            ]

    def samples(self, base: KnowledgeBase) -> list[tuple[int, bytes, float]]:
        """(chunk id, 16-bit samples, unit) of every vector of ``base``; samples that a
        database from before they were kept lacks are made and stored first."""
        query = """SELECT v.chunk_id, v.vector, v.samples, v.unit FROM kb_vectors v
                   JOIN kb_chunks c ON c.id = v.chunk_id
                   JOIN kb_documents d ON d.id = c.document_id WHERE d.kb_id = ?"""
        with self._lock:
            rows = self.conn.execute(query, (base.id,)).fetchall()
            missing = [(row[0], row[1]) for row in rows if row[2] is None]
            if missing:
                self.put_vectors(missing)
                rows = self.conn.execute(query, (base.id,)).fetchall()
        return [(row[0], row[2], row[3]) for row in rows]

    def passages(self, chunk_ids: Sequence[int]) -> dict[int, Passage]:
        """The passages with these ids (score 0), by id."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        with self._lock:
            rows = self.conn.execute(
                f"""SELECT c.id, c.page, c.text, d.name, d.path FROM kb_chunks c
                    JOIN kb_documents d ON d.id = c.document_id WHERE c.id IN ({marks})""",
                list(chunk_ids),
            ).fetchall()
        return {
            r["id"]: Passage(r["id"], r["name"], r["path"], r["page"], r["text"], 0.0) for r in rows
        }

    # -- documents --------------------------------------------------------------------------

    def put_document(
        self,
        base: KnowledgeBase,
        *,
        path: str,
        name: str,
        kind: str,
        size: int,
        pages: int | None,
        chunks: Sequence[tuple[int | None, str]],
    ) -> int:
        """Store a document's passages, replacing an earlier copy of the same file."""
        with self.transaction() as conn:
            old = conn.execute(
                "SELECT id FROM kb_documents WHERE kb_id = ? AND path = ?", (base.id, path)
            ).fetchone()
            if old is not None:
                conn.execute("DELETE FROM kb_chunks WHERE document_id = ?", (old[0],))
                conn.execute("DELETE FROM kb_documents WHERE id = ?", (old[0],))
            cursor = conn.execute(
                "INSERT INTO kb_documents(kb_id, path, name, kind, size, pages, added) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (base.id, path, name, kind, size, pages, time.time()),
            )
            document_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO kb_chunks(document_id, page, ordinal, text) VALUES (?, ?, ?, ?)",
                [(document_id, page, n, text) for n, (page, text) in enumerate(chunks)],
            )
        return document_id

    def documents(self, base: KnowledgeBase) -> list[StoredDocument]:
        with self._lock:
            rows = self.conn.execute(
                """SELECT d.*, (SELECT COUNT(*) FROM kb_chunks c WHERE c.document_id = d.id) AS n
                   FROM kb_documents d WHERE d.kb_id = ? ORDER BY d.name""",
                (base.id,),
            ).fetchall()
        return [
            StoredDocument(r["id"], r["path"], r["name"], r["kind"], r["size"], r["pages"], r["n"])
            for r in rows
        ]

    def remove_document(self, base: KnowledgeBase, name_or_path: str) -> int:
        """Remove the documents of ``base`` with this name or path; returns how many."""
        with self.transaction() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM kb_documents WHERE kb_id = ? AND (name = ? OR path = ?)",
                    (base.id, name_or_path, name_or_path),
                )
            ]
            for document_id in ids:
                conn.execute("DELETE FROM kb_chunks WHERE document_id = ?", (document_id,))
                conn.execute("DELETE FROM kb_documents WHERE id = ?", (document_id,))
        return len(ids)

    # -- search -----------------------------------------------------------------------------

    def search(self, base: KnowledgeBase, query: str, limit: int = 5) -> list[Passage]:
        """The passages of ``base`` that best match ``query`` (BM25), best first."""
        expression = match_query(query)
        if not expression:
            return []
        with self._lock:
            rows = self.conn.execute(
                """SELECT c.id, c.page, c.text, d.name, d.path, bm25(kb_chunks_fts) AS rank
                   FROM kb_chunks_fts
                   JOIN kb_chunks c ON c.id = kb_chunks_fts.rowid
                   JOIN kb_documents d ON d.id = c.document_id
                   WHERE kb_chunks_fts MATCH ? AND d.kb_id = ?
                   ORDER BY rank LIMIT ?""",
                (expression, base.id, limit),
            ).fetchall()
        return [
            Passage(r["id"], r["name"], r["path"], r["page"], r["text"], -float(r["rank"]))
            for r in rows
        ]
