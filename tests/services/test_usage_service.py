"""Cost records left by the window's services, and the sums of the usage view."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.api.billing_types import Transaction
from app.api.errors import AuthenticationError
from app.services.context import Services
from app.services.image_families import cli_body
from app.services.usage import UsageFilter
from app.services.usage_report import build_report, compare_days, describe_differences
from app.storage.usage_store import UsageRecord
from tests.fake_api import FakeApi, Fault


def _wait_for_records(services: Services, count: int) -> list[UsageRecord]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        records = services.usage.records()
        if len(records) >= count:
            return records
        time.sleep(0.02)
    raise AssertionError(f"fewer than {count} records: {services.usage.records()}")


def test_a_window_stream_leaves_a_record_with_tokens_and_cost(
    services: Services, fake_api: FakeApi
) -> None:
    async def run() -> None:
        async for _ in services.chat.stream_batches("gpt-4o", [{"role": "user", "content": "Hi"}]):
            pass

    asyncio.run(run())
    (record,) = _wait_for_records(services, 1)
    assert (record.tab, record.model, record.origin, record.status) == (
        "chat",
        "gpt-4o",
        "window",
        "complete",
    )
    assert record.total_tokens and record.cost_usd == fake_api.state.ledger[0]["amount"]["usd"]


def test_a_stopped_stream_is_recorded_as_stopped(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = " ".join(["word"] * 400)
    fake_api.options.stream_delay = 0.005

    async def run() -> None:
        stream = services.chat.stream("gpt-4o", [{"role": "user", "content": "Hi"}])
        async for _ in stream:
            break
        await stream.aclose()

    asyncio.run(run())
    (record,) = _wait_for_records(services, 1)
    assert record.status == "stopped" and record.cost_usd is None


def test_a_refused_request_leaves_no_record(services: Services, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.error(401))

    async def run() -> None:
        async for _ in services.chat.stream("gpt-4o", [{"role": "user", "content": "Hi"}]):
            pass

    with pytest.raises(AuthenticationError):
        asyncio.run(run())
    services.usage.flush()
    assert services.usage.records() == []


def test_images_are_recorded_with_their_count(services: Services, fake_api: FakeApi) -> None:
    body = cli_body("dall-e-3", "a lighthouse", count=None, size=None, seed=None)
    asyncio.run(services.images.generate(body))
    (record,) = services.usage.records()
    assert (record.tab, record.model, record.images) == ("images", "dall-e-3", 1)
    assert record.cost_usd == pytest.approx(fake_api.state.ledger[-1]["amount"]["usd"])


def test_balance_readings_are_kept_when_they_change(services: Services, fake_api: FakeApi) -> None:
    asyncio.run(services.account.balance())
    asyncio.run(services.account.balance())
    fake_api.options.balance = 10.0
    asyncio.run(services.account.balance())
    assert [s.amount for s in services.usage.balances()] == [12.5, 10.0]


def test_transactions_follow_the_cursor_over_pages(services: Services, fake_api: FakeApi) -> None:
    for index in range(130):
        fake_api.state.charge(f"model-{index}", {"usd_spent": 0.001, "credits_used": 2000})
    transactions = asyncio.run(services.usage.transactions())
    assert len(transactions) == 131
    assert transactions[0].model == "model-129" and transactions[-1].direction == "TOPUP"
    pages = [r.query.get("cursor") for r in fake_api.requests if "transactions" in r.path]
    assert pages == [None, "100"]


def _record(day: date, tab: str, model: str, usd: float | None, **counts: object) -> UsageRecord:
    moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=12)
    return UsageRecord(tab=tab, model=model, cost_usd=usd, created=moment.timestamp(), **counts)


def test_report_stacks_days_by_tab_and_sums_models() -> None:
    first, second = date(2026, 3, 1), date(2026, 3, 2)
    report = build_report(
        [
            _record(first, "chat", "gpt-4o", 0.01, total_tokens=100),
            _record(first, "images", "flux/schnell", 0.02, images=2),
            _record(second, "chat", "gpt-4o", 0.03, total_tokens=50),
            _record(second, "stt", "nova-2", None, seconds=90.0),
            _record(second, "tts", "tts-1", 0.005, characters=300),
        ]
    )
    assert report.days[first] == {"chat": 0.01, "images": 0.02, "stt": 0.0, "tts": 0.0}
    assert report.days[second]["chat"] == pytest.approx(0.03)
    assert report.groups("model")[0][0] == "gpt-4o"
    assert report.by_model["gpt-4o"].tokens == 150
    totals = report.totals
    assert (totals.requests, totals.images, totals.characters, totals.unpriced) == (5, 2, 300, 1)
    assert totals.minutes == pytest.approx(1.5) and totals.usd == pytest.approx(0.065)


def test_differences_with_the_gateway_are_named_by_day() -> None:
    day = date(2026, 3, 1)
    report = build_report([_record(day, "chat", "gpt-4o", 0.01)])
    noon = datetime.combine(day, datetime.min.time()) + timedelta(hours=12)
    stamp = noon.astimezone().isoformat()
    charges = [
        Transaction(stamp, "CHARGE", "MODEL_USAGE", usd=0.01, model="gpt-4o"),
        Transaction(stamp, "TOPUP", "PAYMENT", usd=20.0),
    ]
    assert describe_differences(compare_days(report, charges)) == ""
    charges.append(Transaction(stamp, "CHARGE", "MODEL_USAGE", usd=0.5, model="o1"))
    sentence = describe_differences(compare_days(report, charges))
    assert sentence.startswith("The gateway charged $0.5000 more") and "2026-03-01" in sentence


def test_filters_by_day_tab_and_model(services: Services) -> None:
    today = date.today()
    for record in (
        _record(today - timedelta(days=3), "chat", "gpt-4o", 0.01),
        _record(today, "chat", "o1", 0.02),
        _record(today, "images", "flux/schnell", 0.03),
    ):
        services.usage.store.add(record)
    assert len(services.usage.records(UsageFilter(since=today))) == 2
    assert len(services.usage.records(UsageFilter(until=today - timedelta(days=1)))) == 1
    assert [r.model for r in services.usage.records(UsageFilter(tabs=("chat",)))] == [
        "gpt-4o",
        "o1",
    ]
    assert services.usage.records(UsageFilter(models=())) == []
    assert services.usage.store.models() == ["flux/schnell", "gpt-4o", "o1"]
    assert services.usage.csv().count("\n") == 4


def test_embedding_requests_of_a_knowledge_base_are_recorded(
    services: Services, fake_api: FakeApi, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Orchard\n\nBees from two hives pollinate the apple blossom.", "utf-8")
    knowledge = services.knowledge
    knowledge.create("Orchard")
    knowledge.add("Orchard", [notes])
    assert services.usage.records() == []  # vector search is off: nothing was asked for
    knowledge.use_embeddings("Orchard", "text-embedding-3-small")
    [passage] = knowledge.search("Orchard", "who pollinates the blossom", limit=1)
    assert "Bees" in passage.text

    records = services.usage.records()
    assert [(r.tab, r.model, r.origin) for r in records] == [
        ("chat", "text-embedding-3-small", "window")
    ] * 2  # the passages once, then the question
    asked = [r.json for r in fake_api.requests if r.path.endswith("/embeddings")]
    assert [r.total_tokens for r in records] == [
        sum(len(text.split()) for text in body["input"]) for body in asked
    ]
