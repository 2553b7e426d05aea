"""Tool calls the way the gateway streams them (OpenAI format, API_NOTES §2.4).

A turn that calls tools starts with ``delta: {role: assistant, content: null}``, then for each
call one delta with ``index``, ``id``, ``type`` and ``function.name`` (``arguments: ""``),
then the argument JSON in pieces (``{index, function: {arguments: piece}}``); both calls of a
parallel turn interleave. It ends with ``finish_reason: "tool_calls"``. The answer after the
results are sent back names each tool and repeats what it returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.fake_api.gateway import nanoid

PIECE_CHARS = 7


def tools_problem(body: dict[str, Any]) -> str | None:
    """What the gateway's validation says about ``tools``, ``tool_choice`` and tool messages."""
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Expected array"
        for index, tool in enumerate(tools):
            function = tool.get("function") if isinstance(tool, dict) else None
            if not isinstance(tool, dict) or tool.get("type") != "function":
                return f'tools[{index}].type: Invalid literal value, expected "function"'
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                return f"tools[{index}].function.name: Required"
    choice = body.get("tool_choice")
    named = isinstance(choice, dict) and choice.get("type") == "function"
    if choice is not None and choice not in ("auto", "none", "required") and not named:
        return "tool_choice: Invalid input"
    return _tool_messages_problem(body["messages"])


def _tool_messages_problem(messages: list[dict[str, Any]]) -> str | None:
    waiting: set[str] = set()  # ids of the last assistant turn's calls not yet answered
    for index, message in enumerate(messages):
        role = message.get("role")
        if role == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str):
                return f"messages[{index}].tool_call_id: Required"
            if call_id not in waiting:
                return (
                    f"messages[{index}]: messages with role 'tool' must be a response to a "
                    "preceding message with 'tool_calls'"
                )
            waiting.discard(call_id)
            continue
        if waiting:
            return (
                "An assistant message with 'tool_calls' must be followed by tool messages "
                f"responding to each 'tool_call_id'. Missing: {', '.join(sorted(waiting))}"
            )
        if role == "assistant":
            calls = message.get("tool_calls") or []
            waiting = {str(call.get("id")) for call in calls if isinstance(call, dict)}
    if waiting:
        return f"Missing tool messages for: {', '.join(sorted(waiting))}"
    return None


def rounds_since_user(messages: list[dict[str, Any]]) -> int:
    """Assistant turns with tool calls after the person's last message."""
    count = 0
    for message in reversed(messages):
        if message.get("role") == "user":
            break
        if message.get("role") == "assistant" and message.get("tool_calls"):
            count += 1
    return count


def wants_tool_calls(
    body: dict[str, Any], planned: list[dict[str, Any]], rounds: int, *, ignores_none: bool = False
) -> bool:
    """Whether this turn calls tools: some are planned and offered, the request does not say
    ``tool_choice: "none"`` (unless the model ignores that), and fewer than ``rounds`` turns
    since the person's last message called them."""
    return (
        bool(planned)
        and bool(body.get("tools"))
        and (ignores_none or body.get("tool_choice") != "none")
        and rounds_since_user(body["messages"]) < rounds
    )


def results_answer(messages: list[dict[str, Any]]) -> str | None:
    """The text answer after tool results: names each tool and what it returned."""
    names: dict[str, str] = {}
    for message in messages:
        for call in message.get("tool_calls") or []:
            names[str(call.get("id"))] = str(call.get("function", {}).get("name"))
    results = []
    for message in reversed(messages):
        if message.get("role") != "tool":
            break
        name = names.get(str(message.get("tool_call_id")), "?")
        results.append(f"{name} said {message.get('content')}")
    if not results:
        return None
    return "From the tools: " + "; ".join(reversed(results)) + "."


class PlannedCalls:
    """The calls of one turn, with ids, as whole messages or stream deltas."""

    def __init__(self, planned: list[dict[str, Any]]) -> None:
        self.calls = []
        for plan in planned:
            text = plan.get("arguments_text")
            if text is None:
                text = json.dumps(plan.get("arguments") or {})
            self.calls.append({"id": f"call_{nanoid(24)}", "name": plan["name"], "text": text})

    def message_calls(self) -> list[dict[str, Any]]:
        return [
            {
                "id": call["id"],
                "type": "function",
                "function": {"name": call["name"], "arguments": call["text"]},
            }
            for call in self.calls
        ]

    def deltas(self) -> Iterator[dict[str, Any]]:
        """``delta`` objects: each call's head, then argument pieces of all calls in turn."""
        for index, call in enumerate(self.calls):
            head = {"id": call["id"], "type": "function"}
            head["function"] = {"name": call["name"], "arguments": ""}
            yield {"tool_calls": [{"index": index, **head}]}
        pieces = [
            [call["text"][i : i + PIECE_CHARS] for i in range(0, len(call["text"]), PIECE_CHARS)]
            for call in self.calls
        ]
        for step in range(max((len(p) for p in pieces), default=0)):
            for index, parts in enumerate(pieces):
                if step < len(parts):
                    yield {"tool_calls": [{"index": index, "function": {"arguments": parts[step]}}]}
