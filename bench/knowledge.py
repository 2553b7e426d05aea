"""Indexing 1,000 pages into a knowledge base, and searching it.

Writes 20 real PDFs of 50 pages each (about 2,400 characters a page, words drawn from a
vocabulary of 5,000), then times ``KnowledgeService.add`` over the folder (extraction with
pypdf, cutting into passages, FTS5 indexing) against reading the same PDFs' text with pypdf
alone in the same run. Search: 200 queries of two or three words, median and 95th percentile,
against a ``LIKE`` scan for the first word over the same passages; then the same 200 searches
with vector scores switched on (random vectors of ``--dimensions`` floats, no server asked),
with numpy and without it, against BM25 alone and against reading the vectors from SQLite;
last the whole search with the query's vector asked of the stand-in gateway over HTTP.
Prints the load average at the start and the end: the machine is shared.

    python bench/knowledge.py [--pages 1000] [--queries 200] [--dimensions 1536]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SCRATCH = Path(tempfile.mkdtemp(prefix="aiml-kb-bench-"))
from app.storage.paths import user_dirs_under  # noqa: E402

os.environ.update({variable: str(folder) for variable, folder in user_dirs_under(SCRATCH).items()})

from app.services.knowledge import KnowledgeService  # noqa: E402
from app.storage.knowledge_store import KnowledgeStore  # noqa: E402
from tests.documents_factory import write_pdf  # noqa: E402

PAGES_PER_FILE = 50


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    weights = [len(letters) - n for n in range(len(letters))]
    return ["".join(rng.choices(letters, weights, k=rng.randint(3, 10))) for _ in range(size)]


def page_text(rng: random.Random, words: list[str]) -> str:
    lines = []
    for _ in range(32):
        line = " ".join(rng.choice(words) for _ in range(11))
        lines.append(line.capitalize() + ".")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dimensions", type=int, default=1536)
    args = parser.parse_args()
    rng = random.Random(7)
    words = vocabulary(rng)
    folder = SCRATCH / "docs"
    folder.mkdir()
    files = max(1, args.pages // PAGES_PER_FILE)
    for number in range(files):
        pages = [page_text(rng, words) for _ in range(PAGES_PER_FILE)]
        write_pdf(folder / f"volume-{number:02d}.pdf", pages)
    size = sum(path.stat().st_size for path in folder.iterdir())
    print(f"{files} PDFs, {files * PAGES_PER_FILE} pages, {size / 1e6:.1f} MB")
    print("load average at the start: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))

    from pypdf import PdfReader

    started = time.perf_counter()
    characters = sum(
        len(page.extract_text() or "")
        for path in sorted(folder.iterdir())
        for page in PdfReader(path).pages
    )
    baseline = time.perf_counter() - started

    service = KnowledgeService(KnowledgeStore())
    service.create("Bench")
    started = time.perf_counter()
    report = service.add("Bench", [folder])
    indexed = time.perf_counter() - started
    print(
        f"index: pypdf text alone {baseline:.2f} s ({characters / 1e6:.1f} M characters); "
        f"kb add {indexed:.2f} s, {report.documents} documents, {report.chunks} passages "
        f"(ratio {indexed / baseline:.2f}; target ≤ 20 s)"
    )

    queries = [" ".join(rng.sample(words[:2000], rng.randint(2, 3))) for _ in range(args.queries)]
    times, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        hits += bool(service.search("Bench", query, limit=6))
        times.append(time.perf_counter() - started)
    conn = service.store.conn
    scans = []
    for query in queries[:20]:
        started = time.perf_counter()
        conn.execute(
            "SELECT id FROM kb_chunks WHERE text LIKE ? LIMIT 6", (f"%{query.split()[0]}%",)
        ).fetchall()
        scans.append(time.perf_counter() - started)
    times.sort()
    median = statistics.median(times)
    print(
        f"search ({len(queries)} queries, {hits} with hits): median {median * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms, longest {times[-1] * 1000:.1f} ms "
        f"(target median ≤ 50 ms); LIKE scan median {statistics.median(scans) * 1000:.1f} ms"
    )
    vector_search(service, queries, rng, args.dimensions, median)
    search_through_stand_in(service, queries, median)
    service.store.close()
    print("load average at the end: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))


def vector_search(
    service: KnowledgeService,
    queries: list[str],
    rng: random.Random,
    dimensions: int,
    bm25_median: float,
) -> None:
    """Search with vector scores switched on: every passage gets a random vector of
    ``dimensions`` floats (as text-embedding-3-small gives 1,536) and so does each query. No
    server is asked: each query's vector is parsed from the JSON body a server would send, so
    the figure is everything a search costs on this machine except the network's round trip.
    Run with numpy (one float32 matrix) and with numpy hidden (as in the bundled app)."""
    from app.api.embeddings import parse_embeddings
    from app.services.knowledge import pack

    def random_vector() -> list[float]:
        return [rng.gauss(0, 1) for _ in range(dimensions)]

    service.embed = None
    service.store.set_embedding_model("Bench", "bench-vectors")
    base = service.store.get("Bench")
    missing = service.store.chunks_without_vectors(base)
    service.store.put_vectors([(chunk_id, pack(random_vector())) for chunk_id, _ in missing])
    bodies = {
        query: json.dumps({"data": [{"index": 0, "embedding": random_vector()}]}).encode()
        for query in queries
    }

    def embed(model: str, texts: list[str]) -> list[list[float]]:
        return parse_embeddings(json.loads(bodies[texts[0]]), len(texts))

    reads = []
    for _ in range(5):
        started = time.perf_counter()
        b"".join(blob for _, blob in service.store.vectors(base))
        reads.append(time.perf_counter() - started)
    print(
        f"reading every vector from SQLite ({len(missing)} × {dimensions} floats), as each "
        f"search did before: median {statistics.median(reads) * 1000:.1f} ms"
    )
    for label, hide_numpy in (("numpy", False), ("no numpy", True)):
        numpy = sys.modules.get("numpy")  # imported by the numpy round, put back after
        if hide_numpy:
            sys.modules["numpy"] = None  # type: ignore[assignment]
        searcher = KnowledgeService(service.store, embed)  # nothing in memory yet
        started = time.perf_counter()
        searcher.search("Bench", queries[0], limit=6)
        first = time.perf_counter() - started
        kind = type(searcher.vector_index(base)).__name__
        times = []
        for query in queries:
            started = time.perf_counter()
            searcher.search("Bench", query, limit=6)
            times.append(time.perf_counter() - started)
        times.sort()
        median = statistics.median(times)
        print(
            f"search with vectors, {label} ({kind}, {len(missing)} passages × {dimensions} "
            f"dimensions, {len(times)} queries): median {median * 1000:.1f} ms, "
            f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms, longest {times[-1] * 1000:.1f} ms "
            f"(ratio to BM25 alone {median / bm25_median:.1f}; target median ≤ 50 ms); "
            f"first search, vectors read into memory: {first * 1000:.0f} ms"
        )
        if hide_numpy and numpy is not None:
            sys.modules["numpy"] = numpy


def _serve_stand_in(connection: Any) -> None:
    from tests.fake_api import FakeApi

    api = FakeApi()
    api.start()
    connection.send(api.url)
    connection.recv()
    api.stop()


def search_through_stand_in(service: KnowledgeService, queries: list[str], bm25: float) -> None:
    """The whole search as the app makes it: the query's vector asked of the stand-in gateway
    (in its own process, over HTTP on this machine, a fresh client per request as
    ``AppContext.knowledge`` makes), the passages embedded by it too (64 dimensions)."""
    from app.api.client import ApiClient, ClientConfig

    connection, child = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=_serve_stand_in, args=(child,), daemon=True
    )
    server.start()
    url = connection.recv()

    def embed(model: str, texts: list[str]) -> list[list[float]]:
        client = ApiClient(ClientConfig(base_url=url, api_key="bench", max_retries=0))
        try:
            return client.embeddings.create(model, texts)
        finally:
            client.close()

    searcher = KnowledgeService(service.store, embed)
    started = time.perf_counter()
    searcher.use_embeddings("Bench", "text-embedding-3-small")
    embedded = time.perf_counter() - started
    requests, times = [], []
    for query in queries:
        started = time.perf_counter()
        embed("text-embedding-3-small", [query])
        requests.append(time.perf_counter() - started)
        started = time.perf_counter()
        searcher.search("Bench", query, limit=6)
        times.append(time.perf_counter() - started)
    connection.send("stop")
    server.join(timeout=5)
    times.sort()
    median = statistics.median(times)
    print(
        f"search with vectors through the stand-in gateway ({len(times)} queries, 64 "
        f"dimensions, {embedded:.1f} s to embed the passages): median {median * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms (ratio to BM25 alone "
        f"{median / bm25:.1f}); the query's embedding request alone: median "
        f"{statistics.median(requests) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
