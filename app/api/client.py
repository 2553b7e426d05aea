"""The API client: one ``requests`` session and a namespace per family.

>>> client = ApiClient(ClientConfig(api_key="..."))
>>> client.chat.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}]).content
"""

from __future__ import annotations

import random as random_module
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from app import DEFAULT_BASE_URL
from app.api.audio import AudioApi
from app.api.chat import ChatApi, ChatStream, CompletionsApi
from app.api.embeddings import EmbeddingsApi
from app.api.images import ImagesApi
from app.api.listing import BillingApi, ModelsApi
from app.api.retry import RetryPolicy
from app.api.routes import RoutesApi
from app.api.transport import Timeouts, Transport, api_root

DIALECTS = ("aimlapi", "openai")

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiClient",
    "ChatStream",
    "ClientConfig",
    "Timeouts",
]


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach the gateway.

    ``base_url`` is the root; a trailing ``/v1`` (or ``/v2``) is stripped and every call
    builds its own versioned path. ``dialect`` picks ``/v1/stt/create`` + ``/v1/tts``
    (``"aimlapi"``) or ``/v1/audio/transcriptions`` + ``/v1/audio/speech`` (``"openai"``).
    """

    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = None
    dialect: str = "aimlapi"
    timeouts: Timeouts = field(default_factory=Timeouts)
    proxy: str | None = None
    max_retries: int = 2

    @property
    def root(self) -> str:
        return api_root(self.base_url)


class ApiClient:
    """Namespaces ``chat``, ``completions``, ``images``, ``audio``, ``models``, ``billing``,
    ``routes``, ``embeddings``.

    Blocking calls, safe to use from one worker thread at a time per call; the session's
    connection pool is shared.
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random_module.random,
    ) -> None:
        self.config = config
        dialect = config.dialect if config.dialect in DIALECTS else "aimlapi"
        self._transport = Transport(
            base_url=config.base_url or DEFAULT_BASE_URL,
            api_key=config.api_key,
            timeouts=config.timeouts,
            proxy=config.proxy,
            retry=RetryPolicy(max_retries=max(config.max_retries, 0), sleep=sleep, random=random),
            session=session,
        )
        self.chat = ChatApi(self._transport, dialect=dialect)
        self.completions = CompletionsApi(self._transport)
        self.images = ImagesApi(self._transport)
        self.audio = AudioApi(self._transport, dialect=dialect, sleep=sleep)
        self.models = ModelsApi(self._transport)
        self.billing = BillingApi(self._transport)
        self.routes = RoutesApi(self._transport)
        self.embeddings = EmbeddingsApi(self._transport)

    @property
    def root(self) -> str:
        return self._transport.root

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
