"""Every error a person can meet: one tree, one sentence each, and whether a retry makes sense.

``AppError`` is the root. Below it:

- ``ApiError`` and its tree (after openai-python): ``ApiConnectionError`` →
  ``ApiTimeoutError``; ``ApiStatusError`` with one class per status (``STATUS_ERRORS``,
  ``error_class_for``); ``StreamError``, ``ResponseFormatError``, ``JobFailedError``,
  ``CancelledByUser`` and ``InvalidInputError``;
- ``UserInputError``: the person's input cannot be used (found before anything is sent);
- ``StorageError``: the history, a backup or a file of ours cannot be read or written;
- ``MediaError``: an audio or image task failed.

Each error's ``sentence`` is what the person sees and ``retry_makes_sense`` says whether
offering "Try again" is honest. Whatever shows or prints an error asks this module:
``describe(exc)`` for the sentence, ``is_expected(exc)`` to tell a failure the person can act
on from a bug, ``retry_makes_sense(exc)`` for the retry offer. Reading an error body off the
wire is the API client's business (``app.api.errors``); this module imports nothing of ours.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    """Root of every error that carries a sentence for the person.

    Args:
        message: the sentence (or the detail that the class's sentence is built around).
    """

    retry_makes_sense: ClassVar[bool] = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def sentence(self) -> str:
        """The one sentence the person sees: never the key, never a traceback."""
        return self.message


# -- the person's input, storage and media ---------------------------------------------------


class UserInputError(AppError):
    """The person's input cannot be used as it is; the message says what to change."""


class StorageError(AppError):
    """Something of ours on disk (history, backup, settings) cannot be read or written."""


class MediaError(AppError):
    """An audio or image task failed; the message is a sentence for the person."""


# -- the API ---------------------------------------------------------------------------------


class ApiError(AppError):
    """Base of every error the API client raises."""


class ApiConnectionError(ApiError):
    """The server could not be reached, or the connection dropped."""

    retry_makes_sense = True

    @property
    def sentence(self) -> str:
        return _with_detail(
            "Could not reach the server. Check the connection and the base URL.", None
        )


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer (or stopped sending) within the timeout."""

    @property
    def sentence(self) -> str:
        return "The server took too long to answer. Check the connection or raise the timeout."


class AnswerCutError(ApiConnectionError):
    """The connection broke after the server had started a successful answer.

    The work was done (and may be paid for), so this is not sent again on its own; the person
    decides whether to try again.
    """

    @property
    def sentence(self) -> str:
        return "The connection dropped before the whole reply arrived. Try again."


class ResponseFormatError(ApiError):
    """The server answered 2xx with a body this client cannot use (bad JSON, no result …)."""

    @property
    def sentence(self) -> str:
        return _with_detail("The server sent a reply this app could not read.", self.message)


class InvalidInputError(ApiError, UserInputError):
    """The person's input cannot be sent (empty prompt, unreadable file …).

    Found before any request is made.
    """


class StreamError(ApiError):
    """An error object arrived inside an event stream, or the stream broke after it started."""

    @property
    def sentence(self) -> str:
        return _with_detail("The reply stopped with an error.", self.message)


class CancelledByUser(ApiError):
    """The person cancelled the operation (upload, wait or download) before it finished."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class JobFailedError(ApiError):
    """A server-side job (an STT transcription) ended in a failure state; message is a sentence."""


class ApiStatusError(ApiError):
    """The server answered with a non-2xx status."""

    headline: ClassVar[str | None] = None

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

    @property
    def sentence(self) -> str:
        base = self.headline or f"The server answered with status {self.status}."
        return _with_detail(base, self.message)


_INVALID = "The request was refused as invalid."


class BadRequestError(ApiStatusError):
    """400: the request was refused as invalid."""

    headline = _INVALID


class AuthenticationError(ApiStatusError):
    """401: the API key is missing or wrong."""

    headline = "The API key was refused. Check it in Settings → API key."


class PermissionDeniedError(ApiStatusError):
    """403: for this gateway usually out of credits, or a key that may not use this route."""

    headline = (
        "The gateway refused the request: the account may be out of credits, or this key "
        "may not use this feature."
    )


class NotFoundError(ApiStatusError):
    """404: unknown route or model, or a deprecated model."""

    headline = (
        "The model or endpoint was not found. It may have been renamed or retired; "
        "pick another model."
    )


class LinkExpiredError(NotFoundError):
    """A generated file's download link answered 404/403/410: it expired or was removed."""

    headline = "The link to the generated file expired before it could be downloaded. Try again."


class ConflictError(ApiStatusError):
    """409."""


class UnprocessableEntityError(ApiStatusError):
    """422."""

    headline = _INVALID


class RateLimitError(ApiStatusError):
    """429: too many requests."""

    retry_makes_sense = True
    headline = "Too many requests right now. Wait a moment and try again."


class InternalServerError(ApiStatusError):
    """≥500: the gateway or the model failed."""

    retry_makes_sense = True
    headline = "The server had a problem. Try again in a moment."


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
    """The ``ApiStatusError`` subclass for an HTTP status (every 5xx is a server error)."""
    if status >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status, ApiStatusError)


# -- asking about any error -------------------------------------------------------------------

EXPECTED_ERRORS: tuple[type[AppError], type[OSError]] = (AppError, OSError)
"""Errors that carry a sentence for the person rather than a bug."""


def is_expected(exc: BaseException) -> bool:
    """True for a failure the person can understand and act on; False for a bug."""
    return isinstance(exc, EXPECTED_ERRORS)


def retry_makes_sense(exc: BaseException) -> bool:
    """True when trying the same thing again may well work (a dropped connection, 429, 5xx)."""
    return isinstance(exc, AppError) and exc.retry_makes_sense


def describe(exc: BaseException) -> str:
    """The one sentence a person sees for any error (never the key, never a traceback)."""
    if isinstance(exc, AppError):
        return exc.sentence
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or exc}."
    if isinstance(exc, PermissionError):
        return f"Permission denied: {exc.filename or exc}."
    if isinstance(exc, OSError):
        return f"A file could not be read or written: {exc.strerror or exc}."
    text = str(exc).strip()
    return text if text else f"Unexpected error ({type(exc).__name__})."


def _with_detail(sentence: str, detail: str | None) -> str:
    if not detail or detail.lower().startswith("http "):
        return sentence
    detail = detail.split("Traceback (most recent call last)")[0].strip()  # LiteLLM sends them
    if not detail:
        return sentence
    detail = " ".join(detail.split())
    if len(detail) > 240:
        detail = detail[:237] + "…"
    if detail.rstrip(".").lower() in sentence.lower():
        return sentence
    return f"{sentence} ({detail.rstrip('.')}.)"
