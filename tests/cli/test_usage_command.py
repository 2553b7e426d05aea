"""``aiml-desktop usage``: every paid request of the command line leaves a cost record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CliResult
from tests.fake_api import FakeApi, Fault

Cli = Callable[..., CliResult]


def _spend_in_every_tab(cli: Cli, gateway: FakeApi, tmp_path: Path) -> None:
    gateway.options.stt_statuses = []
    gateway.options.tts_mode = "json_url"  # with meta.usage, so no estimate is needed
    for argv in (
        ("chat", "Hello there"),
        ("chat", "Hello again", "--no-stream"),
        ("image", "a red kite", "-o", str(tmp_path)),
        ("stt", "https://example.com/talk.wav", "--model", "microsoft/mai-transcribe-1.5"),
        ("tts", "Hello there", "-o", str(tmp_path / "hello.wav")),
    ):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)


def _gateway_usd(gateway: FakeApi) -> float:
    return sum(row["amount"]["usd"] for row in gateway.state.ledger)


def test_usage_json_holds_every_tab_with_the_gateways_cost(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    _spend_in_every_tab(cli, gateway, tmp_path)
    result = cli("usage", "--json", "--by", "tab")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    records = report["records"]
    assert [r["tab"] for r in records] == ["chat", "chat", "images", "stt", "tts"]
    assert {r["origin"] for r in records} == {"cli"}
    assert all(r["cost_usd"] for r in records), records
    assert records[0]["total_tokens"] and records[1]["total_tokens"]
    assert records[2]["images"] == 1
    assert records[3]["seconds"] == pytest.approx(gateway.options.stt_duration)
    assert records[4]["characters"] == len("Hello there")
    assert report["totals"]["usd"] == pytest.approx(_gateway_usd(gateway), rel=1e-6)
    assert {g["key"] for g in report["groups"]} == {"chat", "images", "stt", "tts"}
    chat = next(g for g in report["groups"] if g["key"] == "chat")
    assert chat["requests"] == 2


def test_usage_compares_with_the_gateways_transactions(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    _spend_in_every_tab(cli, gateway, tmp_path)
    agreed = json.loads(cli("usage", "--json", "--gateway").out)["gateway"]
    assert agreed["available"] and agreed["transactions"] == 6  # five charges and the top-up
    assert agreed["differences"] == ""
    # A charge made with the same key elsewhere shows up as a difference.
    gateway.state.charge("gpt-4o", {"usd_spent": 0.25, "credits_used": 500_000})
    result = cli("usage", "--gateway")
    assert result.code == 0, result.err
    assert "The gateway charged $0.2500 more than the local records" in result.out


def test_usage_gateway_refusal_is_a_note_not_a_failure(gateway: FakeApi, cli: Cli) -> None:
    assert cli("chat", "Hi").code == 0
    gateway.script("/v2/billing/transactions", Fault.error(403))
    result = cli("usage", "--gateway")
    assert result.code == 0, result.err
    assert "Gateway transactions: not available" in result.out
    assert "credits" in result.out  # the gateway's own sentence for a 403


def test_usage_filters_and_table(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    _spend_in_every_tab(cli, gateway, tmp_path)
    table = cli("usage", "--by", "model").out.splitlines()
    assert table[0].split()[:3] == ["model", "requests", "cost"]
    assert any(line.startswith("gpt-4o ") for line in table)
    assert table[-1].startswith("total") and table[-1].split()[1] == "5"
    only_images = json.loads(cli("usage", "--json", "--tab", "images").out)
    assert [r["tab"] for r in only_images["records"]] == ["images"]
    future = cli("usage", "--since", "2999-01-01")
    assert "No paid requests are recorded" in future.out
    bad = cli("usage", "--since", "yesterday")
    assert "is not a date like" in bad.assert_one_error(code=2)


def test_usage_csv_has_one_line_per_request(gateway: FakeApi, cli: Cli, tmp_path: Path) -> None:
    _spend_in_every_tab(cli, gateway, tmp_path)
    target = tmp_path / "spend.csv"
    assert cli("usage", "--csv", str(target)).code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [row["tab"] for row in rows] == ["chat", "chat", "images", "stt", "tts"]
    assert all(float(row["usd"]) > 0 for row in rows)


def test_a_transcription_without_a_cost_figure_is_counted_as_unpriced(
    gateway: FakeApi, cli: Cli
) -> None:
    gateway.options.stt_statuses = []
    assert cli("stt", "https://example.com/talk.wav").code == 0  # Deepgram: no cost in the body
    report = json.loads(cli("usage", "--json").out)
    assert report["totals"]["unpriced"] == 1
    assert report["totals"]["minutes"] == pytest.approx(gateway.options.stt_duration / 60, abs=1e-3)
    assert "1 request(s) had no cost figure" in cli("usage").out


def test_speech_without_a_cost_figure_is_estimated(
    gateway: FakeApi, cli: Cli, tmp_path: Path
) -> None:
    gateway.options.tts_mode = "bytes"  # raw audio: the gateway says nothing of the cost
    assert cli("tts", "Hello there", "-o", str(tmp_path / "a.wav")).code == 0
    (record,) = json.loads(cli("usage", "--json").out)["records"]
    assert record["estimated"] and record["cost_usd"] > 0
    assert "of the total is estimated" in cli("usage").out
