"""Which of the app's routes a server has: an empty request to each, read by its status.

An empty JSON body is refused by every real route before any work is done (400, 415 or 422,
so it costs nothing), while a route the server does not have answers 404 or 405.
"""

from __future__ import annotations

from app.api.audio import OPENAI_SPEECH_PATH, OPENAI_TRANSCRIBE_PATH, STT_CREATE_PATH, TTS_PATH
from app.api.chat import CHAT_PATH
from app.api.images import IMAGES_PATH
from app.api.transport import Transport

# tab → the route its main action posts to, per dialect
TAB_ROUTES: dict[str, dict[str, str]] = {
    "aimlapi": {"chat": CHAT_PATH, "image": IMAGES_PATH, "stt": STT_CREATE_PATH, "tts": TTS_PATH},
    "openai": {
        "chat": CHAT_PATH,
        "image": IMAGES_PATH,
        "stt": OPENAI_TRANSCRIBE_PATH,
        "tts": OPENAI_SPEECH_PATH,
    },
}


def tab_routes(dialect: str) -> dict[str, str]:
    return dict(TAB_ROUTES.get(dialect, TAB_ROUTES["aimlapi"]))


class RoutesApi:
    """``probe(path)``: the status a route answers to an empty POST (no retries)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def probe(self, path: str) -> int:
        """The HTTP status of ``POST path`` with ``{}``.

        Raises:
            ApiConnectionError: the server could not be reached.
        """
        response = self._transport.send_once("POST", path, json={}, ok=lambda _status: True)
        status = response.status_code
        response.close()
        return status
