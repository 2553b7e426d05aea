"""How one message row of the transcript is laid out: header, reasoning fold, thumbnails, the
Markdown body as a stack of text documents, folded tool calls, error line, details and action
links.

Layouts are built only for rows that are painted (or are about to be) and kept in a small LRU
cache; other rows get a cheap height estimate so a long conversation opens at once.

A long text is a stack of groups (``markdown_groups``), each rendered and laid out on its own. Only
the groups on screen are laid out while the row is built; the others keep an estimated height
("pending" pieces) and are laid out later, a few at a time, by ``complete_step`` — so a reply
streaming in at full speed costs a frame only the text that is visible.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QRect, Qt, QUrl
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPixmap,
    QTextDocument,
    QTextOption,
)

from app.services.chat_history import (
    Message,
    tool_call_sections,
    tool_call_summary,
    tool_calls_of,
)
from app.services.markdown_groups import GrowingText, SourceGroup
from app.services.markdown_render import MarkdownRenderer
from app.services.math_render import MathRequest
from app.services.message_documents import (
    SOURCES_KEY,
    document_records,
    documents_of,
    images_of,
    linked_citations,
    sources_of,
    summary,
)
from app.ui.chat.math_images import math_picture
from app.ui.style.tokens import ICON, SPACE

MARGIN = 10
PAD = 10
# The square each message action (copy, edit, regenerate…) is drawn and clicked in.
ACTION_SIZE = ICON["s"] + 2 * SPACE["s"] + 2
# The icon of each action, from the design system's set.
ACTION_ICONS = {
    "copy": "copy",
    "retry": "regenerate",
    "edit": "edit",
    "regenerate": "regenerate",
    "details": "info",
    "read_aloud": "read-aloud",
    "delete": "delete",
}
GAP = 6
THUMB = 96
LAYOUT_CACHE = 300
EAGER_CHARS = 8000  # a row with at most this much text is laid out whole
END_BUDGET_S = 0.010  # layout time for the end of a row the view follows, per build
SHOWN_RECENTLY_S = 0.5  # text painted this recently is on screen (for its formulas)
ROLE_LABELS = {"user": "You", "assistant": "Assistant", "system": "System"}
STATUS_LABELS = {"streaming": "writing…", "stopped": "stopped", "error": "failed"}


class SafeTextDocument(QTextDocument):
    """A text document that loads no resource but the formulas its renderer drew (no images,
    no remote anything). ``math_waiting``: its formulas still being drawn (shown as source);
    ``painted_at``: when the transcript last painted it (set while formulas wait)."""

    def __init__(self, renderer: MarkdownRenderer | None = None) -> None:
        super().__init__()
        self._renderer = renderer
        self.math_waiting: tuple[MathRequest, ...] = ()
        self.painted_at = -math.inf  # time.perf_counter() of its last paint

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        url = name if isinstance(name, QUrl) else QUrl(name)
        if self._renderer is None:
            return None
        drawn = self._renderer.picture(url.scheme(), url.path())
        return None if drawn is None else math_picture(drawn)


@dataclass
class Piece:
    """A positioned part of a row, in row coordinates (0, 0 is the row's top-left).

    A "body" or "reasoning" piece holds the document of one text group and the code blocks
    its ``copy-code:N`` links point at (``cut_code_at``: where in the message's text the last
    of them starts, when it goes on in later groups); a "pending" piece stands for a group not
    laid out yet (``group`` says which: section kind and index).
    """

    kind: str
    rect: QRect
    doc: QTextDocument | None = None
    text: str = ""
    code: tuple[str, ...] = ()
    pixmap: QPixmap | None = None
    group: tuple[str, int] | None = None
    cut_code_at: int | None = None


@dataclass
class RowLayout:
    key: tuple[Any, ...]
    height: int
    pieces: list[Piece] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every text group of the row is laid out."""
        return not any(piece.kind == "pending" for piece in self.pieces)


@dataclass
class TextGroup:
    """One group of a message's body or reasoning, starting ``start`` characters into it;
    ``doc`` once rendered, laid out at ``width`` (a document laid out at another width is
    stale)."""

    part: SourceGroup
    start: int
    doc: QTextDocument | None = None
    code: tuple[str, ...] = ()
    height: int = 0
    width: int = -1
    estimate: tuple[int, int] = (-1, 0)  # (width, height) of the estimate while pending
    math_waiting: tuple[MathRequest, ...] = ()  # its formulas still being drawn

    @property
    def math_pending(self) -> bool:
        return bool(self.math_waiting)

    def ready(self, width: int) -> bool:
        return self.doc is not None and self.width == width

    @property
    def source(self) -> str:
        return self.part.source

    @property
    def cut_code_at(self) -> int | None:
        at = self.part.cut_fence_at
        return None if at is None else self.start + at


@dataclass
class _Section:
    kind: str
    groups: list[TextGroup]
    x: int
    width: int


@dataclass
class RowFlags:
    reasoning_open: bool = False
    details_open: bool = False
    tools_open: frozenset[int] = frozenset()  # positions of the unfolded tool calls


def actions_for(message: Message, *, is_last_reply: bool, busy: bool) -> list[tuple[str, str]]:
    """(action name, label) of the links under a message."""
    actions = [("copy", "Copy")]
    if message.status == "error":
        actions.insert(0, ("retry", "Retry"))
    if message.role == "user" and not busy:
        actions.append(("edit", "Edit"))
    if message.role == "assistant" and is_last_reply and not busy and message.status != "error":
        actions.append(("regenerate", "Regenerate"))
    if message.content and message.status != "streaming":
        actions.append(("read_aloud", "Read aloud"))
    if message.role == "assistant":
        actions.append(("details", "Details"))
    if not busy or message.status != "streaming":
        actions.append(("delete", "Delete"))
    return actions


def actions_in_header(message: Message) -> bool:
    """A question keeps its actions in its header line; a reply, which can be long, under its
    end, where the reader finishes."""
    return message.role == "user"


TOOL_RESULT_SHOWN = 4_000


def _shown(text: str) -> str:
    """At most ``TOOL_RESULT_SHOWN`` characters of a tool result (the export has it all)."""
    if len(text) <= TOOL_RESULT_SHOWN:
        return text
    return f"{text[:TOOL_RESULT_SHOWN]}\n… ({len(text) - TOOL_RESULT_SHOWN:,} more characters)"


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
    """Builds and keeps row layouts; reuses a message's text groups while it streams.

    ``incomplete`` maps (message id, "body"/"reasoning") to the width its pending groups wait
    to be laid out at, most recently built last.
    """

    def __init__(self, renderer: MarkdownRenderer) -> None:
        self.renderer = renderer
        self._layouts: OrderedDict[int, RowLayout] = OrderedDict()
        self._groups: dict[tuple[int, str], list[TextGroup]] = {}
        self._texts: dict[tuple[int, str], GrowingText] = {}
        self._pixmaps: OrderedDict[tuple[int, int], QPixmap] = OrderedDict()
        self.heights: dict[int, int] = {}
        self.incomplete: OrderedDict[tuple[int, str], int] = OrderedDict()
        self.last_realize = 0.0
        self.font = QFont()
        self.code_font = QFont("monospace")
        self.code_font.setStyleHint(QFont.StyleHint.Monospace)
        self.muted_colour = "#6e7781"
        self.text_colour = "#1f2328"

    def clear(self) -> None:
        self._layouts.clear()
        self._groups.clear()
        self._texts.clear()
        self.heights.clear()
        self.incomplete.clear()

    def text_groups(self, message_id: int, kind: str, text: str) -> list[TextGroup]:
        """The groups of a message's body or reasoning, keeping those whose text is unchanged."""
        key = (message_id, kind)
        growing = self._texts.get(key)
        if growing is None:
            growing = self._texts[key] = GrowingText()
        previous = self._groups.get(key, [])
        groups = []
        start = 0
        for index, part in enumerate(growing.groups(text)):
            kept = index < len(previous) and previous[index].part == part
            groups.append(previous[index] if kept else TextGroup(part, start))
            start += len(part.source)
        self._groups[key] = groups
        return groups

    def realize(self, group: TextGroup, width: int, muted: bool) -> None:
        """Render (once) and lay out ``group`` at ``width``; ``last_realize`` is the time it
        took."""
        started = time.perf_counter()
        self._realize(group, width, muted)
        self.last_realize = time.perf_counter() - started

    def _realize(self, group: TextGroup, width: int, muted: bool) -> None:
        if group.doc is None:
            part = group.part
            rendered = self.renderer.render_group(
                part.source, part.fence, code_goes_on=part.open_fence is not None
            )
            group.doc = self._new_document(rendered.html, muted)
            group.doc.math_waiting = group.math_waiting = rendered.math_waiting
            group.code = rendered.code
        group.doc.setTextWidth(width)
        group.height = math.ceil(group.doc.size().height())
        group.width = width

    def render_again(self, message_id: int) -> None:
        """Render the message's text again (an SVG block was switched to or from preview)."""
        for (owner, _kind), groups in self._groups.items():
            if owner == message_id:
                for group in groups:
                    group.doc = None
                    group.width = -1
        self._layouts.pop(message_id, None)

    def math_drawn(self, deadline: float | None = None) -> list[int]:
        """Formulas were drawn: the text groups that showed the source of them are rendered
        again. A group painted in the last ``SHOWN_RECENTLY_S`` (on screen) is rendered as soon
        as any of its formulas is drawn; one out of sight only once all of them are, so a
        paragraph of twenty formulas is not laid out again for every few that arrive. Until
        ``deadline`` (``time.perf_counter()``; none while a reply streams) they are laid out
        again at once, at their width, the last ones first; the others are left pending (laid
        out when painted or at idle time). Returns the ids of the messages whose rows change."""
        shown_since = time.perf_counter() - SHOWN_RECENTLY_S
        changed: list[int] = []
        for (message_id, kind), groups in reversed(self._groups.items()):
            for group in reversed(groups):
                if group.doc is None or not self._formulas_to_show(group, shown_since):
                    continue
                width = group.width
                group.estimate = (width, group.height)  # until laid out again
                group.doc = None
                group.width = -1
                if deadline is not None and width >= 0 and time.perf_counter() < deadline:
                    self.realize(group, width, muted=kind == "reasoning")
                if message_id not in changed:
                    changed.append(message_id)
        for message_id in changed:
            self._layouts.pop(message_id, None)
        return changed

    def _formulas_to_show(self, group: TextGroup, shown_since: float) -> bool:
        """True if ``group`` shows the source of formulas drawn since it was rendered, and is
        on screen or has none left to wait for."""
        math = self.renderer.math
        on_screen = getattr(group.doc, "painted_at", -1.0) >= shown_since
        if on_screen:
            return math.any_settled(group.math_waiting)
        return bool(group.math_waiting) and math.all_settled(group.math_waiting)

    def group_height(self, group: TextGroup, width: int) -> int:
        """The laid-out height of ``group``, or an estimate while it is pending."""
        if group.doc is not None:
            return group.height
        estimated_at, height = group.estimate
        if estimated_at != width:  # a long row has many pending groups and is built often
            height = self._text_height(group.source, width)
            group.estimate = (width, height)
        return height

    def cached(self, message_id: int, key: tuple[Any, ...]) -> RowLayout | None:
        layout = self._layouts.get(message_id)
        if layout is not None and layout.key == key:
            self._layouts.move_to_end(message_id)
            return layout
        return None

    def drop_layout(self, message_id: int) -> None:
        """Build the row's layout again next time (its text groups are kept)."""
        self._layouts.pop(message_id, None)

    def forget(self, message_id: int) -> None:
        self._layouts.pop(message_id, None)
        self.heights.pop(message_id, None)
        self._forget_text(message_id)

    def _forget_text(self, message_id: int) -> None:
        for kind in ("body", "reasoning"):
            self._groups.pop((message_id, kind), None)
            self._texts.pop((message_id, kind), None)
            self.incomplete.pop((message_id, kind), None)

    # -- laying out what is off screen, a little at a time --------------------------------

    def complete_step(self, deadline: float) -> set[int]:
        """Lay out pending groups, the most recently built rows first, until ``deadline``
        (``time.perf_counter()``); the ids of the messages that changed. At least one group is
        laid out; another only when the last one's time still fits before the deadline."""
        changed: set[int] = set()
        last = 0.0
        for key in reversed(list(self.incomplete)):
            width = self.incomplete[key]
            for group in self._pending(key, width):
                started = time.perf_counter()
                if changed and started + last > deadline:
                    return changed
                self.realize(group, width, muted=key[1] == "reasoning")
                changed.add(key[0])
                last = time.perf_counter() - started
            self.incomplete.pop(key, None)
        return changed

    def realize_pending(self, message_id: int, kind: str, index: int) -> None:
        """Lay out one pending group (one that came on screen), if it is still there."""
        width = self.incomplete.get((message_id, kind))
        groups = self._groups.get((message_id, kind), [])
        if width is not None and 0 <= index < len(groups) and not groups[index].ready(width):
            self.realize(groups[index], width, muted=kind == "reasoning")

    def _pending(self, key: tuple[int, str], width: int) -> Iterator[TextGroup]:
        for group in self._groups.get(key, []):
            if not group.ready(width):
                yield group

    # -- estimates ----------------------------------------------------------------------

    def _text_height(self, text: str, width: int) -> int:
        metrics = QFontMetrics(self.font)
        per_line = max(8, width // max(1, metrics.averageCharWidth()))
        lines = 0
        for text_line in text.splitlines() or [""]:
            lines += max(1, math.ceil(len(text_line) / per_line))
        return int(lines * metrics.lineSpacing() * 1.15)

    def estimate(self, message: Message, width: int, flags: RowFlags) -> int:
        line = QFontMetrics(self.font).lineSpacing()
        height = 2 * PAD + 2 * line + GAP * 3 + self._text_height(message.content, width)
        if actions_in_header(message):
            height -= line + GAP
        if message.reasoning:
            height += line + GAP
        if images_of(message):
            height += THUMB + GAP
        height += len(document_records(message.meta)) * (line + GAP)
        height += len(tool_calls_of(message.meta)) * (line + GAP)
        return height

    # -- building -----------------------------------------------------------------------

    def build(
        self,
        message: Message,
        key: tuple[Any, ...],
        width: int,
        flags: RowFlags,
        actions: list[tuple[str, str]],
        shown_end: int = 0,
        hurry: bool = False,
    ) -> RowLayout:
        """Lay out ``message``. A row with little text is laid out whole; of a long one only
        the last ``shown_end`` pixels (a row the view keeps scrolled to its end), the rest
        when it comes on screen or at idle time; the end of the row gets ``END_BUDGET_S`` of
        layout time, the rest waits. ``hurry``: a reply is streaming."""
        builder = _RowBuilder(self, message, width)
        in_header = actions_in_header(message)
        builder.header(actions if in_header else [])
        sections = builder.sections(flags.reasoning_open)
        builder.realize_needed(sections, shown_end, hurry)
        if message.reasoning:
            builder.reasoning(flags.reasoning_open, sections)
        if images_of(message):
            builder.thumbnails()
        if message.role == "user" and document_records(message.meta):
            builder.documents()
        calls = tool_calls_of(message.meta)
        if message.content or not calls:
            builder.text(sections[-1])
        if calls:
            builder.tool_calls(calls, flags.tools_open)
        if message.status == "error":
            builder.error()
        if flags.details_open:
            builder.details()
        if not in_header:
            builder.actions(actions)
        layout = RowLayout(key=key, height=builder.y + PAD, pieces=builder.pieces)
        self._layouts[message.id] = layout
        self._layouts.move_to_end(message.id)
        while len(self._layouts) > LAYOUT_CACHE:
            old_id, _ = self._layouts.popitem(last=False)
            self._forget_text(old_id)
        self.heights[message.id] = layout.height
        for section in sections:
            section_key = (message.id, section.kind)
            self.incomplete.pop(section_key, None)
            if any(not group.ready(section.width) for group in section.groups):
                self.incomplete[section_key] = section.width
        return layout

    def warm_up(self, html: str) -> None:
        """Lay out and paint ``html`` once, off screen: the first text layout and painting of a
        process load fonts, shaping data and glyphs, better at start than in a reply's first
        frame."""
        doc = self._new_document(html, muted=False)
        doc.setTextWidth(600)
        image = QImage(600, math.ceil(doc.size().height()) + 1, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        doc.drawContents(painter)
        painter.end()

    def _new_document(self, html: str, muted: bool) -> SafeTextDocument:
        doc = SafeTextDocument(self.renderer)
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
    def __init__(self, cache: RowLayoutCache, message: Message, width: int) -> None:
        self.cache = cache
        self.message = message
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

    def header(self, actions: list[tuple[str, str]] | None = None) -> None:
        """The role (and model) on the left; status and time on the right, and before them
        ``actions`` when the row keeps its actions in the header (a question is short: its
        icons would otherwise leave a strip of empty bubble under it)."""
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
        end = PAD + self.width
        if right:
            advance = self.metrics.horizontalAdvance(right)
            self._line("header_right", right, end - advance)
            end -= advance + SPACE["m"]
        if actions:
            top = self.y + (self.metrics.height() - ACTION_SIZE) // 2
            x = end - len(actions) * (ACTION_SIZE + SPACE["xs"]) + SPACE["xs"]
            self._action_pieces(actions, x, top)
        self.y += self.metrics.height() + GAP

    def sections(self, reasoning_open: bool) -> list[_Section]:
        """The row's text sections: the reasoning when it is unfolded, then the body."""
        message, cache = self.message, self.cache
        sections = []
        if message.reasoning and reasoning_open:
            groups = cache.text_groups(message.id, "reasoning", message.reasoning)
            sections.append(_Section("reasoning", groups, PAD + 12, self.width - 12))
        text = message.content
        if not text and message.status == "streaming":
            text = "…"
        if message.role == "assistant" and SOURCES_KEY in message.meta:
            text = linked_citations(text, sources_of(message.meta))
        sections.append(
            _Section("body", cache.text_groups(message.id, "body", text), PAD, self.width)
        )
        return sections

    def realize_needed(self, sections: list[_Section], shown_end: int, hurry: bool) -> None:
        """Lay out every group of a row with little text (unless in a ``hurry``: a reply is
        streaming), else the groups that fill its last ``shown_end`` pixels, from its end up,
        for at most ``END_BUDGET_S`` (a group more only if the last one's time still fits):
        what is left on screen is laid out as it is painted, in later turns of the event loop.

        A long row's text off screen is left to the idle steps even when little of it is left
        to lay out: a few thousand characters of highlighted code take tens of milliseconds."""
        groups = [(section, group) for section in sections for group in section.groups]
        little = sum(len(group.source) for _section, group in groups) <= EAGER_CHARS
        pending = [(section, group) for section, group in groups if not group.ready(section.width)]
        if not shown_end or (little and not hurry):
            for section, group in pending if little else ():
                self.cache.realize(group, section.width, section.kind == "reasoning")
            return
        covered = 0
        deadline = time.perf_counter() + END_BUDGET_S
        last = 0.0  # the time the last group took: another starts only if that still fits
        for section in reversed(sections):
            for group in reversed(section.groups):
                if covered >= shown_end and not little:
                    return
                if not group.ready(section.width):
                    started = time.perf_counter()
                    if started + last > deadline:
                        return
                    self.cache.realize(group, section.width, section.kind == "reasoning")
                    last = time.perf_counter() - started
                covered += group.height

    def reasoning(self, is_open: bool, sections: list[_Section]) -> None:
        words = len((self.message.reasoning or "").split())
        arrow = "▾" if is_open else "▸"
        thinking = " (thinking…)" if self.message.status == "streaming" else ""
        self._line("toggle_reasoning", f"{arrow} Reasoning · {words:,} words{thinking}")
        self.y += self.metrics.height() + GAP
        if is_open:
            self.text(sections[0])

    def text(self, section: _Section) -> None:
        """Place the groups of ``section``, pending ones at their estimated height."""
        for index, group in enumerate(section.groups):
            height = self.cache.group_height(group, section.width)
            rect = QRect(section.x, self.y, section.width, height)
            if group.ready(section.width):
                self.pieces.append(
                    Piece(
                        section.kind,
                        rect,
                        group.doc,
                        code=group.code,
                        cut_code_at=group.cut_code_at,
                    )
                )
            else:
                self.pieces.append(Piece("pending", rect, group=(section.kind, index)))
            self.y += height
        self.y += GAP

    def thumbnails(self) -> None:
        x = PAD
        for index, attachment in enumerate(images_of(self.message)):
            pixmap = self.cache.thumbnail(self.message.id, index, attachment.data)
            rect = QRect(x, self.y, pixmap.width(), pixmap.height())
            self.pieces.append(Piece("thumbnail", rect, text=attachment.name, pixmap=pixmap))
            x += pixmap.width() + GAP
        self.y += THUMB + GAP

    def documents(self) -> None:
        """One line a document sent with the message: name, pages, size, how it went."""
        for document in documents_of(self.message):
            self._wrapped("document", "▤ " + summary(document))

    def _wrapped(self, kind: str, text: str) -> None:
        flags = int(Qt.TextFlag.TextWordWrap)
        bounds = self.metrics.boundingRect(QRect(0, 0, self.width, 10_000), flags, text)
        self.pieces.append(Piece(kind, QRect(PAD, self.y, self.width, bounds.height()), text=text))
        self.y += bounds.height() + GAP

    def tool_calls(self, calls: list[dict[str, Any]], unfolded: frozenset[int]) -> None:
        """Each call as a folded line ("▸ Tool · name · allowed once · 0.12 s"); an unfolded
        one shows its arguments and result below."""
        for position, call in enumerate(calls):
            is_open = position in unfolded
            arrow = "▾" if is_open else "▸"
            self._line(f"action:tool_{position}", f"{arrow} Tool · {tool_call_summary(call)}")
            self.y += self.metrics.height() + GAP
            if is_open:
                arguments, result = tool_call_sections(call)
                self._wrapped("tool", f"Arguments:\n{arguments}\n\nResult:\n{_shown(result)}")

    def error(self) -> None:
        self._wrapped("error", str(self.message.meta.get("error") or "The reply failed."))

    def details(self) -> None:
        self._wrapped("details", details_text(self.message))

    def actions(self, actions: list[tuple[str, str]]) -> None:
        """A row of icon buttons under the message."""
        self._action_pieces(actions, PAD - SPACE["s"], self.y)
        self.y += ACTION_SIZE

    def _action_pieces(self, actions: list[tuple[str, str]], x: int, top: int) -> None:
        """Icon buttons from ``x`` rightwards; each piece keeps its label for the tooltip."""
        for name, label in actions:
            rect = QRect(x, top, ACTION_SIZE, ACTION_SIZE)
            self.pieces.append(Piece(f"action:{name}", rect, text=label))
            x += ACTION_SIZE + SPACE["xs"]
