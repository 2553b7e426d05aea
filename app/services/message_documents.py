"""Documents that go with a chat message: how they are stored with it, how a request carries
them (as text, or a PDF as the file itself), and the numbered sources a reply cites.

A document is stored as one of the message's attachments (the file as it was attached, in the
history database inside the data folder) plus a record in the message's meta under
``"documents"``: its kind, size, pages, token estimate, the extracted text of each page and
``send`` ("text" or "file"). So a reopened conversation, a regeneration, an export and a
backup all have the file and its text without reading the original again.

When the message is the question being answered, its documents become numbered sources: each
page of a document that fits the model's context is one source, and a document too big for it
goes by retrieval, its best passages numbered. A reply's ``[n]`` marks point back at them; the
reply stores them in its meta under ``"sources"`` (see ``ChatSession``).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.assistants import KNOWLEDGE_KEY
from app.services.attachments import DEFAULT_CONTEXT_TOKENS, attach, whole_text
from app.services.chat_history import Attachment, Message
from app.services.data_urls import data_url
from app.services.documents import (
    ExtractedDocument,
    Page,
    estimate_tokens,
    format_size,
)

if TYPE_CHECKING:
    from app.storage.knowledge_store import Passage

__all__ = ["KNOWLEDGE_KEY", "MessageDocument", "Source", "documents_of", "sources_of", "summary"]

DOCUMENTS_KEY = "documents"  # in a person's message meta: one record a document
SOURCES_KEY = "sources"  # in a reply's meta: the numbered sources it could cite
SEND_TEXT = "text"
SEND_FILE = "file"
SOURCE_PREVIEW_CHARS = 1500

KIND_MIMES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "csv": "text/csv",
    "markdown": "text/markdown",
}

CITE_DOCUMENTS = (
    "The attached documents follow, each page or passage numbered as a source. Answer from "
    "them and cite them as [1], [2]… after the sentences that use them."
)


@dataclass
class MessageDocument:
    """A document attached to a message: the file, its pages of text and how it is sent."""

    name: str
    kind: str
    size: int
    pages: tuple[Page, ...]
    data: bytes = field(default=b"", repr=False)
    send: str = SEND_TEXT

    @classmethod
    def from_extracted(cls, document: ExtractedDocument) -> MessageDocument:
        return cls(document.name, document.kind, document.size, document.pages, document.data)

    @property
    def mime(self) -> str:
        return KIND_MIMES.get(self.kind) or mimetypes.guess_type(self.name)[0] or "text/plain"

    @property
    def page_count(self) -> int | None:
        return len(self.pages) if self.kind == "pdf" else None

    @property
    def token_estimate(self) -> int:
        return estimate_tokens("\n\n".join(page.text for page in self.pages))

    @property
    def can_send_file(self) -> bool:
        """Only PDFs go as the file itself (``file`` content parts take PDF only)."""
        return self.kind == "pdf" and bool(self.data)

    @property
    def sends_file(self) -> bool:
        return self.send == SEND_FILE and self.can_send_file

    def fits(self, budget_tokens: int = DEFAULT_CONTEXT_TOKENS) -> bool:
        return self.token_estimate <= budget_tokens

    def extracted(self) -> ExtractedDocument:
        return ExtractedDocument(self.name, self.kind, self.size, self.pages, self.data)

    def attachment(self) -> Attachment:
        return Attachment(self.mime, self.data, self.name)

    def record(self) -> dict[str, Any]:
        """What the message's meta keeps about the document (the file is the attachment)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "size": self.size,
            "pages": self.page_count,
            "tokens": self.token_estimate,
            "send": self.send,
            "text": [[page.number, page.text] for page in self.pages],
        }


def summary(document: MessageDocument, budget_tokens: int = DEFAULT_CONTEXT_TOKENS) -> str:
    """What a chip says: "report.pdf · 3 pages · 12.0 KB · ~1,200 tokens", and when the
    document is too big for the model's context, that it will go by retrieval."""
    parts = [document.name]
    pages = document.page_count
    if pages is not None:
        parts.append(f"{pages} page{'s' if pages != 1 else ''}")
    parts.append(format_size(document.size))
    if document.sends_file:
        parts.append("sent as the file")
    else:
        parts.append(f"~{document.token_estimate:,} tokens")
        if not document.fits(budget_tokens):
            parts.append("too big for the model's context: will use retrieval")
    return " · ".join(parts)


def document_records(meta: dict[str, Any]) -> list[dict[str, Any]]:
    records = meta.get(DOCUMENTS_KEY)
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def is_document(attachment: Attachment) -> bool:
    return not attachment.mime.startswith("image/")


def images_of(message: Message) -> list[Attachment]:
    return [a for a in message.attachments if not is_document(a)]


def documents_of(message: Message) -> list[MessageDocument]:
    """The documents stored with ``message``: each record of its meta with its attachment."""
    files = [a for a in message.attachments if is_document(a)]
    found = []
    for index, record in enumerate(document_records(message.meta)):
        name = str(record.get("name") or "")
        data = next((a.data for a in files if a.name == name), None)
        if data is None and index < len(files):
            data = files[index].data
        pages = tuple(
            Page(item[0] if isinstance(item[0], int) else None, str(item[1]))
            for item in record.get("text") or []
            if isinstance(item, list) and len(item) == 2
        )
        found.append(
            MessageDocument(
                name=name,
                kind=str(record.get("kind") or "text"),
                size=int(record.get("size") or len(data or b"")),
                pages=pages,
                data=data or b"",
                send=SEND_FILE if record.get("send") == SEND_FILE else SEND_TEXT,
            )
        )
    return found


def stored_parts(documents: Sequence[MessageDocument]) -> tuple[list[Attachment], dict[str, Any]]:
    """The attachments and meta entry that store ``documents`` with a message."""
    if not documents:
        return [], {}
    return [d.attachment() for d in documents], {DOCUMENTS_KEY: [d.record() for d in documents]}


# -- sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One numbered source a reply may cite: a page or passage of a document."""

    number: int
    label: str  # "report.pdf, page 3"
    text: str

    def record(self) -> dict[str, Any]:
        return {"n": self.number, "label": self.label, "text": self.text[:SOURCE_PREVIEW_CHARS]}


def passage_sources(passages: Sequence[Passage], first_number: int = 1) -> list[Source]:
    from app.services.knowledge import citation_label  # retrieval's: loaded once it is used

    return [
        Source(number, citation_label(passage), passage.text)
        for number, passage in enumerate(passages, start=first_number)
    ]


def sources_of(meta: dict[str, Any]) -> dict[int, Source]:
    """The sources stored with a reply, by number."""
    records = meta.get(SOURCES_KEY)
    found: dict[int, Source] = {}
    if isinstance(records, list):
        for record in records:
            if isinstance(record, dict) and isinstance(record.get("n"), int):
                found[record["n"]] = Source(
                    record["n"], str(record.get("label") or ""), str(record.get("text") or "")
                )
    return found


@dataclass
class DocumentContent:
    """A message's documents as request content: text and ``file`` parts, and the sources
    the text numbered."""

    text: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    retrieved: list[str] = field(default_factory=list)  # documents sent by retrieval


def file_part(document: MessageDocument) -> dict[str, Any]:
    """A PDF as a ``file`` content part (a base64 data URL, as the API takes it)."""
    return {
        "type": "file",
        "file": {
            "filename": document.name,
            "file_data": data_url("application/pdf", document.data),
        },
    }


def _numbered_pages(document: MessageDocument, first_number: int) -> tuple[str, list[Source]]:
    sources, entries = [], []
    number = first_number
    for page in document.pages:
        if not page.text:
            continue
        label = document.name + (f", page {page.number}" if page.number is not None else "")
        sources.append(Source(number, label, page.text))
        entries.append(f"[{number}] {label}:\n{page.text}")
        number += 1
    body = "\n\n".join(entries)
    return f'<document name="{document.name}">\n{body}\n</document>', sources


def document_content(
    question: str,
    documents: Sequence[MessageDocument],
    *,
    first_number: int | None = None,
    budget_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> DocumentContent:
    """What a request carries for ``documents``. With ``first_number`` (the message being
    answered) their pages and passages are numbered sources from that number; otherwise
    they go as plain text with page marks. Documents that do not fit ``budget_tokens``
    together go by retrieval: only the passages that best match ``question``."""
    content = DocumentContent()
    texts: list[str] = []
    used = 0
    too_big = []
    for document in documents:
        if document.sends_file:
            content.files.append(file_part(document))
            continue
        if used + document.token_estimate > budget_tokens:
            too_big.append(document)
            continue
        used += document.token_estimate
        if first_number is None:
            texts.append(whole_text(document.extracted()))
        else:
            text, sources = _numbered_pages(document, first_number + len(content.sources))
            texts.append(text)
            content.sources.extend(sources)
    if too_big:
        number = first_number if first_number is not None else 1
        attached = attach(
            question,
            [d.extracted() for d in too_big],
            budget_tokens=0,
            first_number=number + len(content.sources),
        )
        texts.append(attached.text)
        content.retrieved = list(attached.retrieved)
        if first_number is not None:
            content.sources.extend(
                passage_sources(attached.passages, number + len(content.sources))
            )
    if texts and first_number is not None:
        texts.insert(0, CITE_DOCUMENTS)
    content.text = "\n\n".join(texts)
    return content


def user_content(
    message: Message,
    *,
    first_number: int | None = None,
    budget_tokens: int = DEFAULT_CONTEXT_TOKENS,
) -> tuple[str | list[dict[str, Any]], DocumentContent]:
    """The ``content`` of a person's message with its documents and images."""
    documents = documents_of(message)
    content = document_content(
        message.content, documents, first_number=first_number, budget_tokens=budget_tokens
    )
    text = "\n\n".join(t for t in (content.text, message.content) if t)
    images = images_of(message)
    if not images and not content.files:
        return text, content
    parts: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    parts.extend(content.files)
    parts.extend(
        {"type": "image_url", "image_url": {"url": data_url(a.mime, a.data)}} for a in images
    )
    return parts, content


CITATION = re.compile(r"\[(\d{1,3})\]")


def cited_numbers(text: str) -> list[int]:
    """The source numbers ``[n]`` that ``text`` cites, in the order they first appear."""
    return list(dict.fromkeys(int(found) for found in CITATION.findall(text)))


def cited_sources(text: str, meta: dict[str, Any]) -> list[Source]:
    """The stored sources that ``text`` cites; all of them when it cites none."""
    sources = sources_of(meta)
    cited = [sources[n] for n in cited_numbers(text) if n in sources]
    return cited or list(sources.values())


CITE_SCHEME = "cite"
_CODE = re.compile(  # fenced code (to its closing fence or the end) and code spans
    r"(^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[^\n]*$|\Z)|`+[^`\n]*`+)", re.M | re.S
)
_MARK = re.compile(r"(?<![\w\\\[])\[(\d{1,3})\](?![(:])")


def linked_citations(text: str, sources: dict[int, Source]) -> str:
    """Markdown ``text`` with each ``[n]`` that names a source made a ``cite:n`` link (code
    spans and fenced code are left alone)."""
    if not sources:
        return text

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        # the brackets as entities: "\[…\]" would read as a display formula
        return f"[&#91;{number}&#93;]({CITE_SCHEME}:{number})" if number in sources else match[0]

    pieces, last = [], 0
    for code in _CODE.finditer(text):
        pieces.append(_MARK.sub(link, text[last : code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_MARK.sub(link, text[last:]))
    return "".join(pieces)


def citation_number(href: str) -> int | None:
    """The source number of a ``cite:n`` link, else None."""
    prefix = f"{CITE_SCHEME}:"
    if href.startswith(prefix) and href[len(prefix) :].isdigit():
        return int(href[len(prefix) :])
    return None
