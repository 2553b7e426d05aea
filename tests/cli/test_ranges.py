"""Sampling settings outside their ranges are refused with one sentence before any request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi

Cli = Callable[..., CliResult]


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--max-tokens", "0"], "Max tokens must be a whole number of at least 1 (got 0)."),
        (["--max-tokens", "-5"], "Max tokens must be a whole number of at least 1 (got -5)."),
        (["--temperature", "9"], "Temperature must be between 0 and 2 (got 9)."),
        (["--temperature", "-0.5"], "Temperature must be between 0 and 2 (got -0.5)."),
        (["--top-p", "1.5"], "Top p must be between 0 and 1 (got 1.5)."),
        (["--top-p", "nan"], "Top p must be between 0 and 1 (got nan)."),
        (["--temperature", "inf"], "Temperature must be between 0 and 2 (got inf)."),
    ],
)
@pytest.mark.parametrize("mode", [[], ["--no-stream"]])
def test_chat_refuses_out_of_range_settings(
    gateway: FakeApi, cli: Cli, flags: list[str], words: str, mode: list[str]
) -> None:
    result = cli("chat", "Hello", *flags, *mode)
    assert result.assert_one_error(code=2) == words
    assert not [r for r in gateway.requests if r.path.endswith("/completions")]


def test_complete_refuses_zero_max_tokens(gateway: FakeApi, cli: Cli) -> None:
    result = cli("complete", "Once upon a time", "--max-tokens", "0")
    assert "Max tokens must be a whole number of at least 1" in result.assert_one_error(code=2)
    assert not [r for r in gateway.requests if r.path.endswith("completions")]


def test_edges_of_the_ranges_are_sent(gateway: FakeApi, cli: Cli) -> None:
    result = cli(
        "chat", "Hello", "--no-stream", "--max-tokens", "1", "--temperature", "2", "--top-p", "0"
    )
    assert result.code == 0, result.err
    sent = [r for r in gateway.requests if r.path == "/v1/chat/completions"][-1].json
    assert (sent["max_tokens"], sent["temperature"], sent["top_p"]) == (1, 2.0, 0.0)
