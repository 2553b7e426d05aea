"""Knowledge bases built from real PDF, Word and Markdown files, searched with citations."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.services.attachments import attach
from app.services.documents import extract
from app.services.knowledge import KnowledgeService, citation_label, context_block, documents_in
from app.storage.knowledge_store import KnowledgeStore
from tests.documents_factory import write_docx, write_pdf
from tests.fake_api import FakeApi


def folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / ".git").mkdir()
    write_pdf(docs / "report.pdf", ["Introduction.", "The apple harvest was 40 tonnes."])
    write_docx(docs / "sub" / "plan.docx", ["Plan", "Plant cherry trees next spring."])
    (docs / "notes.md").write_text("# Notes\nBees pollinate the blossoms.", encoding="utf-8")
    (docs / "locked.pdf").write_bytes(
        write_pdf(tmp_path / "l.pdf", ["x"], password="pw").read_bytes()
    )
    (docs / "tool.exe").write_bytes(b"MZ")
    (docs / ".git" / "config.txt").write_text("not a document", encoding="utf-8")
    return docs


def test_a_folder_is_walked_for_documents_only(tmp_path: Path) -> None:
    names = [path.name for path in documents_in([folder(tmp_path)])]

    assert sorted(names) == ["locked.pdf", "notes.md", "plan.docx", "report.pdf"]


def test_adding_a_folder_indexes_what_it_can_and_names_what_it_cannot(tmp_path: Path) -> None:
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"))
    service.create("Orchard")
    seen: list[tuple[str, int, int]] = []

    report = service.add("Orchard", [folder(tmp_path)], progress=lambda *a: seen.append(a))

    assert report.documents == 3
    assert report.problems == [
        "The file locked.pdf is protected by a password; save a copy without it and attach that."
    ]
    assert seen[-1] == ("", 4, 4) and len(seen) == 5
    best = service.search("Orchard", "how many tonnes of apples?")[0]
    assert citation_label(best) == "report.pdf, page 2"
    assert citation_label(service.search("Orchard", "cherry")[0]) == "plan.docx"


def test_cancel_stops_adding_between_files(tmp_path: Path) -> None:
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"))
    service.create("Orchard")
    cancel = threading.Event()

    def progress(name: str, done: int, total: int) -> None:
        if done == 1:
            cancel.set()

    report = service.add("Orchard", [folder(tmp_path)], progress=progress, cancelled=cancel)

    assert report.documents == 1


def test_context_block_numbers_its_sources(tmp_path: Path) -> None:
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"))
    service.create("Orchard")
    service.add("Orchard", [folder(tmp_path)])

    block = context_block(service.search("Orchard", "apple harvest bees"))

    assert "cite them as [1]" in block
    assert "[1] report.pdf, page 2:\nThe apple harvest was 40 tonnes." in block
    assert "[2] notes.md:" in block


def test_a_document_that_fits_goes_whole_one_that_does_not_goes_by_retrieval(
    tmp_path: Path,
) -> None:
    small = extract(write_pdf(tmp_path / "small.pdf", ["Short note on pears."]))
    pages = [f"Chapter {n}. " + "Filler text about nothing. " * 60 for n in range(30)]
    pages[17] = "The secret ingredient of the cider is quince."
    big = extract(write_pdf(tmp_path / "big.pdf", pages))

    attached = attach(
        "What is the secret ingredient of the cider?", [small, big], budget_tokens=2000
    )

    assert (
        '<document name="small.pdf">\n[page 1]\nShort note on pears.\n</document>' in attached.text
    )
    assert attached.retrieved == ("big.pdf",)
    assert citation_label(attached.passages[0]) == "big.pdf, page 18"
    assert "quince" in attached.text and "Chapter 3." not in attached.text


def test_vector_search_joins_bm25_when_switched_on(tmp_path: Path, fake_api: FakeApi) -> None:
    from app.api.client import ApiClient, ClientConfig

    client = ApiClient(ClientConfig(base_url=fake_api.url, api_key="k", max_retries=0))
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"), client.embeddings.create)
    service.create("Orchard")
    service.add("Orchard", [folder(tmp_path)])
    assert not [r for r in fake_api.requests if r.path.endswith("/embeddings")]  # off: no calls

    base = service.use_embeddings("Orchard", "text-embedding-3-small")
    sent = [r.json for r in fake_api.requests if r.path == "/v1/embeddings"]
    assert base.embedding_model == "text-embedding-3-small"
    assert sent[0]["model"] == "text-embedding-3-small" and len(sent[0]["input"]) == base.chunks

    found = service.search("Orchard", "Which insects pollinate the blossoms?")
    assert found[0].document == "notes.md"
    assert [r.json["input"] for r in fake_api.requests if r.path == "/v1/embeddings"][-1] == [
        "Which insects pollinate the blossoms?"
    ]
    service.use_embeddings("Orchard", None)
    assert service.store.vectors(service.store.get("Orchard")) == []
    client.close()


def test_switching_vectors_on_reports_progress_and_cancel_leaves_them_off(
    tmp_path: Path, fake_api: FakeApi
) -> None:
    from app.api.client import ApiClient, ClientConfig
    from app.services.knowledge import EMBED_BATCH, EmbeddingCancelled

    client = ApiClient(ClientConfig(base_url=fake_api.url, api_key="k", max_retries=0))
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"), client.embeddings.create)
    service.create("Orchard")
    notes = tmp_path / "many.md"
    notes.write_text("\n\n".join(f"Passage {n}. " + "Bees visit. " * 120 for n in range(150)))
    service.add("Orchard", [notes])
    passages = service.store.get("Orchard").chunks
    assert passages > EMBED_BATCH * 2

    cancel = threading.Event()
    reports: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        reports.append((done, total))
        if done >= EMBED_BATCH:
            cancel.set()  # Cancel pressed while the second batch was being asked for

    with pytest.raises(EmbeddingCancelled, match="stays off"):
        service.use_embeddings(
            "Orchard", "text-embedding-3-small", progress=progress, cancelled=cancel
        )
    assert reports == [(0, passages), (EMBED_BATCH, passages)]
    base = service.store.get("Orchard")
    assert base.embedding_model is None and service.store.vectors(base) == []
    assert len([r for r in fake_api.requests if r.path == "/v1/embeddings"]) == 2

    reports.clear()
    service.use_embeddings(
        "Orchard",
        "text-embedding-3-small",
        progress=lambda done, total: reports.append((done, total)),
    )
    assert reports[0] == (0, passages) and reports[-1] == (passages, passages)
    assert len(service.store.vectors(service.store.get("Orchard"))) == passages
    client.close()
