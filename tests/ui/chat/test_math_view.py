"""Formulas and SVG previews in the transcript are pictures drawn by QtSvg, sharp at any ratio."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from app.services.markdown_render import MarkdownRenderer
from app.services.svg_preview import code_key
from app.ui.chat.math_images import math_picture
from app.ui.chat.row_layout import SafeTextDocument
from tests.services.test_math_render import formulas


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
