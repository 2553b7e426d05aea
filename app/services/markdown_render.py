"""Markdown → the HTML subset Qt's rich text understands, safe for text a model wrote.

- markdown-it-py (CommonMark + tables + strikethrough) with raw HTML off: a model's ``<script>``
  or ``<img>`` is shown as text.
- Links keep their target only for ``http``, ``https`` and ``mailto``; anything else
  (``javascript:``, ``file:``, ``data:``) becomes plain text. Images are never embedded: they
  become a link the person may click, so nothing remote is ever fetched.
- Fenced and indented code is highlighted by Pygments with inline colours of a light or dark
  style, under a bar with the language and a ``copy-code:N`` link (N counts the code blocks of
  its group).

Long text is split into top-level blocks (at blank lines outside code fences) that are rendered
and cached one by one; ``markdown_groups`` gathers them into the groups the transcript shows as
separate documents.

markdown-it and Pygments are loaded (``markdown_html``) when the first text is rendered, not
when this module is imported.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from app.services.markdown_code import (
    COPY_SCHEME,
    MATH_SCHEME,
    SAFE_LINK_SCHEMES,
    SVG_SCHEME,
    THEMES,
    CodeTheme,
    code_table,
    preview_key,
)
from app.services.math_render import MathImage, MathRenderer, MathRequest
from app.services.svg_preview import SvgPicture

__all__ = ["MarkdownRenderer", "copy_index", "is_safe_link", "preview_key", "split_blocks"]


@dataclass(frozen=True)
class RenderedBlock:
    """The HTML of one top-level block and the code blocks it holds (in order)."""

    source: str
    html: str
    code: tuple[str, ...] = ()
    math_waiting: tuple[MathRequest, ...] = ()  # formulas still being drawn (shown as source)

    @property
    def math_pending(self) -> bool:
        return bool(self.math_waiting)


@dataclass(frozen=True)
class RenderedGroup:
    """Consecutive blocks joined into one piece of HTML (one text document in the view) and
    the code blocks it holds, in order."""

    html: str
    code: tuple[str, ...]
    math_waiting: tuple[MathRequest, ...] = ()  # formulas still being drawn (shown as source)

    @property
    def math_pending(self) -> bool:
        return bool(self.math_waiting)


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def _fence_closes(line: str, marker: str) -> bool:
    match = _FENCE.match(line)
    if match is None:
        return False
    found = match.group(1)
    return found[0] == marker[0] and len(found) >= len(marker) and not match.group(2).strip()


def fence_opening(block: str) -> tuple[str, str] | None:
    """(marker, language) when ``block`` starts with the opening line of a fenced code block."""
    lines = block.splitlines()
    line = lines[0] if lines else ""
    match = _FENCE.match(line)
    if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return None
    info = match.group(2).strip()
    return match.group(1), info.split(maxsplit=1)[0] if info else ""


def closing_fence_end(text: str, marker: str, *, skip_first: bool = False) -> int | None:
    """Where the first line of ``text`` that closes a ``marker`` fence ends (past its line
    break); None if no line does. ``skip_first``: the first line is the opening one."""
    position = 0
    for number, line in enumerate(text.splitlines(keepends=True)):
        position += len(line)
        if (number or not skip_first) and _fence_closes(line, marker):
            return position
    return None


def split_blocks(text: str) -> list[str]:
    """Split Markdown at blank lines that lie outside code fences and are followed by an
    unindented line; joining the pieces gives ``text`` back."""
    blocks: list[str] = []
    lines = text.splitlines(keepends=True)
    start = 0
    fence: str | None = None
    previous_blank = False
    for index, line in enumerate(lines):
        if fence is not None:
            if _fence_closes(line, fence):
                fence = None
            previous_blank = False
            continue
        blank = not line.strip()
        if previous_blank and not blank and not line[0].isspace() and index > start:
            blocks.append("".join(lines[start:index]))
            start = index
        match = _FENCE.match(line)
        if match is not None and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
        previous_blank = blank
    if start < len(lines):
        blocks.append("".join(lines[start:]))
    return blocks


class MarkdownRenderer:
    """Renders Markdown blocks to safe Qt rich-text HTML, caching each block.

    Args:
        scheme: "light" or "dark" (code colours follow it).
        cache_size: how many rendered blocks are kept.
    """

    def __init__(self, scheme: str = "light", cache_size: int = 4096) -> None:
        self._math = MathRenderer()
        self._markdown: Any = None  # made at the first render: it loads markdown-it and Pygments
        self._cache: OrderedDict[tuple[str, str, int], RenderedBlock] = OrderedDict()
        self._cache_size = cache_size
        self.scheme = scheme

    @property
    def scheme(self) -> str:
        return self._scheme

    @scheme.setter
    def scheme(self, scheme: str) -> None:
        self._scheme = scheme if scheme in THEMES else "light"

    @property
    def theme(self) -> CodeTheme:
        return THEMES[self._scheme]

    @property
    def math(self) -> MathRenderer:
        """Draws the formulas; the window sets it to work in the background."""
        return self._math

    @property
    def _parser(self) -> Any:
        if self._markdown is None:
            from app.services.markdown_html import markdown_parser

            self._markdown = markdown_parser(self._math)
        return self._markdown

    def math_image(self, key: str) -> MathImage | None:
        """The formula a ``math:KEY`` image of the rendered HTML stands for."""
        return self.math.image(key)

    def picture(self, scheme: str, key: str) -> MathImage | SvgPicture | None:
        """What a ``math:KEY`` or ``svg:KEY`` image of the rendered HTML stands for."""
        if scheme == MATH_SCHEME:
            return self.math.image(key)
        if scheme == SVG_SCHEME:
            renderer = self._parser.renderer
            picture: SvgPicture | None = renderer.svg_pictures.get(key)
            return picture
        return None

    def toggle_svg_preview(self, key: str) -> None:
        """Show the SVG block with this code key as a picture, or as code again."""
        renderer = self._parser.renderer
        renderer.svg_previews ^= {key}
        self._cache.clear()

    def render_block(self, source: str, first_code_index: int = 0) -> RenderedBlock:
        key = (self._scheme, source, first_code_index)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        renderer = self._parser.renderer
        renderer.theme = self.theme
        renderer.code = []
        renderer.first_code_index = first_code_index
        renderer.math_waiting = []
        body = self._parser.render(source)
        block = RenderedBlock(
            source=source,
            html=body,
            code=tuple(renderer.code),
            math_waiting=tuple(renderer.math_waiting),
        )
        if block.math_pending:  # rendered again once its formulas are drawn
            return block
        self._cache[key] = block
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return block

    def render_blocks(self, text: str, first_code_index: int = 0) -> list[RenderedBlock]:
        blocks: list[RenderedBlock] = []
        code_count = first_code_index
        for source in split_blocks(text):
            block = self.render_block(source, code_count)
            code_count += len(block.code)
            blocks.append(block)
        return blocks

    def render_group(
        self, source: str, fence: tuple[str, str] | None = None, code_goes_on: bool = False
    ) -> RenderedGroup:
        """One group of blocks (see ``markdown_groups``) as one piece of HTML; its code blocks
        are numbered from 0 in its ``copy-code:N`` links. ``fence``: the group starts inside
        that cut code block (its lines are shown without a bar); ``code_goes_on``: the group
        ends inside a cut code block (which goes on in the next group, with no gap between)."""
        opened = fence_opening(source) if fence is None and code_goes_on else None
        if opened is not None:  # the first chunk of a cut code block: its lines and nothing else
            code = "".join(source.splitlines(keepends=True)[1:])
            table = code_table(code, opened[1], self.theme, copy_number=0, gap_below=False)
            return RenderedGroup(html=table, code=(code,))
        html_parts: list[str] = []
        if fence is not None:
            end = closing_fence_end(source, fence[0])
            code_part, source = (source, "") if end is None else (source[:end], source[end:])
            lines = code_part.splitlines(keepends=True)[: None if end is None else -1]
            if lines:
                html_parts.append(
                    code_table(
                        "".join(lines),
                        fence[1],
                        self.theme,
                        gap_above=False,
                        gap_below=not code_goes_on,
                    )
                )
        blocks = self.render_blocks(source)
        html_parts.extend(block.html for block in blocks)
        codes = tuple(code for block in blocks for code in block.code)
        waiting = tuple(request for block in blocks for request in block.math_waiting)
        return RenderedGroup(html="".join(html_parts), code=codes, math_waiting=waiting)

    def fenced_code(self, text: str, offset: int) -> str:
        """The code of the fenced block whose opening line starts at ``offset`` in ``text``."""
        blocks = split_blocks(text[offset:])
        code = self.render_block(blocks[0]).code if blocks else ()
        return code[0] if code else ""

    def render(self, text: str) -> str:
        """The whole text as one piece of HTML."""
        return "".join(block.html for block in self.render_blocks(text))

    def code_blocks(self, text: str) -> list[str]:
        return [code for block in self.render_blocks(text) for code in block.code]


def copy_index(href: str) -> int | None:
    """The code block number of a ``copy-code:N`` link, else None."""
    prefix = f"{COPY_SCHEME}:"
    if href.startswith(prefix) and href[len(prefix) :].isdigit():
        return int(href[len(prefix) :])
    return None


def is_safe_link(href: str) -> bool:
    return href.lower().startswith(SAFE_LINK_SCHEMES)
