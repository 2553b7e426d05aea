"""Local range checks for the sampling settings of a text request, made before it is sent.

A server that is not the gateway may accept anything: llama.cpp generates until the context
runs out for ``max_tokens: 0``, and ``temperature: 9`` is taken as asked. So the client refuses
values outside the OpenAI ranges with a sentence instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from app.api.errors import InvalidInputError

# name in the request → (label a person reads, lowest, highest)
RANGES: dict[str, tuple[str, float, float]] = {
    "temperature": ("Temperature", 0.0, 2.0),
    "top_p": ("Top p", 0.0, 1.0),
}
TOKEN_LIMITS = {"max_tokens": "Max tokens", "max_completion_tokens": "Max completion tokens"}


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def check_sampling(params: Mapping[str, Any]) -> None:
    """Refuse a max tokens below 1, a temperature outside 0–2 or a top p outside 0–1.

    ``None`` means "not set" and is allowed. NaN and infinity are refused.

    Raises:
        InvalidInputError: one sentence naming the setting, its range and the value given.
    """
    for name, label in TOKEN_LIMITS.items():
        value = params.get(name)
        if value is None:
            continue
        number = _number(value)
        if number is None or not math.isfinite(number) or number != int(number) or number < 1:
            raise InvalidInputError(
                f"{label} must be a whole number of at least 1 (got {_shown(value)})."
            )
    for name, (label, low, high) in RANGES.items():
        value = params.get(name)
        if value is None:
            continue
        number = _number(value)
        if number is None or not math.isfinite(number) or not low <= number <= high:
            raise InvalidInputError(
                f"{label} must be between {low:g} and {high:g} (got {_shown(value)})."
            )
