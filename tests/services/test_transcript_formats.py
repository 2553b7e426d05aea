from __future__ import annotations

import itertools
import json

import pytest

from app.api.audio_types import Segment, Transcript, Word
from app.errors import UserInputError
from app.services.transcript_formats import (
    MAX_CUE_CHARS,
    MAX_CUE_SECONDS,
    cues,
    render,
    srt_time,
    to_json,
    to_srt,
    to_txt,
    to_vtt,
    vtt_time,
)

TWO_SEGMENTS = Transcript(
    text="Hello there. How are you?",
    segments=(
        Segment("Hello there.", 1.0, 2.5),
        Segment("How are you?", 2.75, 4.125),
    ),
    words=(
        Word("Hello", 1.0, 1.4),
        Word("there.", 1.5, 2.5),
        Word("How", 2.75, 3.0),
        Word("are", 3.1, 3.4),
        Word("you?", 3.5, 4.125),
    ),
)


def test_clock_formats() -> None:
    assert srt_time(1.0) == "00:00:01,000"
    assert srt_time(3723.5) == "01:02:03,500"
    assert vtt_time(2.5) == "00:00:02.500"
    assert vtt_time(0.0004) == "00:00:00.000"


def test_srt_exact_text() -> None:
    assert to_srt(TWO_SEGMENTS) == (
        "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n"
        "2\n00:00:02,750 --> 00:00:04,125\nHow are you?\n"
    )


def test_vtt_exact_text() -> None:
    assert to_vtt(TWO_SEGMENTS) == (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.500\nHello there.\n\n"
        "00:00:02.750 --> 00:00:04.125\nHow are you?\n"
    )


def test_txt_is_the_text() -> None:
    assert to_txt(TWO_SEGMENTS) == "Hello there. How are you?\n"


def test_json_keeps_word_times() -> None:
    data = json.loads(to_json(TWO_SEGMENTS))
    assert data["text"] == "Hello there. How are you?"
    assert data["words"][1] == {"text": "there.", "start": 1.5, "end": 2.5}
    assert [s["start"] for s in data["segments"]] == [1.0, 2.75]


def _long_words(count: int, step: float) -> tuple[Word, ...]:
    return tuple(Word(f"word{i:02d}", i * step, i * step + step * 0.8) for i in range(count))


def test_long_segment_is_cut_at_word_times() -> None:
    words = _long_words(30, 0.6)  # 18 s, 239 characters in one segment
    text = " ".join(w.text for w in words)
    transcript = Transcript(text=text, segments=(Segment(text, 0.0, words[-1].end),), words=words)
    pieces = cues(transcript)
    assert len(pieces) > 2
    for cue in pieces:
        assert len(cue.text) <= MAX_CUE_CHARS
        assert cue.end - cue.start <= MAX_CUE_SECONDS
    assert " ".join(c.text for c in pieces) == text
    starts = {w.start for w in words}
    assert all(c.start in starts for c in pieces)


def test_long_segment_without_words_is_spread_over_time() -> None:
    text = " ".join(["syllable"] * 40)  # 359 characters over 30 s
    transcript = Transcript(text=text, segments=(Segment(text, 10.0, 40.0),))
    pieces = cues(transcript)
    assert " ".join(c.text for c in pieces) == text
    assert pieces[0].start == 10.0
    assert pieces[-1].end == pytest.approx(40.0)
    for before, after in itertools.pairwise(pieces):
        assert before.end <= after.start + 1e-9
    assert all(len(c.text) <= MAX_CUE_CHARS for c in pieces)


def test_words_only_transcript_groups_words() -> None:
    words = _long_words(5, 1.0)
    srt = to_srt(Transcript(text="ignored", words=words))
    assert srt.splitlines()[:3] == [
        "1",
        "00:00:00,000 --> 00:00:04,800",
        "word00 word01 word02 word03 word04",
    ]


def test_text_only_transcript_gives_one_cue_over_the_duration() -> None:
    vtt = to_vtt(Transcript(text="Just text.", duration=3.0))
    assert vtt == "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nJust text.\n"


def test_speakers_are_labelled_when_more_than_one() -> None:
    transcript = Transcript(
        text="Hi. Hello.",
        segments=(Segment("Hi.", 0.0, 1.0, speaker="0"), Segment("Hello.", 1.0, 2.0, "1")),
    )
    assert "Speaker 0: Hi." in to_srt(transcript)
    assert to_txt(transcript) == "Speaker 0: Hi.\n\nSpeaker 1: Hello.\n"


def test_empty_transcript_gives_empty_subtitles() -> None:
    assert to_srt(Transcript(text="")) == ""
    assert to_vtt(Transcript(text="")) == "WEBVTT\n"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(UserInputError, match="Unknown transcript format"):
        render(TWO_SEGMENTS, "docx")
