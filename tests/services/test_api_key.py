"""The API key's flows without any window: test, save, remove, and what each says."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import keyring
import keyring.backends.fail
import pytest

from app.errors import UserInputError
from app.services.context import Services
from app.storage.secrets import SERVICE, USERNAME, KeyStore
from app.storage.settings import Settings
from tests.fake_api import FakeApi

GOOD_KEY = "good-key-0123456789abcdef"


def _services(fake_api: FakeApi, environ: dict[str, str] | None = None) -> Services:
    settings = Settings(base_url=fake_api.url, max_retries=0, read_timeout=20)
    return Services(settings, keystore=KeyStore(environ=environ or {}))


@pytest.fixture
def services(fake_api: FakeApi) -> Iterator[Services]:
    fake_api.options.require_key = GOOD_KEY
    fake_api.options.balance = 42.5
    built = _services(fake_api)
    try:
        yield built
    finally:
        built.close()


def test_a_good_key_works_and_says_the_balance(services: Services) -> None:
    check = asyncio.run(services.keys.check(f"  {GOOD_KEY}\n"))
    assert check.works is True
    assert check.tone == "ok"
    assert check.sentence == "The key works. Balance: $42.50."
    assert keyring.get_password(SERVICE, USERNAME) is None  # testing stores nothing


def test_a_refused_key_says_so_and_an_empty_one_asks_nothing(
    services: Services, fake_api: FakeApi
) -> None:
    refused = asyncio.run(services.keys.check("wrong-key-0123456789"))
    assert refused.works is False
    assert refused.tone == "error"
    assert refused.sentence.startswith("The API key was refused.")
    before = len(fake_api.requests)
    empty = asyncio.run(services.keys.check("   "))
    assert (empty.works, empty.sentence, empty.tone) == (
        None,
        "Type or paste a key first.",
        "warning",
    )
    assert len(fake_api.requests) == before


def test_a_server_without_a_balance_cannot_check_but_allows_saving(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.options.has_balance = False
    check = asyncio.run(services.keys.check(GOOD_KEY))
    assert check.works is False
    assert check.tone == "warning"
    assert "You can still save it." in check.sentence


def test_saving_puts_the_key_in_the_keyring_and_removing_forgets_it(services: Services) -> None:
    saved = asyncio.run(services.keys.save(GOOD_KEY))
    assert saved.persisted is True
    assert saved.state.source == "keyring"
    assert saved.messages == (("info", "API key saved in the system keyring."),)
    assert keyring.get_password(SERVICE, USERNAME) == GOOD_KEY

    removed = asyncio.run(services.keys.remove())
    assert removed.state.source == "none"
    assert removed.messages == (("info", "The API key was removed."),)
    assert keyring.get_password(SERVICE, USERNAME) is None
    assert asyncio.run(services.keys.state(with_key=True)).key is None


def test_without_a_keyring_the_key_is_kept_for_the_session_and_says_why(
    services: Services,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        saved = asyncio.run(services.keys.save(GOOD_KEY))
    finally:
        keyring.set_keyring(previous)
    assert saved.persisted is False
    assert saved.state.source == "session"
    [(tone, sentence)] = saved.messages
    assert tone == "notice"
    assert sentence == saved.state.notice
    assert asyncio.run(services.keys.state(with_key=True)).key == GOOD_KEY


def test_with_the_environment_key_set_saving_and_removing_say_that_it_wins(
    fake_api: FakeApi,
) -> None:
    services = _services(fake_api, {"AIML_API_KEY": "env-key-0123456789"})
    try:
        saved = asyncio.run(services.keys.save(GOOD_KEY))
        assert saved.state.source == "env"
        assert saved.messages[-1] == (
            "notice",
            "AIML_API_KEY is set in the environment, so that key is used for this run.",
        )
        removed = asyncio.run(services.keys.remove())
        assert removed.state.source == "env"
        assert removed.messages == (
            (
                "notice",
                "The stored key was removed. AIML_API_KEY is still set and used for this run.",
            ),
        )
    finally:
        services.close()


def test_an_empty_key_is_not_saved(services: Services) -> None:
    with pytest.raises(UserInputError, match=r"Type or paste a key first\."):
        asyncio.run(services.keys.save("  "))
    assert keyring.get_password(SERVICE, USERNAME) is None
