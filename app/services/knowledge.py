"""Knowledge bases: named sets of files and folders whose passages answer questions.

``KnowledgeService.add`` walks the files and folders given, extracts each supported document
(``documents.extract``), cuts its pages into passages of about ``CHUNK_CHARS`` characters at
sentence ends (keeping each passage's page) and stores them in the FTS5 index of the
``KnowledgeStore``. ``search`` returns the best passages; ``context_block`` turns them into
numbered sources for a chat request, and a reply's ``[1]`` marks point back at them.

Everything here is blocking work: the window runs it through ``services.runner``; progress is
reported per file and page, and ``cancelled`` stops between them.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.services.documents import (
    DocumentError,
    ExtractedDocument,
    ExtractionCancelled,
    extract,
    is_supported,
)
from app.services.text_chunks import split_text
from app.services.vector_index import VectorIndex, load_index
from app.storage.knowledge_store import KnowledgeBase, KnowledgeStore, Passage

CHUNK_CHARS = 1200
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})

FileProgress = Callable[[str, int, int], None]  # (file name, files done, files in all)
PassageProgress = Callable[[int, int], None]  # (passages embedded, passages in all)
Embed = Callable[[str, list[str]], list[list[float]]]  # (model, texts) -> one vector a text
EMBED_BATCH = 64
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"


class EmbeddingCancelled(Exception):
    """Embedding a knowledge base's passages was cancelled (vector search is off again)."""


@dataclass
class AddReport:
    """What ``add`` did: documents indexed, passages written, and files it could not use."""

    documents: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)


def documents_in(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The supported files among ``paths``, folders walked (hidden and tool folders skipped)."""
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        for root, folders, files in os.walk(path):
            folders[:] = sorted(f for f in folders if f not in SKIPPED_FOLDERS and f[:1] != ".")
            for name in sorted(files):
                candidate = Path(root) / name
                if is_supported(candidate) and not name.startswith("."):
                    yield candidate


def passages_of(
    document: ExtractedDocument, limit: int = CHUNK_CHARS
) -> list[tuple[int | None, str]]:
    """(page, text) passages of ``document``, cut at sentence ends, never across pages."""
    return [(page.number, part) for page in document.pages for part in split_text(page.text, limit)]


def context_block(passages: list[Passage], first_number: int = 1) -> str:
    """The passages as numbered sources for a system message, with how to cite them."""
    lines = [
        "Answer from these sources when they help, and cite them as [1], [2]… after the "
        "sentences that use them. Say so when they do not hold the answer.",
        "",
    ]
    for number, passage in enumerate(passages, start=first_number):
        where = f", page {passage.page}" if passage.page is not None else ""
        lines.append(f"[{number}] {passage.document}{where}:\n{passage.text}\n")
    return "\n".join(lines).rstrip()


def citation_label(passage: Passage) -> str:
    """How a citation reads: "report.pdf, page 3" or "notes.md"."""
    return passage.document + (f", page {passage.page}" if passage.page is not None else "")


def pack(vector: list[float]) -> bytes:
    """A vector as unit-length 32-bit floats (so a dot product is the cosine)."""
    norm = math.sqrt(math.fsum(value * value for value in vector)) or 1.0
    return array("f", (value / norm for value in vector)).tobytes()


def blend(
    keyword: list[Passage], nearest: list[tuple[int, float]], found: dict[int, Passage]
) -> list[Passage]:
    """One ranking from BM25 passages and (chunk id, cosine) pairs: half of each score, the
    BM25 one scaled so its best is 1."""
    best = max((passage.score for passage in keyword), default=0.0) or 1.0
    scores: dict[int, float] = {p.chunk_id: 0.5 * p.score / best for p in keyword}
    passages = {p.chunk_id: p for p in keyword}
    for chunk_id, cosine in nearest:
        scores[chunk_id] = scores.get(chunk_id, 0.0) + 0.5 * max(cosine, 0.0)
        passages.setdefault(chunk_id, found[chunk_id])
    ranked = sorted(scores, key=lambda chunk_id: scores[chunk_id], reverse=True)
    return [dataclasses.replace(passages[c], score=round(scores[c], 6)) for c in ranked]


class KnowledgeService:
    """Create, fill, search and empty knowledge bases (blocking; use the runner).

    Args:
        store: the knowledge-base database.
        embed: asks the server for vectors (``/v1/embeddings``); only used for knowledge
            bases whose vector search is switched on.
    """

    def __init__(self, store: KnowledgeStore, embed: Embed | None = None) -> None:
        self.store = store
        self.embed = embed
        self._indexes_lock = threading.Lock()
        self._indexes_version: tuple[int, int] | None = None
        self._indexes: dict[int, VectorIndex] = {}

    def vector_index(self, base: KnowledgeBase) -> VectorIndex:
        """The vectors of ``base`` in memory, read from the database again only after
        something in it changed (documents added or removed, vectors switched or re-made,
        here or by another program)."""
        with self._indexes_lock:
            version = self.store.version()
            if version != self._indexes_version:
                self._indexes, self._indexes_version = {}, version
            index = self._indexes.get(base.id)
            if index is None:
                index = self._indexes[base.id] = load_index(self.store, base)
            return index

    def use_embeddings(
        self,
        name: str,
        model: str | None,
        *,
        progress: PassageProgress | None = None,
        cancelled: threading.Event | None = None,
    ) -> KnowledgeBase:
        """Switch vector search on (with ``model``) or off; turning it on embeds what is there
        (``progress`` after each batch of passages). If that fails or is cancelled, vector
        search is switched off again and the error (or ``EmbeddingCancelled``) is raised."""
        base = self.store.set_embedding_model(name, model)
        if model:
            try:
                self._embed_missing(base, progress=progress, cancelled=cancelled)
            except BaseException:
                self.store.set_embedding_model(name, None)
                raise
        return self.store.get(name)

    def _embed_missing(
        self,
        base: KnowledgeBase,
        *,
        progress: PassageProgress | None = None,
        cancelled: threading.Event | None = None,
    ) -> int:
        if not base.embedding_model or self.embed is None:
            return 0
        missing = self.store.chunks_without_vectors(base)
        for start in range(0, len(missing), EMBED_BATCH):
            if cancelled is not None and cancelled.is_set():
                raise EmbeddingCancelled("Vector search was cancelled; it stays off.")
            if progress is not None:
                progress(start, len(missing))
            batch = missing[start : start + EMBED_BATCH]
            vectors = self.embed(base.embedding_model, [text for _, text in batch])
            self.store.put_vectors(
                [
                    (chunk_id, pack(vector))
                    for (chunk_id, _), vector in zip(batch, vectors, strict=True)
                ]
            )
        if progress is not None:
            progress(len(missing), len(missing))
        if missing:
            self.vector_index(base)  # built here, so the next question does not wait for it
        return len(missing)

    def create(self, name: str) -> KnowledgeBase:
        return self.store.create(name)

    def bases(self) -> list[KnowledgeBase]:
        return self.store.all()

    def add(
        self,
        name: str,
        paths: Iterable[str | Path],
        *,
        progress: FileProgress | None = None,
        cancelled: threading.Event | None = None,
    ) -> AddReport:
        """Index the documents among ``paths`` into knowledge base ``name``."""
        base = self.store.get(name)
        files = list(documents_in(paths))
        report = AddReport()
        for done, path in enumerate(files):
            if cancelled is not None and cancelled.is_set():
                break
            if progress is not None:
                progress(path.name, done, len(files))
            try:
                document = extract(path, cancelled=cancelled)
            except ExtractionCancelled:
                break
            except DocumentError as exc:
                report.problems.append(str(exc))
                continue
            chunks = passages_of(document)
            self.store.put_document(
                base,
                path=str(path.resolve()),
                name=document.name,
                kind=document.kind,
                size=document.size,
                pages=document.page_count,
                chunks=chunks,
            )
            report.documents += 1
            report.chunks += len(chunks)
        if report.documents and not (cancelled is not None and cancelled.is_set()):
            self._embed_missing(self.store.get(name))
        if progress is not None and not (cancelled is not None and cancelled.is_set()):
            progress("", len(files), len(files))
        return report

    def remove(self, name: str, document: str) -> int:
        return self.store.remove_document(self.store.get(name), document)

    def delete(self, name: str) -> None:
        self.store.delete(name)

    def search(self, name: str, query: str, limit: int = 5) -> list[Passage]:
        """The best passages for ``query``: BM25, joined by the cosine of the vectors when the
        knowledge base has vector search switched on."""
        base = self.store.get(name)
        if not base.embedding_model or self.embed is None:
            return self.store.search(base, query, limit)
        keyword = self.store.search(base, query, limit * 4)
        wanted = pack(self.embed(base.embedding_model, [query])[0])
        nearest = self.vector_index(base).nearest(wanted, limit * 4)
        found = self.store.passages([chunk_id for chunk_id, _ in nearest])
        return blend(keyword, nearest, found)[:limit]
