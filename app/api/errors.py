"""How the API's error bodies are read, and the matching error built from a response.

The error classes themselves live in ``app.errors`` (one tree for the whole app, each with
the sentence a person sees); they are importable from here too, so the API client's modules
keep one place to import from.

Gateway error bodies look like ``{"message", "path", "requestId", "statusCode", "timestamp"}``
(``statusCode`` a number or a string); upstream provider errors arrive as a string inside
``message`` prefixed by the upstream status (``"400 {\"error\": {...}}"``). Some servers use the
OpenAI shape ``{"error": {"message": ...}}`` or ``{"error": "..."}``. All are read here.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from app.errors import (
    STATUS_ERRORS,
    AnswerCutError,
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CancelledByUser,
    ConflictError,
    InternalServerError,
    InvalidInputError,
    JobFailedError,
    LinkExpiredError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    StreamError,
    UnprocessableEntityError,
    describe,
    error_class_for,
)

__all__ = [
    "STATUS_ERRORS",
    "AnswerCutError",
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CancelledByUser",
    "ConflictError",
    "InternalServerError",
    "InvalidInputError",
    "JobFailedError",
    "LinkExpiredError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFormatError",
    "StreamError",
    "UnprocessableEntityError",
    "describe",
    "error_class_for",
    "parse_error_body",
    "status_error",
]


def _message_from_mapping(body: dict[str, Any]) -> str | None:
    err = body.get("error")
    nested = err.get("message") if isinstance(err, dict) else None
    if isinstance(nested, str):
        return nested
    if isinstance(err, str) and err.strip():
        return err
    msg = body.get("message")
    if isinstance(msg, str) and msg.strip():
        return msg
    if isinstance(msg, list) and msg:  # NestJS validation errors come as a list of strings
        return "; ".join(str(m) for m in msg)
    remote = body.get("err_msg")  # Deepgram's shape, passed on by the gateway for STT
    if isinstance(remote, str) and remote.strip():
        if body.get("err_code") == "REMOTE_CONTENT_ERROR":
            return f"The recording at that URL could not be fetched: {remote.strip()}"
        return remote
    return _message_from_detail(body.get("detail"))


def _message_from_detail(detail: Any) -> str | None:
    """FastAPI's ``detail``: a string, an object (``{"error": …}``) or a list of
    ``{"loc", "msg"}`` validation items."""
    if isinstance(detail, str) and detail.strip():
        return detail
    if isinstance(detail, dict):
        return _message_from_mapping(detail)
    if isinstance(detail, list) and detail:
        parts = [_validation_item(item) for item in detail]
        return "; ".join(part for part in parts if part) or None
    return None


def _validation_item(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    message = str(item.get("msg") or item.get("message") or "").strip()
    loc = item.get("loc")
    if isinstance(loc, list | tuple):
        where = ".".join(str(part) for part in loc if part != "body")
        if where and message:
            return f"{where}: {message}"
    return message


def _parse_inner(text: str) -> Any:
    """The object after an upstream status: JSON, else a Python literal (LiteLLM's repr)."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _unwrap_upstream(message: str) -> str:
    """``'400 {"error": {"message": "x"}}'`` or ``"400: {'error': 'x'}"`` → ``'x'``; anything
    else is returned as it is."""
    head, _, rest = message.partition(" ")
    head = head.rstrip(":")
    if head.isdigit() and rest.lstrip().startswith("{"):
        inner = _parse_inner(rest.strip())
        if isinstance(inner, dict):
            found = _message_from_mapping(inner)
            if found:
                return _unwrap_upstream(found.strip())
    return message


def parse_error_body(body: Any, raw_text: str = "") -> tuple[str | None, str | None]:
    """Return ``(message, request_id)`` from an error body of any known shape."""
    if isinstance(body, dict):
        message = _message_from_mapping(body)
        request_id = body.get("requestId") or body.get("request_id")
        if message:
            message = _unwrap_upstream(message.strip())
        return message, str(request_id) if request_id else None
    text = raw_text.strip()
    if text and not text.startswith("<"):  # never show an HTML error page to a person
        return text[:300], None
    return None, None


def status_error(
    status: int, body: Any, raw_text: str = "", retry_after: float | None = None
) -> ApiStatusError:
    """Build the right ``ApiStatusError`` subclass for a non-2xx response."""
    message, request_id = parse_error_body(body, raw_text)
    cls = error_class_for(status)
    return cls(
        message or f"HTTP {status}",
        status=status,
        request_id=request_id,
        body=body,
        retry_after=retry_after,
    )
