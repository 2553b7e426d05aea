"""How one message row of the transcript is laid out: header, reasoning fold, thumbnails, the
Markdown body as a stack of text documents, error line, details and action links.

Layouts are built only for rows that are painted (or are about to be) and kept in a small LRU
cache; other rows get a cheap height estimate so a long conversation opens at once.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QRect, Qt, QUrl
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPixmap, QTextDocument, QTextOption

from app.services.markdown_render import GrowingText, MarkdownRenderer
from app.storage.chat_store import Message

MARGIN = 10
PAD = 10
GAP = 6
THUMB = 96
LAYOUT_CACHE = 300
ROLE_LABELS = {"user": "You", "assistant": "Assistant", "system": "System"}
STATUS_LABELS = {"streaming": "writing…", "stopped": "stopped", "error": "failed"}


class SafeTextDocument(QTextDocument):
    """A text document that never loads a resource (no images, no remote anything)."""

    def loadResource(self, kind: int, name: QUrl) -> Any:
        return None


@dataclass
class Piece:
    """A positioned part of a row, in row coordinates (0, 0 is the row's top-left)."""

    kind: str
    rect: QRect
    doc: QTextDocument | None = None
    text: str = ""
    code_offset: int = 0
    pixmap: QPixmap | None = None


@dataclass
class RowLayout:
    key: tuple[Any, ...]
    height: int
    pieces: list[Piece] = field(default_factory=list)
    code: list[str] = field(default_factory=list)


@dataclass
class RowFlags:
    reasoning_open: bool = False
    details_open: bool = False


def actions_for(message: Message, *, is_last_reply: bool, busy: bool) -> list[tuple[str, str]]:
    """(action name, label) of the links under a message."""
    actions = [("copy", "Copy")]
    if message.status == "error":
        actions.insert(0, ("retry", "Retry"))
    if message.role == "user" and not busy:
        actions.append(("edit", "Edit"))
    if message.role == "assistant" and is_last_reply and not busy and message.status != "error":
        actions.append(("regenerate", "Regenerate"))
    if message.role == "assistant":
        actions.append(("details", "Details"))
    if not busy or message.status != "streaming":
        actions.append(("delete", "Delete"))
    return actions


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:.6f}"


def details_text(message: Message) -> str:
    """The per-reply facts shown under "Details"."""
    created = message.meta.get("created")
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created)) if created else "—"
    tokens = (message.prompt_tokens, message.completion_tokens, message.total_tokens)
    token_text = " / ".join("—" if t is None else f"{t:,}" for t in tokens)
    cost = _money(message.cost_usd)
    if message.cost_credits is not None:
        cost += f" ({message.cost_credits:,.0f} credits)"
    lines = [
        f"Response id: {message.response_id or '—'}",
        f"Model: {message.model or '—'}    Created: {when}",
        f"Finish reason: {message.finish_reason or '—'}",
        f"Tokens (prompt / completion / total): {token_text}    Cost: {cost}",
    ]
    return "\n".join(lines)


class RowLayoutCache:
    """Builds and keeps row layouts; reuses a message's documents while it streams."""

    def __init__(self, renderer: MarkdownRenderer) -> None:
        self.renderer = renderer
        self._layouts: OrderedDict[int, RowLayout] = OrderedDict()
        self._docs: dict[tuple[int, str], list[tuple[str, QTextDocument, int]]] = {}
        self._texts: dict[tuple[int, str], GrowingText] = {}
        self._pixmaps: OrderedDict[tuple[int, int], QPixmap] = OrderedDict()
        self.heights: dict[int, int] = {}
        self.font = QFont()
        self.code_font = QFont("monospace")
        self.code_font.setStyleHint(QFont.StyleHint.Monospace)
        self.muted_colour = "#6e7781"
        self.text_colour = "#1f2328"

    def clear(self) -> None:
        self._layouts.clear()
        self._docs.clear()
        self._texts.clear()
        self.heights.clear()

    def groups(self, message_id: int, kind: str, text: str) -> list[Any]:
        """Rendered groups of a message's body or reasoning, reusing what did not change."""
        growing = self._texts.get((message_id, kind))
        if growing is None:
            growing = self._texts[(message_id, kind)] = GrowingText(self.renderer)
        return growing.groups(text)

    def cached(self, message_id: int, key: tuple[Any, ...]) -> RowLayout | None:
        layout = self._layouts.get(message_id)
        if layout is not None and layout.key == key:
            self._layouts.move_to_end(message_id)
            return layout
        return None

    def forget(self, message_id: int) -> None:
        self._layouts.pop(message_id, None)
        self.heights.pop(message_id, None)
        for kind in ("body", "reasoning"):
            self._docs.pop((message_id, kind), None)
            self._texts.pop((message_id, kind), None)

    # -- estimates ----------------------------------------------------------------------

    def estimate(self, message: Message, width: int, flags: RowFlags) -> int:
        metrics = QFontMetrics(self.font)
        line = metrics.lineSpacing()
        per_line = max(8, width // max(1, metrics.averageCharWidth()))
        lines = 0
        for text_line in message.content.splitlines() or [""]:
            lines += max(1, math.ceil(len(text_line) / per_line))
        height = 2 * PAD + 2 * line + GAP * 3 + int(lines * line * 1.15)
        if message.reasoning:
            height += line + GAP
        if message.attachments:
            height += THUMB + GAP
        return height

    # -- building -----------------------------------------------------------------------

    def build(
        self,
        message: Message,
        key: tuple[Any, ...],
        width: int,
        flags: RowFlags,
        actions: list[tuple[str, str]],
        shown_chars: int | None = None,
    ) -> RowLayout:
        """Lay out ``message``; with ``shown_chars``, only that much of its text (a reply that
        the view is still catching up with)."""
        builder = _RowBuilder(self, message, width, shown_chars)
        builder.header()
        if message.reasoning:
            builder.reasoning(flags.reasoning_open)
        if message.attachments:
            builder.thumbnails()
        builder.body()
        if message.status == "error":
            builder.error()
        if flags.details_open:
            builder.details()
        builder.actions(actions)
        layout = RowLayout(
            key=key, height=builder.y + PAD, pieces=builder.pieces, code=builder.code
        )
        self._layouts[message.id] = layout
        self._layouts.move_to_end(message.id)
        while len(self._layouts) > LAYOUT_CACHE:
            old_id, _ = self._layouts.popitem(last=False)
            for kind in ("body", "reasoning"):
                self._docs.pop((old_id, kind), None)
                self._texts.pop((old_id, kind), None)
        self.heights[message.id] = layout.height
        return layout

    def documents(
        self, message_id: int, kind: str, htmls: list[str], width: int, muted: bool = False
    ) -> list[tuple[QTextDocument, int]]:
        """Documents and their heights for ``htmls``, reusing those whose HTML is unchanged."""
        previous = self._docs.get((message_id, kind), [])
        docs: list[tuple[str, QTextDocument, int]] = []
        for index, html in enumerate(htmls):
            if index < len(previous) and previous[index][0] == html:
                _html, doc, height = previous[index]
                if doc.textWidth() != width:
                    doc.setTextWidth(width)
                    height = math.ceil(doc.size().height())
            else:
                doc = self._new_document(html, muted)
                doc.setTextWidth(width)
                height = math.ceil(doc.size().height())
            docs.append((html, doc, height))
        self._docs[(message_id, kind)] = docs
        return [(doc, height) for _html, doc, height in docs]

    def _new_document(self, html: str, muted: bool) -> QTextDocument:
        doc = SafeTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self.font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        colour = self.muted_colour if muted else self.text_colour
        doc.setDefaultStyleSheet(
            f"body, p, li, h1, h2, h3, h4, h5, h6, td, th, blockquote {{ color: {colour}; }} "
            "p { margin-top: 0px; margin-bottom: 8px; } "
            "pre { font-family: monospace; } code { font-family: monospace; }"
        )
        doc.setHtml(html)
        return doc

    def thumbnail(self, message_id: int, index: int, data: bytes) -> QPixmap:
        key = (message_id, index)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            image = QImage.fromData(data)
            if image.isNull():
                pixmap = QPixmap(THUMB, THUMB)
                pixmap.fill(Qt.GlobalColor.gray)
            else:
                pixmap = QPixmap.fromImage(
                    image.scaled(
                        THUMB,
                        THUMB,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
            self._pixmaps[key] = pixmap
            while len(self._pixmaps) > 200:
                self._pixmaps.popitem(last=False)
        return pixmap


class _RowBuilder:
    def __init__(
        self, cache: RowLayoutCache, message: Message, width: int, shown_chars: int | None
    ) -> None:
        self.cache = cache
        self.message = message
        self.shown_chars = shown_chars
        self.width = max(60, width)
        self.metrics = QFontMetrics(cache.font)
        self.y = PAD
        self.pieces: list[Piece] = []
        self.code: list[str] = []

    def _line(
        self, kind: str, text: str, x: int = PAD, metrics: QFontMetrics | None = None
    ) -> Piece:
        metrics = metrics or self.metrics
        rect = QRect(x, self.y, metrics.horizontalAdvance(text) + 4, metrics.height())
        piece = Piece(kind, rect, text=text)
        self.pieces.append(piece)
        return piece

    def header(self) -> None:
        message = self.message
        role = ROLE_LABELS.get(message.role, message.role.title())
        if message.role == "assistant" and message.model:
            role += f" · {message.model}"
        bold = QFont(self.cache.font)
        bold.setBold(True)
        self._line("header", role, metrics=QFontMetrics(bold))
        status = STATUS_LABELS.get(message.status, "")
        when = time.strftime("%H:%M", time.localtime(message.created)) if message.created else ""
        right = f"{status}  {when}".strip()
        if right:
            advance = self.metrics.horizontalAdvance(right)
            self._line("header_right", right, PAD + self.width - advance)
        self.y += self.metrics.height() + GAP

    def reasoning(self, is_open: bool) -> None:
        words = len((self.message.reasoning or "").split())
        arrow = "▾" if is_open else "▸"
        thinking = " (thinking…)" if self.message.status == "streaming" else ""
        self._line("toggle_reasoning", f"{arrow} Reasoning · {words:,} words{thinking}")
        self.y += self.metrics.height() + GAP
        if not is_open:
            return
        groups = self.cache.groups(self.message.id, "reasoning", self.message.reasoning or "")
        docs = self.cache.documents(
            self.message.id, "reasoning", [g.html for g in groups], self.width - 12, muted=True
        )
        for doc, height in docs:
            self.pieces.append(
                Piece("reasoning", QRect(PAD + 12, self.y, self.width - 12, height), doc)
            )
            self.y += height
        self.y += GAP

    def thumbnails(self) -> None:
        x = PAD
        for index, attachment in enumerate(self.message.attachments):
            pixmap = self.cache.thumbnail(self.message.id, index, attachment.data)
            rect = QRect(x, self.y, pixmap.width(), pixmap.height())
            self.pieces.append(Piece("thumbnail", rect, text=attachment.name, pixmap=pixmap))
            x += pixmap.width() + GAP
        self.y += THUMB + GAP

    def body(self) -> None:
        text = self.message.content
        if self.shown_chars is not None:
            text = text[: self.shown_chars]
        if not text and self.message.status == "streaming":
            text = "…"
        groups = self.cache.groups(self.message.id, "body", text)
        docs = self.cache.documents(self.message.id, "body", [g.html for g in groups], self.width)
        for group, (doc, height) in zip(groups, docs, strict=True):
            rect = QRect(PAD, self.y, self.width, height)
            self.pieces.append(Piece("body", rect, doc, code_offset=group.first_code_index))
            self.code.extend(group.code)
            self.y += height
        self.y += GAP

    def _wrapped(self, kind: str, text: str) -> None:
        flags = int(Qt.TextFlag.TextWordWrap)
        bounds = self.metrics.boundingRect(QRect(0, 0, self.width, 10_000), flags, text)
        self.pieces.append(Piece(kind, QRect(PAD, self.y, self.width, bounds.height()), text=text))
        self.y += bounds.height() + GAP

    def error(self) -> None:
        self._wrapped("error", str(self.message.meta.get("error") or "The reply failed."))

    def details(self) -> None:
        self._wrapped("details", details_text(self.message))

    def actions(self, actions: list[tuple[str, str]]) -> None:
        x = PAD
        for name, label in actions:
            piece = self._line(f"action:{name}", label, x)
            x += piece.rect.width() + 14
        self.y += self.metrics.height()
