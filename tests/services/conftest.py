"""Fixtures for service tests: Services pointed at the stand-in gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.context import Services
from app.storage.settings import Settings
from tests.fake_api import FakeApi

SERVICE_KEY = "sk-service-test-0123456789"


@pytest.fixture
def services(fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("AIML_API_KEY", SERVICE_KEY)
    fake_api.options.require_key = SERVICE_KEY
    settings = Settings(base_url=fake_api.url, max_retries=0, read_timeout=20)
    built = Services(settings)
    try:
        yield built
    finally:
        built.close()
