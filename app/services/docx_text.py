"""The text of a Word (.docx) document read with the standard library alone.

A .docx is a zip whose ``word/document.xml`` holds the body: paragraphs (``w:p``) made of runs
whose text is in ``w:t``, with ``w:tab`` and ``w:br`` between, and tables (``w:tbl``) of rows
and cells. This is all the text a person asks about, so there is no need for python-docx and
the lxml it brings (nearly 11 MB in the bundled app). A DOCTYPE is refused, so no entity can
expand; the caller has checked that the archive does not unpack to far more than it weighs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {f"{W}br", f"{W}cr"}
_CONTAINERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag", f"{W}ins"}


class DocxError(ValueError):
    """The document's XML is missing or cannot be read."""


def paragraph_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    for element in paragraph.iter():
        if element.tag == f"{W}t" and element.text:
            parts.append(element.text)
        elif element.tag == f"{W}tab":
            parts.append("\t")
        elif element.tag in _BREAKS:
            parts.append("\n")
    return "".join(parts)


def _row_text(row: ElementTree.Element) -> str:
    cells = row.findall(f"{W}tc")
    return " | ".join(
        " ".join(paragraph_text(p) for p in cell.iter(f"{W}p")).strip() for cell in cells
    )


def blocks(body: ElementTree.Element) -> Iterator[str]:
    """The lines of the body in reading order: a paragraph is one, a table row is one."""
    for child in body:
        if child.tag == f"{W}p":
            yield paragraph_text(child)
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                yield _row_text(row)
        elif child.tag in _CONTAINERS:
            yield from blocks(child)


def document_lines(xml: bytes) -> list[str]:
    """The lines of ``word/document.xml``."""
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise DocxError("the document declares entities")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise DocxError(str(exc)) from None
    body = root.find(f"{W}body")
    if body is None:
        raise DocxError("the document has no body")
    return list(blocks(body))
