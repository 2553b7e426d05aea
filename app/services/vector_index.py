"""The vectors of one knowledge base held in memory, and the passages nearest a query.

``load_index(store, base)`` reads a knowledge base's vectors once; each search is then one
pass over them, with nothing read from the database or converted:

- With numpy installed (the ``vectors`` extra), the vectors are one float32 matrix and the
  cosines are one matrix product.
- Without numpy (the bundled app leaves it out for its size), the index holds the 16-bit
  samples the store keeps beside each vector (``vector_samples``), and
  ``audioop.findfactor`` (the standard library's C code for 16-bit samples; ``audioop-lts`` on
  Python 3.13) gives the dot product of each with the query's samples. Rounding to 16 bits
  moves a cosine by less than 1e-5.

Vectors are unit length (``knowledge.pack``), so a dot product is the cosine.
"""

from __future__ import annotations

import heapq
import warnings
from array import array
from collections.abc import Sequence
from typing import Any, Protocol

from app.storage.knowledge_store import KnowledgeBase, KnowledgeError, KnowledgeStore
from app.storage.vector_samples import to_samples


class VectorIndex(Protocol):
    dimensions: int

    def __len__(self) -> int: ...

    def nearest(self, wanted: bytes, count: int) -> list[tuple[int, float]]:
        """The ``count`` (chunk id, cosine) pairs nearest the unit vector ``wanted``, best
        first."""
        ...


def load_index(store: KnowledgeStore, base: KnowledgeBase) -> VectorIndex:
    """The vectors of ``base`` read into an index: a matrix when numpy is installed."""
    try:
        import numpy
    except ImportError:
        return SampleIndex(store.samples(base))
    return MatrixIndex(store.vectors(base), numpy)


def _check(index: VectorIndex, wanted: bytes) -> None:
    if len(wanted) // 4 != index.dimensions:
        raise KnowledgeError(
            f"The stored vectors have {index.dimensions} dimensions but the embedding model "
            f"now gives {len(wanted) // 4}; switch vector search off and on again to embed "
            "the documents anew."
        )


class MatrixIndex:
    """All vectors as one (passages × dimensions) float32 matrix."""

    def __init__(self, rows: Sequence[tuple[int, bytes]], numpy: Any) -> None:
        self._numpy = numpy
        self.dimensions = len(rows[0][1]) // 4 if rows else 0
        self._ids = numpy.array([chunk_id for chunk_id, _ in rows], dtype=numpy.int64)
        joined = b"".join(blob for _, blob in rows)
        self._matrix = numpy.frombuffer(joined, dtype=numpy.float32).reshape(
            len(rows), self.dimensions
        )

    def __len__(self) -> int:
        return len(self._ids)

    def nearest(self, wanted: bytes, count: int) -> list[tuple[int, float]]:
        if not len(self._ids) or count <= 0:
            return []
        _check(self, wanted)
        numpy = self._numpy
        cosines = self._matrix @ numpy.frombuffer(wanted, dtype=numpy.float32)
        if count < len(cosines):
            best = numpy.argpartition(-cosines, count - 1)[:count]
        else:
            best = numpy.arange(len(cosines))
        best = best[numpy.argsort(-cosines[best], kind="stable")]
        return [(int(self._ids[i]), float(cosines[i])) for i in best]


def _audioop() -> Any:
    with warnings.catch_warnings():  # deprecated in 3.11 and 3.12; audioop-lts from 3.13
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop
    return audioop


class SampleIndex:
    """All vectors as 16-bit samples, dot products by ``audioop.findfactor`` (no numpy).

    ``rows`` are (chunk id, samples, unit) as ``KnowledgeStore.samples`` gives them.
    """

    def __init__(self, rows: Sequence[tuple[int, bytes, float]]) -> None:
        self._findfactor = _audioop().findfactor
        self.dimensions = len(rows[0][1]) // 2 if rows else 0
        self._ids = [chunk_id for chunk_id, _, _ in rows]
        self._samples = [(samples, unit) for _, samples, unit in rows]

    def __len__(self) -> int:
        return len(self._ids)

    def nearest(self, wanted: bytes, count: int) -> list[tuple[int, float]]:
        if not self._ids or count <= 0:
            return []
        _check(self, wanted)
        query, query_unit = to_samples(wanted)
        # findfactor(v, q) is Σ v·q / Σ q·q over the samples; times Σ q·q it is the dot product.
        energy = sum(sample * sample for sample in array("h", query))
        if not energy:
            return [(chunk_id, 0.0) for chunk_id in self._ids[:count]]
        findfactor = self._findfactor
        factor = energy * query_unit
        cosines = [findfactor(samples, query) * unit for samples, unit in self._samples]
        best = heapq.nlargest(count, range(len(cosines)), key=cosines.__getitem__)
        return [(self._ids[i], cosines[i] * factor) for i in best]
