"""``--timeout SECONDS``: a stalled server is given up on after that long, not after 300 s."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Fault

Run = Callable[..., CliResult]


@pytest.mark.parametrize(
    "argv",
    [
        ["chat", "Hi", "--timeout", "1"],
        ["--timeout", "1", "chat", "Hi", "--no-stream"],
        ["models", "--timeout", "1"],
    ],
)
def test_a_stalled_server_is_given_up_on_after_the_timeout(
    gateway: FakeApi, cli_process: Run, argv: list[str]
) -> None:
    gateway.options.models = []  # nothing saved to fall back on for the model list
    route = "/v1/models" if argv[0] == "models" else "/v1/chat/completions"
    gateway.script(route, Fault.delay(60))
    started = time.monotonic()
    result = cli_process(*argv, timeout=30)
    elapsed = time.monotonic() - started
    sentence = result.assert_one_error(code=1)
    assert sentence.startswith("The server took too long to answer."), sentence
    assert elapsed < 10, elapsed


def test_the_timeout_leaves_a_prompt_reply_alone(gateway: FakeApi, cli_process: Run) -> None:
    gateway.options.chat_reply = "In time."
    gateway.script("/v1/chat/completions", Fault.delay(0.3))
    result = cli_process("chat", "Hi", "--timeout", "5")
    assert result.code == 0, result.err
    assert result.out == "In time.\n"


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    gateway: FakeApi, cli: Run, value: str
) -> None:
    result = cli("chat", "Hi", f"--timeout={value}")
    sentence = result.assert_one_error(code=2)
    assert "--timeout" in sentence and "seconds above 0" in sentence
    assert gateway.requests == []
