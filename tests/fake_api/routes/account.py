"""``GET /v2/billing``: the account balance."""

from __future__ import annotations

import re

from tests.fake_api.exchange import Exchange


def handle_billing(ex: Exchange, _match: re.Match[str]) -> None:
    ex.send_json({"current_balance": ex.options.balance, "currency": "USD"}, status=200)
