"""Control sequences and bidirectional overrides in a reply never reach a terminal (piped or
``--raw`` output keeps them), nor do they reach stderr in error lines, tool calls, tool results
or the tool-approval question; standard input that is not UTF-8 is refused before any request."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from collections.abc import Callable

import pytest

from app.services.terminal_text import TerminalText, strip_controls
from tests.cli.conftest import REPO_ROOT, CliResult
from tests.fake_api import FakeApi, Fault
from tests.tools.local_toolbox import LocalToolBox

HOSTILE = (
    "Safe \x1b]0;PWNED\x07title\x1b[2J cleared\x07 bell "
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ done\r\n\tindented\x1b[31m red"
    " run \u202egpj.exe\u202c or \u2067isolated\u2069 שלום"
)
VISIBLE = "Safe title cleared bell link done\n\tindented red run gpj.exe or isolated שלום"


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def _on_a_terminal(*argv: str) -> tuple[int, str]:
    """Run the CLI with stdout on a real pseudo-terminal; its exit code and what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", *argv],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=_child_env(),
        cwd=REPO_ROOT,
    )
    os.close(follower)
    shown = bytearray()
    try:
        while True:
            try:
                piece = os.read(leader, 65536)
            except OSError:  # the terminal's other side closed (EIO on Linux)
                break
            if not piece:
                break
            shown += piece
    finally:
        os.close(leader)
        process.stderr.read() if process.stderr else None
        code = process.wait(timeout=60)
    return code, shown.decode("utf-8")


def _as_shown(text: str) -> str:
    """``text`` as a terminal's output side passes it on: each newline becomes CR LF."""
    return text.replace("\n", "\r\n")


@pytest.mark.parametrize("stream", ["--no-stream", None])
def test_chat_on_a_terminal_shows_no_control_sequences(
    gateway: FakeApi, stream: str | None
) -> None:
    gateway.options.chat_reply = HOSTILE
    code, shown = _on_a_terminal("chat", "Hi", *([stream] if stream else []))
    assert code == 0
    assert shown == _as_shown(VISIBLE + "\n")
    assert "PWNED" not in shown and "\x1b" not in shown and "\x07" not in shown


def test_raw_on_a_terminal_keeps_the_reply_as_sent(gateway: FakeApi) -> None:
    gateway.options.chat_reply = HOSTILE
    code, shown = _on_a_terminal("chat", "Hi", "--raw", "--no-stream")
    assert code == 0
    assert shown == _as_shown(HOSTILE + "\n")


def test_piped_output_keeps_the_reply_as_sent(gateway: FakeApi) -> None:
    gateway.options.chat_reply = HOSTILE
    completed = subprocess.run(
        [sys.executable, "-m", "app", "chat", "Hi"],
        capture_output=True,
        env=_child_env(),
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == (HOSTILE + "\n").encode()


def test_compare_on_a_terminal_shows_no_control_sequences(gateway: FakeApi) -> None:
    gateway.options.chat_reply = HOSTILE
    code, shown = _on_a_terminal("compare", "Hi", "--models", "gpt-4o,gpt-4o-mini")
    assert code == 0
    assert shown.count(_as_shown(VISIBLE)) == 2
    assert "\x1b" not in shown and "\x07" not in shown


def test_a_sequence_split_between_stream_pieces_is_still_removed() -> None:
    printer = TerminalText()
    pieces = [printer.feed(c) for c in HOSTILE]
    assert "".join(pieces) + printer.finish() == VISIBLE
    assert strip_controls(HOSTILE) == VISIBLE


def test_an_unfinished_sequence_at_the_end_loses_its_controls_only() -> None:
    printer = TerminalText()
    assert printer.feed("end \x1b]0;never closed") == "end "
    assert printer.finish() == "0;never closed"


def test_disabled_printing_passes_everything() -> None:
    assert TerminalText(enabled=False).clean(HOSTILE) == HOSTILE


@pytest.mark.parametrize("command", [["chat", "-"], ["compare", "-", "--models", "a,b"]])
def test_stdin_that_is_not_utf8_is_refused_before_any_request(
    gateway: FakeApi, command: list[str]
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "app", *command],
        input=b"\xff\xfe",
        capture_output=True,
        env=_child_env(),
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    err = completed.stderr.decode()
    assert completed.returncode == 2, err
    assert err.splitlines() == [
        "aiml-desktop: error: The text on standard input is not UTF-8: byte 0xff at "
        "position 0 cannot be read. Convert it to UTF-8 and try again."
    ]
    assert completed.stdout == b""
    assert gateway.requests == []


def test_utf8_stdin_with_emoji_and_rtl_text_is_sent(gateway: FakeApi) -> None:
    text = "שלום 👋 مرحبا"
    completed = subprocess.run(
        [sys.executable, "-m", "app", "chat", "-", "--no-stream"],
        input=text.encode(),
        capture_output=True,
        env=_child_env(),
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.decode() == f"Echo: {text}\n"


def _shows_no_controls(text: str) -> None:
    hidden = [c for c in text if c in "\x1b\x07\x9b\r" or "\u202a" <= c <= "\u202e"]
    hidden += [c for c in text if "\u2066" <= c <= "\u2069"]
    assert not hidden, repr(text)


def test_an_error_line_quoting_the_server_shows_no_control_sequences(
    gateway: FakeApi, cli: Callable[..., CliResult], write_settings: Callable[..., object]
) -> None:
    write_settings(max_retries=0)
    gateway.script(
        "/v1/chat/completions", Fault.error(400, "Bad \x1b]0;PWNED\x07\x1b[2Jinput \u202eexe")
    )
    result = cli("chat", "Hi", "--no-stream", "--no-history")
    sentence = result.assert_one_error()
    _shows_no_controls(result.err)
    assert "PWNED" in sentence or "refused as invalid" in sentence


def test_tool_lines_and_the_approval_question_show_no_control_sequences(
    gateway: FakeApi,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box = LocalToolBox(["get_weather"])
    monkeypatch.setattr("app.chat_cli.build_toolbox", lambda services, args: box)
    # the model's arguments name a city with a window-title sequence (escaped in the JSON,
    # so the tool receives it and quotes it in its error) and a raw right-to-left override
    gateway.options.tool_calls = [
        {"name": "get_weather", "arguments_text": '{"city": "\\u001b]0;PWNED\\u0007Par\u202eis"}'}
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    result = cli("chat", "Weather?", "--no-stream")
    assert result.code == 0, result.err
    assert [name for name, _ in box.calls] == ["get_weather"]
    assert "allow the tool get_weather from tests with" in result.err
    assert "no weather station in Paris\n" in result.err
    _shows_no_controls(result.err)
