"""The readable text of HTML pages as real sites write them."""

from __future__ import annotations

from pathlib import Path

from app.services.builtin_tools import html_to_text
from app.services.documents import extract
from app.services.html_text import page_text


def test_a_page_without_its_closing_head_tag_keeps_its_body(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><meta charset=utf-8><body><p>Body text</p>",
        encoding="utf-8",
    )
    assert extract(page).text == "T\nBody text"
    assert html_to_text(page.read_text(encoding="utf-8")) == "# T\n\nBody text"


def test_landmarks_start_their_own_paragraphs() -> None:
    markup = "<nav>Menu</nav><main>Article text</main><aside>Related</aside>"
    assert html_to_text(markup) == "Menu\n\nArticle text\n\nRelated"


def test_an_icons_title_is_neither_the_page_title_nor_text() -> None:
    page = page_text(
        "<head><title>Tide  tables</title></head><body>"
        "<svg><title>Search icon</title><path d='M0 0'/></svg><p>High water</p></body>"
    )
    assert page.title == "Tide tables"
    assert page.body.split() == ["High", "water"]
