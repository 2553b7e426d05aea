"""The log file: appended to while the window starts, rotating from then on, keys redacted."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.storage.logging_setup import (
    KEPT_LOGS,
    MAX_LOG_BYTES,
    setup_logging,
    shutdown_logging,
    start_rotating,
)


@pytest.fixture
def logged(isolated_user_dirs) -> Iterator[logging.Logger]:
    root_level = logging.getLogger().level
    yield logging.getLogger("app.test.logging")
    shutdown_logging()
    logging.getLogger().setLevel(root_level)


def _lines(log_file: Path) -> list[str]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8").splitlines()


def test_the_file_rotates_once_the_window_has_started(logged: logging.Logger) -> None:
    log_file = setup_logging(rotate=False)
    logged.info("before the paint, key sk-abcdefghijklmnopqrstuvwx")
    start_rotating()
    logged.info("after the paint")
    lines = _lines(log_file)
    assert [line.partition(": ")[2] for line in lines] == [
        "before the paint, key [REDACTED]",  # the same filter and format after the swap
        "after the paint",
    ]
    for number in range(MAX_LOG_BYTES // 400 * (KEPT_LOGS + 2)):
        logged.info("line %d %s", number, "x" * 400)
    kept = sorted(log_file.parent.glob(log_file.name + "*"))
    assert [path.name for path in kept] == [
        log_file.name,
        *(f"{log_file.name}.{n}" for n in range(1, KEPT_LOGS + 1)),
    ]
    assert all(path.stat().st_size <= MAX_LOG_BYTES for path in kept)


def test_no_line_is_lost_or_doubled_while_the_handler_is_swapped(logged: logging.Logger) -> None:
    log_file = setup_logging(rotate=False)
    go = threading.Event()

    def write(name: str) -> None:
        go.wait()
        for number in range(2_000):
            logged.info("%s %d", name, number)

    writers = [threading.Thread(target=write, args=(f"w{n}",)) for n in range(3)]
    for writer in writers:
        writer.start()
    go.set()
    start_rotating()
    for writer in writers:
        writer.join()
    messages = [line.partition(": ")[2] for line in _lines(log_file)]
    assert sorted(messages) == sorted(f"w{n} {m}" for n in range(3) for m in range(2_000))
    files = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(log_file)
    ]
    assert [type(handler).__name__ for handler in files] == ["RotatingFileHandler"]
