"""One error tree: every error a person can meet has its sentence and says if a retry helps."""

from __future__ import annotations

import pytest

from app import errors
from app.api import errors as api_errors
from app.errors import (
    AppError,
    describe,
    error_class_for,
    is_expected,
    retry_makes_sense,
)
from app.media.audio import MediaError
from app.media.images import ImageCheckError
from app.services.backup import BackupError
from app.storage.history import HistoryError


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (429, "RateLimitError"),
        (500, "InternalServerError"),
        (503, "InternalServerError"),
        (418, "ApiStatusError"),
    ],
)
def test_each_status_has_its_class(status: int, name: str) -> None:
    assert error_class_for(status).__name__ == name
    built = api_errors.status_error(status, {"message": "nope"})
    assert type(built).__name__ == name and built.status == status


def test_the_api_client_raises_the_apps_own_classes() -> None:
    assert api_errors.ApiError is errors.ApiError
    assert api_errors.RateLimitError is errors.RateLimitError
    assert issubclass(errors.ApiError, AppError)


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (errors.ApiConnectionError("down"), True),
        (errors.ApiTimeoutError("slow"), True),
        (errors.RateLimitError("busy", status=429), True),
        (errors.InternalServerError("oops", status=502), True),
        (errors.AuthenticationError("bad key", status=401), False),
        (errors.BadRequestError("bad", status=400), False),
        (errors.InvalidInputError("Type a prompt first."), False),
        (MediaError("FFmpeg is missing."), False),
        (HistoryError("The history cannot be opened."), False),
        (FileNotFoundError(2, "No such file", "/nowhere"), False),
    ],
)
def test_a_retry_is_offered_only_where_it_may_work(error: BaseException, retry: bool) -> None:
    assert retry_makes_sense(error) is retry
    assert is_expected(error)


def test_storage_media_and_input_errors_share_the_root() -> None:
    for cls in (MediaError, ImageCheckError, HistoryError, BackupError):
        assert issubclass(cls, AppError), cls
    assert issubclass(errors.InvalidInputError, errors.UserInputError)
    assert issubclass(ImageCheckError, ValueError)  # older callers catch it as one


def test_a_bug_is_not_an_expected_error() -> None:
    assert not is_expected(KeyError("x"))
    assert not is_expected(RuntimeError("boom"))
    assert not retry_makes_sense(RuntimeError("boom"))


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            errors.AuthenticationError("HTTP 401", status=401),
            "The API key was refused. Check it in Settings → API key.",
        ),
        (
            errors.LinkExpiredError("gone", status=410),
            "The link to the generated file expired before it could be downloaded. Try again. "
            "(gone.)",
        ),
        (errors.ConflictError("HTTP 409", status=409), "The server answered with status 409."),
        (
            errors.ApiTimeoutError("read timed out"),
            "The server took too long to answer. Check the connection or raise the timeout.",
        ),
        (
            errors.StreamError("model overloaded"),
            "The reply stopped with an error. (model overloaded.)",
        ),
        (MediaError("FFmpeg is missing."), "FFmpeg is missing."),
        (FileNotFoundError(2, "No such file", "/nowhere"), "File not found: /nowhere."),
        (RuntimeError(""), "Unexpected error (RuntimeError)."),
    ],
)
def test_describe_gives_the_one_sentence(error: BaseException, sentence: str) -> None:
    assert describe(error) == sentence
    assert api_errors.describe(error) == sentence
