"""Model list (``GET /v1/models`` with ETag revalidation) and account balance."""

from __future__ import annotations

from typing import Any

from app.api.billing_types import Transaction, TransactionPage
from app.api.errors import NotFoundError, ResponseFormatError
from app.api.models_catalog import holds_model_list, parse_model, parse_model_list
from app.api.transport import Transport, decode_json, quote_path_segment
from app.api.types import Balance, ModelInfo, ModelList
from app.api.values import CREDITS_PER_USD, as_dict, as_float, as_list, as_str

MODELS_PATH = "/v1/models"
MODEL_PATH = "/model/"
BILLING_PATH = "/v2/billing"
LEGACY_BALANCE_PATH = "/v1/billing/balance"
TRANSACTIONS_PATH = "/v2/billing/transactions"
TRANSACTIONS_PAGE_LIMIT = 100


class ModelsApi:
    """``GET /v1/models`` (public on the AI/ML API: no key needed)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def list(self, *, etag: str | None = None) -> ModelList:
        """The catalogue; with ``etag`` a 304 gives ``ModelList((), etag, not_modified=True)``."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._transport.send(
            "GET",
            MODELS_PATH,
            params={"include": "capabilities"},
            headers=headers,
            ok=lambda status: 200 <= status < 300 or status == 304,
        )
        if response.status_code == 304:
            response.close()
            return ModelList((), etag=etag, not_modified=True)
        body = decode_json(response)
        if not holds_model_list(body):
            raise ResponseFormatError("The model list reply held no list of models.")
        return ModelList(
            tuple(parse_model_list(body)),
            etag=response.headers.get("etag"),
        )

    def get(self, model_id: str) -> ModelInfo:
        """``GET /model/{id}`` (no version prefix): one model's entry, or ``NotFoundError``."""
        body, _ = self._transport.send_json("GET", MODEL_PATH + quote_path_segment(model_id))
        model = parse_model(as_dict(body).get("data") or body)
        if model is None:
            raise ResponseFormatError("The model reply held no model.")
        return model


def parse_balance(body: Any) -> Balance:
    """``{current_balance, currency}`` (``/v2/billing``) or legacy ``{balance}`` in credits."""
    root = as_dict(body)
    amount = as_float(root.get("current_balance"))
    if amount is not None:
        return Balance(amount=amount, currency=as_str(root.get("currency")) or "USD")
    credits = as_float(root.get("balance"))
    if credits is not None:
        return Balance(amount=credits / CREDITS_PER_USD, currency="USD")
    raise ResponseFormatError("The balance reply held no amount.")


def parse_transaction(item: Any) -> Transaction | None:
    row = as_dict(item)
    created = as_str(row.get("created_at"))
    if not created:
        return None
    amount = as_dict(row.get("amount"))
    return Transaction(
        created_at=created,
        direction=(as_str(row.get("direction")) or "").upper(),
        type=(as_str(row.get("type")) or "").upper(),
        usd=as_float(amount.get("usd")),
        credits=as_float(amount.get("credits")),
        model=as_str(row.get("model")),
        reference_id=as_str(row.get("reference_id")),
    )


def parse_transaction_page(body: Any) -> TransactionPage:
    """``{data: [...], pagination: {next_cursor, has_more}}``; rows without a time are skipped."""
    root = as_dict(body)
    if not isinstance(root.get("data"), list):
        raise ResponseFormatError("The transactions reply held no list of transactions.")
    rows = [parse_transaction(item) for item in as_list(root.get("data"))]
    pagination = as_dict(root.get("pagination"))
    cursor = as_str(pagination.get("next_cursor"))
    return TransactionPage(
        transactions=tuple(row for row in rows if row is not None),
        next_cursor=cursor,
        has_more=bool(pagination.get("has_more")) and bool(cursor),
    )


class BillingApi:
    """``GET /v2/billing``, falling back to the legacy ``/v1/billing/balance`` on 404."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def balance(self) -> Balance:
        try:
            body, _ = self._transport.send_json("GET", BILLING_PATH)
        except NotFoundError as first:
            try:
                body, _ = self._transport.send_json("GET", LEGACY_BALANCE_PATH)
            except NotFoundError:
                raise first from None
        return parse_balance(body)

    def transactions(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        cursor: str | None = None,
        limit: int = TRANSACTIONS_PAGE_LIMIT,
    ) -> TransactionPage:
        """One page of ``GET /v2/billing/transactions`` (``start``/``end`` are ISO times).

        A management key gets ``PermissionDeniedError`` (403); servers without the route 404.
        """
        params: dict[str, Any] = {"limit": max(1, min(limit, TRANSACTIONS_PAGE_LIMIT))}
        for name, value in (("from", start), ("to", end), ("cursor", cursor)):
            if value:
                params[name] = value
        body, _ = self._transport.send_json("GET", TRANSACTIONS_PATH, params=params)
        return parse_transaction_page(body)
