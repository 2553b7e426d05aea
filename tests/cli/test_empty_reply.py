"""A reply without text says so, with the finish reason, and the command exits non-zero."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Reply

Cli = Callable[..., CliResult]


def _event(delta: dict, finish_reason: str | None = None) -> bytes:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "model": "gpt-4o",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


TOOL_CALL_ONLY_STREAM = Reply(
    pieces=(
        _event({"role": "assistant", "content": None}),
        _event(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'},
                    }
                ]
            }
        ),
        _event({}, "tool_calls"),
        b"data: [DONE]\n\n",
    ),
    content_type="text/event-stream",
)


def _completion(content: str, finish_reason: str) -> Reply:
    return Reply(
        json={
            "id": "chatcmpl-2",
            "object": "chat.completion",
            "model": "gpt-4o",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
        }
    )


def test_tool_call_only_stream_says_why_it_is_empty(gateway: FakeApi, cli: Cli) -> None:
    gateway.script("/v1/chat/completions", TOOL_CALL_ONLY_STREAM)
    result = cli("chat", "What is the weather in Oslo?")
    sentence = result.assert_one_error(code=1)
    assert sentence == (
        "The reply was empty: the model asked to call a tool, and this chat offers none "
        "(finish reason: tool_calls)."
    )
    assert result.out == ""


def test_empty_content_without_streaming(gateway: FakeApi, cli: Cli) -> None:
    gateway.script("/v1/chat/completions", _completion("", "stop"))
    result = cli("chat", "Say nothing", "--no-stream")
    assert "The reply was empty" in result.assert_one_error(code=1)
    assert "(finish reason: stop)" in result.err


def test_empty_reply_at_the_token_limit_suggests_more_tokens(gateway: FakeApi, cli: Cli) -> None:
    gateway.script("/v1/chat/completions", _completion("  ", "length"))
    result = cli("chat", "Think hard", "--no-stream", "--max-tokens", "5")
    assert "raise Max tokens (finish reason: length)" in result.assert_one_error(code=1)


def test_empty_text_completion(gateway: FakeApi, cli: Cli) -> None:
    gateway.script(
        "/v1/completions",
        Reply(json={"choices": [{"index": 0, "text": "", "finish_reason": "stop"}]}),
    )
    result = cli("complete", "Once upon a time")
    assert "The reply was empty" in result.assert_one_error(code=1)
