"""The key and an MCP server's header token are found nowhere they should not be.

A whole session, with a recognisable key in the real keyring (the Secret Service of the CI's
throwaway D-Bus session; see HEADLESS.md) and an MCP server reached over streamable HTTP whose
header holds a recognisable token:

- the command line: ``key set``, a chat with tool calls to the HTTP server (from Settings →
  Tools) and to a stdio server (``--mcp``), ``conversations``, ``backup``;
- the window: the Chat tab sends a message and gets its reply, with logging at DEBUG;
- an exported conversation, and the crash notice of an unexpected error that quotes both.

Then both secrets are searched for, as bytes, in every file under the XDG config, data, cache
and state folders (the logs are there), in the exported conversation, in every member of the
backup, in the crash notice, in the command line and environment of the stdio MCP server
(what ``ps`` shows), in what the stdio server received, in every request the gateway received
(the token must never reach it) and in what the HTTP server was sent besides its own header
(no key). Zero hits.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.storage.logging_setup import setup_logging, shutdown_logging
from app.storage.tool_config import HTTP, McpServerConfig, ToolConfig, ToolConfigStore
from tests.conftest import use_secret_service
from tests.fake_api import FakeApi
from tests.mcp_server import command_line
from tests.mcp_server import http_server as mcp_http_server
from tests.ui.conftest import open_window, qloop, use_server  # noqa: F401  (the window fixtures)

pytestmark = pytest.mark.keyring_real
REPO = Path(__file__).resolve().parents[2]
KEY = f"sk-audit-key-{uuid.uuid4().hex}"
TOKEN = f"tok-audit-{uuid.uuid4().hex}"


@pytest.fixture
def real_keyring() -> Iterator[None]:
    """The Secret Service keyring, for this process and (through D-Bus) for its children."""
    use_secret_service()
    yield
    with contextlib.suppress(Exception):
        from app.storage.secrets import KeyStore

        KeyStore().delete()
        ToolConfigStore().save(ToolConfig())  # removes the server's keyring entry


@pytest.fixture
def http_server() -> Iterator[str]:
    """The test MCP server serving streamable HTTP on a free loopback port."""
    with mcp_http_server() as url:
        yield url


@pytest.fixture
def gateway(fake_api: FakeApi) -> FakeApi:
    """The stand-in, accepting only KEY (which the app reads from the keyring)."""
    fake_api.options.require_key = KEY
    return fake_api


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AIML_API_KEY",)}
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHON_KEYRING_BACKEND", None)  # the children use the real keyring too
    return env


def _cli(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO,
        timeout=120,
        check=False,
    )


def _hits(data: bytes) -> list[str]:
    return [name for name, secret in (("key", KEY), ("token", TOKEN)) if secret.encode() in data]


class ProcessWatch:
    """Reads the command line and environment of each process id written to ``pid_file``."""

    def __init__(self, pid_file: Path) -> None:
        self.pid_file = pid_file
        self.seen: dict[int, bytes] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                for pid in {int(p) for p in self.pid_file.read_text().split()} - set(self.seen):
                    proc = Path(f"/proc/{pid}")
                    self.seen[pid] = (proc / "cmdline").read_bytes() + (
                        proc / "environ"
                    ).read_bytes()
            time.sleep(0.01)

    def __enter__(self) -> ProcessWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5)


def _cli_session(gateway: FakeApi, http_url: str, tmp_path: Path) -> dict[str, bytes]:
    """The command line's part; returns what was looked at beside the files."""
    looked_at: dict[str, bytes] = {}
    stored = _cli("key", "set", stdin=KEY + "\n")
    assert stored.returncode == 0, stored.stderr
    assert keyring.get_password("aiml-desktop", "api-key") == KEY  # in the real keyring
    remote = McpServerConfig(
        name="audit", transport=HTTP, url=http_url, headers={"X-Audit-Token": TOKEN}
    )
    ToolConfigStore().save(ToolConfig(servers=(remote,)))
    assert TOKEN not in ToolConfigStore().path.read_text()
    gateway.options.tool_calls = [
        {"name": "audit__header", "arguments": {"name": "authorization"}},
        {"name": "server__environment", "arguments": {"name": "AIML_API_KEY"}},
        {"name": "server__echo", "arguments": {"text": "what the stdio server got"}},
    ]
    gateway.options.stream_delay = 0.01  # the stdio server lives long enough to be looked at
    pids = tmp_path / "pids"
    with ProcessWatch(pids) as watch:
        chat = _cli(
            "--base-url", gateway.url, "chat", "Use the tools", "--tools", "--approve-tools",
            "--mcp", command_line("--pid-file", str(pids)), "--verbose",
        )  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    assert "tool result (audit__header" in chat.stderr and "server__echo" in chat.stderr, (
        chat.stderr
    )
    assert watch.seen, "the stdio MCP server was never seen running"
    for pid, seen in watch.seen.items():
        looked_at[f"cmdline and environment of MCP server {pid}"] = seen
    looked_at["chat stdout and stderr"] = (chat.stdout + chat.stderr).encode()
    listing = _cli("conversations", "--json")
    assert listing.returncode == 0, listing.stderr
    looked_at["conversations"] = listing.stdout.encode()
    archive = tmp_path / "backup.zip"
    backed_up = _cli("backup", "-o", str(archive))
    assert backed_up.returncode == 0, backed_up.stderr
    with zipfile.ZipFile(archive) as members:
        for name in members.namelist():
            looked_at[f"backup member {name}"] = members.read(name)
    return looked_at


def _window_session(qtbot: Any, opener: Callable[..., Any], gateway: FakeApi) -> None:
    from app.ui.chat.tab import ChatTab
    from tests.ui.chat.conftest import type_and_send

    gateway.options.tool_calls = []
    gateway.options.stream_delay = 0.0
    use_server(gateway.url)
    window = opener()
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=10000)
    type_and_send(qtbot, tab, "Hello from the window")
    shown = tab.transcript_model.messages

    def answered() -> bool:
        return bool(shown()) and shown()[-1].content == "Echo: Hello from the window"

    qtbot.waitUntil(lambda: answered() and not tab.streaming, timeout=15000)
    logging.getLogger("app.audit").debug("the key is %s and the token %s", KEY, TOKEN)
    window.close()


def _crash_notice_details() -> bytes:
    """What the crash notice shows for an unexpected error whose message holds both."""
    from app.ui.app import CrashReporter

    reporter = CrashReporter()
    try:
        raise RuntimeError(f"request failed with Authorization: Bearer {KEY} and {TOKEN}")
    except RuntimeError as exc:
        reporter(type(exc), exc, exc.__traceback__)
    notice = reporter.notice
    assert notice is not None
    details = notice.details.toPlainText()
    notice.close()
    assert "RuntimeError" in details
    return details.encode()


def test_no_secret_is_left_anywhere_after_a_session(
    real_keyring: None,
    gateway: FakeApi,
    http_server: str,
    tmp_path: Path,
    isolated_user_dirs: dict[str, Path],
    qtbot: Any,
    open_window: Callable[..., Any],  # noqa: F811  (the fixture imported above)
) -> None:
    looked_at = _cli_session(gateway, http_server, tmp_path)
    level = logging.getLogger().level
    setup_logging(logging.DEBUG)
    try:
        _window_session(qtbot, open_window, gateway)
        looked_at["crash notice"] = _crash_notice_details()
    finally:
        shutdown_logging()
        logging.getLogger().setLevel(level)

    from app.services.context import Services

    services = Services()
    try:
        [conversation, *_] = services.chat_history.conversations()
        exported = services.chat_history.export_to(conversation.id, tmp_path / "x.md", "markdown")
        as_json = services.chat_history.export_to(conversation.id, tmp_path / "x.json", "json")
    finally:
        services.close()
    looked_at["exported conversation"] = exported.read_bytes() + as_json.read_bytes()

    files = [p for root in isolated_user_dirs.values() for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files) and any(p.name == "tools.json" for p in files)
    found = {str(p): _hits(p.read_bytes()) for p in files}
    found |= {name: _hits(data) for name, data in looked_at.items()}
    for request in gateway.requests:  # the key only in its own header, the token never
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        found[f"gateway {request.method} {request.path}"] = _hits(
            json.dumps(headers).encode() + request.body
        ) + (["token"] if TOKEN in request.headers.get("Authorization", "") else [])
    assert {where: hits for where, hits in found.items() if hits} == {}
    assert len(files) > 5 and len(gateway.requests) >= 4
