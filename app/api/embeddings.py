"""``POST /v1/embeddings``: vectors for a batch of texts (OpenAI's shape, which the gateway
and OpenAI-compatible servers share)."""

from __future__ import annotations

from typing import Any

from app.api.errors import ResponseFormatError
from app.api.transport import Transport

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


class EmbeddingsApi:
    """``create(model, texts)``: one vector per text."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def create(self, model: str, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        body, _response = self._transport.send_json(
            "POST", EMBEDDINGS_PATH, json={"model": model, "input": texts}
        )
        return parse_embeddings(body, len(texts))
