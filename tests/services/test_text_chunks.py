"""Cutting long text at sentence boundaries."""

from __future__ import annotations

import pytest

from app.services.text_chunks import split_text


def test_short_text_is_one_part() -> None:
    assert split_text("  Hello there.  ", 100) == ["Hello there."]
    assert split_text("   ", 100) == []


def test_parts_end_at_sentences_and_stay_under_the_limit() -> None:
    text = "First sentence here. Second one is here! Is this the third? Yes, the fourth."
    parts = split_text(text, 45)
    assert parts == [
        "First sentence here. Second one is here!",
        "Is this the third? Yes, the fourth.",
    ]
    assert " ".join(parts) == text


def test_long_sentence_is_cut_at_commas_then_words() -> None:
    text = "alpha beta gamma, delta epsilon zeta, eta theta iota kappa lambda mu nu xi omicron"
    parts = split_text(text, 20)
    assert all(len(p) <= 20 for p in parts)
    assert " ".join(parts) == text
    assert parts[0] == "alpha beta gamma,"


def test_a_word_longer_than_the_limit_is_cut() -> None:
    parts = split_text("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


def test_paragraphs_and_sentences_without_spaces() -> None:
    assert split_text("第一句。第二句！第三句。", 4) == ["第一句。", "第二句！", "第三句。"]
    text = "A heading without a stop\n\nThen the body text follows"
    assert split_text(text, 30) == ["A heading without a stop", "Then the body text follows"]


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_text("Hi", 0)
