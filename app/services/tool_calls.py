"""Running the tool calls of one model turn: check them, ask the approver, run them through
the toolbox, and turn what happened into the record stored with the reply.

Whatever goes wrong with a call — an unknown tool name, argument text that is not a JSON
object, a refusal, a tool that raises or takes too long, a result too long to send — becomes
a result the model is told in one sentence, so the conversation goes on.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.tool_types import (
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_RESULT_LIMIT,
    ApprovalDecision,
    Approver,
    ToolBox,
    ToolCall,
    ToolOutcome,
    ToolSpec,
    truncate_result,
)

if TYPE_CHECKING:
    from app.api.chat_types import ToolCallPart

log = logging.getLogger(__name__)

DENIED = "The person declined this tool call; it did not run. Carry on without it."
LIMIT_REACHED = (
    "Not run: this question has used its {rounds} rounds of tool calls. Answer with what you have."
)


def tool_call_from(part: ToolCallPart, position: int) -> ToolCall:
    """A call as the model sent it; ``arguments`` is None unless the text is a JSON object
    (empty text counts as ``{}``)."""
    text = part.arguments or ""
    arguments: dict[str, Any] | None
    try:
        parsed = json.loads(text) if text.strip() else {}
    except ValueError:
        parsed = None
    arguments = parsed if isinstance(parsed, dict) else None
    return ToolCall(part.id or f"call_{position}", part.name or "", text, arguments)


@dataclass
class ToolCallRecord:
    """One call as the transcript shows it and the history keeps it (``meta["tool_calls"]``)."""

    id: str
    name: str
    arguments: str
    result: str = ""
    is_error: bool = False
    truncated: bool = False
    seconds: float = 0.0
    approval: str | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "name": self.name,
            "arguments": self.arguments,
            "result": self.result,
            "is_error": self.is_error,
            "truncated": self.truncated,
            "seconds": round(self.seconds, 3),
            "approval": self.approval,
            "source": self.source,
        }
        return data


class ToolCallRunner:
    """Runs calls against one toolbox, asking ``approver`` first (no approver: calls run).

    "Always allow this tool" is remembered for the runner's life (the approver may keep it
    longer).
    """

    def __init__(
        self,
        toolbox: ToolBox,
        approver: Approver | None = None,
        *,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        result_limit: int = DEFAULT_RESULT_LIMIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.toolbox = toolbox
        self.approver = approver
        self.timeout = timeout
        self.result_limit = result_limit
        self.always_allowed: set[str] = set()
        self._clock = clock

    async def run(
        self, call: ToolCall, spec: ToolSpec | None, known: Iterable[str]
    ) -> ToolCallRecord:
        """Check, approve and run one call; never raises for the call's own failure."""
        record = ToolCallRecord(call.id, call.name, call.arguments_json)
        if spec is not None:
            record.source = spec.source
        if spec is None:
            names = ", ".join(sorted(known)) or "none"
            return self._failed(
                record, f"There is no tool named “{call.name}”. The tools you can call: {names}."
            )
        if call.arguments is None:
            seen = _preview(call.arguments_json)
            return self._failed(
                record,
                f"The arguments of this call were not a valid JSON object ({seen}). "
                "Send the call again with the arguments as one JSON object.",
            )
        decision = await self._approval(call, spec)
        record.approval = decision.value
        if decision is ApprovalDecision.DENY:
            return self._failed(record, DENIED)
        started = self._clock()
        outcome = await self._call(call, spec)
        record.seconds = outcome.seconds or (self._clock() - started)
        content, cut = truncate_result(outcome.content, self.result_limit)
        record.result, record.is_error = content, outcome.is_error
        record.truncated = outcome.truncated or cut
        record.extra = dict(outcome.extra)
        return record

    def refused_for_limit(self, call: ToolCall, rounds: int) -> ToolCallRecord:
        record = ToolCallRecord(call.id, call.name, call.arguments_json)
        return self._failed(record, LIMIT_REACHED.format(rounds=rounds))

    @staticmethod
    def _failed(record: ToolCallRecord, sentence: str) -> ToolCallRecord:
        record.result, record.is_error = sentence, True
        return record

    async def _approval(self, call: ToolCall, spec: ToolSpec) -> ApprovalDecision:
        if call.name in self.always_allowed:
            return ApprovalDecision.ALWAYS_ALLOW
        if self.approver is None:
            return ApprovalDecision.ALLOW_ONCE
        decision = await self.approver(call, spec)
        if decision is ApprovalDecision.ALWAYS_ALLOW:
            self.always_allowed.add(call.name)
        return decision

    async def _call(self, call: ToolCall, spec: ToolSpec) -> ToolOutcome:
        import asyncio

        started = self._clock()
        try:
            # the toolbox keeps its own time limit; this one catches a toolbox that does not
            return await asyncio.wait_for(
                self.toolbox.call(call, timeout=self.timeout), self.timeout + 1.0
            )
        except TimeoutError:
            return ToolOutcome(
                f"The tool “{spec.title or spec.name}” took longer than {self.timeout:g} s and "
                "was stopped.",
                is_error=True,
                seconds=self._clock() - started,
            )
        except Exception as exc:  # a toolbox must not raise, but a broken one must not end the chat
            log.warning("tool %s raised", call.name, exc_info=True)
            reason = str(exc) or type(exc).__name__
            return ToolOutcome(
                f"The tool “{spec.title or spec.name}” failed: {reason}",
                is_error=True,
                seconds=self._clock() - started,
            )


def _preview(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"received: {shown}" if shown else "received nothing"
