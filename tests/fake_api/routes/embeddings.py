"""``POST /v1/embeddings`` in OpenAI's shape: ``input`` a string or a list of strings; each
vector is a 64-dimensional hashed bag of words, unit length, so texts that share words point
the same way and tests can reason about which passage is nearest."""

from __future__ import annotations

import hashlib
import math
import re
from typing import Any

from tests.fake_api.exchange import Exchange

DIMENSIONS = 64
_WORD = re.compile(r"\w+")


def embed(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2s(word.encode(), digest_size=4).digest()
        vector[int.from_bytes(digest[:2], "big") % DIMENSIONS] += 1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [round(value / norm, 6) for value in vector]


def handle_embeddings(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_with_model()
    if body is None:
        return
    given = body.get("input")
    texts: Any = [given] if isinstance(given, str) else given
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        ex.send_validation_error("input: Expected string or array of strings")
        return
    tokens = sum(len(text.split()) for text in texts)
    ex.send_json(
        {
            "object": "list",
            "data": [
                {"object": "embedding", "index": index, "embedding": embed(text)}
                for index, text in enumerate(texts)
            ],
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )
