"""``aiml-desktop doctor --routes``: which tabs the server can serve, tried route by route."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Reply

Cli = Callable[..., CliResult]


def _probes(fake_api: FakeApi) -> list[tuple[str, object]]:
    return [(r.path, r.json) for r in fake_api.requests if r.method == "POST"]


def test_every_tab_on_the_gateway(gateway: FakeApi, cli: Cli) -> None:
    result = cli("doctor", "--routes")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{gateway.url} (aimlapi routes)"
    assert lines[1].startswith("  Chat: available (POST /v1/chat/completions answered 4")
    assert lines[-1] == "This server supports every tab."
    assert [path for path, _ in _probes(gateway)] == [
        "/v1/chat/completions",
        "/v1/images/generations",
        "/v1/stt/create",
        "/v1/tts",
    ]
    assert all(body == {} for _, body in _probes(gateway))  # nothing is generated or billed


def test_the_openai_routes_are_tried_with_the_openai_dialect(gateway: FakeApi, cli: Cli) -> None:
    result = cli("doctor", "--routes", "--dialect", "openai")
    assert result.code == 0, result.err
    assert "/v1/audio/speech" in result.out and "/v1/audio/transcriptions" in result.out
    assert result.out.splitlines()[-1] == "This server supports every tab."


def test_missing_routes_are_named_and_the_other_routes_suggested(
    gateway: FakeApi, cli: Cli
) -> None:
    missing = Reply(status=404, json={"detail": "Not Found"})
    gateway.script("/v1/images/generations", missing)
    gateway.script("/v1/audio/speech", missing)
    result = cli("doctor", "--routes", "--dialect", "openai", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    states = {tab["tab"]: tab["state"] for tab in report["tabs"]}
    assert states == {"chat": "yes", "image": "no", "stt": "yes", "tts": "no"}
    tts = next(tab for tab in report["tabs"] if tab["tab"] == "tts")
    assert tts["other_dialect"] == "aimlapi"  # /v1/tts answers on this server

    gateway.script("/v1/images/generations", missing)
    result = cli("doctor", "--routes")
    assert result.out.splitlines()[-1] == (
        "This server supports Chat, Speech to text and Text to speech; not Images."
    )


def test_an_unreachable_server_is_one_sentence(cli: Cli, monkeypatch) -> None:
    monkeypatch.setenv("AIML_API_KEY", "some-key-0123456789")
    result = cli("doctor", "--routes", "--base-url", "http://127.0.0.1:9")
    assert "Could not reach the server" in result.assert_one_error(code=1)
