"""``chat --tools`` and ``--mcp``: the command line completes a tool-using conversation against
the stand-in and the real test MCP server, and leaves no server process behind."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from app.storage.tool_config import ToolConfig, ToolConfigStore
from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi
from tests.mcp_server import command_line, process_alive, server_config

Cli = Callable[..., CliResult]


def test_mcp_adds_a_server_for_this_run(gateway: FakeApi, cli_process: Cli, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    gateway.options.tool_calls = [
        {"name": "add", "arguments": {"a": 2, "b": 40}},
        {"name": "echo", "arguments": {"text": "hi"}},
    ]
    result = cli_process(
        "chat",
        "Add 2 and 40, then echo hi",
        "--mcp",
        command_line("--pid-file", str(pids), "--prefix", "ECHO-"),
        "--approve-tools",
    )
    assert result.code == 0, result.err
    assert result.out == "From the tools: add said 42; echo said ECHO-hi.\n"
    err = result.err_lines
    assert err[0] == 'aiml-desktop: tool call: add {"a": 2, "b": 40}'
    assert err[1].startswith("aiml-desktop: tool result (add · always allowed · ")
    assert err[1].endswith("): 42")
    [pid] = [int(line) for line in pids.read_text().split()]
    assert not process_alive(pid)  # the server ended with the command
    assert ToolConfigStore().load().always_allowed == frozenset()  # nothing remembered


def test_tools_uses_the_saved_servers_and_asks_on_the_terminal(
    gateway: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ToolConfigStore().save(ToolConfig(servers=(server_config("calc"),)))
    gateway.options.tool_calls = [{"name": "add", "arguments": {"a": 1, "b": 2}}]
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))
    result = cli("chat", "1 + 2?", "--tools")
    assert result.code == 0, result.err
    assert result.out == "From the tools: add said 3.\n"
    assert 'allow the tool add from calc with {"a": 1, "b": 2}?' in result.err
    assert ToolConfigStore().load().always_allowed == {"calc/add"}

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    again = cli("chat", "1 + 2 again?", "--tools")
    assert again.code == 0, again.err
    assert "allow the tool" not in again.err  # "always" was remembered
    assert again.out == "From the tools: add said 3.\n"


def test_a_server_that_cannot_start_is_a_note_and_the_chat_goes_on(
    gateway: FakeApi, cli: Cli
) -> None:
    result = cli("chat", "Hello", "--mcp", command_line("--fail-at-start"))
    assert result.code == 0, result.err
    assert "aiml-desktop: note: The server “server” closed the connection before it was ready." in (
        result.err
    )
    assert "error: the configuration file is missing" in result.err
    assert result.out == "Echo: Hello\n"


def test_a_broken_mcp_command_is_one_error(gateway: FakeApi, cli: Cli) -> None:
    sentence = cli("chat", "Hi", "--mcp", "python 'unclosed").assert_one_error()
    assert sentence == "The server command “python 'unclosed” has an unclosed quote."


def test_the_terminal_says_a_crashed_server_is_started_again(
    gateway: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ToolConfigStore().save(ToolConfig(servers=(server_config("calc"),)))
    gateway.options.tool_calls = [{"name": "crash", "arguments": {}}]
    gateway.options.tool_call_rounds = 2
    monkeypatch.setattr("sys.stdin", io.StringIO("y\nn\n"))
    result = cli("chat", "Crash twice?", "--tools")
    assert result.code == 0, result.err
    questions = [line for line in result.err_lines if "allow the tool crash" in line]
    assert len(questions) == 2
    notes = [line for line in result.err_lines if "has failed; allowing this call" in line]
    assert len(notes) == 1
    assert notes[0].startswith(
        "aiml-desktop: note: The server “calc” has failed; allowing this call starts it again."
    )
    question = questions[0]  # asked twice; the note comes between, before the second
    assert result.err.index(question) < result.err.index(notes[0]) < result.err.rindex(question)
