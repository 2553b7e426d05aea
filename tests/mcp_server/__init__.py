"""A real MCP server for the tests (``server.py``) and helpers to point configs at it."""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from app.storage.tool_config import McpServerConfig

SERVER_SCRIPT = Path(__file__).with_name("server.py")


def server_config(name: str = "testtools", *args: str, **changes: object) -> McpServerConfig:
    """A stdio config that runs the test server with this Python."""
    return McpServerConfig(
        name=name,
        command=sys.executable,
        args=(str(SERVER_SCRIPT), *args),
        **changes,  # type: ignore[arg-type]
    )


@contextlib.contextmanager
def http_server() -> Iterator[str]:
    """The test server serving streamable HTTP on a free loopback port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = server_config("http", "--http-port", str(port))
    child = subprocess.Popen(
        [config.command, *config.args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        child.terminate()
        child.wait(10)


def command_line(*args: str) -> str:
    """The test server as one command line, the way ``--mcp`` takes it."""
    return shlex.join([sys.executable, str(SERVER_SCRIPT), *args])


def process_alive(pid: int) -> bool:
    """True while ``pid`` names a process that has not ended (a zombie counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    status = Path(f"/proc/{pid}/stat")
    if status.exists():
        try:
            return status.read_text().split(") ", 1)[1][0] != "Z"
        except (OSError, IndexError):
            return False
    return True
