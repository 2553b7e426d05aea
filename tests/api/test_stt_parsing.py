from __future__ import annotations

import pytest

from app.api.audio_types import Word
from app.api.errors import ResponseFormatError
from app.api.stt_parsing import generation_id_of, group_words, job_state, parse_transcript
from app.api.types import Cost

DEEPGRAM_RESULT = {
    "metadata": {
        "request_id": "r1",
        "created": "2025-06-04T12:00:00.000Z",
        "duration": 11.4,
        "channels": 1,
        "models": ["nova-3"],
        "model_info": {"nova-3": {"name": "nova-3", "version": "2024-12-18.0", "arch": "nova-3"}},
        "transaction_key": "deprecated",
        "sha256": "abc",
    },
    "results": {
        "channels": [
            {
                "alternatives": [
                    {
                        "transcript": "He doesn't belong to you. I know.",
                        "confidence": 0.994,
                        "words": [
                            {
                                "word": "he",
                                "start": 0.32,
                                "end": 0.4,
                                "confidence": 0.994,
                                "speaker": 0,
                                "punctuated_word": "He",
                            },
                            {
                                "word": "doesn't",
                                "start": 0.4,
                                "end": 0.7,
                                "confidence": 0.99,
                                "speaker": 0,
                                "punctuated_word": "doesn't",
                            },
                            {
                                "word": "belong",
                                "start": 0.7,
                                "end": 1.0,
                                "confidence": 0.99,
                                "speaker": 0,
                                "punctuated_word": "belong",
                            },
                            {
                                "word": "to",
                                "start": 1.0,
                                "end": 1.1,
                                "confidence": 0.99,
                                "speaker": 0,
                                "punctuated_word": "to",
                            },
                            {
                                "word": "you",
                                "start": 1.1,
                                "end": 1.4,
                                "confidence": 0.99,
                                "speaker": 0,
                                "punctuated_word": "you.",
                            },
                            {
                                "word": "i",
                                "start": 1.6,
                                "end": 1.7,
                                "confidence": 0.9,
                                "speaker": 1,
                                "punctuated_word": "I",
                            },
                            {
                                "word": "know",
                                "start": 1.7,
                                "end": 2.0,
                                "confidence": 0.9,
                                "speaker": 1,
                                "punctuated_word": "know.",
                            },
                        ],
                    }
                ]
            }
        ]
    },
}


def test_deepgram_shape_words_in_seconds_and_segments_by_speaker() -> None:
    transcript = parse_transcript(DEEPGRAM_RESULT)
    assert transcript.text == "He doesn't belong to you. I know."
    assert transcript.duration == 11.4
    assert transcript.words[0] == Word("He", 0.32, 0.4, "Speaker 1", 0.994)
    assert [s.text for s in transcript.segments] == ["He doesn't belong to you.", "I know."]
    assert [(s.start, s.end) for s in transcript.segments] == [(0.32, 1.4), (1.6, 2.0)]
    assert transcript.speakers == ("Speaker 1", "Speaker 2")


def test_deepgram_utterances_become_segments() -> None:
    body = {
        "results": {
            "channels": [{"alternatives": [{"transcript": "a b", "words": []}]}],
            "utterances": [
                {"start": 0.0, "end": 1.0, "transcript": "a", "speaker": 0},
                {"start": 1.5, "end": 2.0, "transcript": "b", "speaker": 1},
            ],
        }
    }
    segments = parse_transcript(body).segments
    assert [(s.text, s.speaker) for s in segments] == [("a", "Speaker 1"), ("b", "Speaker 2")]


def test_deepgram_paragraphs_become_segments() -> None:
    alternative = {
        "transcript": "Hello there. General Kenobi.",
        "paragraphs": {
            "transcript": "...",
            "paragraphs": [
                {
                    "sentences": [{"text": "Hello there.", "start": 0.1, "end": 0.9}],
                    "start": 0.1,
                    "end": 0.9,
                    "speaker": 0,
                },
                {
                    "sentences": [{"text": "General Kenobi.", "start": 1.5, "end": 2.5}],
                    "start": 1.5,
                    "end": 2.5,
                    "speaker": 1,
                },
            ],
        },
    }
    body = {"results": {"channels": [{"alternatives": [alternative]}]}}
    segments = parse_transcript(body).segments
    assert [(s.text, s.start, s.speaker) for s in segments] == [
        ("Hello there.", 0.1, "Speaker 1"),
        ("General Kenobi.", 1.5, "Speaker 2"),
    ]


def test_deepgram_channels_as_object_per_the_schema() -> None:
    body = {"results": {"channels": {"alternatives": [{"transcript": "odd schema"}]}}}
    assert parse_transcript(body).text == "odd schema"


ASSEMBLYAI_RESULT = {
    "id": "t1",
    "status": "completed",
    "language_code": "en_us",
    "audio_url": "https://x/a.mp3",
    "text": "He doesn't. Right.",
    "words": [
        {"text": "He", "start": 400, "end": 520, "confidence": 0.98, "speaker": "A"},
        {"text": "doesn't.", "start": 520, "end": 900, "confidence": 0.97, "speaker": "A"},
        {"text": "Right.", "start": 4000, "end": 4400, "confidence": 0.9, "speaker": "B"},
    ],
    "utterances": [
        {"speaker": "A", "text": "He doesn't.", "start": 400, "end": 900, "confidence": 0.9},
        {"speaker": "B", "text": "Right.", "start": 4000, "end": 4400, "confidence": 0.9},
    ],
    "confidence": 0.95,
    "audio_duration": 5,
}


def test_assemblyai_shape_milliseconds_become_seconds() -> None:
    transcript = parse_transcript(ASSEMBLYAI_RESULT)
    assert transcript.text == "He doesn't. Right."
    assert transcript.language == "en_us"
    assert transcript.duration == 5
    assert transcript.words[0].start == pytest.approx(0.4)
    assert transcript.words[0].end == pytest.approx(0.52)
    assert [(s.text, s.speaker) for s in transcript.segments] == [
        ("He doesn't.", "Speaker A"),
        ("Right.", "Speaker B"),
    ]
    assert transcript.segments[1].start == pytest.approx(4.0)


def test_assemblyai_without_utterances_groups_words_at_the_pause() -> None:
    body = {**ASSEMBLYAI_RESULT, "utterances": None}
    body["words"] = [dict(w, speaker=None) for w in body["words"]]
    segments = parse_transcript(body).segments
    assert [s.text for s in segments] == ["He doesn't.", "Right."]
    assert all(s.speaker is None for s in segments)


def test_openai_shape_text_and_token_usage() -> None:
    body = {
        "text": "Hello world.",
        "usage": {
            "type": "tokens",
            "total_tokens": 135,
            "input_tokens": 100,
            "input_token_details": {"text_tokens": 0, "audio_tokens": 100},
            "output_tokens": 35,
        },
    }
    transcript = parse_transcript(body)
    assert transcript.text == "Hello world."
    assert transcript.segments == ()
    assert transcript.cost == Cost()


def test_openai_verbose_json() -> None:
    body = {
        "task": "transcribe",
        "language": "english",
        "duration": 3.2,
        "text": "Hi. Bye.",
        "segments": [
            {"id": 0, "start": 0.0, "end": 1.2, "text": " Hi."},
            {"id": 1, "start": 1.5, "end": 3.2, "text": " Bye."},
        ],
        "words": [{"word": "Hi.", "start": 0.0, "end": 0.5}],
    }
    transcript = parse_transcript(body)
    assert [(s.text, s.end) for s in transcript.segments] == [("Hi.", 1.2), ("Bye.", 3.2)]
    assert transcript.words == (Word("Hi.", 0.0, 0.5),)
    assert (transcript.language, transcript.duration) == ("english", 3.2)


def test_mai_shape_seconds_and_cost() -> None:
    transcript = parse_transcript({"text": "Testing.", "usage": {"seconds": 11, "cost": 0.0011}})
    assert transcript.text == "Testing."
    assert transcript.duration == 11
    assert transcript.cost == Cost(usd=0.0011)


@pytest.mark.parametrize("body", [{}, {"results": "nope"}, None, 5, {"text": None}])
def test_unusable_results(body: object) -> None:
    if isinstance(body, dict) and "results" in body:
        assert parse_transcript(body).text == ""
        return
    with pytest.raises(ResponseFormatError):
        parse_transcript(body)


@pytest.mark.parametrize(
    ("envelope", "status", "succeeded", "failed", "stage"),
    [
        ({"generation_id": "g", "status": "waiting"}, "waiting", False, False, "waiting"),
        ({"generation_id": "g", "status": "queued"}, "queued", False, False, "waiting"),
        ({"generation_id": "g", "status": "active"}, "active", False, False, "transcribing"),
        (
            {"generation_id": "g", "status": "generating"},
            "generating",
            False,
            False,
            "transcribing",
        ),
        (
            {"generation_id": "g", "status": "processing"},
            "processing",
            False,
            False,
            "transcribing",
        ),
        ({"status": "something-new"}, "something-new", False, False, "transcribing"),
        (
            {"status": "COMPLETED", "result": {"text": "x"}},
            "completed",
            True,
            False,
            "transcribing",
        ),
        (
            {"status": "succeeded", "output": {"text": "x"}},
            "succeeded",
            True,
            False,
            "transcribing",
        ),
        ({"status": "done", "result": {"text": "x"}}, "done", True, False, "transcribing"),
        (
            {"status": "error", "error": {"name": "E", "message": "bad audio"}},
            "error",
            False,
            True,
            "transcribing",
        ),
        ({"status": "failed"}, "failed", False, True, "transcribing"),
        ({"status": "cancelled"}, "cancelled", False, True, "transcribing"),
        ({"status": "canceled"}, "canceled", False, True, "transcribing"),
        ({"status": "timeout"}, "timeout", False, True, "transcribing"),
        ({"result": {"text": "no status word"}}, "completed", True, False, "transcribing"),
    ],
)
def test_job_states(envelope: dict, status: str, succeeded: bool, failed: bool, stage: str) -> None:
    state = job_state(envelope)
    assert (state.status, state.succeeded, state.failed, state.stage) == (
        status,
        succeeded,
        failed,
        stage,
    )


def test_output_envelope_and_error_message() -> None:
    state = job_state({"id": "x", "status": "completed", "output": {"text": "hi"}, "error": None})
    assert parse_transcript(state.payload).text == "hi"
    failed = job_state({"status": "error", "error": {"name": "E", "message": "bad audio"}})
    assert failed.error == "bad audio"


def test_generation_id() -> None:
    assert generation_id_of({"generation_id": "RlLz0hRdAs9voL5Qi1Pzr", "status": "queued"}) == (
        "RlLz0hRdAs9voL5Qi1Pzr"
    )
    assert generation_id_of({"id": "abc"}) == "abc"
    with pytest.raises(ResponseFormatError):
        generation_id_of({"status": "queued"})


def test_group_words_splits_long_monologue() -> None:
    words = [Word(f"w{i}.", float(i), i + 0.9) for i in range(30)]
    segments = group_words(words)
    assert len(segments) >= 2
    assert all(s.end - s.start <= 21 for s in segments)
    assert " ".join(s.text for s in segments) == " ".join(w.text for w in words)
