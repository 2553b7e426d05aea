"""Fixtures of the interop suite: LiteLLM proxy in front of mock-ai-api, for the whole session.

Run with ``python -m pytest -m interop tests/interop``; the first run installs both servers
(about three minutes), later runs reuse them (see ``servers.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the command-line fixture)
from tests.interop.servers import (
    LITELLM_MASTER_KEY,
    Server,
    start_litellm,
    start_mock_ai_api,
)
from tests.ui.conftest import open_window, qloop  # noqa: F401  (the window fixtures)


@pytest.fixture(scope="session")
def mock_ai_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_mock_ai_api(tmp_path_factory.mktemp("mock-ai-api"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def litellm(tmp_path_factory: pytest.TempPathFactory, mock_ai_api: Server) -> Iterator[Server]:
    server = start_litellm(tmp_path_factory.mktemp("litellm"), mock_ai_api)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> str:
    """LiteLLM's master key as the app's key (mock-ai-api takes any key)."""
    monkeypatch.setenv("AIML_API_KEY", LITELLM_MASTER_KEY)
    return LITELLM_MASTER_KEY
