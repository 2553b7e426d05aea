from __future__ import annotations

import json

import pytest

from app.api.chat_parsing import (
    ChunkAccumulator,
    parse_chat_chunk,
    parse_chat_completion,
    parse_chat_event,
)
from app.api.errors import ResponseFormatError, StreamError
from app.api.types import Cost, Usage

DOCUMENTED_COMPLETION = {
    "id": "chatcmpl-BKKZhTdruxKWjdUlq29ooeew185LD",
    "object": "chat.completion",
    "created": 1744185349,
    "model": "chatgpt-4o-latest",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "message": {
                "role": "assistant",
                "content": "Hello! How can I help you today?",
                "refusal": None,
                "annotations": [],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 84,
        "completion_tokens": 347,
        "total_tokens": 431,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "system_fingerprint": "fp_d04424daa8",
    "meta": {"usage": {"credits_used": 1892, "usd_spent": 0.000946}},
}


def test_documented_completion() -> None:
    completion = parse_chat_completion(DOCUMENTED_COMPLETION)
    assert completion.content == "Hello! How can I help you today?"
    assert completion.id == "chatcmpl-BKKZhTdruxKWjdUlq29ooeew185LD"
    assert completion.model == "chatgpt-4o-latest"
    assert completion.created == 1744185349
    assert completion.finish_reason == "stop"
    assert completion.usage == Usage(84, 347, 431, 0)
    assert completion.cost == Cost(credits=1892, usd=0.000946)


def test_completion_without_id_created_or_meta_takes_cost_from_headers() -> None:
    body = {"choices": [{"message": {"role": "assistant", "content": "Hi"}}]}
    headers = {"x-aimlapi-credits-used": "2480", "x-aimlapi-usd-spent": "0.001240000"}
    completion = parse_chat_completion(body, headers)
    assert (completion.content, completion.id, completion.created) == ("Hi", None, None)
    assert completion.cost == Cost(credits=2480, usd=0.00124)


@pytest.mark.parametrize("key", ["reasoning_content", "reasoning"])
def test_reasoning_in_either_field(key: str) -> None:
    body = {"choices": [{"message": {"content": "42", key: "thinking..."}}]}
    assert parse_chat_completion(body).reasoning == "thinking..."


def test_content_as_list_of_text_parts() -> None:
    body = {"choices": [{"message": {"content": [{"type": "text", "text": "a"}, "b"]}}]}
    assert parse_chat_completion(body).content == "ab"


def test_null_content_is_empty_text() -> None:
    body = {"choices": [{"message": {"content": None, "tool_calls": []}}]}
    assert parse_chat_completion(body).content == ""


def test_legacy_text_completion() -> None:
    body = {
        "id": "cmpl-1",
        "object": "text_completion",
        "choices": [{"text": "Once upon a time", "finish_reason": "length"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    }
    completion = parse_chat_completion(body)
    assert completion.content == "Once upon a time"
    assert completion.finish_reason == "length"
    assert completion.usage.total_tokens == 7


@pytest.mark.parametrize(
    "body",
    [[], "text", None, {}, {"choices": []}, {"error": {"message": "model overloaded"}}],
)
def test_unusable_bodies_raise_format_error(body: object) -> None:
    with pytest.raises(ResponseFormatError):
        parse_chat_completion(body)


def test_error_message_in_body_is_kept() -> None:
    with pytest.raises(ResponseFormatError, match="model overloaded"):
        parse_chat_completion({"error": {"message": "model overloaded"}})


STREAM_EVENTS = [
    '{"id":"chatcmpl-DL2G","object":"chat.completion.chunk","created":1773905945,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant",'
    '"content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}',
    '{"id":"chatcmpl-DL2G","choices":[{"index":0,"delta":{"content":"Hello"},'
    '"finish_reason":null}],"usage":null}',
    '{"id":"chatcmpl-DL2G","choices":[{"index":0,"delta":{"content":" there"},'
    '"finish_reason":null}],"usage":null}',
    '{"id":"chatcmpl-DL2G","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
    '{"id":"chatcmpl-DL2G","choices":[],"usage":{"prompt_tokens":16,"completion_tokens":102,'
    '"total_tokens":118},"meta":{"usage":{"credits_used":300,"usd_spent":0.00015}}}',
]


def test_documented_stream_assembles() -> None:
    accumulator = ChunkAccumulator()
    chunks = [parse_chat_event(data) for data in STREAM_EVENTS]
    for chunk in chunks:
        assert chunk is not None
        accumulator.add(chunk)
    usage_chunk = chunks[-1]
    assert usage_chunk.content == ""
    assert usage_chunk.usage == Usage(16, 102, 118)
    result = accumulator.result()
    assert result.content == "Hello there"
    assert result.finish_reason == "stop"
    assert result.model == "gpt-4o-2024-08-06"
    assert result.created == 1773905945
    assert result.usage.total_tokens == 118
    assert result.cost == Cost(credits=300, usd=0.00015)


@pytest.mark.parametrize("key", ["reasoning_content", "reasoning"])
def test_stream_reasoning_in_either_field(key: str) -> None:
    chunk = parse_chat_chunk({"choices": [{"delta": {key: "hmm"}}]})
    assert chunk is not None
    assert (chunk.reasoning, chunk.content) == ("hmm", "")


def test_chunk_with_nothing_is_skipped() -> None:
    assert parse_chat_chunk({"id": "x", "choices": [], "usage": None}) is None
    assert parse_chat_chunk([1, 2]) is None


def test_error_object_mid_stream_raises_stream_error_with_its_message() -> None:
    with pytest.raises(StreamError, match="upstream timed out"):
        parse_chat_event(json.dumps({"error": {"message": "upstream timed out", "code": 504}}))
    with pytest.raises(StreamError, match="plain words"):
        parse_chat_event(json.dumps({"error": "plain words"}))


def test_malformed_event_raises_format_error() -> None:
    with pytest.raises(ResponseFormatError):
        parse_chat_event('{"choices": [')
