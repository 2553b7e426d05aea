from __future__ import annotations

import logging

import keyring
import keyring.backends.fail
import keyring.errors
import pytest

from app.errors import UserInputError
from app.storage.logging_setup import redact, setup_logging, shutdown_logging
from app.storage.secrets import KeyStore


class LockedKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_key_is_stored_in_the_keyring(memory_keyring) -> None:
    store = KeyStore()
    assert store.get() is None
    assert store.source == "none"
    assert store.set("  abc-key-1  ") is True
    assert memory_keyring.passwords == {("aiml-desktop", "api-key"): "abc-key-1"}
    assert KeyStore().get() == "abc-key-1"
    assert KeyStore().source == "keyring"
    assert store.notice() is None
    assert store.keyring_usable()


def test_delete_removes_the_key(memory_keyring) -> None:
    store = KeyStore()
    store.set("abc-key-1")
    store.delete()
    assert store.get() is None
    assert memory_keyring.passwords == {}
    store.delete()  # deleting twice is fine
    assert KeyStore().get() is None


def test_empty_key_is_refused() -> None:
    with pytest.raises(UserInputError, match=r"^The API key is empty\.$"):
        KeyStore().set("   ")


def test_environment_overrides_and_is_never_written(
    memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory_keyring.set_password("aiml-desktop", "api-key", "stored-key")
    monkeypatch.setenv("AIML_API_KEY", "env-key")
    store = KeyStore()
    assert store.get() == "env-key"
    assert store.source == "env"
    assert memory_keyring.passwords == {("aiml-desktop", "api-key"): "stored-key"}
    monkeypatch.delenv("AIML_API_KEY")
    assert store.get() == "stored-key"


def test_without_a_keyring_the_key_lives_for_this_session_only() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = KeyStore()
    assert not store.keyring_usable()
    assert store.set("session-key") is False
    assert store.get() == "session-key"
    assert store.source == "session"
    notice = store.notice()
    assert notice and "this session only" in notice
    assert "Traceback" not in notice
    assert KeyStore().get() is None


def test_locked_keyring_falls_back_with_a_sentence() -> None:
    keyring.set_keyring(LockedKeyring())
    store = KeyStore()
    assert store.get() is None
    assert store.set("session-key") is False
    assert store.get() == "session-key"
    assert not store.keyring_usable()
    notice = store.notice()
    assert notice is not None
    assert "locked" in notice and notice.endswith(".")


def test_key_never_reaches_the_log(isolated_user_dirs) -> None:
    root_level = logging.getLogger().level
    log_file = setup_logging(logging.DEBUG)
    try:
        store = KeyStore()
        store.set("my-personal-key-42")
        logging.getLogger("app.api.client").info(
            "POST /v1/chat headers=%s", {"Authorization": f"Bearer {store.get()}"}
        )
        logging.getLogger("app.test").warning("key is %s", store.get())
        try:
            raise RuntimeError(f"failed with {store.get()}")
        except RuntimeError:
            logging.getLogger("app.test").exception("request failed")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log_file.read_text(encoding="utf-8")
    finally:
        shutdown_logging()
        logging.getLogger().setLevel(root_level)
    assert "my-personal-key-42" not in text
    assert "key is [REDACTED]" in text
    assert "[REDACTED]" in text
    assert "request failed" in text
    assert log_file.is_relative_to(isolated_user_dirs["state"])


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer abcdef123456",
        "{'Authorization': 'Bearer abcdef123456'}",
        "api_key=abcdef123456&model=x",
        "using sk-abcdefghijklmnopqrstuvwx",
        "key 0123456789abcdef0123456789abcdef",
    ],
)
def test_key_shapes_are_redacted_without_being_registered(line: str) -> None:
    assert "abcdef123456" not in redact(line)
    assert "[REDACTED]" in redact(line)


def test_ordinary_lines_are_left_alone() -> None:
    line = "POST /v1/chat/completions 200 in 1.2 s, model gpt-4o, request 798b860e-98c2"
    assert redact(line) == line
