"""Documents attached to a chat message, turned into what the request carries.

A document that fits the model's context goes in whole, page by page; one that does not is
cut into passages, and only those that best match the question go (retrieval), each numbered
so the reply can cite it. Nothing is cut silently: ``AttachedText.retrieved`` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.documents import ExtractedDocument
    from app.storage.knowledge_store import Passage

DEFAULT_CONTEXT_TOKENS = 100_000
RETRIEVED_PASSAGES = 8


@dataclass(frozen=True)
class AttachedText:
    """The text a request carries for its documents, and the passages retrieval chose."""

    text: str
    passages: tuple[Passage, ...] = ()
    retrieved: tuple[str, ...] = ()  # names of the documents too big to go whole


def fits(document: ExtractedDocument, budget_tokens: int = DEFAULT_CONTEXT_TOKENS) -> bool:
    return document.token_estimate <= budget_tokens


def whole_text(document: ExtractedDocument) -> str:
    """A document with its name and, for PDFs, a marker before each page."""
    parts = []
    for page in document.pages:
        if page.text:
            parts.append(f"[page {page.number}]\n{page.text}" if page.number else page.text)
    return f'<document name="{document.name}">\n' + "\n\n".join(parts) + "\n</document>"


def attach(
    question: str,
    documents: Sequence[ExtractedDocument],
    *,
    budget_tokens: int = DEFAULT_CONTEXT_TOKENS,
    first_number: int = 1,
) -> AttachedText:
    """What to send with ``question`` for ``documents`` within ``budget_tokens``; retrieved
    passages are numbered from ``first_number``."""
    whole: list[ExtractedDocument] = []
    used = 0
    too_big: list[ExtractedDocument] = []
    for document in documents:
        if used + document.token_estimate <= budget_tokens:
            whole.append(document)
            used += document.token_estimate
        else:
            too_big.append(document)
    parts = [whole_text(document) for document in whole]
    passages: list[Passage] = []
    if too_big:
        # retrieval's store and index: loaded only when a document does not fit
        from app.services.knowledge import context_block, passages_of
        from app.storage.knowledge_store import KnowledgeStore

        store = KnowledgeStore(":memory:")
        try:
            base = store.create("attachments")
            for document in too_big:
                store.put_document(
                    base,
                    path=document.name,
                    name=document.name,
                    kind=document.kind,
                    size=document.size,
                    pages=document.page_count,
                    chunks=passages_of(document),
                )
            passages = store.search(base, question, RETRIEVED_PASSAGES)
        finally:
            store.close()
        parts.append(context_block(passages, first_number))
    return AttachedText(
        text="\n\n".join(parts),
        passages=tuple(passages),
        retrieved=tuple(document.name for document in too_big),
    )
