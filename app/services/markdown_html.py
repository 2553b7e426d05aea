"""The markdown-it renderer behind ``markdown_render``.

Imported only when the first text is rendered: markdown-it (and Pygments, for its code) take
tens of milliseconds and megabytes to load, which the window should not spend before it is
shown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

from app.services.markdown_code import (
    MATH_SCHEME,
    MATH_SIZE,
    SAFE_LINK_SCHEMES,
    SVG_SCHEME,
    THEMES,
    code_table,
)
from app.services.math_render import InvalidMath, MathRenderer, MathRequest, math_request
from app.services.svg_preview import SvgPicture, UnsafeSvg, code_key, safe_svg

_CITATION_LINK = re.compile(r"cite:\d{1,3}")  # a reply's mark of a numbered source


class _SafeHtmlRenderer(RendererHTML):
    """markdown-it's HTML renderer with safe links, no images, and highlighted code."""

    def __init__(self, parser: Any = None, math: MathRenderer | None = None) -> None:
        super().__init__(parser)
        self.theme = THEMES["light"]
        self.code: list[str] = []
        self.first_code_index = 0
        self.math_size = MATH_SIZE
        self.math = math if math is not None else MathRenderer()
        self.math_waiting: list[MathRequest] = []  # formulas being drawn, shown as source
        self.svg_previews: set[str] = set()
        self.svg_pictures: dict[str, SvgPicture] = {}

    # -- math ---------------------------------------------------------------------------

    def math_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._math(tokens[idx], display=False)

    def math_inline_double(
        self, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._math(tokens[idx], display=True, in_line=True)

    def math_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f'<p align="center">{self._math(tokens[idx], display=True)}</p>\n'

    def _math(self, token: Token, *, display: bool, in_line: bool = False) -> str:
        """An image of the formula (``math:KEY``, sized in pixels); while it is being drawn,
        its source in the muted colour; with a small question mark when it does not parse."""
        closer = _CLOSERS.get(token.markup, token.markup)
        source = f'<span style="color:{self.theme.muted}">'
        source += html.escape(f"{token.markup}{token.content}{closer}") + "</span>"
        tex, colour, size = token.content, self.theme.text, self.math_size
        try:
            image = self.math.lookup(tex, display=display, colour=colour, size=size)
        except InvalidMath:
            return f'{source}<sup style="color:{self.theme.muted}">?</sup>'
        if image is None:
            self.math_waiting.append(math_request(tex, display=display, colour=colour, size=size))
            return source
        align = "middle" if in_line or not display else "baseline"
        return (
            f'<img src="{MATH_SCHEME}:{image.key}" width="{round(image.width)}" '
            f'height="{round(image.height)}" style="vertical-align:{align}" />'
        )

    # -- links and images ---------------------------------------------------------------

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        href = tokens[idx].attrGet("href")
        if isinstance(href, str) and _CITATION_LINK.fullmatch(href):
            return f'<a href="{href}" style="color:{self.theme.link}; text-decoration:none">'
        if not isinstance(href, str) or not href.lower().startswith(SAFE_LINK_SCHEMES):
            tokens[idx].meta["inert"] = True
            return ""
        escaped = html.escape(href, quote=True)
        return f'<a href="{escaped}" title="{escaped}" style="color:{self.theme.link}">'

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        depth = 0
        for back in range(idx - 1, -1, -1):
            token = tokens[back]
            if token.type == "link_close":
                depth += 1
            elif token.type == "link_open":
                if depth == 0:
                    return "" if token.meta.get("inert") else "</a>"
                depth -= 1
        return "</a>"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env) or "image"
        label = html.escape(f"[image: {alt}]")
        src = token.attrGet("src")
        if isinstance(src, str) and src.lower().startswith(("http://", "https://")):
            escaped = html.escape(src, quote=True)
            return (
                f'<a href="{escaped}" title="{escaped}" style="color:{self.theme.link}">{label}</a>'
            )
        return label

    # -- code ---------------------------------------------------------------------------

    def code_inline(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        content = html.escape(tokens[idx].content)
        return (
            f'<code style="background-color:{self.theme.inline_code_background}">{content}</code>'
        )

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        return self._code_block(token.content, language)

    def code_block(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return self._code_block(tokens[idx].content, "")

    def _code_block(self, code: str, language: str) -> str:
        number = self.first_code_index + len(self.code)
        self.code.append(code)
        if language.lower() != "svg":
            return code_table(code, language, self.theme, copy_number=number)
        key = code_key(code)
        if key not in self.svg_previews:
            return code_table(code, language, self.theme, copy_number=number, preview=(key, False))
        try:
            picture = safe_svg(code)
        except UnsafeSvg as exc:
            note = f'<p style="color:{self.theme.muted}">{html.escape(str(exc))}</p>'
            table = code_table(code, language, self.theme, copy_number=number, preview=(key, True))
            return note + table
        self.svg_pictures[picture.key] = picture
        image = (
            f'<img src="{SVG_SCHEME}:{picture.key}" width="{round(picture.width)}" '
            f'height="{round(picture.height)}" />'
        )
        return code_table(
            code, language, self.theme, copy_number=number, preview=(key, True), body=image
        )

    # -- tables -------------------------------------------------------------------------

    def table_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        # One solid line between cells (Qt draws a table's borders raised and doubled else).
        return (
            f'<table border="1" cellspacing="0" cellpadding="5" style="border-collapse:collapse; '
            f'border-style:solid; border-color:{self.theme.border}; margin-bottom:8px">\n'
        )


_CLOSERS = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def _bracket_display_in_a_line(state: StateInline, silent: bool) -> bool:
    """``\\[…\\]`` in the middle of a paragraph: a display formula in the line (the texmath
    plugin takes it only at the start of a line)."""
    start = state.pos
    if not state.src.startswith("\\[", start):
        return False
    end = state.src.find("\\]", start + 2)
    tex = state.src[start + 2 : end].strip() if end >= 0 else ""
    if not tex:
        return False
    if not silent:
        token = state.push("math_inline_double", "math", 0)
        token.content = tex
        token.markup = "\\["
    state.pos = end + 2
    return True


def markdown_parser(math: MathRenderer) -> MarkdownIt:
    """A CommonMark parser (tables, strikethrough, TeX math) whose renderer is the safe one,
    drawing formulas with ``math``."""
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    # "$5 and $10" is money, not math: no space inside the dollars, no digit right after.
    parser.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
    )
    parser.use(texmath_plugin, delimiters="brackets")
    parser.inline.ruler.before("escape", "math_bracket_display", _bracket_display_in_a_line)
    parser.renderer = _SafeHtmlRenderer(parser, math)
    return parser
