"""The command line's fixtures (the stand-in with the test key, ``cli``, ``cli_process``,
``write_settings``) for the reliability tests; quick retries and a small answer cap for the
fault matrix, and the matrix table printed at the end of the run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import cli, cli_process, gateway, write_settings  # noqa: F401
from tests.reliability.matrix import BODY_CAP, RESULTS
from tests.ui.conftest import open_window, qloop  # noqa: F401


@pytest.fixture
def quick_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait a few milliseconds, and answers are capped at BODY_CAP bytes."""
    monkeypatch.setattr("app.api.retry.INITIAL_DELAY", 0.01)
    monkeypatch.setattr("app.api.transport.MAX_ANSWER_BYTES", BODY_CAP)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if RESULTS.empty():
        return
    terminalreporter.section("fault matrix")
    for line in RESULTS.table():
        terminalreporter.write_line(line)
