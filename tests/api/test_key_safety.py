"""The API key goes only to the configured API host, and never into an error message."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.api.client import ApiClient
from app.api.errors import InvalidInputError, describe
from tests.api.conftest import KEY
from tests.fake_api import FakeApi, Reply


@pytest.fixture
def other_host() -> Iterator[FakeApi]:
    """A second stand-in on another port: another origin as far as the client knows."""
    server = FakeApi()
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    "key",
    [
        "sk-abcd1234\nefgh5678ijkl",  # pasted with a line break inside
        "sk-abcd1234\refgh5678ijkl",
        "sk-abcd1234’efgh5678ijkl",  # a typographic quote: not sendable in a header
        "sk-ключ-abcd1234efgh5678",
    ],
)
def test_a_key_that_cannot_be_sent_is_refused_without_echoing_it(
    make_client: Callable[..., ApiClient], fake_api: FakeApi, key: str
) -> None:
    client = make_client(api_key=key)
    with pytest.raises(InvalidInputError) as caught:
        client.billing.balance()
    sentence = describe(caught.value)
    assert "API key" in sentence
    for text in (sentence, caught.value.message, repr(caught.value.args)):
        assert key not in text
        assert "abcd1234" not in text
    assert fake_api.requests == []


def test_white_space_around_a_pasted_key_is_dropped(
    make_client: Callable[..., ApiClient], fake_api: FakeApi
) -> None:
    make_client(api_key=f"  {KEY}\n").billing.balance()
    assert fake_api.requests[-1].headers["Authorization"] == f"Bearer {KEY}"


def test_a_redirect_to_another_host_does_not_carry_the_key(
    client: ApiClient, fake_api: FakeApi, other_host: FakeApi
) -> None:
    fake_api.script(
        "/v1/models", Reply(status=307, headers={"Location": other_host.url + "/v1/models"})
    )
    assert client.models.list().models
    assert fake_api.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    (followed,) = other_host.requests
    assert followed.path == "/v1/models"
    assert "Authorization" not in followed.headers


def test_a_redirect_on_the_same_host_keeps_the_key(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v2/billing", Reply(status=307, headers={"Location": "/v2/billing"}))
    client.billing.balance()
    assert [r.headers.get("Authorization") for r in fake_api.requests] == [f"Bearer {KEY}"] * 2


def test_image_downloads_never_carry_the_key(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.image_shape = "data_url"
    client.images.generate({"model": "flux/schnell", "prompt": "a red fox"})
    downloads = [r for r in fake_api.requests if r.path.startswith("/files/")]
    assert downloads
    assert all("Authorization" not in r.headers for r in downloads)
