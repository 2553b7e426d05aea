"""Real PDF and Word files for tests and benchmarks, written with pypdf and python-docx."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: Sequence[str], *, password: str | None = None) -> Path:
    """A PDF with one page per string, each line set in Helvetica; an empty string is a page
    with no text layer (as a scan has). With ``password`` the file is AES-encrypted."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(  # pypdf has no public call for a bare font
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(width=612, height=792)
        lines = text.splitlines()
        commands = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
        commands += [f"({_escape(line)}) Tj T*" for line in lines]
        commands.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(commands).encode("cp1252", errors="replace"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_docx(
    path: Path, paragraphs: Sequence[str], *, table: Sequence[Sequence[str]] = ()
) -> Path:
    """A Word document with a heading, the paragraphs and, if given, a table after them."""
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0] if paragraphs else "Untitled", level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path
