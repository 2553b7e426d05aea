"""Extraction reads real PDF, Word, HTML, CSV and text files and says plainly what it can't."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from app.services.documents import (
    DocumentError,
    ExtractionCancelled,
    estimate_tokens,
    extract,
    format_size,
    is_supported,
)
from tests.documents_factory import write_docx, write_pdf


def test_pdf_text_keeps_its_page_numbers(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Revenue grew in spring", "", "Costs fell (a lot)"])
    seen: list[tuple[int, int]] = []

    document = extract(pdf, progress=lambda done, total: seen.append((done, total)))

    assert document.kind == "pdf"
    assert document.page_count == 3
    assert [(page.number, page.text) for page in document.pages] == [
        (1, "Revenue grew in spring"),
        (2, ""),
        (3, "Costs fell (a lot)"),
    ]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert document.token_estimate == estimate_tokens(document.text) > 0


def test_word_document_gives_paragraphs_and_table_rows(tmp_path: Path) -> None:
    docx = write_docx(
        tmp_path / "minutes.docx",
        ["Board minutes", "The board approved the budget."],
        table=[["Item", "Cost"], ["Roof", "1200"]],
    )

    document = extract(docx)

    assert document.page_count is None
    assert (
        document.text == "Board minutes\nThe board approved the budget.\nItem | Cost\nRoof | 1200"
    )


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Heading</h1><p>First &amp; <b>bold</b></p><script>alert(1)</script>"
        "<ul><li>one</li><li>two</li></ul></body></html>",
        encoding="utf-8",
    )

    assert extract(page).text == "T\nHeading\nFirst & bold\n• one\n• two"


def test_csv_markdown_and_code_come_through_as_text(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("name,age\nAda,36\n", encoding="utf-8")
    (tmp_path / "n.md").write_text("# Notes\n\n- $x$ item\n", encoding="utf-8")
    (tmp_path / "m.py").write_text("def f():\n    return 1\n", encoding="utf-8")

    assert extract(tmp_path / "t.csv").text == "name | age\nAda | 36"
    assert extract(tmp_path / "n.md").text == "# Notes\n\n- $x$ item"
    assert extract(tmp_path / "m.py").text == "def f():\n    return 1"


def test_text_in_another_encoding_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes("café crème".encode("cp1252"))

    assert extract(tmp_path / "old.txt").text == "café crème"


def test_encrypted_pdf_is_refused_with_a_sentence(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "locked.pdf", ["secret plans"], password="hunter2")

    with pytest.raises(DocumentError, match=r"^The file locked\.pdf is protected by a password"):
        extract(pdf)


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "owner.pdf", ["open to read"], password="")

    assert extract(pdf).text == "open to read"


def test_scanned_pdf_without_text_says_it_may_be_a_scan(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "scan.pdf", ["", ""])

    with pytest.raises(DocumentError, match=r"^No text found in scan\.pdf: it may be a scan\.$"):
        extract(pdf)


def test_damaged_pdf_and_word_files_are_named_as_damaged(tmp_path: Path) -> None:
    good = write_pdf(tmp_path / "good.pdf", ["text " * 50]).read_bytes()
    (tmp_path / "cut.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "cut.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    with pytest.raises(DocumentError, match="the PDF is damaged"):
        extract(tmp_path / "cut.pdf")
    with pytest.raises(DocumentError, match="the Word file is damaged"):
        extract(tmp_path / "cut.docx")


def test_contents_that_do_not_match_the_extension_are_refused(tmp_path: Path) -> None:
    docx = write_docx(tmp_path / "real.docx", ["Hello"])
    (tmp_path / "fake.pdf").write_bytes(docx.read_bytes())
    (tmp_path / "fake.docx").write_bytes(write_pdf(tmp_path / "p.pdf", ["x"]).read_bytes())
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    with pytest.raises(DocumentError, match=r"^The file fake\.pdf is not a PDF"):
        extract(tmp_path / "fake.pdf")
    with pytest.raises(DocumentError, match=r"^The file fake\.docx is not a Word document"):
        extract(tmp_path / "fake.docx")
    with pytest.raises(DocumentError, match="contents are binary"):
        extract(tmp_path / "image.txt")


def test_unsupported_kinds_are_named(tmp_path: Path) -> None:
    (tmp_path / "tool.exe").write_bytes(b"MZ")

    assert not is_supported(tmp_path / "tool.exe")
    with pytest.raises(DocumentError, match=r"files of type \.exe are not supported"):
        extract(tmp_path / "tool.exe")


def test_file_over_the_cap_is_refused_from_its_size_alone(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 500 MB on paper, nothing on disk
        handle.truncate(500 * 1000 * 1000)

    with pytest.raises(
        DocumentError, match=r"The file huge\.txt is 500\.0 MB; files up to 67\.1 MB"
    ):
        extract(huge)


def test_word_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * 1000 * 1000))

    with pytest.raises(DocumentError, match=r"unpacks to 60\.0 MB"):
        extract(bomb)


def test_cancel_stops_between_pages(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "long.pdf", [f"page {n}" for n in range(1, 6)])
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done == 2:
            cancel.set()

    with pytest.raises(ExtractionCancelled):
        extract(pdf, progress=progress, cancelled=cancel)
    assert seen == [1, 2]


def test_sizes_read_as_a_file_manager_shows_them() -> None:
    assert format_size(512) == "512 bytes"
    assert format_size(1536) == "1.5 KB"
    assert format_size(2_500_000) == "2.5 MB"
