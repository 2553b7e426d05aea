"""``chat --assistant``: an assistant that lists tools by name has them in its conversation."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from app.services.assistants import AssistantService
from app.services.context import Services
from app.storage.assistants import Assistant
from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi

Cli = Callable[..., CliResult]


def save_assistant(tools: tuple[str, ...]) -> None:
    services = Services()
    try:
        clock = Assistant(name="Clock", system_prompt="Tell the time.", tools=tools)
        AssistantService(services).save(clock)
    finally:
        services.close()


def tool_names(body: dict[str, object]) -> list[str]:
    return [t["function"]["name"] for t in body.get("tools", [])]  # type: ignore[index, union-attr]


@pytest.mark.parametrize("history", [True, False])
def test_an_assistants_builtin_tool_is_offered_and_run(
    gateway: FakeApi, cli: Cli, history: bool
) -> None:
    save_assistant(("Current date and time",))  # a built-in tool by its label; off in Settings
    gateway.options.tool_calls = [
        {"name": "current_date_time", "arguments": {"timezone": "Asia/Tokyo"}}
    ]
    extra = [] if history else ["--no-history"]
    result = cli("chat", "What time is it?", "--assistant", "clock", "--approve-tools", *extra)
    assert result.code == 0, result.err
    first, _second = [r.json for r in gateway.requests_to("/v1/chat/completions")]
    assert tool_names(first) == ["current_date_time"]
    assert result.out.startswith("From the tools: current_date_time said ")
    assert "+09:00" in result.out
    assert "tool call: current_date_time" in result.err
    saved = json.loads(cli("conversations", "--json").out)
    assert len(saved) == (1 if history else 0)


def test_an_assistant_without_tools_offers_none(gateway: FakeApi, cli: Cli) -> None:
    save_assistant(())
    gateway.options.tool_calls = [{"name": "current_date_time", "arguments": {}}]
    result = cli("chat", "Time?", "--assistant", "clock")
    assert result.code == 0, result.err
    [body] = [r.json for r in gateway.requests_to("/v1/chat/completions")]
    assert "tools" not in body


def test_a_tool_name_that_is_nowhere_is_a_note(gateway: FakeApi, cli: Cli) -> None:
    save_assistant(("current_date_time", "no-such-server"))
    result = cli("chat", "Time?", "--assistant", "clock", "--approve-tools")
    assert result.code == 0, result.err
    assert (
        "aiml-desktop: note: The assistant's tool “no-such-server” is neither a built-in tool nor "
        "a server in Settings → Tools, so this conversation goes without it."
    ) in result.err_lines
    [body] = [r.json for r in gateway.requests_to("/v1/chat/completions")]
    assert tool_names(body) == ["current_date_time"]
