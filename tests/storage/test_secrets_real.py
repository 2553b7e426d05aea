"""The key store against real keyring backends.

The Secret Service test writes to a real keyring, so it runs only where that keyring is a
throwaway one: with AIML_TEST_REAL_SERVICES=1, as .ci/run sets inside its own D-Bus session
with a fresh gnome-keyring. Everywhere else it is skipped with the reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from app.services.context import client_config
from app.storage.history import HistoryDatabase
from app.storage.logging_setup import setup_logging, shutdown_logging
from app.storage.secrets import KeyStore
from app.storage.settings import Settings, load_settings, save_settings
from tests.conftest import use_secret_service


@pytest.fixture
def secret_service() -> Iterator[str]:
    """Switch to the real Secret Service backend; yields a service name unique to this test."""
    use_secret_service()
    service = f"aiml-desktop-test-{uuid.uuid4().hex[:8]}"
    yield service
    KeyStore(service=service).delete()


def secret_tool_lookup(service: str) -> str | None:
    tool = shutil.which("secret-tool")
    if tool is None:
        return None
    result = subprocess.run(
        [tool, "lookup", "service", service, "username", "api-key"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    return result.stdout if result.returncode == 0 else ""


def test_secret_service_round_trip(secret_service: str) -> None:
    store = KeyStore(service=secret_service)
    assert store.keyring_usable()
    assert store.set("real-keyring-key-123") is True
    assert store.notice() is None

    fresh = KeyStore(service=secret_service)
    assert fresh.get() == "real-keyring-key-123"
    assert fresh.source == "keyring"
    seen_by_other_tools = secret_tool_lookup(secret_service)
    if seen_by_other_tools is not None:
        assert seen_by_other_tools == "real-keyring-key-123"

    fresh.delete()
    assert KeyStore(service=secret_service).get() is None
    if seen_by_other_tools is not None:
        assert not secret_tool_lookup(secret_service)


def test_keyring_configured_to_fail_gives_session_only_key() -> None:
    program = textwrap.dedent(
        """
        from app.storage.secrets import KeyStore
        store = KeyStore()
        print(store.set("session-only-key"), store.source, store.get())
        print(store.notice())
        """
    )
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    first, notice = result.stdout.splitlines()[:2]
    assert first == "False session session-only-key"
    assert "session only" in notice
    assert "Traceback" not in result.stderr


def files_holding(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize("backend", ["memory", "none"])
def test_key_never_lands_in_user_files(backend: str, isolated_user_dirs: dict[str, Path]) -> None:
    if backend == "none":
        keyring.set_keyring(keyring.backends.fail.Keyring())
    secret = f"sk-{uuid.uuid4().hex}"
    root_level = logging.getLogger().level
    setup_logging(logging.DEBUG)
    try:
        store = KeyStore()
        store.set(secret)
        settings = load_settings()
        config = client_config(settings, store.get())
        logging.getLogger("app.test").info("using key %s for %s", store.get(), config)
        save_settings(Settings(extra={"note": "saved after the key was set"}))
        with HistoryDatabase() as history:
            history.backup(history.path.with_suffix(".copy"))
    finally:
        shutdown_logging()
        logging.getLogger().setLevel(root_level)
    assert store.get() == secret
    written = [p for root in isolated_user_dirs.values() for p in root.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in written)
    assert any(p.name == "settings.json" for p in written)
    for root in isolated_user_dirs.values():
        assert files_holding(root, secret) == []
