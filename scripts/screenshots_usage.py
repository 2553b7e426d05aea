"""Screenshots of the Usage window, light and dark, over two weeks of recorded spend."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from screenshots_common import SCHEMES, Session, save, settle, until

from app.storage.usage_store import BalanceSample, UsageRecord

DAYS = 14
CHAT_MODELS = (("gpt-4o", 0.006), ("claude-sonnet-4", 0.009), ("deepseek-chat", 0.0009))
IMAGE_MODELS = (("flux/schnell", 0.003), ("dall-e-3", 0.04))


def _moment(day: date, hour: int) -> float:
    return (datetime.combine(day, datetime.min.time()) + timedelta(hours=hour)).timestamp()


def _records(today: date) -> list[UsageRecord]:
    pick = random.Random(19)
    records = []
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        for _ in range(pick.randint(2, 9)):
            model, price = pick.choice(CHAT_MODELS)
            tokens = pick.randint(400, 6000)
            records.append(
                UsageRecord(
                    "chat",
                    model,
                    cost_usd=price * tokens / 1000,
                    total_tokens=tokens,
                    created=_moment(day, pick.randint(8, 22)),
                )
            )
        if pick.random() < 0.6:
            model, price = pick.choice(IMAGE_MODELS)
            count = pick.randint(1, 4)
            records.append(
                UsageRecord(
                    "images",
                    model,
                    cost_usd=price * count,
                    images=count,
                    created=_moment(day, pick.randint(8, 22)),
                )
            )
        if pick.random() < 0.4:
            seconds = pick.uniform(60, 900)
            records.append(
                UsageRecord(
                    "stt",
                    "#g1_nova-2-general",
                    cost_usd=seconds * 0.0001,
                    seconds=seconds,
                    created=_moment(day, 10),
                )
            )
        if pick.random() < 0.4:
            characters = pick.randint(200, 3000)
            records.append(
                UsageRecord(
                    "tts",
                    "openai/tts-1",
                    cost_usd=characters * 0.000015,
                    characters=characters,
                    created=_moment(day, 16),
                )
            )
    return records


def _seed(session: Session, today: date) -> float:
    """Records and balance readings for two weeks, and the gateway's matching charges."""
    store = session.services.usage.store
    balance = 25.0
    records = _records(today)
    for record in records:
        store.add(record)
        session.api.state.ledger.append(
            {
                "created_at": datetime.fromtimestamp(record.created, UTC).isoformat(),
                "direction": "CHARGE",
                "type": "MODEL_USAGE",
                "amount": {"usd": record.cost_usd, "credits": None},
                "model": record.model,
                "reference_id": f"shot-{len(session.api.state.ledger)}",
            }
        )
    for offset in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        start, end = _moment(day, 0), _moment(day + timedelta(days=1), 0)
        balance -= sum(r.cost_usd or 0 for r in records if start <= r.created < end)
        store.add_balance(BalanceSample(_moment(day, 23), round(balance, 2)))
    return round(balance, 2)


async def shoot(session: Session, out: Path) -> None:
    today = date.today()
    session.api.options.balance = _seed(session, today)
    window = await session.open()
    usage = window.open_usage()
    usage.resize(1100, 780)
    usage.set_range(today - timedelta(days=DAYS - 1), today)
    for scheme in SCHEMES:
        session.theme.apply(scheme)
        usage.refresh()
        await until(lambda: usage.gateway.text().startswith("Gateway"))
        usage.models.setFocus()
        await settle(0.4)
        save(usage, out / f"usage-{scheme}.png")
        usage.gateway.setText("")
    usage.close()
