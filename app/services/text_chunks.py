"""Cutting long text into parts a speech model accepts, at sentence boundaries."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|(?<=[。！？])\s*|\n\s*\n")
_CLAUSE_END = re.compile(r"(?<=[,;:—])\s+")


def _pieces(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [piece.strip() for piece in pattern.split(text) if piece and piece.strip()]


def _fit(sentence: str, limit: int) -> list[str]:
    """A sentence longer than ``limit``: cut at clauses, then words, then characters."""
    if len(sentence) <= limit:
        return [sentence]
    for pattern in (_CLAUSE_END, re.compile(r"\s+")):
        pieces = _pieces(sentence, pattern)
        if len(pieces) > 1:
            return _pack([part for piece in pieces for part in _fit(piece, limit)], limit)
    return [sentence[start : start + limit] for start in range(0, len(sentence), limit)]


def _pack(pieces: list[str], limit: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = piece
    if current:
        parts.append(current)
    return parts


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Parts end at sentence ends where possible; a sentence longer than the limit is cut at a
    comma or semicolon, then between words, and only as a last resort inside a word. Runs
    of whitespace between sentences become one space. Empty text gives no parts.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    if len(text.strip()) <= limit:
        return [text.strip()] if text.strip() else []
    sentences = [part for s in _pieces(text, _SENTENCE_END) for part in _fit(s, limit)]
    return _pack(sentences, limit)
