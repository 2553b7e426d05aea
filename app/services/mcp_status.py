"""Where a tool server is, as the window shows it: its state, its tools, why it failed.

Kept apart from ``mcp_servers``, which runs the servers on an asyncio thread, so the tools
panel and the settings can name a server's state without loading that machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ServerState(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class McpTool:
    """One tool as its server describes it."""

    name: str
    description: str
    parameters: dict[str, Any]
    title: str = ""


@dataclass(frozen=True)
class ServerStatus:
    """Where one server is now, as the person sees it.

    Attributes:
        state: stopped, starting, ready or failed.
        tools: the tools it offered when it was last ready.
        reason: for a failed server, one sentence saying what happened.
        stderr_tail: the last lines the server wrote to stderr.
    """

    state: ServerState = ServerState.STOPPED
    tools: tuple[McpTool, ...] = ()
    reason: str = ""
    stderr_tail: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.state is ServerState.READY:
            count = len(self.tools)
            return f"Ready with {count} tool{'s' if count != 1 else ''}"
        if self.state is ServerState.STARTING:
            return "Starting…"
        if self.state is ServerState.FAILED:
            return f"Failed: {self.reason}"
        return "Not running (starts when a conversation needs it)"


class ServerFailed(Exception):
    """A server could not be started or stopped answering; ``str()`` is the sentence."""

    def __init__(self, sentence: str, stderr_tail: tuple[str, ...] = ()) -> None:
        super().__init__(sentence)
        self.stderr_tail = stderr_tail
