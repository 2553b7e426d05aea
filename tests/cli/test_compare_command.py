"""``aiml-desktop compare``: each model's answer with its timing and cost; one failure alone."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Fault

Cli = Callable[..., CliResult]


def test_compare_prints_each_answer_with_timing_and_cost(gateway: FakeApi, cli: Cli) -> None:
    result = cli("compare", "Name a colour", "--models", "gpt-4o,deepseek-chat,o1")
    assert result.code == 0, result.err
    blocks = result.out.split("\n\n")
    assert [b.splitlines()[0].split(" (")[0] for b in blocks] == [
        "== gpt-4o",
        "== deepseek-chat",
        "== o1",
    ]
    for block in blocks:
        header, answer = block.splitlines()[:2]
        assert "first token" in header and "tokens/s" in header and "$0.0" in header
        assert answer == "Echo: Name a colour"
    sent = sorted(r.json["model"] for r in gateway.requests_to("/v1/chat/completions"))
    assert sent == ["deepseek-chat", "gpt-4o", "o1"]
    records = json.loads(cli("usage", "--json").out)["records"]
    assert sorted(r["model"] for r in records) == sent  # each column is paid and recorded


def test_compare_json_and_a_failing_model(gateway: FakeApi, cli: Cli) -> None:
    gateway.script("/v1/chat/completions", Fault.error(400))
    result = cli("compare", "Hi", "--models", "gpt-4o,o1", "--json", "--temperature", "0.3")
    assert result.code == 0, result.err
    columns = json.loads(result.out)
    assert sorted(c["status"] for c in columns) == ["complete", "error"]
    failed = next(c for c in columns if c["status"] == "error")
    assert failed["error"] and failed["content"] == ""
    ok = next(c for c in columns if c["status"] == "complete")
    assert ok["content"] == "Echo: Hi" and ok["tokens"] > 0 and ok["cost_usd"] > 0
    assert ok["time_to_first_token"] is not None and ok["total_time"] >= ok["time_to_first_token"]
    assert {r.json["temperature"] for r in gateway.requests_to("/v1/chat/completions")} == {0.3}


def test_compare_needs_two_to_four_models(gateway: FakeApi, cli: Cli) -> None:
    sentence = cli("compare", "Hi", "--models", "gpt-4o").assert_one_error(code=2)
    assert sentence.startswith("Compare 2 to 4 models (1 given)")
    assert not gateway.requests_to("/v1/chat/completions")


def test_every_model_failing_is_a_failure(gateway: FakeApi, cli: Cli) -> None:
    gateway.script("/v1/chat/completions", Fault.error(400), Fault.error(400))
    result = cli("compare", "Hi", "--models", "gpt-4o,o1")
    assert result.code == 1
    assert result.out.count("error: ") == 2
    assert "Every model failed" in result.err
