"""One request/answer pair: what route handlers use to read the request and write the answer."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fake_api.gateway import BODY_VALIDATION, error_body, nanoid
from tests.fake_api.options import FakeOptions
from tests.fake_api.records import Recorded
from tests.fake_api.state import GatewayState

log = logging.getLogger(__name__)

CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class Exchange:
    """Answer-writing side of one request.

    Attributes:
        request: The recorded request.
        drop_after: When set, the answer is cut after this many stream events or body pieces.
        inference_id: Sent as ``x-inference-id``.
    """

    def __init__(
        self, handler: BaseHTTPRequestHandler, state: GatewayState, request: Recorded
    ) -> None:
        self.handler = handler
        self.state = state
        self.request = request
        self.drop_after: int | None = None
        self.inference_id = nanoid()

    @property
    def options(self) -> FakeOptions:
        return self.state.options

    def wait(self, seconds: float) -> bool:
        """Sleep without blocking other requests; False when the server is stopping."""
        if seconds > 0:
            self.state.stopping.wait(seconds)
        return not self.state.stopping.is_set()

    def cut(self) -> None:
        """Close the connection at once, whatever was sent so far."""
        self.handler.close_connection = True
        with contextlib.suppress(OSError):
            self.handler.wfile.flush()
        with contextlib.suppress(OSError):
            self.handler.connection.shutdown(socket.SHUT_RDWR)

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.handler.send_response(status)
        merged = {"x-inference-id": self.inference_id}
        client_id = self.request.headers.get("X-Client-Request-Id")
        if client_id and CLIENT_REQUEST_ID.match(client_id):
            merged["x-client-request-id"] = client_id
        merged.update(headers)
        for name, value in merged.items():
            self.handler.send_header(name, value)
        self.handler.end_headers()

    def send(
        self,
        status: int,
        body: bytes = b"",
        *,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer with a body of known length (cut half-way when ``drop_after`` is set)."""
        all_headers = dict(headers or {})
        if content_type:
            all_headers.setdefault("Content-Type", content_type)
        if status != 304:
            all_headers["Content-Length"] = str(len(body))
        self._start(status, all_headers)
        if self.drop_after is not None:
            self.handler.wfile.write(body[: len(body) // 2])
            self.cut()
            return
        if body:
            self.handler.wfile.write(body)

    def send_json(
        self, payload: Any, *, status: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        """Answer JSON; the status defaults to the configured success status."""
        self.send(
            status if status is not None else self.options.success_status,
            json.dumps(payload).encode(),
            content_type="application/json; charset=utf-8",
            headers=headers,
        )

    def send_error(
        self,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | str | None = None,
        status_code_as_string: bool | None = None,
    ) -> None:
        """Answer with the gateway error body."""
        as_string = (
            self.options.error_status_code_as_string
            if status_code_as_string is None
            else status_code_as_string
        )
        body = error_body(status, self.request.path, message, status_code_as_string=as_string)
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = _retry_after_text(retry_after)
        self.send_json(body, status=status, headers=headers)

    def send_validation_error(self, detail: str) -> None:
        self.send_error(400, f"{BODY_VALIDATION} {detail}")

    def send_chunked(
        self,
        status: int,
        pieces: Iterable[bytes],
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer with ``Transfer-Encoding: chunked``, one chunk per piece, ``delay`` apart."""
        all_headers = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
        all_headers.update(headers or {})
        self._start(status, all_headers)
        write = self.handler.wfile.write
        for sent, piece in enumerate(pieces):
            if self.drop_after is not None and sent >= self.drop_after:
                self.cut()
                return
            if sent and not self.wait(delay):
                self.cut()
                return
            if piece:
                write(b"%x\r\n%s\r\n" % (len(piece), piece))
        if self.drop_after is not None:  # fewer pieces than that: the end is cut off instead
            self.cut()
            return
        write(b"0\r\n\r\n")

    def json_object(self) -> dict[str, Any] | None:
        """The JSON object body, or None after answering 400 when it is not one."""
        if isinstance(self.request.json, dict):
            return self.request.json
        self.send_validation_error("Expected a JSON object body.")
        return None

    def json_with_model(self) -> dict[str, Any] | None:
        """The JSON object body when it names a model, or None after answering 400."""
        body = self.json_object()
        if body is not None and (not isinstance(body.get("model"), str) or not body["model"]):
            self.send_validation_error("model: Required")
            return None
        return body


def _retry_after_text(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)
