"""``GET /v2/billing``: the account balance; ``GET /v2/billing/transactions``: its ledger.

Every charge the stand-in booked (chat, completions, images, speech, transcription) is a
``CHARGE``/``MODEL_USAGE`` row, newest first, after a first ``TOPUP``/``PAYMENT`` of the
starting balance; paged with ``limit`` (1–100) and an opaque ``cursor`` like the gateway.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fake_api.exchange import Exchange

DEFAULT_LIMIT = 20


def handle_billing(ex: Exchange, _match: re.Match[str]) -> None:
    if not ex.options.has_balance:
        ex.send_error(404, f"Cannot GET {ex.request.path}")
        return
    ex.send_json({"current_balance": ex.options.balance, "currency": "USD"}, status=200)


def _opening_topup(ex: Exchange) -> dict[str, Any]:
    usd = ex.options.balance
    return {
        "created_at": ex.state.started_at,
        "direction": "TOPUP",
        "type": "PAYMENT",
        "amount": {"usd": usd, "credits": round(usd * 2_000_000)},
        "model": None,
        "reference_id": "topup-0",
    }


def _matches(row: dict[str, Any], query: dict[str, str]) -> bool:
    created = row["created_at"]
    if query.get("from") and created < query["from"]:
        return False
    if query.get("to") and created > query["to"]:
        return False
    for key in ("direction", "type"):
        if query.get(key) and row[key] != query[key].upper():
            return False
    return True


def handle_transactions(ex: Exchange, _match: re.Match[str]) -> None:
    query = ex.request.query
    try:
        limit = int(query.get("limit") or DEFAULT_LIMIT)
        offset = int(query.get("cursor") or 0)
    except ValueError:
        ex.send_validation_error("limit and cursor must be numbers")
        return
    if not 1 <= limit <= 100:
        ex.send_validation_error("limit must be between 1 and 100")
        return
    with ex.state.lock:
        rows = [_opening_topup(ex), *ex.state.ledger]
    rows = [row for row in reversed(rows) if _matches(row, query)]
    page = rows[offset : offset + limit]
    more = offset + limit < len(rows)
    ex.send_json(
        {
            "data": page,
            "pagination": {"next_cursor": str(offset + limit) if more else None, "has_more": more},
        },
        status=200,
    )
