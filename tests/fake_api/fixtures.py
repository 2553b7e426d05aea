"""The ``fake_api`` pytest fixture: a started stand-in gateway, stopped after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_api.server import FakeApi


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi()
    api.start()
    try:
        yield api
    finally:
        api.stop()
