"""``chat`` with tools: the terminal asks before each call, --approve-tools allows them all;
tool calls and results go to stderr and the answer to stdout."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.context import Services
from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi
from tests.tools.local_toolbox import LocalToolBox

Cli = Callable[..., CliResult]
PLAN = [
    {"name": "get_weather", "arguments": {"city": "Paris"}},
    {"name": "get_weather", "arguments": {"city": "Tokyo"}},
]


@pytest.fixture
def toolbox(monkeypatch: pytest.MonkeyPatch) -> LocalToolBox:
    box = LocalToolBox(["get_weather"])
    monkeypatch.setattr("app.chat_cli.build_toolbox", lambda services, args: box)
    return box


def test_approve_tools_runs_every_call(gateway: FakeApi, cli: Cli, toolbox: LocalToolBox) -> None:
    gateway.options.tool_calls = PLAN
    result = cli("chat", "Weather in Paris and Tokyo?", "--approve-tools")
    assert result.code == 0, result.err
    assert result.out == (
        "From the tools: get_weather said 18 °C, sunny; get_weather said 22 °C, light rain.\n"
    )
    err = result.err_lines
    assert err[0] == 'aiml-desktop: tool call: get_weather {"city": "Paris"}'
    assert err[1].startswith("aiml-desktop: tool result (get_weather · always allowed · ")
    assert err[1].endswith("): 18 °C, sunny")
    assert len(err) == 4
    assert len(toolbox.calls) == 2


def test_the_terminal_asks_and_no_denies(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway.options.tool_calls = PLAN
    monkeypatch.setattr("sys.stdin", io.StringIO("y\nn\n"))
    result = cli("chat", "Both?", "--no-stream")
    assert result.code == 0, result.err
    assert toolbox.calls == [("get_weather", {"city": "Paris"})]
    assert result.err.count("allow the tool get_weather from tests with") == 2
    assert "get_weather · denied): The person declined" in result.err
    assert "declined" in result.out and result.out.count("\n") == 1


def test_no_answer_denies_and_says_how_to_allow(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway.options.tool_calls = PLAN[:1]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = cli("chat", "Paris?")
    assert result.code == 0, result.err
    assert toolbox.calls == []
    assert "--approve-tools allows all" in result.err


def test_the_tool_calls_are_saved_with_the_conversation(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox
) -> None:
    gateway.options.tool_calls = PLAN[:1]
    assert cli("chat", "Paris?", "--approve-tools").code == 0
    [row] = json.loads(cli("conversations", "--json").out)
    services = Services()
    try:
        stored = services.chat_history.store.messages(row["id"])
    finally:
        services.close()
    assert [m.role for m in stored] == ["user", "assistant", "assistant"]
    assert stored[1].meta["tool_calls"][0]["result"] == "18 °C, sunny"


def test_no_stream_asks_for_whole_replies_with_tools_on(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox
) -> None:
    gateway.options.tool_calls = PLAN
    result = cli("chat", "Weather in Paris and Tokyo?", "--approve-tools", "--no-stream")
    assert result.code == 0, result.err
    assert result.out == (
        "From the tools: get_weather said 18 °C, sunny; get_weather said 22 °C, light rain.\n"
    )
    bodies = [r.json for r in gateway.requests if r.path.endswith("/chat/completions")]
    assert [b.get("stream", False) for b in bodies] == [False, False]
    assert len(toolbox.calls) == 2


def test_a_model_that_keeps_calling_tools_stops_at_the_setting(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox, write_settings: Callable[..., object]
) -> None:
    write_settings(tool_max_rounds=2)
    gateway.options.tool_calls = PLAN[:1]
    gateway.options.tool_call_rounds = 99
    gateway.options.tool_choice_ignored = True
    result = cli("chat", "Loop?", "--approve-tools")
    assert result.code == 1
    assert len(toolbox.calls) == 2
    assert result.out == ""
    assert result.err_lines[-1] == (
        "aiml-desktop: error: The model kept asking for tools after 2 rounds of tool calls, so "
        "it was stopped without an answer. Ask again, or raise “Tool rounds per question” in "
        "Settings → Tools."
    )


def test_no_history_with_tools_runs_the_calls_and_saves_nothing(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox
) -> None:
    gateway.options.tool_calls = PLAN[:1]
    result = cli("chat", "Paris?", "--no-history", "--tools", "--approve-tools")
    assert result.code == 0, result.err
    assert result.out == "From the tools: get_weather said 18 °C, sunny.\n"
    assert toolbox.calls == [("get_weather", {"city": "Paris"})]
    assert json.loads(cli("conversations", "--json").out) == []
    refused = cli("chat", "Hi", "--no-history", "--tools", "--conversation", "1")
    assert refused.code == 2
    assert refused.err_lines == [
        "aiml-desktop: error: --conversation cannot be used with --no-history."
    ]


def test_tools_and_an_attached_file_go_together(
    gateway: FakeApi, cli: Cli, toolbox: LocalToolBox, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Paris is in France.", encoding="utf-8")
    gateway.options.tool_calls = PLAN[:1]
    result = cli("chat", "Weather?", "--attach", notes, "--approve-tools", "--no-history")
    assert result.code == 0, result.err
    assert result.out.startswith("From the tools: get_weather said 18 °C, sunny.\n")
    assert result.out.endswith("Sources:\n[1] notes.txt\n")
    first = next(r.json for r in gateway.requests if r.path.endswith("/chat/completions"))
    assert "Paris is in France." in json.dumps(first["messages"])
    assert toolbox.calls == [("get_weather", {"city": "Paris"})]
