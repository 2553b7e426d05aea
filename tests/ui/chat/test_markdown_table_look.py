"""A Markdown table in a reply is drawn with one flat line of the scheme's border colour on
every edge and between cells, not Qt's default raised, doubled frame."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument

from app.services.markdown_code import THEMES
from app.services.markdown_render import MarkdownRenderer

TABLE = "| Input size | Memory |\n|---|---|\n| 1 MB | constant |\n| 1 GB | constant |\n"
BACKGROUND = {"light": "#ffffff", "dark": "#16181b"}


def _drawn(scheme: str) -> QImage:
    document = QTextDocument()
    document.setHtml(MarkdownRenderer(scheme).render(TABLE))
    document.setTextWidth(400)
    image = QImage(400, int(document.size().height()) + 4, QImage.Format.Format_RGB32)
    image.fill(QColor(BACKGROUND[scheme]))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    return image


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_edge_of_a_table_is_one_flat_line_of_the_border_colour(qapp, scheme):
    image = _drawn(scheme)
    background = QColor(BACKGROUND[scheme]).rgb()
    inked = [
        (x, y)
        for y in range(image.height())
        for x in range(image.width())
        if image.pixel(x, y) != background
    ]
    left = min(x for x, _ in inked)
    right = max(x for x, _ in inked)
    top = min(y for _, y in inked)
    bottom = max(y for _, y in inked)
    middle_x, middle_y = (left + right) // 2, (top + bottom) // 2
    edges = {
        "left": image.pixel(left, middle_y),
        "right": image.pixel(right, middle_y),
        "top": image.pixel(middle_x, top),
        "bottom": image.pixel(middle_x, bottom),
    }
    border = QColor(THEMES[scheme].border).rgb()
    assert {name: QColor(rgb).name() for name, rgb in edges.items()} == {
        name: QColor(border).name() for name in edges
    }
    # Between the two columns there is one line, not two with a gap: counted just under the
    # top edge, inside the header cells' padding, where no letter is drawn.
    row = [image.pixel(x, top + 2) for x in range(left, right + 1)]
    runs = sum(1 for i, rgb in enumerate(row) if rgb == border and (i == 0 or row[i - 1] != border))
    assert runs == 3, f"{runs} vertical lines across a row (left edge, between cells, right)"
