"""Pieces of the gateway's wire format shared by every surface: ids, error bodies, cost."""

from __future__ import annotations

import secrets
import string
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

NANOID_ALPHABET = string.ascii_letters + string.digits + "_-"

KEY_REQUIRED = (
    "This request requires a valid API key. "
    "You can create a new API key on the Billing page: https://aimlapi.com/app/keys"
)
OUT_OF_CREDITS = (
    "You've run out of credits. Please top up your balance or update your payment method "
    "to continue: https://aimlapi.com/app/billing/"
)
BODY_VALIDATION = "Body validation error!"

DOCUMENTED_MESSAGES: dict[int, str] = {
    400: BODY_VALIDATION,
    401: KEY_REQUIRED,
    403: OUT_OF_CREDITS,
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service unavailable",
    504: "Generation timeout",
}

USD_PER_CREDIT = 1 / 2_000_000
CREDITS_PER_TOKEN = 21


def nanoid(size: int = 21) -> str:
    return "".join(secrets.choice(NANOID_ALPHABET) for _ in range(size))


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def documented_message(status: int) -> str:
    if status in DOCUMENTED_MESSAGES:
        return DOCUMENTED_MESSAGES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(
    status: int, path: str, message: str | None = None, *, status_code_as_string: bool = False
) -> dict[str, Any]:
    """The gateway's error body ``{message, path, requestId, statusCode, timestamp}``."""
    return {
        "message": message if message is not None else documented_message(status),
        "path": path,
        "requestId": str(uuid.uuid4()),
        "statusCode": str(status) if status_code_as_string else status,
        "timestamp": timestamp(),
    }


def cost_for_tokens(tokens: int) -> dict[str, Any]:
    """``meta.usage`` for a number of tokens: ``{credits_used, usd_spent}``."""
    credits = max(tokens, 1) * CREDITS_PER_TOKEN
    return {"credits_used": credits, "usd_spent": round(credits * USD_PER_CREDIT, 9)}


def cost_headers(cost: dict[str, Any]) -> dict[str, str]:
    """``x-aimlapi-credits-used`` / ``x-aimlapi-usd-spent`` as sent on non-streaming JSON."""
    return {
        "x-aimlapi-credits-used": str(cost["credits_used"]),
        "x-aimlapi-usd-spent": f"{cost['usd_spent']:.9f}",
    }
