"""kb create/add/list/search and chat --attach/--kb, against real files and the stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import CliResult
from tests.documents_factory import write_docx, write_pdf
from tests.fake_api import FakeApi

Cli = Callable[..., CliResult]


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_pdf(docs / "report.pdf", ["Introduction.", "The apple harvest was 40 tonnes."])
    write_docx(docs / "plan.docx", ["Plan", "Plant cherry trees next spring."])
    (docs / "broken.pdf").write_bytes(b"%PDF-1.7 nothing else")
    return docs


def _chat_json(api: FakeApi) -> dict:
    return [r for r in api.requests if r.path.endswith("/chat/completions")][-1].json


def test_a_folder_becomes_a_searchable_knowledge_base(cli: Cli, tmp_path: Path) -> None:
    assert cli("kb", "create", "Orchard").code == 0

    added = cli("kb", "add", "Orchard", str(_docs(tmp_path)))

    assert added.code == 0, added.err
    assert "[1/3] broken.pdf" in added.err and "[3/3] report.pdf" in added.err
    assert "skipped: The file broken.pdf could not be read: the PDF is damaged." in added.err
    assert "indexed 2 documents" in added.err
    assert cli("kb", "list").out == "Orchard\t2 documents\t3 passages\n"
    found = cli("kb", "search", "Orchard", "apple harvest")
    assert found.out.startswith("[1] report.pdf, page 2\nThe apple harvest was 40 tonnes.")
    records = json.loads(cli("kb", "search", "Orchard", "cherry", "--json").out)
    assert [(r["document"], r["page"]) for r in records] == [("plan.docx", None)]


def test_unknown_and_duplicate_knowledge_bases_are_one_error_line(cli: Cli) -> None:
    cli("kb", "create", "Orchard")

    assert "already exists" in cli("kb", "create", "orchard").assert_one_error(code=2)
    assert 'no knowledge base named "Nope"' in cli("kb", "search", "Nope", "x").assert_one_error()


def test_chat_attach_sends_the_document_text_with_pages(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Intro.", "Harvest: 40 tonnes."])
    notes = tmp_path / "notes.md"
    notes.write_text("Bees matter.", encoding="utf-8")

    result = cli("chat", "Summarise", "--no-stream", "--attach", str(pdf), "--attach", str(notes))

    assert result.code == 0, result.err
    content = _chat_json(gateway)["messages"][-1]["content"]
    assert content.startswith("The attached documents follow")
    assert (
        '<document name="report.pdf">\n[1] report.pdf, page 1:\nIntro.\n\n'
        "[2] report.pdf, page 2:\nHarvest: 40 tonnes.\n</document>"
    ) in content
    assert '<document name="notes.md">\n[3] notes.md:\nBees matter.\n</document>' in content
    assert content.endswith("\n\nSummarise")
    assert result.out.endswith(
        "\nSources:\n[1] report.pdf, page 1\n[2] report.pdf, page 2\n[3] notes.md\n"
    )
    # the exchange is in the history, with the files, like any other chat
    [saved] = json.loads(cli("conversations", "--json").out)
    assert saved["title"] == "Summarise"


def test_chat_attach_is_saved_and_continues_with_the_documents(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Harvest: 40 tonnes."])
    gateway.options.chat_reply = "It was 40 tonnes [1]."

    first = cli("chat", "How big was the harvest?", "--attach", str(pdf))
    pdf.unlink()
    [saved] = json.loads(cli("conversations", "--json").out)
    again = cli("chat", "And in kilograms?", "--conversation", str(saved["id"]))

    assert first.code == 0 and again.code == 0, first.err + again.err
    assert first.out == "It was 40 tonnes [1].\n\nSources:\n[1] report.pdf, page 1\n"
    follow_up = _chat_json(gateway)["messages"]
    assert "Harvest: 40 tonnes." in follow_up[0]["content"]  # the stored copy goes again
    assert follow_up[-1] == {"role": "user", "content": "And in kilograms?"}


def test_chat_send_file_sends_the_pdf_itself(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Harvest: 40 tonnes."])

    result = cli("chat", "Summarise", "--attach", str(pdf), "--send-file")

    assert result.code == 0, result.err
    parts = _chat_json(gateway)["messages"][-1]["content"]
    assert parts[0] == {"type": "text", "text": "Summarise"}
    assert parts[1]["type"] == "file" and parts[1]["file"]["filename"] == "report.pdf"
    assert parts[1]["file"]["file_data"].startswith("data:application/pdf;base64,JVBERi")


def test_chat_attach_refuses_a_bad_file_before_sending(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    locked = write_pdf(tmp_path / "locked.pdf", ["secret"], password="pw")

    sentence = cli("chat", "Hi", "--attach", str(locked)).assert_one_error(code=2)

    assert sentence.startswith("The file locked.pdf is protected by a password")
    assert not [r for r in gateway.requests if r.path.endswith("/chat/completions")]


def test_chat_with_a_knowledge_base_sends_numbered_sources_and_prints_them(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    cli("kb", "create", "Orchard")
    cli("kb", "add", "Orchard", str(_docs(tmp_path)))

    result = cli("chat", "How big was the apple harvest?", "--kb", "Orchard")

    assert result.code == 0, result.err
    system = _chat_json(gateway)["messages"][0]
    assert system["role"] == "system"
    assert "[1] report.pdf, page 2:\nThe apple harvest was 40 tonnes." in system["content"]
    assert result.out.endswith("\nSources:\n[1] report.pdf, page 2\n")


def test_vector_search_is_switched_on_and_off_from_the_command_line(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    cli("kb", "create", "Orchard")
    cli("kb", "add", "Orchard", str(_docs(tmp_path)))

    on = cli("kb", "embeddings", "Orchard", "text-embedding-3-small")

    assert on.code == 0, on.err
    assert 'vector search for "Orchard" is on, with text-embedding-3-small.' in on.err
    assert cli("kb", "list").out == (
        "Orchard\t2 documents\t3 passages\tvectors: text-embedding-3-small\n"
    )
    found = json.loads(cli("kb", "search", "Orchard", "apple harvest", "--json").out)
    assert found[0]["document"] == "report.pdf" and found[0]["page"] == 2
    embedded = [r.json for r in gateway.requests if r.path.endswith("/embeddings")]
    assert len(embedded[0]["input"]) == 3 and embedded[-1]["input"] == ["apple harvest"]
    assert "is off" in cli("kb", "embeddings", "Orchard", "off").err


def test_chat_attach_without_history_leaves_the_history_empty(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    pdf = write_pdf(tmp_path / "report.pdf", ["Harvest: 40 tonnes."])

    result = cli("chat", "Summarise", "--attach", str(pdf), "--no-history")

    assert result.code == 0, result.err
    assert (
        "[1] report.pdf, page 1:\nHarvest: 40 tonnes."
        in _chat_json(gateway)["messages"][-1]["content"]
    )
    assert result.out.endswith("\nSources:\n[1] report.pdf, page 1\n")
    assert json.loads(cli("conversations", "--json").out) == []
