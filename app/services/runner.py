"""Blocking work off the event loop: our own worker threads, awaited from asyncio.

``Runner.run`` awaits one blocking call; ``Runner.stream`` turns a blocking iterator (an SSE
response, a file reader) into an async iterator. The workers are daemon threads, so a job
stuck in a long network read never holds up closing the app; ``shutdown`` returns at once.
Nothing here runs on the loop's default executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import queue
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any, Generic, ParamSpec, TypeVar

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


_ITEM, _END, _ERROR = "item", "end", "error"


class _Producer(Generic[T]):
    """The worker side of a stream. It holds no reference to the consumer's object, so
    dropping that object (a ``break`` out of ``async for``) closes the stream at once."""

    def __init__(
        self, factory: Callable[[], Iterator[T]], close: Callable[[Iterator[T]], None]
    ) -> None:
        self._factory = factory
        self._close = close
        self._iterator: Iterator[T] | None = None
        self._closed = False
        self._lock = threading.Lock()
        self.stopped = threading.Event()
        self.finished = threading.Event()

    def produce(self, loop: asyncio.AbstractEventLoop, items: asyncio.Queue[Any]) -> None:
        def send(kind: str, value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
                loop.call_soon_threadsafe(items.put_nowait, (kind, value))

        outcome: tuple[str, Any] = (_END, None)
        try:
            iterator = self._factory()
            with self._lock:
                self._iterator = iterator
            if not self.stopped.is_set():
                for item in iterator:
                    if self.stopped.is_set():
                        break
                    send(_ITEM, item)
        except BaseException as exc:
            outcome = (_ERROR, exc)
        stopped_early = self.stopped.is_set()
        self.finished.set()
        if stopped_early:
            self._close_iterator(_close_if_possible)
        else:
            send(*outcome)

    def stop(self) -> None:
        if self.stopped.is_set() and self.finished.is_set():
            return
        self.stopped.set()
        if not self.finished.is_set():
            self._close_iterator(self._close)

    def _close_iterator(self, close: Callable[[Iterator[T]], None]) -> None:
        with self._lock:
            iterator = self._iterator
            if iterator is None or self._closed:
                return
            self._closed = True
        try:
            close(iterator)
        except ValueError:
            # A generator that is running now refuses close(); the worker closes it after
            # this item instead.
            with self._lock:
                self._closed = False
        except Exception:
            log.exception("closing a stream failed")


class ThreadStream(Generic[T]):
    """An async iterator fed by a blocking iterator that a worker thread reads.

    Each item reaches the loop through ``loop.call_soon_threadsafe``. When the consumer stops
    early (``break``, ``aclose()``, cancellation, or dropping the object), ``close`` is called
    at once from the consumer's side so a worker blocked in a read ends within that read; the
    worker also stops reading after its current item. The worker starts on the first
    ``__anext__``.
    """

    def __init__(
        self,
        pool: WorkerPool,
        factory: Callable[[], Iterator[T]],
        close: Callable[[Iterator[T]], None] | None,
    ) -> None:
        self._pool = pool
        self._producer = _Producer(factory, close or _close_if_possible)
        self._queue: asyncio.Queue[tuple[str, Any]] | None = None

    def __aiter__(self) -> ThreadStream[T]:
        return self

    async def __anext__(self) -> T:
        if self._producer.stopped.is_set():
            raise StopAsyncIteration
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._pool.submit(self._producer.produce, asyncio.get_running_loop(), self._queue)
        try:
            kind, value = await self._queue.get()
        except BaseException:
            self.close()
            raise
        if kind == _ITEM:
            return value  # type: ignore[no-any-return]  # the queue holds the producer's T
        self._producer.stopped.set()
        if kind == _ERROR:
            raise value
        raise StopAsyncIteration

    def close(self) -> None:
        """Stop the producer: no more items, and the blocking iterator is closed."""
        self._producer.stop()

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> ThreadStream[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    @property
    def finished(self) -> bool:
        """True once the worker has stopped reading (or never started)."""
        return self._queue is None or self._producer.finished.is_set()


def _close_if_possible(iterator: Iterator[Any]) -> None:
    close = getattr(iterator, "close", None)
    if callable(close):
        close()


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
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def stream(
        self,
        factory: Callable[[], Iterator[T]],
        *,
        close: Callable[[Iterator[T]], None] | None = None,
    ) -> ThreadStream[T]:
        """Iterate ``factory()`` on a worker thread as an async iterator.

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
