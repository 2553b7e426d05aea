"""Every failure ends with one clear line on stderr, a non-zero exit, no traceback, no key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Fault

Cli = Callable[..., CliResult]
CHAT = "/v1/chat/completions"


@pytest.fixture(autouse=True)
def quick_retries(write_settings: Callable[..., Path]) -> None:
    write_settings(max_retries=1, read_timeout=30)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "API key was refused"),
        (403, "out of credits"),
        (404, "not found"),
        (400, "refused as invalid"),
    ],
)
def test_status_errors(gateway: FakeApi, cli: Cli, status: int, words: str) -> None:
    gateway.script(CHAT, Fault.error(status))
    sentence = cli("chat", "Hello").assert_one_error(code=1)
    assert words in sentence


def test_missing_key_says_how_to_set_one(fake_api: FakeApi, cli: Cli) -> None:
    fake_api.options.require_key = "sk-something-else-0000000000"
    result = cli("--base-url", fake_api.url, "chat", "Hello", "--no-stream")
    sentence = result.assert_one_error(code=1)
    assert "aiml-desktop key set" in sentence


@pytest.mark.parametrize("status", [429, 500, 503])
def test_one_transient_error_is_retried(gateway: FakeApi, cli: Cli, status: int) -> None:
    gateway.script(CHAT, Fault.error(status, retry_after=0.1 if status == 429 else None))
    result = cli("chat", "Again", "--no-stream")
    assert result.code == 0, result.err
    assert result.out == "Echo: Again\n"
    assert len([r for r in gateway.requests if r.path == CHAT]) == 2


def test_lasting_server_error(gateway: FakeApi, cli: Cli) -> None:
    gateway.script(CHAT, Fault.error(500), Fault.error(500), Fault.error(500))
    assert "server had a problem" in cli("chat", "x").assert_one_error(code=1)


def test_read_timeout(gateway: FakeApi, cli: Cli, write_settings: Callable[..., Path]) -> None:
    write_settings(read_timeout=0.5, max_retries=0)
    gateway.script(CHAT, Fault.delay(5))
    sentence = cli("chat", "Slow", "--no-stream").assert_one_error(code=1)
    assert "too long" in sentence


def test_stream_dropped_midway(gateway: FakeApi, cli: Cli) -> None:
    gateway.options.chat_reply = "one two three four five six seven eight nine ten"
    gateway.script(CHAT, Fault.drop_mid_stream(after_events=3))
    result = cli("chat", "Tell me")
    result.assert_one_error(code=1)
    assert result.out.endswith("\n")
    assert result.out.strip() and "ten" not in result.out


def test_connection_dropped(gateway: FakeApi, cli: Cli, write_settings) -> None:
    write_settings(max_retries=0)
    gateway.script(CHAT, Fault.drop())
    assert "reach the server" in cli("chat", "x", "--no-stream").assert_one_error(code=1)


def test_invalid_json(gateway: FakeApi, cli: Cli) -> None:
    gateway.script(CHAT, Fault.malformed_json())
    assert "could not read" in cli("chat", "x", "--no-stream").assert_one_error(code=1)


def test_server_not_running(cli: Cli) -> None:
    sentence = cli("--base-url", "http://127.0.0.1:9", "chat", "x").assert_one_error(code=1)
    assert "reach the server" in sentence


@pytest.mark.parametrize("command", ["chat", "complete", "image", "tts"])
def test_empty_prompt(gateway: FakeApi, cli: Cli, command: str) -> None:
    assert "empty" in cli(command, "   ").assert_one_error(code=2)
    assert gateway.requests == []


def test_missing_file(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.wav"
    sentence = cli("stt", str(missing)).assert_one_error(code=2)
    assert "not found" in sentence and "nowhere.wav" in sentence
    assert gateway.requests == []


def test_empty_file(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "silence.wav"
    empty.write_bytes(b"")
    assert "empty" in cli("stt", str(empty)).assert_one_error(code=2)
    assert gateway.requests == []


def test_not_an_audio_file(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("These are notes, not sound.\n" * 20)
    sentence = cli("stt", str(notes)).assert_one_error(code=2)
    assert "notes.txt" in sentence and "audio" in sentence
    assert gateway.requests == []


def test_bad_image_size(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    sentence = cli("image", "cat", "--size", "huge", "-o", str(tmp_path)).assert_one_error(code=2)
    assert "huge" in sentence
    assert gateway.requests == []


def test_play_without_a_player_says_so(
    gateway: FakeApi, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.media.playback.find_player", lambda: None)
    assert "ffplay" in cli("tts", "Hello", "--play").assert_one_error(code=1)


@pytest.mark.parametrize(
    "url", ["ftp://api.aimlapi.com", "api.aimlapi.com", "https://", "file:///etc"]
)
def test_a_base_url_that_is_not_http_is_refused(cli: Cli, url: str) -> None:
    sentence = cli("--base-url", url, "models").assert_one_error(code=2)
    assert "http://" in sentence and "https://" in sentence


def test_a_base_url_from_the_environment_that_is_not_http_is_refused(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIML_API_KEY", "sk-anything-0000000000")
    monkeypatch.setenv("AIML_API_BASE_URL", "localhost:8080/v1")
    sentence = cli("chat", "Hello").assert_one_error(code=2)
    assert "base URL" in sentence and "https://" in sentence
