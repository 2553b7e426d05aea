"""Text out of the documents people attach: PDF (pypdf), Word (``docx_text``), plain text,
Markdown, CSV, HTML and code.

``extract(path)`` returns an :class:`ExtractedDocument` with the text of each page (PDFs keep
their page numbers; other kinds are one page with no number) and an estimate of its tokens.
Anything a person can get wrong is a :class:`DocumentError` whose message is one sentence:
a file too big (refused from its size, before it is read), a kind we do not take, contents
that do not match the extension, a damaged file, a PDF behind a password, a PDF with no
text layer, a Word file that unpacks to far more than it weighs.

pypdf is imported inside the function that uses it, so start-up does not pay for it.
Extraction is blocking work: run it through ``services.runner``; it reports progress per page
and stops between pages when ``cancelled`` is set.
"""

from __future__ import annotations

import io
import math
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import UserInputError

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_DOCX_RATIO = 200
CHARS_PER_TOKEN = 4

PDF_SUFFIXES = frozenset({".pdf"})
DOCX_SUFFIXES = frozenset({".docx"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})
PLAIN_SUFFIXES = frozenset({".txt", ".text", ".log", ".rst", ".tex", ".org"})
CODE_SUFFIXES = frozenset(
    {
        ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts",
        ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".cs", ".go", ".rs", ".rb", ".php",
        ".swift", ".m", ".mm", ".scala", ".lua", ".pl", ".pm", ".r", ".jl", ".dart", ".sh",
        ".bash", ".zsh", ".fish", ".ps1", ".bat", ".sql", ".css", ".scss", ".less", ".vue",
        ".svelte", ".json", ".jsonl", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf",
        ".xml", ".svg", ".gradle", ".cmake", ".mk", ".ex", ".exs", ".erl", ".hs", ".ml",
        ".clj", ".zig", ".nim", ".v", ".vhd", ".proto", ".graphql", ".dockerfile",
    }
)  # fmt: skip
TEXT_NAMES = frozenset({"makefile", "dockerfile", "readme", "license", "changelog"})
SUPPORTED_SUFFIXES = (
    PDF_SUFFIXES
    | DOCX_SUFFIXES
    | HTML_SUFFIXES
    | CSV_SUFFIXES
    | MARKDOWN_SUFFIXES
    | PLAIN_SUFFIXES
    | CODE_SUFFIXES
)

Progress = Callable[[int, int], None]


class DocumentError(UserInputError):
    """A document that cannot be used; the message is the sentence a person sees."""


class ExtractionCancelled(Exception):
    """Extraction stopped because the person cancelled it."""


@dataclass(frozen=True)
class Page:
    """The text of one page; ``number`` counts from 1 for PDFs and is None for other kinds."""

    number: int | None
    text: str


@dataclass(frozen=True)
class ExtractedDocument:
    """A document's text, page by page, with what a chip shows about it."""

    name: str
    kind: str
    size: int
    pages: tuple[Page, ...]
    data: bytes = field(default=b"", repr=False, compare=False)  # the file as it was read

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages if page.text)

    @property
    def page_count(self) -> int | None:
        """Pages of a paged document (PDF); None for kinds that have no pages."""
        return len(self.pages) if self.kind == "pdf" else None

    @property
    def token_estimate(self) -> int:
        return estimate_tokens(self.text)


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters a token) for deciding what fits."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def kind_of(path: Path) -> str | None:
    """Kind: "pdf", "docx", "html", "csv", "markdown", "code" or "text"; None if unsupported."""
    suffix = path.suffix.lower()
    for kind, suffixes in (
        ("pdf", PDF_SUFFIXES),
        ("docx", DOCX_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("csv", CSV_SUFFIXES),
        ("markdown", MARKDOWN_SUFFIXES),
        ("text", PLAIN_SUFFIXES),
        ("code", CODE_SUFFIXES),
    ):
        if suffix in suffixes:
            return kind
    if not suffix and path.name.lower() in TEXT_NAMES:
        return "text"
    return None


def is_supported(path: Path) -> bool:
    return kind_of(path) is not None


def format_size(size: int) -> str:
    """1536 → "1.5 KB"; decimal units as file managers show them."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"  # pragma: no cover - the loop always returns


def extract(
    path: str | Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
    cancelled: threading.Event | None = None,
) -> ExtractedDocument:
    """Read the text of the document at ``path``.

    Raises:
        DocumentError: the file cannot be used (the message says why, in one sentence).
        ExtractionCancelled: ``cancelled`` was set before the last page was read.
    """
    path = Path(path)
    name = path.name
    kind = kind_of(path)
    if kind is None:
        shown = path.suffix or "with no extension"
        raise DocumentError(
            f"The file {name} can't be attached: files {'of type ' if path.suffix else ''}{shown} "
            "are not supported (PDF, Word, text, Markdown, CSV, HTML and code files are)."
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError(f"The file {name} no longer exists.") from None
    except OSError as exc:
        raise DocumentError(f"The file {name} can't be read: {exc.strerror or exc}.") from None
    if path.is_dir():
        raise DocumentError(f"The file {name} is a folder; attach the files inside it instead.")
    if size > max_bytes:
        raise DocumentError(
            f"The file {name} is {format_size(size)}; "
            f"files up to {format_size(max_bytes)} can be attached."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"The file {name} can't be read: {exc.strerror or exc}.") from None
    reader = _READERS[kind]
    pages = reader(name, data, progress or _no_progress, cancelled or threading.Event())
    return ExtractedDocument(name=name, kind=kind, size=size, pages=tuple(pages), data=data)


def _no_progress(done: int, total: int) -> None:
    del done, total


# -- PDF ---------------------------------------------------------------------------------------


def _read_pdf(name: str, data: bytes, progress: Progress, cancelled: threading.Event) -> list[Page]:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError(f"The file {name} is not a PDF: its contents are of another kind.")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("password required")
        total = len(reader.pages)
        pages: list[Page] = []
        for index, page in enumerate(reader.pages, start=1):
            if cancelled.is_set():
                raise ExtractionCancelled(name)
            pages.append(Page(index, _tidy(page.extract_text() or "")))
            progress(index, total)
    except FileNotDecryptedError:
        raise DocumentError(
            f"The file {name} is protected by a password; save a copy without it and attach that."
        ) from None
    except (NotImplementedError, DependencyError):
        raise DocumentError(
            f"The file {name} is encrypted in a way this app can't open; save a copy without the "
            "password and attach that."
        ) from None
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        raise DocumentError(f"The file {name} could not be read: the PDF is damaged.") from None
    if not any(page.text for page in pages):
        raise DocumentError(f"No text found in {name}: it may be a scan.")
    return pages


# -- Word --------------------------------------------------------------------------------------


def _check_zip(name: str, data: bytes) -> None:
    """Refuse a Word file whose parts unpack to far more than the file (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise DocumentError(
            f"The file {name} could not be read: the Word file is damaged."
        ) from None
    if unpacked > MAX_DOCX_UNPACKED_BYTES or unpacked > MAX_DOCX_RATIO * max(len(data), 1):
        raise DocumentError(
            f"The file {name} was refused: it unpacks to {format_size(unpacked)}, far more than a "
            "Word document holds."
        )
    if "word/document.xml" not in names:
        raise DocumentError(
            f"The file {name} is not a Word document: it has no document text inside."
        )


def _read_docx(
    name: str, data: bytes, progress: Progress, cancelled: threading.Event
) -> list[Page]:
    if not data.startswith(b"PK"):
        raise DocumentError(
            f"The file {name} is not a Word document: its contents are of another kind."
        )
    _check_zip(name, data)
    from app.services.docx_text import DocxError, document_lines

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
        lines = document_lines(xml)
    except (DocxError, zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error):
        raise DocumentError(
            f"The file {name} could not be read: the Word file is damaged."
        ) from None
    if cancelled.is_set():
        raise ExtractionCancelled(name)
    progress(1, 1)
    return [Page(None, _tidy("\n".join(lines)))]


# -- text kinds --------------------------------------------------------------------------------


def _decode(name: str, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentError(f"The file {name} is not a text file: its contents are binary.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_text(
    name: str, data: bytes, progress: Progress, cancelled: threading.Event
) -> list[Page]:
    del cancelled
    text = _decode(name, data)
    progress(1, 1)
    return [Page(None, text.replace("\r\n", "\n").strip())]


def _read_csv(name: str, data: bytes, progress: Progress, cancelled: threading.Event) -> list[Page]:
    del cancelled
    import csv  # loaded for a first table, not with the window

    text = _decode(name, data)
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096])
    except csv.Error:
        dialect = csv.excel_tab if delimiter == "\t" else csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    progress(1, 1)
    return [Page(None, "\n".join(" | ".join(cell.strip() for cell in row) for row in rows))]


def _read_html(
    name: str, data: bytes, progress: Progress, cancelled: threading.Event
) -> list[Page]:
    del cancelled
    from app.services.html_text import page_text  # html.parser: loaded for a first page

    page = page_text(_decode(name, data))
    progress(1, 1)
    lines = _tidy(f"{page.title}\n{page.body}").splitlines()
    return [Page(None, "\n".join(line for line in lines if line))]


def _tidy(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row."""
    lines = [" ".join(line.split()) if line.strip() else "" for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip()


_READERS: dict[str, Callable[[str, bytes, Progress, threading.Event], list[Page]]] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "html": _read_html,
    "csv": _read_csv,
    "markdown": _read_text,
    "text": _read_text,
    "code": _read_text,
}
