"""The code blocks of rendered Markdown: the light and dark colours, the link schemes of the
rendered HTML, and the table a code block is drawn in (a bar with its language and links over
the highlighted code).

Both ``markdown_render`` (cut code blocks) and ``markdown_html`` (whole ones) draw code here.
Pygments (``code_highlight``) is loaded when the first code block is drawn.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

COPY_SCHEME = "copy-code"
MATH_SCHEME = "math"
SVG_SCHEME = "svg"
PREVIEW_SCHEME = "svg-preview"
MATH_SIZE = 15.0
SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class CodeTheme:
    """Colours of one scheme ("light" or "dark")."""

    pygments_style: str
    code_background: str
    bar_background: str
    bar_text: str
    inline_code_background: str
    border: str
    link: str
    muted: str
    text: str = "#1f2328"


THEMES: dict[str, CodeTheme] = {
    "light": CodeTheme(
        pygments_style="default",
        code_background="#f6f8fa",
        bar_background="#e9edf1",
        bar_text="#57606a",
        inline_code_background="#eff1f3",
        border="#d0d7de",
        link="#2f62d8",
        muted="#6e7781",
    ),
    "dark": CodeTheme(
        pygments_style="github-dark",
        code_background="#0d1117",
        bar_background="#21262d",
        bar_text="#9198a1",
        inline_code_background="#2d333b",
        border="#3d444d",
        link="#79a4ff",
        muted="#9198a1",
        text="#e6edf3",
    ),
}


def code_table(
    code: str,
    language: str,
    theme: CodeTheme,
    *,
    copy_number: int | None = None,
    gap_above: bool = True,
    gap_below: bool = True,
    preview: tuple[str, bool] | None = None,
    body: str | None = None,
) -> str:
    """A highlighted code block: with ``copy_number``, under a bar with the language and a
    ``copy-code:N`` link; without the space above or below it where it goes on in the
    neighbouring group. ``preview`` (code key, shown as a picture): the bar also has a
    Preview (or Code) link, ``svg-preview:KEY``; ``body`` replaces the highlighted code."""
    shown_as_picture = body is not None
    body = body if body is not None else highlight_code(code, language, theme)
    margins = f"margin-top:{4 if gap_above else 0}px; margin-bottom:{8 if gap_below else 0}px"
    padding = "; ".join(
        side
        for side, keep in (("padding-top:0px", gap_above), ("padding-bottom:0px", gap_below))
        if not keep
    )
    cell = f' style="{padding}"' if padding else ""
    bar = ""
    if copy_number is not None:
        bar = (
            f'<tr><td bgcolor="{theme.bar_background}">'
            f'<span style="color:{theme.bar_text}">{html.escape(language or "code")}</span>'
            f'</td><td align="right" bgcolor="{theme.bar_background}">'
            f"{_preview_link(preview, theme)}"
            f'<a href="{COPY_SCHEME}:{copy_number}" style="color:{theme.link}; '
            f'text-decoration:none">Copy</a></td></tr>'
        )
    if shown_as_picture:
        return (
            f'<table width="100%" cellspacing="0" cellpadding="6" border="0" '
            f'style="{margins}" bgcolor="{theme.code_background}">{bar}'
            f'<tr><td colspan="2" align="center" bgcolor="#ffffff">{body}</td></tr></table>\n'
        )
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" '
        f'style="{margins}" bgcolor="{theme.code_background}">{bar}'
        f'<tr><td colspan="2"{cell}><pre style="margin:0">{body}</pre></td></tr></table>\n'
    )


def _preview_link(preview: tuple[str, bool] | None, theme: CodeTheme) -> str:
    if preview is None:
        return ""
    key, shown = preview
    return (
        f'<a href="{PREVIEW_SCHEME}:{key}" style="color:{theme.link}; text-decoration:none">'
        f"{'Code' if shown else 'Preview'}</a>&nbsp;&nbsp;&nbsp;"
    )


def preview_key(href: str) -> str | None:
    """The code key of an ``svg-preview:KEY`` link, else None."""
    prefix = f"{PREVIEW_SCHEME}:"
    return href[len(prefix) :] if href.startswith(prefix) else None


def highlight_code(code: str, language: str, theme: CodeTheme) -> str:
    """HTML spans with inline colours; plain escaped text for an unknown language or huge code."""
    from app.services.code_highlight import highlight_spans

    return highlight_spans(code, language, theme.pygments_style)
