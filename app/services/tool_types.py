"""What a chat conversation and the tools it may call agree on.

A chat session sends the specs of the tools that are on to the model, assembles the calls the
model asks for, asks an approver whether each may run, runs it through a ``ToolBox`` and sends
the outcome back as a ``role: tool`` message. Where the tools come from (built-in, MCP servers
over stdio or streamable HTTP) is the toolbox's business; what the person decided is the
approver's. Nothing here imports Qt.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

# A tool result longer than this many characters is cut before it goes back to the model.
DEFAULT_RESULT_LIMIT = 20_000
# How long one tool call may take before it counts as timed out.
DEFAULT_CALL_TIMEOUT = 60.0
# How many model rounds one question may take when each round asks for tools.
DEFAULT_MAX_ROUNDS = 10
# The longest tool name a model accepts.
MAX_NAME = 64


def tool_name(text: str) -> str:
    """``text`` as a name the model accepts: letters, digits, ``_`` and ``-``, at most 64."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:MAX_NAME] or "tool"


@dataclass(frozen=True)
class ToolSpec:
    """One tool as the model sees it.

    Attributes:
        name: the unique name sent to the model (letters, digits, ``_`` and ``-``; ≤ 64).
        description: what the tool does, in the tool author's words.
        parameters: the JSON Schema of the arguments object.
        source: ``"builtin"`` or the name of the MCP server that provides it.
        title: the name to show a person (the server's own tool name); ``name`` when empty.
    """

    name: str
    description: str
    parameters: dict[str, Any]
    source: str
    title: str = ""

    def as_request_tool(self) -> dict[str, Any]:
        """The entry of the request's ``tools`` list."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters or {"type": "object", "properties": {}},
            },
        }


@dataclass(frozen=True)
class ToolCall:
    """A call the model asked for, assembled from the stream.

    ``arguments_json`` is the text the model sent; ``arguments`` is it parsed, or None when it
    is not a JSON object (the session then answers the model with an error instead of running
    the tool).
    """

    id: str
    name: str
    arguments_json: str
    arguments: dict[str, Any] | None = None


class ApprovalDecision(StrEnum):
    """What the person said about one call."""

    ALLOW_ONCE = "allow_once"
    ALWAYS_ALLOW = "always_allow"
    DENY = "deny"


@dataclass(frozen=True)
class ToolOutcome:
    """What running one call gave, as it is sent back to the model and shown in the transcript.

    Attributes:
        content: the text sent back as the ``role: tool`` message.
        is_error: the tool failed, timed out, was unknown, or was denied.
        truncated: ``content`` was cut to the result limit (and says so at its end).
        seconds: how long the call took.
        approval: the decision that let it run (or refused it); None for tools that need none.
    """

    content: str
    is_error: bool = False
    truncated: bool = False
    seconds: float = 0.0
    approval: ApprovalDecision | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ToolBox(Protocol):
    """The tools one conversation may call."""

    async def list_tools(self) -> list[ToolSpec]:
        """The specs of every tool that is on; starts servers that are needed and not running."""
        ...

    async def call(self, call: ToolCall, *, timeout: float = DEFAULT_CALL_TIMEOUT) -> ToolOutcome:
        """Runs one call and returns its outcome; never raises for a tool's own failure."""
        ...


# Asked before a call runs; ``spec`` is None for a name the toolbox does not know.
Approver = Callable[[ToolCall, ToolSpec | None], Awaitable[ApprovalDecision]]


def truncate_result(text: str, limit: int = DEFAULT_RESULT_LIMIT) -> tuple[str, bool]:
    """Cuts a tool result to ``limit`` characters and says so at its end."""
    if len(text) <= limit:
        return text, False
    note = f"\n\n[result truncated: {len(text):,} characters, the first {limit:,} shown]"
    return text[:limit] + note, True
