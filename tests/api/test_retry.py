from __future__ import annotations

import email.utils

import pytest

from app.api.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    BadRequestError,
    status_error,
)
from app.api.retry import RetryPolicy, is_retryable, parse_retry_after


def status(code: int, retry_after: float | None = None):
    return status_error(code, {"message": "x", "statusCode": code}, retry_after=retry_after)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ApiConnectionError("refused"), True),
        (ApiTimeoutError("read timed out"), False),
        (status(400), False),
        (status(401), False),
        (status(403), False),
        (status(404), False),
        (status(408), True),
        (status(409), True),
        (status(422), False),
        (status(429), True),
        (status(500), True),
        (status(502), True),
        (status(503), True),
        (status(504), True),
        (ValueError("not an api error"), False),
    ],
)
def test_which_failures_retry(exc: BaseException, expected: bool) -> None:
    assert is_retryable(exc) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": email.utils.formatdate(1_000_030, usegmt=True)}, 30.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, now=1_000_000) == expected


@pytest.mark.parametrize(
    ("retry_index", "retry_after", "random_value", "expected"),
    [
        (0, None, 0.0, 0.5),
        (1, None, 0.0, 1.0),
        (2, None, 0.0, 2.0),
        (4, None, 0.0, 8.0),
        (9, None, 0.0, 8.0),  # capped
        (0, None, 1.0, 0.375),  # full jitter takes off a quarter
        (3, None, 0.5, 3.5),
        (0, 5.0, 0.9, 5.0),  # Retry-After wins, no jitter
        (0, 0.0, 0.9, 0.0),
        (0, 3600.0, 0.0, 60.0),  # capped at 60 s
    ],
)
def test_delay_table(
    retry_index: int, retry_after: float | None, random_value: float, expected: float
) -> None:
    policy = RetryPolicy(random=lambda: random_value)
    assert policy.delay(retry_index, status(429, retry_after)) == pytest.approx(expected)


def test_call_retries_then_succeeds_and_sleeps_the_computed_delays() -> None:
    slept: list[float] = []
    failures = [status(503), status(429, retry_after=2.0)]

    def attempt() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    policy = RetryPolicy(max_retries=2, sleep=slept.append, random=lambda: 0.0)
    assert policy.call(attempt) == "ok"
    assert slept == [0.5, 2.0]


def test_call_gives_up_after_max_retries_with_the_last_error() -> None:
    slept: list[float] = []
    calls = 0

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise status(500)

    policy = RetryPolicy(max_retries=2, sleep=slept.append, random=lambda: 0.0)
    with pytest.raises(Exception) as caught:
        policy.call(attempt)
    assert caught.value.status == 500
    assert calls == 3
    assert slept == [0.5, 1.0]


def test_call_never_retries_a_client_error() -> None:
    slept: list[float] = []
    calls = 0

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise BadRequestError("bad", status=400)

    with pytest.raises(BadRequestError):
        RetryPolicy(sleep=slept.append).call(attempt)
    assert calls == 1
    assert slept == []


def test_zero_retries_means_one_attempt() -> None:
    calls = 0

    def attempt() -> None:
        nonlocal calls
        calls += 1
        raise ApiConnectionError("down")

    with pytest.raises(ApiConnectionError):
        RetryPolicy(max_retries=0, sleep=lambda s: None).call(attempt)
    assert calls == 1
