from __future__ import annotations

import pytest

from app.api.client import ApiClient, ClientConfig, Timeouts
from app.api.errors import InvalidInputError, describe
from app.api.transport import api_root, quote_path_segment
from tests.fake_api import FakeApi


@pytest.mark.parametrize(
    ("base", "root"),
    [
        ("https://api.aimlapi.com", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v1", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v1/", "https://api.aimlapi.com"),
        ("https://api.aimlapi.com/v2", "https://api.aimlapi.com"),
        ("https://openrouter.ai/api/v1", "https://openrouter.ai/api"),
        ("http://localhost:11434/v1", "http://localhost:11434"),
        ("  https://host/v1  ", "https://host"),
        ("https://host/v1beta", "https://host/v1beta"),
    ],
)
def test_api_root(base: str, root: str) -> None:
    assert api_root(base) == root
    assert ClientConfig(base_url=base).root == root


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("#g1_aura-asteria-en", "%23g1_aura-asteria-en"),
        ("openai/gpt-4o", "openai/gpt-4o"),
        ("a b?c", "a%20b%3Fc"),
        ("100%", "100%25"),
    ],
)
def test_quote_path_segment(value: str, quoted: str) -> None:
    assert quote_path_segment(value) == quoted


def test_defaults() -> None:
    config = ClientConfig()
    assert config.base_url == "https://api.aimlapi.com"
    assert config.timeouts == Timeouts(connect=10.0, read=300.0)
    assert (config.dialect, config.max_retries, config.proxy) == ("aimlapi", 2, None)


def test_proxy_carries_every_request(fake_api: FakeApi) -> None:
    config = ClientConfig(
        base_url="http://api.aimlapi.invalid/v1", proxy=fake_api.url, max_retries=0
    )
    with ApiClient(config) as client:
        client.models.list()
    (request,) = fake_api.requests
    assert request.path.endswith("/v1/models")
    assert request.headers["Host"] == "api.aimlapi.invalid"


@pytest.mark.parametrize("base", ["ftp://api.aimlapi.com", "api.aimlapi.com/v1", "http://", ""])
def test_a_base_url_that_is_not_http_gives_a_sentence(base: str) -> None:
    client = ApiClient(ClientConfig(base_url=base or " ", max_retries=0))
    with client, pytest.raises(InvalidInputError) as caught:
        client.models.list()
    sentence = describe(caught.value)
    assert sentence.startswith("The base URL") and "https://" in sentence
