"""Knowledge bases on disk: names, documents, passages and BM25 search in a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.storage.knowledge_store import KnowledgeError, KnowledgeStore, match_query


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    opened = KnowledgeStore(tmp_path / "knowledge.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def test_names_are_unique_ignoring_case(store: KnowledgeStore) -> None:
    store.create("Orchard")

    with pytest.raises(KnowledgeError, match='A knowledge base named "orchard" already exists'):
        store.create("orchard")
    with pytest.raises(KnowledgeError, match="needs a name"):
        store.create("   ")
    assert [base.name for base in store.all()] == ["Orchard"]


def test_search_ranks_the_best_passage_first_with_its_page(store: KnowledgeStore) -> None:
    base = store.create("Farm")
    store.put_document(
        base,
        path="/d/report.pdf",
        name="report.pdf",
        kind="pdf",
        size=100,
        pages=2,
        chunks=[(1, "Bees visit the apple blossom."), (2, "The apple harvest was 40 tonnes.")],
    )
    store.put_document(
        base, path="/d/n.md", name="n.md", kind="markdown", size=5, pages=None,
        chunks=[(None, "Tractor maintenance schedule.")],
    )  # fmt: skip

    found = store.search(store.get("Farm"), "How big was the apple harvest?")

    assert [(p.document, p.page) for p in found] == [("report.pdf", 2), ("report.pdf", 1)]
    assert found[0].score > found[1].score
    assert store.get("Farm").documents == 2 and store.get("Farm").chunks == 3


def test_adding_a_file_again_replaces_it_and_removing_drops_its_passages(
    store: KnowledgeStore,
) -> None:
    base = store.create("Notes")
    for text in ("old words about llamas", "new words about alpacas"):
        store.put_document(
            base, path="/n.txt", name="n.txt", kind="text", size=1, pages=None,
            chunks=[(None, text)],
        )  # fmt: skip

    assert store.search(base, "llamas") == []
    assert [p.text for p in store.search(base, "alpacas")] == ["new words about alpacas"]
    assert store.remove_document(base, "n.txt") == 1
    assert store.search(base, "alpacas") == []


def test_search_stays_within_its_knowledge_base(store: KnowledgeStore) -> None:
    one, two = store.create("One"), store.create("Two")
    for base in (one, two):
        store.put_document(
            base, path=f"/{base.name}", name=base.name, kind="text", size=1, pages=None,
            chunks=[(None, "shared word")],
        )  # fmt: skip

    assert [p.document for p in store.search(one, "word")] == ["One"]
    store.delete("One")
    assert [b.name for b in store.all()] == ["Two"]
    assert [p.document for p in store.search(two, "word")] == ["Two"]


def test_query_punctuation_and_operators_are_taken_as_words() -> None:
    assert match_query('NEAR("x" AND y*) -z') == '"near" OR "x" OR "and" OR "y" OR "z"'
    assert match_query("?!") == ""
