"""The error tree of the API client, the status → class table, and the sentence a person sees.

Gateway error bodies look like ``{"message", "path", "requestId", "statusCode", "timestamp"}``
(``statusCode`` a number or a string); upstream provider errors arrive as a string inside
``message`` prefixed by the upstream status (``"400 {\"error\": {...}}"``). Some servers use the
OpenAI shape ``{"error": {"message": ...}}`` or ``{"error": "..."}``. All are read here.
"""

from __future__ import annotations

import json
from typing import Any


class ApiError(Exception):
    """Base of every error the API client raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApiConnectionError(ApiError):
    """The server could not be reached, or the connection dropped."""


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer (or stopped sending) within the timeout."""


class ResponseFormatError(ApiError):
    """The server answered 2xx with a body this client cannot use (bad JSON, no result …)."""


class InvalidInputError(ApiError):
    """The person's input cannot be sent (empty prompt, unreadable file …).

    Found before any request is made.
    """


class StreamError(ApiError):
    """An error object arrived inside an event stream, or the stream broke after it started."""


class CancelledByUser(ApiError):
    """The person cancelled the operation (upload, wait or download) before it finished."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class JobFailedError(ApiError):
    """A server-side job (an STT transcription) ended in a failure state; message is a sentence."""


class ApiStatusError(ApiError):
    """The server answered with a non-2xx status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        request_id: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after


class BadRequestError(ApiStatusError):
    """400: the request was refused as invalid."""


class AuthenticationError(ApiStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(ApiStatusError):
    """403: for this gateway usually out of credits, or a key that may not use this route."""


class NotFoundError(ApiStatusError):
    """404: unknown route or model, or a deprecated model."""


class LinkExpiredError(NotFoundError):
    """A generated file's download link answered 404/403/410: it expired or was removed."""


class ConflictError(ApiStatusError):
    """409."""


class UnprocessableEntityError(ApiStatusError):
    """422."""


class RateLimitError(ApiStatusError):
    """429: too many requests."""


class InternalServerError(ApiStatusError):
    """≥500: the gateway or the model failed."""


STATUS_ERRORS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[ApiStatusError]:
    if status >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status, ApiStatusError)


def _message_from_mapping(body: dict[str, Any]) -> str | None:
    err = body.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        return err["message"]
    if isinstance(err, str) and err.strip():
        return err
    msg = body.get("message")
    if isinstance(msg, str) and msg.strip():
        return msg
    if isinstance(msg, list) and msg:  # NestJS validation errors come as a list of strings
        return "; ".join(str(m) for m in msg)
    detail = body.get("detail")
    if isinstance(detail, str) and detail.strip():
        return detail
    return None


def _unwrap_upstream(message: str) -> str:
    """``'400 {"error": {"message": "x"}}'`` → ``'x'``; anything else is returned as it is."""
    head, _, rest = message.partition(" ")
    if head.isdigit() and rest.lstrip().startswith("{"):
        try:
            inner = json.loads(rest)
        except ValueError:
            return message
        if isinstance(inner, dict):
            found = _message_from_mapping(inner)
            if found:
                return _unwrap_upstream(found)
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


_STATUS_SENTENCES: dict[type[ApiStatusError], str] = {
    LinkExpiredError: (
        "The link to the generated file expired before it could be downloaded. Try again."
    ),
    AuthenticationError: "The API key was refused. Check it in Settings → API key.",
    PermissionDeniedError: (
        "The gateway refused the request: the account may be out of credits, or this key "
        "may not use this feature."
    ),
    NotFoundError: (
        "The model or endpoint was not found. It may have been renamed or retired; "
        "pick another model."
    ),
    RateLimitError: "Too many requests right now. Wait a moment and try again.",
    InternalServerError: "The server had a problem. Try again in a moment.",
    BadRequestError: "The request was refused as invalid.",
    UnprocessableEntityError: "The request was refused as invalid.",
}


def _with_detail(sentence: str, detail: str | None) -> str:
    if not detail or detail.lower().startswith("http "):
        return sentence
    detail = " ".join(detail.split())
    if len(detail) > 240:
        detail = detail[:237] + "…"
    if detail.rstrip(".").lower() in sentence.lower():
        return sentence
    return f"{sentence} ({detail.rstrip('.')}.)"


def _describe_status(exc: ApiStatusError) -> str:
    base = _STATUS_SENTENCES.get(type(exc))
    if base is None:
        for cls, sentence in _STATUS_SENTENCES.items():
            if isinstance(exc, cls):
                base = sentence
                break
    if base is None:
        base = f"The server answered with status {exc.status}."
    return _with_detail(base, exc.message)


def describe(exc: BaseException) -> str:
    """The one sentence a person sees for any error (never the key, never a traceback)."""
    if isinstance(exc, ApiStatusError):
        return _describe_status(exc)
    if isinstance(exc, ApiTimeoutError):
        return "The server took too long to answer. Check the connection or raise the timeout."
    if isinstance(exc, ApiConnectionError):
        return _with_detail(
            "Could not reach the server. Check the connection and the base URL.", None
        )
    if isinstance(exc, StreamError):
        return _with_detail("The reply stopped with an error.", exc.message)
    if isinstance(exc, ResponseFormatError):
        return _with_detail("The server sent a reply this app could not read.", exc.message)
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or exc}."
    if isinstance(exc, PermissionError):
        return f"Permission denied: {exc.filename or exc}."
    if isinstance(exc, OSError):
        return f"A file could not be read or written: {exc.strerror or exc}."
    text = str(exc).strip()
    return text if text else f"Unexpected error ({type(exc).__name__})."
