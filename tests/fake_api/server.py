"""The stand-in gateway: a ThreadingHTTPServer on 127.0.0.1 in a daemon thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_api.exchange import Exchange
from tests.fake_api.faults import answer_script
from tests.fake_api.options import FakeOptions
from tests.fake_api.records import Recorded, build_record
from tests.fake_api.routes import dispatch, find_route
from tests.fake_api.scripting import ScriptItem, ScriptQueue
from tests.fake_api.state import GatewayState

log = logging.getLogger(__name__)

MAX_REQUEST_BODY = 200 * 1024 * 1024


class _GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, api: FakeApi, port: int = 0) -> None:
        self.api = api
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _GatewayHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            log.debug("connection from %s ended: %s", client_address, error)
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            open_connections = list(self.connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _GatewayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeGateway/1.0"
    server: _GatewayServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked_body()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length else b""

    def _read_chunked_body(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _handle(self) -> None:
        api = self.server.api
        try:
            record = build_record(
                self.command,
                self.path,
                self.headers,
                self._read_body(),
                client_port=self.client_address[1],
            )
        except (OSError, ValueError):
            self.close_connection = True
            return
        api._record(record)
        ex = Exchange(self, api.state, record)
        try:
            self._answer(ex, api)
        except OSError:
            self.close_connection = True
            log.debug("connection ended while answering %s", record.path)
        except Exception:
            log.exception("the stand-in failed to answer %s %s", record.method, record.path)
            self._answer_internal_error(ex)
        if api.state.stopping.is_set():
            self.close_connection = True

    def _answer_internal_error(self, ex: Exchange) -> None:
        with contextlib.suppress(OSError):
            ex.send_error(500, "Internal server error")
        self.close_connection = True

    def _answer(self, ex: Exchange, api: FakeApi) -> None:
        item = api.scripts.take(ex.request.method, ex.request.path)
        if item is not None and answer_script(ex, item):
            return
        route = find_route(ex.request.method, ex.request.path)
        required = api.options.require_key
        needs_key = route is not None and route.needs_key and required is not None
        if needs_key and ex.request.bearer != required:
            ex.send_error(401)
            return
        dispatch(ex, route)


class FakeApi:
    """A local stand-in for the AI/ML API gateway.

    ``start()`` binds 127.0.0.1 on a free port; ``url`` is then ``http://127.0.0.1:PORT``
    (the root: the routes carry ``/v1`` or ``/v2`` themselves). ``stop()`` ends every
    connection, also those waiting in a delay or in the middle of a stream.
    """

    def __init__(self, options: FakeOptions | None = None) -> None:
        self.state = GatewayState(options or FakeOptions())
        self.scripts = ScriptQueue()
        self._requests: list[Recorded] = []
        self._requests_lock = threading.Lock()
        self._server: _GatewayServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def options(self) -> FakeOptions:
        return self.state.options

    @options.setter
    def options(self, value: FakeOptions) -> None:
        self.state.options = value

    @property
    def url(self) -> str:
        if not self.state.url:
            raise RuntimeError("the stand-in gateway is not started")
        return self.state.url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def requests(self) -> list[Recorded]:
        """Every request received so far, oldest first (a copy)."""
        with self._requests_lock:
            return list(self._requests)

    def requests_to(self, path_prefix: str, method: str | None = None) -> list[Recorded]:
        """The recorded requests whose path starts with ``path_prefix``."""
        return [
            r
            for r in self.requests
            if r.path.startswith(path_prefix) and method in (None, r.method)
        ]

    def clear_requests(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def _record(self, record: Recorded) -> None:
        with self._requests_lock:
            self._requests.append(record)

    def script(self, path_prefix: str, *items: ScriptItem, method: str | None = None) -> None:
        """Queue one-shot answers for the next requests whose path starts with ``path_prefix``."""
        self.scripts.add(path_prefix, items, method)

    def start(self, port: int = 0) -> FakeApi:
        """Listen on ``port`` (0: a free one); after ``stop()`` the same port starts it again,
        so a client sees a server that refused connections for a while and came back."""
        if self._server is not None:
            raise RuntimeError("already started")
        self.state.stopping.clear()
        self._server = _GatewayServer(self, port)
        host, port = self._server.server_address[:2]
        self.state.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-api-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self.state.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
