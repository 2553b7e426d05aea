"""What a service may ask of the run it belongs to, as protocols.

Each service is handed the run's ``Services`` (``app.services.context``) but types it as a
``ServiceContext``: the settings, the worker pool, the history database, a fresh API client per
call and the cost ledger. So no service imports the container that builds the services, and
a test can hand a service any object with these few members.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from app.api.client import ApiClient, ClientConfig
    from app.api.types import Balance
    from app.services.runner import Runner
    from app.storage.history import HistoryDatabase
    from app.storage.secrets import KeyStore
    from app.storage.settings import Settings
    from app.storage.usage_store import UsageRecord

T = TypeVar("T")


class UsageLedger(Protocol):
    """Where a service leaves the cost of each paid request (``UsageService``)."""

    def record(self, record: UsageRecord) -> UsageRecord | None: ...

    def record_soon(self, record: UsageRecord) -> None: ...

    def keep_balance(self, balance: Balance) -> None: ...


class ServiceContext(Protocol):
    """The parts of one app run a service uses (``Services`` is the one implementation)."""

    settings: Settings
    runner: Runner
    origin: str

    @property
    def base_url(self) -> str: ...

    @property
    def keystore(self) -> KeyStore: ...

    @property
    def history(self) -> HistoryDatabase: ...

    @property
    def usage(self) -> UsageLedger: ...

    def client_config(self, api_key: str | None) -> ClientConfig: ...

    def client(self, api_key: str | None = None) -> ApiClient: ...

    def call(
        self, work: Callable[[ApiClient], T], *, api_key: str | None = None
    ) -> Awaitable[T]: ...

    def default_model(self, kind: str, fallback: str | None = None) -> str: ...
