"""Formulas and SVG previews in the transcript are pictures drawn by QtSvg, sharp at any ratio."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QRect, QUrl
from PySide6.QtGui import QImage, QTextDocument

from app.services.markdown_render import MarkdownRenderer
from app.services.svg_preview import code_key
from app.ui.chat.math_images import math_picture
from app.ui.chat.row_layout import SafeTextDocument
from tests.services.test_math_render import formulas
from tests.ui.chat.test_long_reply import open_stored


def opaque_pixels(image: QImage) -> int:
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() > 0
    )


def test_the_document_loads_the_formula_its_renderer_drew(qapp: Any) -> None:
    renderer = MarkdownRenderer("dark")
    key = formulas(renderer.render("Area $\\pi r^2$"))[0]
    doc = SafeTextDocument(renderer)

    picture = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(f"math:{key}"))
    remote = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl("https://x/y.png"))

    assert isinstance(picture, QImage) and not picture.isNull()
    assert remote is None
    light_ink = [picture.pixelColor(x, y) for x in range(picture.width()) for y in range(8, 12)]
    assert any(c.alpha() > 200 and c.lightness() > 180 for c in light_ink)  # dark theme: pale ink


def test_a_picture_at_ratio_two_has_twice_the_pixels_and_the_same_layout_size(qapp: Any) -> None:
    renderer = MarkdownRenderer()
    formula = renderer.math_image(formulas(renderer.render("$\\sum_{k=1}^n k$"))[0])
    assert formula is not None

    one = math_picture(formula, 1.0)
    two = math_picture(formula, 2.0)

    assert abs(two.width() - 2 * one.width()) <= 1
    assert two.devicePixelRatio() == 2.0
    assert abs(two.deviceIndependentSize().width() - one.width()) <= 1
    assert opaque_pixels(two) > 2 * opaque_pixels(one)


def test_an_svg_preview_is_drawn_by_qtsvg(qapp: Any) -> None:
    renderer = MarkdownRenderer()
    code = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#ff0000"/></svg>'
    )
    renderer.toggle_svg_preview(code_key(code))
    html = renderer.render(f"```svg\n{code}\n```\n")
    key = html.split('src="svg:')[1].split('"')[0]

    picture = SafeTextDocument(renderer).resource(
        QTextDocument.ResourceType.ImageResource, QUrl(f"svg:{key}")
    )

    assert isinstance(picture, QImage)
    assert picture.deviceIndependentSize().width() == 40
    assert picture.pixelColor(picture.width() // 2, picture.height() // 2).red() == 255


def formula_reply(paragraphs: int) -> str:
    """Paragraphs of prose, each with three formulas of its own and money that stays text."""
    return "\n\n".join(
        f"Step {n}: $a_{{{n}}} = {n}^2$ and \\(b_{{{n}}} = {n} + 1\\) cost $5 and $10.\n\n"
        f"$$\nc_{{{n}}} = {n}\n$$"
        for n in range(paragraphs)
    )


def on_screen_docs(tab: Any) -> list[Any]:
    """The text pieces of the reply (row 1) that lie in the viewport; None for one not laid
    out yet."""
    index = tab.transcript_model.index(1)
    origin = tab.delegate.row_origin(index)
    viewport = tab.transcript.viewport().rect()
    return [
        piece.doc
        for piece in tab.delegate.layout_for(index).pieces
        if piece.kind in ("body", "pending")
        and QRect(piece.rect).translated(origin).intersects(viewport)
    ]


def test_a_long_reply_with_many_formulas_ends_with_every_formula_drawn(
    qtbot: Any, chat_tab: Any, monkeypatch: Any
) -> None:
    paragraphs = 40
    layouts = chat_tab.delegate.layouts
    math = layouts.renderer.math
    waiting_at: dict[str, list[tuple[Any, ...]]] = {}  # a group's formulas left at each render
    render_group = layouts.renderer.render_group

    def counted(source: str, *args: Any, **kwargs: Any) -> Any:
        rendered = render_group(source, *args, **kwargs)
        waiting_at.setdefault(source, []).append(rendered.math_waiting)
        return rendered

    monkeypatch.setattr(layouts.renderer, "render_group", counted)
    open_stored(qtbot, chat_tab, formula_reply(paragraphs))

    on_screen_first = None
    for _turn in range(2000):  # the helpers draw 120 formulas; the window keeps turning
        qtbot.wait(5)
        docs = on_screen_docs(chat_tab)
        if on_screen_first is None and docs and all(d and not d.math_waiting for d in docs):
            on_screen_first = math.busy
        if not math.busy:
            break
    assert not math.busy
    for _turn in range(100):  # drawn: shown within the next refreshes and idle steps
        qtbot.wait(10)
        layout = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1))
        pieces = [p for p in layout.pieces if p.kind in ("body", "pending")]
        if all(p.doc is not None and not p.doc.math_waiting for p in pieces):
            break
    html = "".join(p.doc.toHtml() for p in pieces if p.doc is not None)
    assert html.count('src="math:') == 3 * paragraphs
    assert "$5 and $10" in html  # money stays text
    assert on_screen_first is True  # the formulas on screen were drawn before the others
    # A group is rendered again only when some of its formulas were drawn since the last time.
    for renders in waiting_at.values():
        assert all(len(later) < len(earlier) for earlier, later in pairwise(renders))
    # The first paragraphs, out of sight above, are rendered again once: all formulas drawn.
    top = next(source for source in waiting_at if source.startswith("Step 0:"))
    assert len(waiting_at[top]) == 2
    assert waiting_at[top][0] and not waiting_at[top][1]
