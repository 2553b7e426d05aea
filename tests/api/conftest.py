from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.api.client import ApiClient, ClientConfig, Timeouts
from tests.fake_api import FakeApi

KEY = "test-key-123"


class SleepRecorder(list):
    """Stands in for ``time.sleep``: remembers every delay and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def slept() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(fake_api: FakeApi, slept: SleepRecorder) -> Iterator[Callable[..., ApiClient]]:
    clients: list[ApiClient] = []

    def make(**overrides: object) -> ApiClient:
        settings: dict[str, object] = {
            "base_url": fake_api.url + "/v1",
            "api_key": KEY,
            "timeouts": Timeouts(connect=2.0, read=5.0),
        }
        settings.update(overrides)
        client = ApiClient(ClientConfig(**settings), sleep=slept, random=lambda: 0.0)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., ApiClient]) -> ApiClient:
    return make_client()
