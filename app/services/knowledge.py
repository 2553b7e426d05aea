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

import os
import threading
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
from app.storage.knowledge_store import KnowledgeBase, KnowledgeStore, Passage

CHUNK_CHARS = 1200
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})

FileProgress = Callable[[str, int, int], None]  # (file name, files done, files in all)


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


class KnowledgeService:
    """Create, fill, search and empty knowledge bases (blocking; use the runner)."""

    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store

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
        if progress is not None and not (cancelled is not None and cancelled.is_set()):
            progress("", len(files), len(files))
        return report

    def remove(self, name: str, document: str) -> int:
        return self.store.remove_document(self.store.get(name), document)

    def delete(self, name: str) -> None:
        self.store.delete(name)

    def search(self, name: str, query: str, limit: int = 5) -> list[Passage]:
        return self.store.search(self.store.get(name), query, limit)
