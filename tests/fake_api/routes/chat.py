"""``/v1/chat/completions`` (JSON and SSE) and the legacy ``/v1/completions``."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Iterator
from typing import Any

from tests.fake_api.exchange import Exchange
from tests.fake_api.gateway import cost_for_tokens, cost_headers, nanoid
from tests.fake_api.tool_calls import PlannedCalls, results_answer, tools_problem, wants_tool_calls

WORD_PIECES = re.compile(r"\S+\s*|\s+")


def message_text(content: Any) -> str:
    """Text of a message ``content``: a string or a list of parts with ``text``."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", "")) for part in content if isinstance(part, dict)
        ).strip()
    return ""


def last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message.get("content"))
    return ""


def count_tokens(text: str) -> int:
    return len(text.split())


def word_pieces(text: str) -> list[str]:
    """``text`` split into words that keep their trailing spaces (joining gives ``text``)."""
    return WORD_PIECES.findall(text)


def token_limit(body: dict[str, Any]) -> int | None:
    for key in ("max_completion_tokens", "max_tokens"):
        value = body.get(key)
        if isinstance(value, int) and value >= 1:
            return value
    return None


def chat_problem(body: dict[str, Any]) -> str | None:
    """What the gateway's body validation would complain about, if anything."""
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model: Required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: Required"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message:
            return f"messages[{index}].role: Required"
        if message["role"] not in ("system", "developer", "user", "assistant", "tool"):
            return (
                f"messages[{index}].role: Invalid enum value. Expected 'system' | 'developer' |"
                f" 'user' | 'assistant' | 'tool', received '{message['role']}'"
            )
        if isinstance(message.get("content"), list):
            problem = content_problem(f"messages[{index}].content", message["content"])
            if problem:
                return problem
    for key in ("max_tokens", "max_completion_tokens"):
        if key in body and (not isinstance(body[key], int) or body[key] < 1):
            return f"{key}: Number must be greater than or equal to 1"
    return None


CONTENT_PART_TYPES = ("text", "image_url", "input_audio", "file")
PDF_DATA_URL = "data:application/pdf;base64,"


def content_problem(where: str, parts: list[Any]) -> str | None:
    """What is wrong with a list ``content``: each part is text, an image, audio or a file;
    a ``file`` part carries a PDF as a base64 data URL with its file name (API_NOTES §2.2)."""
    for number, part in enumerate(parts):
        at = f"{where}[{number}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in CONTENT_PART_TYPES:
            return (
                f"{at}.type: Invalid discriminator value. Expected {' | '.join(CONTENT_PART_TYPES)}"
            )
        if kind == "text" and not isinstance(part.get("text"), str):
            return f"{at}.text: Required"
        if kind == "image_url" and not isinstance((part.get("image_url") or {}).get("url"), str):
            return f"{at}.image_url.url: Required"
        if kind == "file":
            problem = file_part_problem(at, part.get("file"))
            if problem:
                return problem
    return None


def file_part_problem(at: str, file: Any) -> str | None:
    if not isinstance(file, dict):
        return f"{at}.file: Required"
    if not isinstance(file.get("filename"), str) or not file["filename"]:
        return f"{at}.file.filename: Required"
    data = file.get("file_data")
    if not isinstance(data, str):
        return f"{at}.file.file_data: Required"
    if not data.startswith(PDF_DATA_URL):
        return (
            f"{at}.file.file_data: Only PDF files are supported (data:application/pdf;base64,...)"
        )
    try:
        raw = base64.b64decode(data[len(PDF_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        return f"{at}.file.file_data: Invalid base64"
    if not raw.startswith(b"%PDF-"):
        return f"{at}.file.file_data: The file is not a PDF"
    return None


class ChatAnswer:
    """The reply to one chat request: text, reasoning, finish reason and usage."""

    def __init__(self, ex: Exchange, body: dict[str, Any]) -> None:
        options = ex.options
        messages = body["messages"]
        self.tools: PlannedCalls | None = None
        if wants_tool_calls(
            body,
            options.tool_calls,
            options.tool_call_rounds,
            ignores_none=options.tool_choice_ignored,
        ):
            self.tools = PlannedCalls(options.tool_calls)
        reply = (
            ""
            if self.tools is not None
            else results_answer(messages)
            or options.chat_reply
            or f"Echo: {last_user_text(messages)}"
        )
        pieces = word_pieces(reply)
        limit = token_limit(body)
        self.finish_reason = "stop" if self.tools is None else "tool_calls"
        if limit is not None and len(pieces) > limit:
            pieces = pieces[:limit]
            self.finish_reason = "length"
        self.pieces = pieces
        self.text = "".join(pieces)
        self.reasoning = options.reasoning
        self.error_after = options.stream_error_after
        self.model = body["model"]
        self.id = f"chatcmpl-{nanoid(24)}"
        self.created = int(time.time())
        prompt = sum(count_tokens(message_text(m.get("content"))) + 4 for m in messages)
        reasoning_tokens = count_tokens(self.reasoning)
        completion = count_tokens(self.text) + reasoning_tokens
        self.usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        self.cost = cost_for_tokens(prompt + completion)

    def completion(self, n: int) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": self.text,
            "refusal": None,
            "annotations": [],
        }
        if self.reasoning:
            message["reasoning_content"] = self.reasoning
        if self.tools is not None:
            message["content"] = None
            message["tool_calls"] = self.tools.message_calls()
        choices = [
            {"index": i, "finish_reason": self.finish_reason, "logprobs": None, "message": message}
            for i in range(n)
        ]
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "choices": choices,
            "usage": self.usage,
            "system_fingerprint": "fp_fake0001",
            "meta": {"usage": self.cost},
        }

    def chunk(
        self, delta: dict[str, Any], finish_reason: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        choices = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "fp_fake0001",
            "choices": choices,
            "usage": None,
        }
        chunk.update(extra)
        return chunk

    def chunks(self, usage_chunk: bool) -> Iterator[dict[str, Any]]:
        content_head = "" if self.tools is None else None
        yield self.chunk({"role": "assistant", "content": content_head, "refusal": None})
        for piece in word_pieces(self.reasoning):
            yield self.chunk({"reasoning_content": piece})
        if self.tools is not None:
            for delta in self.tools.deltas():
                yield self.chunk(delta)
        for index, piece in enumerate(self.pieces):
            if index == self.error_after:
                yield {"error": {"message": "Upstream provider closed the stream", "code": 502}}
                return
            yield self.chunk({"content": piece})
        yield self.chunk({}, self.finish_reason)
        if usage_chunk:
            yield self.chunk({}, None, usage=self.usage, meta={"usage": self.cost}) | {
                "choices": []
            }


def sse_events(payloads: Iterator[dict[str, Any]], include_done: bool) -> Iterator[bytes]:
    for payload in payloads:
        yield b"data: " + json.dumps(payload).encode() + b"\n\n"
    if include_done:
        yield b"data: [DONE]\n\n"


def handle_chat(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_object()
    if body is None:
        return
    problem = chat_problem(body) or tools_problem(body)
    if problem:
        ex.send_validation_error(problem)
        return
    answer = ChatAnswer(ex, body)
    ex.state.charge(answer.model, answer.cost)
    if body.get("stream"):
        events = sse_events(answer.chunks(ex.options.usage_chunk), ex.options.include_done)
        ex.send_chunked(
            200,
            events,
            content_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
            delay=ex.options.stream_delay,
        )
        return
    n = body.get("n") if isinstance(body.get("n"), int) and body["n"] >= 1 else 1
    ex.send_json(answer.completion(n), headers=cost_headers(answer.cost))


def handle_completions(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_with_model()
    if body is None:
        return
    prompt = body.get("prompt")
    if not isinstance(prompt, str):
        ex.send_validation_error("prompt: Required")
        return
    messages = [{"role": "user", "content": prompt}]
    answer = ChatAnswer(ex, {**body, "messages": messages})
    ex.state.charge(answer.model, answer.cost)
    payload = {
        "id": f"cmpl-{nanoid(24)}",
        "object": "text_completion",
        "created": answer.created,
        "model": answer.model,
        "choices": [
            {
                "index": 0,
                "text": answer.text,
                "finish_reason": answer.finish_reason,
                "logprobs": None,
            }
        ],
        "prompt": [],
        "usage": {
            key: answer.usage[key] for key in ("prompt_tokens", "completion_tokens", "total_tokens")
        },
    }
    ex.send_json(payload, headers=cost_headers(answer.cost))
