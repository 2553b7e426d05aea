"""Tool calls streamed in pieces are assembled into whole calls (and whole replies parsed)."""

from __future__ import annotations

import json

from app.api.chat_parsing import ChunkAccumulator, parse_chat_chunk
from app.api.chat_types import ToolCallPart
from app.api.client import ApiClient
from tests.fake_api import FakeApi

TOOLS = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
QUESTION = [{"role": "user", "content": "Look both up"}]
PLAN = [
    {"name": "lookup", "arguments": {"word": "serendipity", "lang": "en"}},
    {"name": "lookup", "arguments": {"word": "Fernweh", "lang": "de"}},
]


def test_a_streamed_turn_with_two_parallel_calls(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = PLAN
    reply = ChunkAccumulator()
    pieces = 0
    with client.chat.stream(model="gpt-4o", messages=QUESTION, tools=TOOLS) as stream:
        for chunk in stream:
            pieces += sum(1 for part in chunk.tool_calls if part.arguments)
            reply.add(chunk)
    result = reply.result()
    assert pieces > 4
    assert result.finish_reason == "tool_calls"
    assert result.content == ""
    assert [json.loads(c.arguments) for c in result.tool_calls] == [p["arguments"] for p in PLAN]
    assert [c.name for c in result.tool_calls] == ["lookup", "lookup"]
    assert all(c.id and c.id.startswith("call_") for c in result.tool_calls)


def test_a_whole_reply_with_calls(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.tool_calls = PLAN[:1]
    result = client.chat.create(model="gpt-4o", messages=QUESTION, tools=TOOLS)
    assert result.finish_reason == "tool_calls"
    [call] = result.tool_calls
    assert call.name == "lookup" and json.loads(call.arguments)["word"] == "serendipity"


def test_pieces_without_an_index_are_joined_by_id() -> None:
    reply = ChunkAccumulator()
    events = [
        {"tool_calls": [{"id": "a", "function": {"name": "one", "arguments": '{"x"'}}]},
        {"tool_calls": [{"function": {"arguments": ": 1}"}}]},
        {"tool_calls": [{"id": "b", "function": {"name": "two", "arguments": "{}"}}]},
    ]
    for delta in events:
        chunk = parse_chat_chunk({"choices": [{"index": 0, "delta": delta}]})
        assert chunk is not None
        reply.add(chunk)
    assert reply.tool_calls == (
        ToolCallPart(0, "a", "one", '{"x": 1}'),
        ToolCallPart(1, "b", "two", "{}"),
    )
