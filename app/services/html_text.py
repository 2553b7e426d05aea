"""The readable text of an HTML page: what a message's attached page, a knowledge base's page
and the web-page tool give the model."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

# Never shown: code, styles, pictures drawn in markup and frames. The head is not hidden as a
# whole, since a page may leave out its closing tag; its title is kept apart.
HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "canvas"})
# Each starts and ends a line.
BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
        "footer", "nav", "aside", "main", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
        "blockquote", "hr", "dt", "dd", "figcaption", "form", "title",
    }
)  # fmt: skip


@dataclass(frozen=True)
class PageText:
    """A page's title (spaces tidied, "" when it has none) and the text of its body: blocks on
    their own lines, list items marked "• ", spaces inside lines as the page had them."""

    title: str
    body: str


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del attrs
        if tag == "title" and not self._hidden:  # not an icon's title inside an <svg>
            self._in_title = True
        elif tag in HIDDEN:
            self._hidden += 1
        if tag in BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._in_title:
            self.title += data
        else:
            self.parts.append(data)


def page_text(markup: str) -> PageText:
    """The title and visible text of the HTML ``markup``."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return PageText(" ".join(collector.title.split()), "".join(collector.parts))
