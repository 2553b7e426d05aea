"""Pygments highlighting of a code block as HTML spans with inline colours.

Imported only when the first code block is drawn (``markdown_code.highlight_code``): Pygments
takes tens of milliseconds and megabytes to load.
"""

from __future__ import annotations

import functools
import html
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Text
from pygments.util import ClassNotFound

MAX_HIGHLIGHT_CHARS = 60_000

_FORMATTERS: dict[str, HtmlFormatter[str]] = {}


def _formatter(style: str) -> HtmlFormatter[str]:
    formatter = _FORMATTERS.get(style)
    if formatter is None:
        formatter = HtmlFormatter(style=style, noclasses=True, nowrap=True)
        _FORMATTERS[style] = formatter
    return formatter


@functools.lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    """The Pygments lexer of ``language`` (made once: a lexer keeps no state between texts)."""
    if not language:
        return None
    try:
        return get_lexer_by_name(language.lower(), stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


def highlight_spans(code: str, language: str, pygments_style: str) -> str:
    """HTML spans with inline colours of ``pygments_style``; plain escaped text for an unknown
    language or huge code."""
    lexer = _lexer(language)
    foreground = _foreground(pygments_style)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return f'<span style="color:{foreground}">{html.escape(code.rstrip(chr(10)))}</span>'
    body = highlight(code, lexer, _formatter(pygments_style)).rstrip("\n")
    return f'<span style="color:{foreground}">{body}</span>'


_FOREGROUNDS: dict[str, str] = {}


def _foreground(style_name: str) -> str:
    colour = _FOREGROUNDS.get(style_name)
    if colour is None:
        style = get_style_by_name(style_name)
        text_colour = style.style_for_token(Text).get("color")
        colour = f"#{text_colour}" if text_colour else _contrast(style)
        _FOREGROUNDS[style_name] = colour
    return colour


def _contrast(style: Any) -> str:
    background = str(getattr(style, "background_color", "#ffffff")).lstrip("#")
    try:
        value = int(background[:6], 16)
    except ValueError:
        return "#1f2328"
    red, green, blue = (value >> 16) & 255, (value >> 8) & 255, value & 255
    return "#e6edf3" if (red * 299 + green * 587 + blue * 114) / 1000 < 128 else "#1f2328"
