"""Vector search kept in memory: what a running app finds after its knowledge base changes is
what a freshly started one finds, with numpy and without it (the bundled app has none)."""

from __future__ import annotations

import math
import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.client import ApiClient, ClientConfig
from app.services.knowledge import KnowledgeService, pack
from app.services.vector_index import MatrixIndex, SampleIndex, load_index
from app.storage.knowledge_store import KnowledgeBase, KnowledgeError, KnowledgeStore
from tests.documents_factory import write_pdf
from tests.fake_api import FakeApi

MODEL = "text-embedding-3-small"


@pytest.fixture(params=["numpy", "no numpy"])
def index_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    if request.param == "numpy":
        pytest.importorskip("numpy")
        return MatrixIndex
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy fails, as without the extra
    return SampleIndex


@pytest.fixture
def client(fake_api: FakeApi) -> Iterator[ApiClient]:
    opened = ApiClient(ClientConfig(base_url=fake_api.url, api_key="k", max_retries=0))
    yield opened
    opened.close()


def orchard(tmp_path: Path, client: ApiClient) -> KnowledgeService:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_pdf(docs / "report.pdf", ["Introduction.", "The apple harvest was 40 tonnes."])
    (docs / "notes.md").write_text("# Notes\nBees pollinate the blossoms.", encoding="utf-8")
    (docs / "plan.md").write_text("Plant cherry trees next spring.", encoding="utf-8")
    service = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"), client.embeddings.create)
    service.create("Orchard")
    service.add("Orchard", [docs])
    service.use_embeddings("Orchard", MODEL)
    return service


def ranking(service: KnowledgeService, query: str) -> list[tuple[str, int | None, float]]:
    return [(p.document, p.page, p.score) for p in service.search("Orchard", query)]


def fresh_ranking(
    tmp_path: Path, client: ApiClient, query: str
) -> list[tuple[str, int | None, float]]:
    """What an app started now, with nothing in memory, finds."""
    store = KnowledgeStore(tmp_path / "k.sqlite3")
    try:
        return ranking(KnowledgeService(store, client.embeddings.create), query)
    finally:
        store.close()


@pytest.mark.parametrize("added_by", ["this program", "another program"])
def test_a_document_added_after_a_search_is_found_by_the_next_one(
    tmp_path: Path, client: ApiClient, index_kind: type, added_by: str
) -> None:
    service = orchard(tmp_path, client)
    query = "When do we press the cider?"
    assert "cider.md" not in [found[0] for found in ranking(service, query)]
    assert isinstance(service.vector_index(service.store.get("Orchard")), index_kind)

    new = tmp_path / "cider.md"
    new.write_text("We press the cider in October, when the apples are ripe.", encoding="utf-8")
    if added_by == "this program":
        service.add("Orchard", [new])
    else:  # the command line, while the window has the knowledge base open
        store = KnowledgeStore(tmp_path / "k.sqlite3")
        KnowledgeService(store, client.embeddings.create).add("Orchard", [new])
        store.close()

    after = ranking(service, query)
    assert after[0][0] == "cider.md" and after[0][2] > 0.5  # the vector's half joined BM25's
    assert after == fresh_ranking(tmp_path, client, query)


def test_a_removed_document_is_not_found_by_the_next_search(
    tmp_path: Path, client: ApiClient, index_kind: type
) -> None:
    service = orchard(tmp_path, client)
    query = "Which insects pollinate the blossoms?"
    assert ranking(service, query)[0][0] == "notes.md"

    assert service.remove("Orchard", "notes.md") == 1

    after = ranking(service, query)
    assert "notes.md" not in [found[0] for found in after]
    assert after == fresh_ranking(tmp_path, client, query)


def unit_vectors(count: int, dimensions: int) -> list[list[float]]:
    rng = random.Random(3)
    return [[rng.gauss(0, 1) for _ in range(dimensions)] for _ in range(count)]


def stored(tmp_path: Path, vectors: list[list[float]]) -> tuple[KnowledgeStore, KnowledgeBase]:
    """A knowledge base with one passage a vector, the vectors stored as the service does."""
    store = KnowledgeStore(tmp_path / "vectors.sqlite3")
    base = store.create("Vectors")
    chunks = [(None, f"passage {n}") for n in range(len(vectors))]
    store.put_document(
        base, path="/v.md", name="v.md", kind="md", size=1, pages=None, chunks=chunks
    )
    ids = [chunk_id for chunk_id, _ in store.chunks_without_vectors(base)]
    store.put_vectors([(chunk_id, pack(v)) for chunk_id, v in zip(ids, vectors, strict=True)])
    return store, base


def cosine(a: list[float], b: list[float]) -> float:
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    return dot / math.sqrt(math.fsum(x * x for x in a) * math.fsum(y * y for y in b))


def test_both_indexes_give_the_cosines_of_the_vectors(tmp_path: Path, index_kind: type) -> None:
    vectors = unit_vectors(300, 256)
    query = unit_vectors(1, 256)[0]
    store, base = stored(tmp_path, vectors)
    ids = [chunk_id for chunk_id, _ in store.vectors(base)]
    exact = sorted(
        ((ids[n], cosine(v, query)) for n, v in enumerate(vectors)), key=lambda pair: -pair[1]
    )[:8]

    index = load_index(store, base)
    found = index.nearest(pack(query), 8)

    assert isinstance(index, index_kind) and len(index) == 300
    assert [chunk_id for chunk_id, _ in found] == [chunk_id for chunk_id, _ in exact]
    for (_, got), (_, wanted) in zip(found, exact, strict=True):
        assert got == pytest.approx(wanted, abs=1e-4)
    store.close()


def test_a_query_vector_of_another_size_is_one_sentence(tmp_path: Path, index_kind: type) -> None:
    store, base = stored(tmp_path, [[1.0, 0.0, 0.0, 0.0]])
    index = load_index(store, base)

    with pytest.raises(KnowledgeError, match="stored vectors have 4 dimensions but the embedding"):
        index.nearest(pack([1.0, 0.0]), 3)
    store.close()


def test_vectors_stored_before_samples_were_kept_are_searched_without_numpy(
    tmp_path: Path, client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = orchard(tmp_path, client)
    query = "Which insects pollinate the blossoms?"
    before = ranking(service, query)
    service.store.close()
    old = sqlite3.connect(tmp_path / "k.sqlite3")  # the vectors table as it was made before
    old.execute("ALTER TABLE kb_vectors DROP COLUMN samples")
    old.execute("ALTER TABLE kb_vectors DROP COLUMN unit")
    old.close()
    monkeypatch.setitem(sys.modules, "numpy", None)

    reopened = KnowledgeService(KnowledgeStore(tmp_path / "k.sqlite3"), client.embeddings.create)
    after = ranking(reopened, query)

    assert [(name, page) for name, page, _ in after] == [(name, page) for name, page, _ in before]
    assert [score for _, _, score in after] == pytest.approx([s for _, _, s in before], abs=1e-4)
    base = reopened.store.get("Orchard")
    assert all(unit > 0 for _, _, unit in reopened.store.samples(base))
    reopened.store.close()
