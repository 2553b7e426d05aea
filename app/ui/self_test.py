"""``--self-test``: the window is painted with its current tab built, then the parts it relies
on (settings, history store, keyring backend) are checked off the UI thread.

With ``AIML_SELF_TEST_REPORT=FILE`` (used by ``bench/startup.py``) it also appends one JSON
line per stage to FILE (time, peak and current RSS), and opens every tab once before exiting.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

log = logging.getLogger(__name__)

REPORT_ENV = "AIML_SELF_TEST_REPORT"


def report_wanted() -> bool:
    return bool(os.environ.get(REPORT_ENV))


def snapshot(stage: str) -> dict[str, Any]:
    """The figures of ``stage`` now: the time, the CPU time this process has used (since it
    started), and its peak and current RSS."""
    memory: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmHWM", "VmRSS"):
                    memory[name] = int(value.split()[0])
    except OSError:
        pass
    return {
        "stage": stage,
        "time": time.time(),
        "cpu_s": time.process_time(),
        "hwm_kb": memory.get("VmHWM", 0),
        "rss_kb": memory.get("VmRSS", 0),
    }


def report(stage: str | dict[str, Any]) -> None:
    """Append ``stage`` (a name, measured now, or a ``snapshot`` taken earlier) to the report
    file, if one is named."""
    path = os.environ.get(REPORT_ENV)
    if not path:
        return
    entry = snapshot(stage) if isinstance(stage, str) else stage
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def check_parts(services: Any) -> list[str]:
    """Open the history store and ask the keyring backend (blocking; run it off the UI thread).

    Returns one sentence per part that does not work; the app runs without them (the history
    is not kept, the key lives for the session), so they are notes, not failures.
    """
    from app.storage.paths import settings_path

    notes: list[str] = []
    path = settings_path()
    if path.exists() and not os.access(path, os.R_OK):
        notes.append(f"The settings file {path} cannot be read; the defaults are used.")
    try:
        version = services.history.schema_version
    except Exception as exc:  # the store reports its own clear sentence
        notes.append(f"The history store cannot be opened: {exc}")
    else:
        log.info("self-test: history schema version %d", version)
    problem = getattr(services, "history_problem", "")
    if problem:
        notes.append(f"The history store cannot be opened: {problem}")
    try:
        source = services.keystore.source
        notice = services.keystore.notice()
    except Exception as exc:
        notes.append(f"The keyring cannot be asked: {exc}")
    else:
        if notice:
            notes.append(notice)
        log.info("self-test: the key comes from %s", source)
    return notes
