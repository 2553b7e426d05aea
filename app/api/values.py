"""Lenient readers for JSON values of uncertain shape; the cost and usage blocks."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from app.api.types import Cost, Usage

CREDITS_HEADER = "x-aimlapi-credits-used"
USD_HEADER = "x-aimlapi-usd-spent"
CREDITS_PER_USD = 2_000_000


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def as_float(value: Any) -> float | None:
    """Numbers and numeric strings; ``None`` for anything else (bools, NaN, junk)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def as_int(value: Any) -> int | None:
    number = as_float(value)
    return int(number) if number is not None else None


def first_present(mapping: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = mapping.get(key)
        if value is not None:
            return value
    return None


def parse_usage(value: Any) -> Usage | None:
    """OpenAI-style token usage (``prompt_tokens``…, or ``input_tokens``/``output_tokens``)."""
    usage = as_dict(value)
    if not usage:
        return None
    details = as_dict(usage.get("completion_tokens_details")) or as_dict(
        usage.get("output_tokens_details")
    )
    return Usage(
        prompt_tokens=as_int(first_present(usage, "prompt_tokens", "input_tokens")),
        completion_tokens=as_int(first_present(usage, "completion_tokens", "output_tokens")),
        total_tokens=as_int(usage.get("total_tokens")),
        reasoning_tokens=as_int(details.get("reasoning_tokens")),
    )


def cost_from_meta(body: Any) -> Cost | None:
    """``meta.usage`` with ``credits_used`` (older: ``tokens_used``) and/or ``usd_spent``."""
    meta_usage = as_dict(as_dict(as_dict(body).get("meta")).get("usage"))
    credits = as_float(first_present(meta_usage, "credits_used", "tokens_used"))
    usd = as_float(meta_usage.get("usd_spent"))
    if credits is None and usd is None:
        return None
    if usd is None and credits is not None:
        usd = credits / CREDITS_PER_USD
    return Cost(credits=credits, usd=usd)


def cost_from_headers(headers: Mapping[str, str] | None) -> Cost | None:
    if not headers:
        return None
    credits = as_float(headers.get(CREDITS_HEADER))
    usd = as_float(headers.get(USD_HEADER))
    if credits is None and usd is None:
        return None
    if usd is None and credits is not None:
        usd = credits / CREDITS_PER_USD
    return Cost(credits=credits, usd=usd)


def parse_cost(body: Any, headers: Mapping[str, str] | None = None) -> Cost:
    """Cost from the body's ``meta.usage``, else from the cost headers, else unknown."""
    return cost_from_meta(body) or cost_from_headers(headers) or Cost()
