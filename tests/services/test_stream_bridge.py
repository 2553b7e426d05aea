"""The one bridge from worker threads to the event loop: what reaches the loop, in what order,
when it stops, and how an error arrives."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator

import pytest

from app.api.errors import StreamError
from app.errors import describe
from app.services.runner import Runner
from app.services.stream_bridge import FRAME_S, Handoff, LoopCallback, frame_clock


@pytest.fixture
def runner() -> Iterator[Runner]:
    runner = Runner(max_workers=6)
    yield runner
    runner.shutdown()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=10))


class Batches:
    """A blocking reader whose every read brings several items, like ``ChatStream``."""

    def __init__(self, reads: list[list[str]], pause: float = 0.0, fail: Exception | None = None):
        self.reads = list(reads)
        self.pause = pause
        self.fail = fail
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[str]:
        for read in self.reads:
            yield from read

    def next_batch(self) -> list[str]:
        if self.closed.is_set():
            raise StopIteration
        time.sleep(self.pause)
        if not self.reads:
            if self.fail is not None:
                raise self.fail
            raise StopIteration
        return self.reads.pop(0)

    def close(self) -> None:
        self.closed.set()


def test_items_put_from_a_worker_arrive_in_order_in_few_deliveries() -> None:
    async def scenario() -> tuple[list[int], int]:
        got: list[int] = []
        deliveries: list[int] = []
        done = asyncio.Event()

        def on_ready() -> None:
            items, ended, _error = handoff.take()
            deliveries.append(len(items))
            got.extend(items)
            if ended:
                done.set()

        handoff: Handoff[int] = Handoff(on_ready)

        def work() -> None:
            for n in range(0, 3000, 3):
                handoff.put(n)
                handoff.put_all([n + 1, n + 2])
            handoff.end()

        threading.Thread(target=work).start()
        await done.wait()
        return got, len(deliveries)

    got, deliveries = run(scenario())
    assert got == list(range(3000))
    assert deliveries < 100  # a frame's items together, not one wake-up per item


def test_a_stream_read_by_batches_keeps_every_item_in_order(runner: Runner) -> None:
    reads = [[f"{r}.{i}" for i in range(r % 5 + 1)] for r in range(200)]
    expected = [item for read in reads for item in read]

    async def scenario() -> list[str]:
        got: list[str] = []
        async for batch in runner.stream(lambda: Batches(reads)).batches():
            assert batch  # never an empty step
            got.extend(batch)
        return got

    assert run(scenario()) == expected


def test_several_streams_are_delivered_in_the_same_turn_of_the_loop(runner: Runner) -> None:
    """Columns streaming at once are updated together, once a frame, not each on its own."""

    async def scenario() -> list[set[int]]:
        stamps: list[list[int]] = [[] for _ in range(4)]
        clock = frame_clock()

        async def consume(index: int) -> None:
            reads = [[f"{index}:{n}"] for n in range(40)]
            async for _batch in runner.stream(lambda: Batches(reads, pause=0.002)).batches():
                stamps[index].append(clock.frames)

        await asyncio.gather(*(consume(i) for i in range(4)))
        return [set(s) for s in stamps]

    per_stream = run(scenario())
    shared = set.intersection(*per_stream)
    # most deliveries carry all four streams at once (the first may come apart)
    assert len(shared) >= min(len(s) for s in per_stream) // 2


def test_deliveries_are_at_least_a_frame_apart() -> None:
    async def scenario() -> list[float]:
        times: list[float] = []
        loop = asyncio.get_running_loop()
        finished = asyncio.Event()

        def on_ready() -> None:
            items, ended, _ = handoff.take()
            if items:
                times.append(loop.time())
            if ended:
                finished.set()

        handoff: Handoff[int] = Handoff(on_ready)

        def work() -> None:
            for n in range(400):
                handoff.put(n)
                time.sleep(0.0005)
            handoff.end()

        threading.Thread(target=work).start()
        await finished.wait()
        return times

    times = run(scenario())
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps and min(gaps) >= FRAME_S * 0.9


def test_cancelling_the_consumer_stops_the_worker_and_delivers_nothing_more(
    runner: Runner,
) -> None:
    source = Batches([[str(n)] for n in range(10_000)], pause=0.001)
    seen: list[str] = []

    async def scenario() -> None:
        async def consume() -> None:
            async for batch in runner.stream(lambda: source).batches():
                seen.extend(batch)

        task = asyncio.ensure_future(consume())
        while not seen:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        count = len(seen)
        await asyncio.sleep(0.1)
        assert len(seen) == count

    run(scenario())
    assert source.closed.is_set()
    assert len(seen) < 10_000


def test_an_error_arrives_after_the_items_before_it_as_its_sentence(runner: Runner) -> None:
    dropped = StreamError("The connection dropped before the reply was complete.")
    source = Batches([["Hello"], [", wor"]], fail=dropped)

    async def scenario() -> tuple[list[str], BaseException | None]:
        got: list[str] = []
        try:
            async for batch in runner.stream(lambda: source).batches():
                got.extend(batch)
        except StreamError as exc:
            return got, exc
        return got, None

    got, error = run(scenario())
    assert got == ["Hello", ", wor"]
    assert error is dropped
    assert describe(error) == (
        "The reply stopped with an error. (The connection dropped before the reply was complete.)"
    )


def test_progress_reports_run_on_the_loop_in_order_and_finish_flushes_them() -> None:
    async def scenario() -> tuple[list[int], set[int]]:
        seen: list[int] = []
        threads: set[int] = set()

        def show(value: int) -> None:
            threads.add(threading.get_ident())
            seen.append(value)

        report = LoopCallback(show)
        worker = threading.Thread(target=lambda: [report(n) for n in range(500)])
        worker.start()
        await asyncio.get_running_loop().run_in_executor(None, worker.join)
        report.finish()  # the work ended: what is still waiting shows now
        report(999)  # after finish: never shown
        await asyncio.sleep(FRAME_S * 3)
        return seen, threads

    seen, threads = run(scenario())
    assert seen == list(range(500))
    assert threads == {threading.get_ident()}


def test_a_closed_progress_callback_runs_nothing_that_was_waiting() -> None:
    async def scenario() -> list[int]:
        seen: list[int] = []
        clock = frame_clock()
        clock.interval = 0.2  # the next delivery is far off
        clock._last = asyncio.get_running_loop().time()
        report = LoopCallback(seen.append)
        threading.Thread(target=lambda: [report(n) for n in range(10)]).start()
        await asyncio.sleep(0.05)
        report.close()
        await asyncio.sleep(0.3)
        return seen

    assert run(scenario()) == []


def test_the_bridge_is_the_only_way_from_a_worker_to_the_loop() -> None:
    """New code hands worker results to the loop through ``stream_bridge``, not on its own."""
    import ast
    from pathlib import Path

    import app

    root = Path(app.__file__).parent
    # mcp_servers stops the loop of its own thread (no worker → UI hand-off).
    own_loop = {"services/stream_bridge.py", "services/mcp_servers.py"}
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            crossing = isinstance(node, ast.Attribute) and node.attr == "call_soon_threadsafe"
            if crossing and name not in own_loop:
                found.append(f"{name}:{node.lineno}")
    assert found == []
