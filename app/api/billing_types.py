"""The account's billing transactions as the API client returns them.

See ``app.api.types`` for how they are built.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Transaction:
    """One row of ``/v2/billing/transactions``: a charge or a top-up of the account."""

    created_at: str
    direction: str  # "CHARGE" | "TOPUP"
    type: str  # "MODEL_USAGE", "PAYMENT", "BONUS", "REFUND", …
    usd: float | None = None
    credits: float | None = None
    model: str | None = None
    reference_id: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionPage:
    transactions: tuple[Transaction, ...]
    next_cursor: str | None = None
    has_more: bool = False
