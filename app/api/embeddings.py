"""``POST /v1/embeddings``: vectors for a batch of texts (OpenAI's shape, which the gateway
and OpenAI-compatible servers share)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.api.errors import ResponseFormatError
from app.api.transport import Transport
from app.api.types import Cost, Usage
from app.api.values import parse_cost, parse_usage

EMBEDDINGS_PATH = "/v1/embeddings"


def parse_embeddings(body: Any, count: int) -> list[list[float]]:
    """The vectors of ``{"data": [{"index": i, "embedding": [...]}, …]}`` in input order."""
    rows = body.get("data") if isinstance(body, dict) else body
    if not isinstance(rows, list) or len(rows) != count:
        raise ResponseFormatError("The server's embeddings answer did not hold one vector a text.")
    ordered = sorted(
        enumerate(rows),
        key=lambda pair: pair[1].get("index", pair[0]) if isinstance(pair[1], dict) else pair[0],
    )
    vectors = []
    for _, row in ordered:
        vector = row.get("embedding") if isinstance(row, dict) else None
        if not isinstance(vector, list) or not vector:
            raise ResponseFormatError("The server's embeddings answer held an empty vector.")
        vectors.append([float(value) for value in vector])
    return vectors


@dataclass(frozen=True, slots=True)
class Embeddings:
    """The vectors of one request (in input order), its tokens and what it cost."""

    vectors: list[list[float]]
    usage: Usage | None = None
    cost: Cost = field(default_factory=Cost)


class EmbeddingsApi:
    """``embed(model, texts)``: one vector per text, with the request's usage and cost;
    ``create`` gives the vectors alone."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def embed(self, model: str, texts: list[str]) -> Embeddings:
        if not texts:
            return Embeddings([])
        body, response = self._transport.send_json(
            "POST", EMBEDDINGS_PATH, json={"model": model, "input": texts}
        )
        usage = parse_usage(body.get("usage")) if isinstance(body, dict) else None
        return Embeddings(
            parse_embeddings(body, len(texts)), usage, parse_cost(body, response.headers)
        )

    def create(self, model: str, texts: list[str]) -> list[list[float]]:
        return self.embed(model, texts).vectors
