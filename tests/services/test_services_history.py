"""The shared history database is opened once, however many threads ask for it first."""

from __future__ import annotations

import threading

from app.services.context import Services
from app.storage.history import HistoryDatabase
from app.storage.settings import Settings


def test_threads_asking_first_at_once_share_one_database() -> None:
    services = Services(Settings())
    start = threading.Barrier(8)
    seen: list[HistoryDatabase] = []
    errors: list[BaseException] = []

    def ask() -> None:
        start.wait()
        try:
            seen.append(services.history)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert errors == []
        assert len(seen) == 8 and len({id(db) for db in seen}) == 1
        assert seen[0].schema_version >= 1
    finally:
        services.close()
