"""The shared services of one app run: settings, key, worker pool, history and API clients.

Construction is cheap: only the settings file is read. The keyring, the history database and
the network are touched when first used.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from app import DEFAULT_BASE_URL
from app.services.defaults import DEFAULT_MODELS
from app.services.runner import Runner
from app.storage.settings import Settings, load_settings

if TYPE_CHECKING:
    from app.api.client import ApiClient, ClientConfig
    from app.services.account import AccountService
    from app.services.api_key import KeyService
    from app.services.assistants import AssistantService
    from app.services.backup_flow import BackupService
    from app.services.chat import ChatService
    from app.services.chat_history import ChatHistory
    from app.services.images import ImageService
    from app.services.knowledge import KnowledgeService
    from app.services.mcp_servers import McpHost
    from app.services.models import ModelService
    from app.services.route_check import RouteService
    from app.services.speech import SpeechService
    from app.services.tool_settings import ToolSettings
    from app.services.transcription import TranscriptionService
    from app.services.usage import UsageService
    from app.storage.history import HistoryDatabase
    from app.storage.secrets import KeyStore

log = logging.getLogger(__name__)

BASE_URL_ENV = "AIML_API_BASE_URL"

T = TypeVar("T")

PROVIDER_HOSTS = {"api.aimlapi.com": "aimlapi", "api.openai.com": "openai"}


def unsaved_history_sentence(exc: BaseException) -> str:
    """Why the history is kept in memory only, as one sentence."""
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        reason = exc.strerror or str(exc)
        start = f"The data folder{where} cannot be used ({reason})"
    else:
        start = str(exc).rstrip(".")
    return f"{start}, so the history is kept only until the app closes."


def provider_for_url(base_url: str) -> str:
    """The provider a base URL belongs to: a known host's, else "custom"."""
    host = urlsplit(base_url.strip()).hostname or ""
    return PROVIDER_HOSTS.get(host.lower(), "custom")


def client_config(settings: Settings, api_key: str | None) -> ClientConfig:
    """Build the API client's configuration from the settings and a key."""
    from app.api.client import ClientConfig, Timeouts

    return ClientConfig(
        base_url=settings.base_url.strip() or DEFAULT_BASE_URL,
        api_key=api_key or None,
        dialect=settings.dialect,
        timeouts=Timeouts(connect=settings.connect_timeout, read=settings.read_timeout),
        proxy=settings.proxy.strip() or None,
        max_retries=settings.max_retries,
    )


class Services:
    """Everything a tab or a CLI command needs, built once per run.

    Args:
        settings: the settings to use; read from disk when None.
        keystore: where the API key comes from; a default ``KeyStore`` when None.
        runner: the worker pool for blocking calls; a new ``Runner`` when None.
        base_url: overrides the settings' base URL (else ``AIML_API_BASE_URL`` if set).
        dialect: overrides the settings' dialect ("aimlapi" or "openai").
        origin: where requests come from, kept in their cost records ("window" or "cli").
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        keystore: KeyStore | None = None,
        runner: Runner | None = None,
        base_url: str | None = None,
        dialect: str | None = None,
        origin: str = "window",
    ) -> None:
        self.settings = settings if settings is not None else load_settings()
        self._keystore = keystore
        self.runner = runner if runner is not None else Runner()
        self.base_url_override = base_url or os.environ.get(BASE_URL_ENV, "").strip() or None
        self.dialect_override = dialect or None
        self.origin = origin
        self._history: HistoryDatabase | None = None
        self.history_problem = ""  # why the history is not saved (the window's fallback)
        self._history_lock = threading.Lock()
        self._chat_history: ChatHistory | None = None

    @property
    def keystore(self) -> KeyStore:
        if self._keystore is None:
            from app.storage.secrets import KeyStore

            self._keystore = KeyStore()
        return self._keystore

    @property
    def base_url(self) -> str:
        """The base URL requests go to now."""
        # Not through client_config(): that loads the HTTP client, which the window's first
        # paint should not wait for.
        return self.base_url_override or self.settings.base_url.strip() or DEFAULT_BASE_URL

    @property
    def provider(self) -> str:
        """The provider requests go to now: the settings' one, unless a base URL override
        points elsewhere ("aimlapi", "openai" or "custom")."""
        if not self.base_url_override:
            return self.settings.provider
        return provider_for_url(self.base_url_override)

    def client_config(self, api_key: str | None) -> ClientConfig:
        """The API client's configuration: the settings, then this run's overrides."""
        config = client_config(self.settings, api_key)
        return dataclasses.replace(
            config,
            base_url=self.base_url_override or config.base_url,
            dialect=self.dialect_override or config.dialect,
        )

    def client(self, api_key: str | None = None) -> ApiClient:
        """A fresh API client from the current settings and key (``api_key`` overrides it).

        The key is read from the keystore, which may touch the keyring: call off the UI thread.
        """
        from app.api.client import ApiClient

        key = api_key if api_key is not None else self.keystore.get()
        return ApiClient(self.client_config(key))

    async def call(self, work: Callable[[ApiClient], T], *, api_key: str | None = None) -> T:
        """Run ``work(client)`` on the worker pool with a fresh client, closed afterwards."""

        def run() -> T:
            client = self.client(api_key)
            try:
                return work(client)
            finally:
                client.close()

        return await self.runner.run(run)

    def default_model(self, kind: str, fallback: str | None = None) -> str:
        """The settings' default model for ``kind`` ("chat", "image", …), else ``fallback``,
        else the built-in one (``app.services.defaults.DEFAULT_MODELS``)."""
        return self.settings.default_models.get(kind) or fallback or DEFAULT_MODELS[kind]

    @property
    def history(self) -> HistoryDatabase:
        """The history database, opened on first use.

        When the file cannot be opened (the data folder cannot be written, say) the window
        goes on with a database in memory and ``history_problem`` says why nothing is saved;
        the command line gets the error.
        """
        with self._history_lock:  # two worker threads may ask first at the same time
            if self._history is None:
                from app.storage.history import HistoryDatabase, HistoryError
                from app.storage.paths import history_db_path

                try:
                    self._history = HistoryDatabase(history_db_path())
                except (OSError, HistoryError) as exc:
                    if self.origin == "cli":
                        raise
                    self.history_problem = unsaved_history_sentence(exc)
                    log.warning("history kept in memory: %s", exc)
                    self._history = HistoryDatabase(":memory:")
            return self._history

    @property
    def chat_history(self) -> ChatHistory:
        """The saved conversations (on the history database, opened on first use)."""
        db = self.history
        cached = self._chat_history
        if cached is None or cached.store.db is not db:
            from app.services.chat_history import ChatHistory

            cached = self._chat_history = ChatHistory(db)
        return cached

    def save_settings(self) -> None:
        """Write the settings to disk (atomically). Raises OSError."""
        from app.storage.settings import save_settings

        save_settings(self.settings)

    @cached_property
    def models(self) -> ModelService:
        from app.services.models import ModelService

        return ModelService(self)

    @cached_property
    def account(self) -> AccountService:
        from app.services.account import AccountService

        return AccountService(self)

    @cached_property
    def backups(self) -> BackupService:
        """Backing up and restoring everything (the archive code loads on first use)."""
        from app.services.backup_flow import BackupService

        return BackupService(self)

    @cached_property
    def keys(self) -> KeyService:
        """The API key's flows: where it comes from, testing, saving and removing it."""
        from app.services.api_key import KeyService

        return KeyService(self, self.account)

    @cached_property
    def routes(self) -> RouteService:
        from app.services.route_check import RouteService

        return RouteService(self)

    @cached_property
    def chat(self) -> ChatService:
        from app.services.chat import ChatService

        return ChatService(self)

    @cached_property
    def images(self) -> ImageService:
        from app.services.images import ImageService

        return ImageService(self)

    @cached_property
    def transcription(self) -> TranscriptionService:
        from app.services.transcription import TranscriptionService

        return TranscriptionService(self)

    @cached_property
    def speech(self) -> SpeechService:
        from app.services.speech import SpeechService

        return SpeechService(self)

    @cached_property
    def assistants(self) -> AssistantService:
        from app.services.assistants import AssistantService

        return AssistantService(self)

    @cached_property
    def usage(self) -> UsageService:
        from app.services.usage import UsageService

        return UsageService(self)

    @cached_property
    def tool_settings(self) -> ToolSettings:
        """The saved tools (loaded on first use) and the MCP servers they start."""
        from app.services.tool_settings import ToolSettings

        return ToolSettings(self)

    @cached_property
    def mcp_host(self) -> McpHost:
        """Where MCP servers run; its thread starts when a server is first needed."""
        from app.services.mcp_servers import McpHost

        return McpHost()

    @cached_property
    def knowledge(self) -> KnowledgeService:
        """Knowledge bases, in their own database beside the history."""
        from app.services.knowledge import KnowledgeService
        from app.storage.knowledge_store import KnowledgeStore

        def embed(model: str, texts: list[str]) -> list[list[float]]:
            from app.services.usage import embedding_record

            client = self.client()
            try:
                result = client.embeddings.embed(model, texts)
            finally:
                client.close()
            self.usage.record(embedding_record(model, result))
            return result.vectors

        return KnowledgeService(KnowledgeStore(), embed)

    def close(self) -> None:
        """Stop the MCP servers and the worker pool; close the history and knowledge databases."""
        if "mcp_host" in self.__dict__:
            self.mcp_host.close()
        if "usage" in self.__dict__:  # cost records still on their way to the database
            self.usage.flush()
        self.runner.shutdown()
        if "knowledge" in self.__dict__:
            self.knowledge.store.close()
        with self._history_lock:
            if self._history is not None:
                self._history.close()
                self._history = None
