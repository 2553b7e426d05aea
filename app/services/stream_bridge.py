"""The one way across from worker threads to the event loop.

A worker hands items over with ``Handoff.put``/``put_all`` from any thread; the loop gets
them in the order they were put, every item that arrived since the last delivery at once. All
handoffs of one loop share a ``FrameClock``: it wakes the loop at most once per frame
(``FRAME_S``) and then delivers what every handoff has waiting, in one turn of the loop. Four
columns streaming at once therefore cost the loop one wake-up a frame, and their text is
shown, laid out and painted together, not four times over. ``close()`` (on the loop's side)
ends a handoff: nothing is delivered after it, whatever the worker still puts.

Built on ``Handoff``:

- ``ThreadStream``: a blocking iterator (an HTTP stream, a file reader) read on a worker
  thread, consumed as an async iterator of items, or of batches (``batches()``); a stream
  with ``next_batch`` (``ChatStream``) is read a network read at a time in batch mode. The
  worker's error is raised in the consumer after the items that came before it.
- ``LoopCallback``: a callable that workers call (progress reports); each call runs the
  wrapped callback on the loop, in order.

Nothing here imports Qt; ``app.ui.asyncutils.tied_to`` closes a handoff when its widget is
destroyed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

T = TypeVar("T")

FRAME_S = 0.016
"""The shortest time between two deliveries to one loop (about one frame at 60 Hz)."""


class FrameClock:
    """Delivers the waiting items of every handoff of one loop together, at most once a frame.

    A worker's first item after a delivery arms the clock (one ``call_soon_threadsafe``, not
    one per item or per handoff); the delivery runs at once if the last one was at least
    ``interval`` ago, else when that much time has passed.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, interval: float = FRAME_S) -> None:
        self._loop = loop
        self.interval = interval
        self._lock = threading.Lock()
        self._waiting: dict[Handoff[Any], None] = {}  # insertion-ordered set
        self._armed = False
        self._last = float("-inf")
        self.frames = 0  # deliveries so far

    def want(self, handoff: Handoff[Any]) -> None:
        """``handoff`` has items or its end waiting (any thread)."""
        with self._lock:
            self._waiting[handoff] = None
            if self._armed:
                return
            self._armed = True
        try:
            self._loop.call_soon_threadsafe(self._arm)
        except RuntimeError:  # the loop is closed: nobody is listening
            with self._lock:
                self._armed = False

    def _arm(self) -> None:
        wait = self._last + self.interval - self._loop.time()
        if wait > 0:
            self._loop.call_later(wait, self._deliver)
        else:
            self._deliver()

    def _deliver(self) -> None:
        self._last = self._loop.time()
        self.frames += 1
        with self._lock:
            waiting = list(self._waiting)
            self._waiting.clear()
            self._armed = False
        for handoff in waiting:
            try:
                handoff.deliver()
            except Exception as exc:  # one consumer's bug must not starve the others
                self._loop.call_exception_handler(
                    {"message": "delivering worker items failed", "exception": exc}
                )


_clocks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FrameClock] = (
    weakref.WeakKeyDictionary()
)


def frame_clock(loop: asyncio.AbstractEventLoop | None = None) -> FrameClock:
    """The clock of ``loop`` (the running loop by default); call it on the loop's thread."""
    import asyncio

    loop = loop or asyncio.get_running_loop()
    clock = _clocks.get(loop)
    if clock is None:
        clock = _clocks[loop] = FrameClock(loop)
    return clock


class Handoff(Generic[T]):
    """Items put by worker threads, taken on the loop in order; see the module's text.

    ``on_ready`` runs on the loop when items (or the end) are waiting; it calls ``take()``.
    """

    def __init__(self, on_ready: Callable[[], None], clock: FrameClock | None = None) -> None:
        self._on_ready = on_ready
        self._clock = clock or frame_clock()
        self._lock = threading.Lock()
        self._items: list[T] = []
        self._ended = False
        self._error: BaseException | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def put(self, item: T) -> None:
        """Hand over one item (any thread); ignored once closed or ended."""
        self.put_all((item,))

    def put_all(self, items: list[T] | tuple[T, ...]) -> None:
        """Hand over several items at once, in order (any thread)."""
        if not items:
            return
        with self._lock:
            if self._closed or self._ended:
                return
            first = not self._items
            self._items.extend(items)
        if first:
            self._clock.want(self)

    def end(self, error: BaseException | None = None) -> None:
        """No more items; ``error`` is raised in the consumer after the items before it."""
        with self._lock:
            if self._closed or self._ended:
                return
            self._ended, self._error = True, error
        self._clock.want(self)

    def take(self) -> tuple[list[T], bool, BaseException | None]:
        """(items waiting, whether the worker ended, its error); loop side."""
        with self._lock:
            items, self._items = self._items, []
            return items, self._ended, self._error

    def deliver(self) -> None:
        """Called by the clock on the loop: tells the consumer, unless it closed."""
        if not self._closed:
            self._on_ready()

    def close(self) -> None:
        """Nothing more is delivered; what is waiting is dropped."""
        with self._lock:
            self._closed = True
            self._items = []


# -- a blocking iterator as an async iterator -------------------------------------------------


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

    def produce(self, handoff: Handoff[T], by_batch: bool) -> None:
        error: BaseException | None = None
        try:
            iterator = self._factory()
            with self._lock:
                self._iterator = iterator
            if not self.stopped.is_set():
                next_batch = getattr(iterator, "next_batch", None) if by_batch else None
                if next_batch is not None:
                    self._read_batches(next_batch, handoff)
                else:
                    for item in iterator:
                        if self.stopped.is_set():
                            break
                        handoff.put(item)
        except BaseException as exc:
            error = exc
        stopped_early = self.stopped.is_set()
        self.finished.set()
        if stopped_early:
            self._close_iterator(_close_if_possible)
        else:
            handoff.end(error)

    def _read_batches(self, next_batch: Callable[[], list[T]], handoff: Handoff[T]) -> None:
        while not self.stopped.is_set():
            try:
                batch = next_batch()
            except StopIteration:
                return
            handoff.put_all(batch)

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

    The worker starts on the first ``__anext__`` (one item at a time) or the first step of
    ``batches()`` (every item that arrived since the last step, one list per step). When the
    consumer stops early (``break``, ``aclose()``, cancellation, or dropping the object),
    ``close`` is called at once from the consumer's side, so a worker blocked in a read ends
    within that read, and nothing more is delivered.
    """

    def __init__(
        self,
        executor: Executor,
        factory: Callable[[], Iterator[T]],
        close: Callable[[Iterator[T]], None] | None,
    ) -> None:
        self._executor = executor
        self._producer = _Producer(factory, close or _close_if_possible)
        self._handoff: Handoff[T] | None = None
        self._ready: asyncio.Event | None = None
        self._buffer: deque[T] = deque()
        self._done = False

    def _start(self, by_batch: bool) -> None:
        import asyncio

        ready = self._ready = asyncio.Event()
        handoff = self._handoff = Handoff(ready.set)
        self._executor.submit(self._producer.produce, handoff, by_batch)

    async def _next_items(self) -> list[T] | None:
        """The next items (never empty), or None at the end; raises the worker's error."""
        handoff, ready = self._handoff, self._ready
        assert handoff is not None and ready is not None
        while not self._done:
            items, ended, error = handoff.take()
            ready.clear()  # all on the loop's thread: a later delivery sets it again
            if items:
                return items
            if ended:
                self._done = True
                self._producer.stopped.set()
                handoff.close()
                if error is not None:
                    raise error
                return None
            try:
                await ready.wait()
            except BaseException:
                self.close()
                raise
        return None

    def __aiter__(self) -> ThreadStream[T]:
        return self

    async def __anext__(self) -> T:
        if self._buffer:
            return self._buffer.popleft()
        if self._producer.stopped.is_set():
            raise StopAsyncIteration
        if self._handoff is None:
            self._start(by_batch=False)
        items = await self._next_items()
        if items is None:
            raise StopAsyncIteration
        self._buffer.extend(items)
        return self._buffer.popleft()

    async def batches(self) -> AsyncIterator[list[T]]:
        """Lists of items as they arrive (a stream with ``next_batch`` is read a batch at a
        time); the worker's error is raised after the items before it."""
        if self._handoff is None:
            self._start(by_batch=True)
        try:
            while True:
                items = await self._next_items()
                if items is None:
                    return
                yield items
        finally:
            self.close()

    def close(self) -> None:
        """Stop the producer: no more items, and the blocking iterator is closed."""
        self._producer.stop()
        if self._handoff is not None:
            self._handoff.close()

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
        return self._handoff is None or self._producer.finished.is_set()


def _close_if_possible(iterator: Iterator[Any]) -> None:
    close = getattr(iterator, "close", None)
    if callable(close):
        close()


# -- progress reports ---------------------------------------------------------------------------


class LoopCallback:
    """A callable for worker threads: each call runs ``callback`` with the same arguments on
    the loop (made on the loop's thread), in order, a frame's calls together. After
    ``close()`` nothing more runs."""

    def __init__(self, callback: Callable[..., object]) -> None:
        self._callback = callback
        self._handoff: Handoff[tuple[Any, ...]] = Handoff(self._run)

    def __call__(self, *args: Any) -> None:
        self._handoff.put(args)

    def _run(self) -> None:
        import asyncio

        calls, _ended, _error = self._handoff.take()
        for args in calls:
            if self._handoff.closed:
                return
            try:
                self._callback(*args)
            except Exception as exc:  # as a callback of its own would be: reported, not fatal
                asyncio.get_running_loop().call_exception_handler(
                    {"message": "a progress callback failed", "exception": exc}
                )

    def finish(self) -> None:
        """Run the calls still waiting now, then close: the work has ended, and its last
        reports show before its result (loop side)."""
        if not self.closed:
            self._run()
        self.close()

    def close(self) -> None:
        """Nothing more runs, not even the calls waiting (loop side)."""
        self._handoff.close()

    @property
    def closed(self) -> bool:
        return self._handoff.closed


def on_loop(callback: Callable[..., object] | None) -> LoopCallback | None:
    """``callback`` as a ``LoopCallback`` of the running loop (None stays None)."""
    return None if callback is None else LoopCallback(callback)
