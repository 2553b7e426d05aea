"""Stopping a blocking request from another thread.

A :class:`CancelEvent` is a ``threading.Event`` whose ``set()`` also shuts down the socket of
every HTTP connection the watching thread is using, so a read blocked on a slow server returns
at once. Connections are only known when they come from a session built by
:func:`cancellable_session` and the request runs inside ``watching(event)``; a plain
``threading.Event`` still works, but is only seen between steps.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.poolmanager
from requests.adapters import HTTPAdapter

from app.api.errors import CancelledByUser

log = logging.getLogger(__name__)

_watching = threading.local()


class CancelEvent(threading.Event):
    """An event that, once set, also closes the connections of the request it watches."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._connections: list[urllib3.connection.HTTPConnection] = []

    def set(self) -> None:
        super().set()
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            _shut_down(connection)

    def attach(self, connection: urllib3.connection.HTTPConnection) -> None:
        """Remember a connection in use; ``CancelledByUser`` when already cancelled."""
        with self._lock:
            if self.is_set():
                raise CancelledByUser()
            if connection not in self._connections:
                self._connections.append(connection)

    def detach_all(self) -> None:
        with self._lock:
            self._connections = []


def _shut_down(connection: urllib3.connection.HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError, ValueError):
        sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def watching(cancel: threading.Event | None) -> Iterator[None]:
    """Requests made by this thread inside the block are closed when ``cancel`` is set."""
    previous = getattr(_watching, "event", None)
    event = cancel if isinstance(cancel, CancelEvent) else None
    _watching.event = event
    try:
        yield
    finally:
        _watching.event = previous
        if event is not None:
            event.detach_all()


def raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledByUser()


def _attach_to_watching(connection: urllib3.connection.HTTPConnection) -> None:
    event: CancelEvent | None = getattr(_watching, "event", None)
    if event is not None:
        event.attach(connection)


class _WatchedConnectionMixin:
    """Registers the connection with the thread's watched event around connect and request."""

    def connect(self) -> None:
        _attach_to_watching(self)  # type: ignore[arg-type]
        super().connect()  # type: ignore[misc]
        _attach_to_watching(self)  # type: ignore[arg-type]

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach_to_watching(self)  # type: ignore[arg-type]
        super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_WatchedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_STOCK_POOLS = urllib3.poolmanager.pool_classes_by_scheme
_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def _use_watched_pools(manager: urllib3.PoolManager) -> None:
    if manager.pool_classes_by_scheme == _STOCK_POOLS:  # a SOCKS proxy keeps its own pools
        manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)


class CancellableAdapter(HTTPAdapter):
    """``HTTPAdapter`` whose connections a watching :class:`CancelEvent` can close."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _use_watched_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _use_watched_pools(manager)
        return manager


def cancellable_session() -> requests.Session:
    """A ``requests.Session`` whose requests a :class:`CancelEvent` can stop mid-read."""
    session = requests.Session()
    session.mount("https://", CancellableAdapter())
    session.mount("http://", CancellableAdapter())
    return session
