"""Blocking work off the event loop: our own worker threads, awaited from asyncio.

``Runner.run`` awaits one blocking call; ``Runner.stream`` turns a blocking iterator (an SSE
response, a file reader) into an async iterator, through the one bridge from worker threads
to the loop (``app.services.stream_bridge``). The workers are daemon threads, so a job
stuck in a long network read never holds up closing the app; ``shutdown`` returns at once.
Nothing here runs on the loop's default executor.
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

from app.services.stream_bridge import ThreadStream

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

_pool_numbers = itertools.count(1)


class WorkerPool(Executor):
    """A thread pool whose threads are daemons and whose shutdown never waits for a job.

    The standard ThreadPoolExecutor joins its threads when the interpreter exits, so a single
    request blocked in a read would keep a closed window's process alive.
    """

    def __init__(self, max_workers: int = 8, name: str | None = None) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self._max_workers = max_workers
        self._name = name or f"worker-{next(_pool_numbers)}"
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new work after shutdown")
            future: Future[T] = Future()
            self._jobs.put((future, functools.partial(fn, *args, **kwargs)))
            self._add_thread_if_needed()
            return future

    def _add_thread_if_needed(self) -> None:
        if self._idle.acquire(timeout=0) or len(self._threads) >= self._max_workers:
            return
        thread = threading.Thread(
            target=self._work, name=f"{self._name}_{len(self._threads)}", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None or self._closed:
                if job is not None:
                    job[0].cancel()
                return
            future, call = job
            del job
            if future.set_running_or_notify_cancel():
                try:
                    result = call()
                except BaseException as exc:
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del future, call
            self._idle.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                self._cancel_queued()
            for _ in self._threads:
                self._jobs.put(None)
        if wait:
            for thread in self._threads:
                thread.join()

    def _cancel_queued(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job[0].cancel()

    @property
    def threads(self) -> tuple[threading.Thread, ...]:
        return tuple(self._threads)


class Runner:
    """Runs blocking calls on its own worker threads for asyncio code."""

    def __init__(self, max_workers: int = 8) -> None:
        self._pool = WorkerPool(max_workers, name="runner")
        self._streams: weakref.WeakSet[ThreadStream[Any]] = weakref.WeakSet()

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Await ``fn(*args, **kwargs)`` run on a worker thread.

        Cancelling the awaiting task stops waiting at once; a job that has not started yet is
        dropped, one already running finishes in the background.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def stream(
        self,
        factory: Callable[[], Iterator[T]],
        *,
        close: Callable[[Iterator[T]], None] | None = None,
    ) -> ThreadStream[T]:
        """Iterate ``factory()`` on a worker thread as an async iterator (of items, or of
        lists of items through ``batches()``).

        Args:
            factory: opens the blocking iterator (runs on the worker thread).
            close: stops that iterator from another thread; by default ``iterator.close()``.
        """
        bridge = ThreadStream(self._pool, factory, close)
        self._streams.add(bridge)
        return bridge

    def shutdown(self) -> None:
        """Close open streams, drop queued jobs and return without waiting for running ones."""
        for bridge in list(self._streams):
            bridge.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def executor(self) -> Executor:
        return self._pool
