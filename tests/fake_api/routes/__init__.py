"""The route table of the stand-in gateway."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.fake_api.exchange import Exchange
from tests.fake_api.routes import account, chat, embeddings, files, images, models, stt, tts

Handler = Callable[[Exchange, re.Match[str]], None]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    needs_key: bool = True


def _route(method: str, pattern: str, handler: Handler, *, needs_key: bool = True) -> Route:
    return Route(method, re.compile(f"^{pattern}$"), handler, needs_key)


ROUTES: list[Route] = [
    _route("POST", r"(/v1)?/chat/completions", chat.handle_chat),
    _route("POST", r"(/v1)?/completions", chat.handle_completions),
    _route("POST", r"(/v1)?/embeddings", embeddings.handle_embeddings),
    _route("GET", r"(/api)?(/v1)?/models", models.handle_models, needs_key=False),
    _route("GET", r"/model/(?P<model_id>.+)", models.handle_model, needs_key=False),
    _route("GET", r"/v2/billing", account.handle_billing),
    _route("GET", r"/v2/billing/transactions", account.handle_transactions),
    _route("POST", r"(/v1)?/images/generations", images.handle_generate),
    _route("POST", r"(/v1)?/images/edits", images.handle_edit),
    _route("POST", r"(/v1)?/stt/create", stt.handle_create),
    _route("GET", r"(/v1)?/stt/(?P<generation_id>[^/]+)", stt.handle_poll),
    _route("POST", r"(/v1)?/stt", stt.handle_legacy),
    _route("POST", r"(/v1)?/audio/transcriptions", stt.handle_openai_transcription),
    _route("POST", r"(/v1)?/tts", tts.handle_tts),
    _route("POST", r"(/v1)?/audio/speech", tts.handle_openai_speech),
    _route("GET", r"/files/(?P<name>[A-Za-z0-9._-]+)", files.handle_file, needs_key=False),
]


def find_route(method: str, path: str) -> Route | None:
    for route in ROUTES:
        if route.method == method and route.pattern.match(path):
            return route
    return None


def dispatch(ex: Exchange, route: Route | None) -> None:
    """Run ``route`` for the exchange, or answer 404 like the gateway for unknown routes."""
    if route is None:
        ex.send_error(404, f"Cannot {ex.request.method} {ex.request.path}")
        return
    match = route.pattern.match(ex.request.path)
    assert match is not None
    route.handler(ex, match)
