"""How scripted replies and faults are answered."""

from __future__ import annotations

import json

from tests.fake_api.exchange import Exchange
from tests.fake_api.scripting import Fault, Reply, ScriptItem

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Welcome</title></head>"
    b"<body><h1>Sign in to continue</h1><p>This network requires a login.</p></body></html>"
)
CHUNK = 64 * 1024


def send_reply(ex: Exchange, reply: Reply) -> None:
    if not ex.wait(reply.delay):
        ex.cut()
        return
    if reply.json is None and not reply.body and reply.pieces:
        content_type = reply.content_type or "application/octet-stream"
        ex.send_chunked(
            reply.status,
            reply.pieces,
            content_type=content_type,
            headers=reply.headers,
            delay=reply.piece_delay,
        )
        return
    if reply.json is not None:
        body = json.dumps(reply.json).encode()
        content_type = reply.content_type or "application/json; charset=utf-8"
    else:
        body = reply.body
        content_type = reply.content_type or "application/octet-stream"
    ex.send(reply.status, body, content_type=content_type, headers=reply.headers)


def wants_stream(ex: Exchange) -> bool:
    body = ex.request.json
    return isinstance(body, dict) and bool(body.get("stream"))


def send_malformed_json(ex: Exchange) -> None:
    if wants_stream(ex):
        events = [b'data: {"id":"chatcmpl-cut","choices":[{"delta":{"content":"Hel\n\n']
        ex.send_chunked(200, events, content_type="text/event-stream")
        return
    cut_short = b'{"id": "cut-short", "choices": [{"index": 0, "mess'
    ex.send(200, cut_short, content_type="application/json")


def oversized_body(n_bytes: int) -> bytes:
    """A well-formed JSON object of exactly ``n_bytes`` bytes (at least its fixed frame)."""
    head, tail = b'{"data": [{"b64_json": "', b'"}]}'
    return head + b"A" * max(n_bytes - len(head) - len(tail), 0) + tail


def send_oversized(ex: Exchange, n_bytes: int) -> None:
    if ex.request.path.startswith("/files/"):
        body = b"\x89PNG\r\n\x1a\n" + bytes(max(n_bytes - 8, 0))
        content_type = "image/png"
    else:
        body = oversized_body(n_bytes)
        content_type = "application/json"
    ex.send_chunked(
        200,
        (body[i : i + CHUNK] for i in range(0, len(body), CHUNK)),
        content_type=content_type,
    )


def answer_fault(ex: Exchange, fault: Fault) -> bool:
    """Answer ``fault``; False when the default answer should follow (delay, mid-stream drop)."""
    if fault.kind == "normal":
        return False
    if fault.kind == "delay":
        if ex.wait(fault.seconds):
            return False
        ex.cut()
    elif fault.kind == "drop_mid_stream":
        ex.drop_after = fault.after_events
        return False
    elif fault.kind == "error":
        ex.send_error(
            fault.status,
            fault.message,
            retry_after=fault.retry_after,
            status_code_as_string=fault.status_code_as_string,
        )
    elif fault.kind == "drop":
        ex.cut()
    elif fault.kind == "malformed_json":
        send_malformed_json(ex)
    elif fault.kind == "wrong_content_type":
        ex.send(200, HTML_PAGE, content_type="text/html; charset=utf-8")
    elif fault.kind == "oversized":
        send_oversized(ex, fault.n_bytes)
    else:
        raise ValueError(f"unknown fault {fault.kind!r}")
    return True


def answer_script(ex: Exchange, item: ScriptItem) -> bool:
    """Answer a scripted item; False when the default answer should follow."""
    if isinstance(item, Reply):
        send_reply(ex, item)
        return True
    return answer_fault(ex, item)
