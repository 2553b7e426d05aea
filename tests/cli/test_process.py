"""A few real ``python -m app`` processes against the stand-in gateway."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import REPO_ROOT, TEST_KEY, CliResult
from tests.fake_api import FakeApi, Fault

Run = Callable[..., CliResult]


def test_chat_streams_in_a_real_process(gateway: FakeApi, cli_process: Run) -> None:
    gateway.options.chat_reply = "Hello from a separate process."
    result = cli_process("chat", "Hi")
    assert result.code == 0, result.err
    assert result.out == "Hello from a separate process.\n"
    assert result.err == ""


def test_tts_in_a_real_process(gateway: FakeApi, cli_process: Run, tmp_path: Path) -> None:
    target = tmp_path / "spoken.wav"
    result = cli_process("tts", "-", "-o", str(target), stdin="Read from standard input")
    assert result.code == 0, result.err
    with wave.open(str(target), "rb") as audio:
        assert audio.getnframes() > 0


def test_api_error_in_a_real_process(gateway: FakeApi, cli_process: Run) -> None:
    gateway.script("/v1/chat/completions", Fault.error(401))
    result = cli_process("chat", "Hi", "--no-stream")
    sentence = result.assert_one_error(code=1)
    assert "API key was refused" in sentence
    assert TEST_KEY not in result.out + result.err


def test_usage_error_in_a_real_process(cli_process: Run) -> None:
    result = cli_process("stt")
    result.assert_one_error(code=2)


def test_key_set_without_a_keyring_says_so(cli_process: Run) -> None:
    result = cli_process("key", "set", stdin=TEST_KEY + "\n")
    sentence = result.assert_one_error(code=1)
    assert "keyring" in sentence and "this session only" in sentence


@pytest.mark.parametrize("argv", [["--version"], ["models", "--help"]])
def test_informational_flags(cli_process: Run, argv: list[str]) -> None:
    result = cli_process(*argv)
    assert result.code == 0 and result.out and result.err == ""


@pytest.mark.skipif(shutil.which("ffplay") is None, reason="ffplay is not installed")
def test_tts_play_through_ffplay(
    gateway: FakeApi, cli_process: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    result = cli_process("tts", "Hi", "--play")
    assert result.code == 0, result.err
    assert result.err == ""
    assert [r.path for r in gateway.requests] == ["/v1/tts"]


def test_subcommands_never_import_qt(gateway: FakeApi) -> None:
    code = (
        "import sys\n"
        "from app.cli import main\n"
        "assert main(['chat', 'hi', '--no-stream']) == 0\n"
        "assert main(['models', '--kind', 'chat']) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[-1] == "[]"


def test_self_test_opens_the_window(cli_process: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    result = cli_process("--self-test", timeout=120)
    assert result.code == 0, result.err
    assert "self-test ok" in result.out


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    "parent_sigint",
    ["default", "ignored"],  # a shell's background job starts with SIGINT ignored
)
def test_ctrl_c_exits_130_quietly(gateway: FakeApi, parent_sigint: str) -> None:
    gateway.options.chat_reply = "one two three four five six seven eight"
    gateway.options.stream_delay = 1.0
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "chat", "Count slowly"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO_ROOT,
        preexec_fn=_ignore_sigint if parent_sigint == "ignored" else None,
    )
    try:
        assert child.stdout is not None
        first = child.stdout.read(3)  # the first words have arrived: the stream is running
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert first == b"one"
    assert child.returncode == 130
    assert err.decode().strip() == "aiml-desktop: interrupted."
    assert b"eight" not in out
