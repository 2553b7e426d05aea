from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator

import pytest

from app.services.runner import Runner


class SocketLines:
    """A blocking line reader over a socket, shaped like a streamed HTTP response."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.ended = threading.Event()
        self.closed_by: str | None = None

    def __iter__(self) -> SocketLines:
        return self

    def __next__(self) -> bytes:
        try:
            line = self.reader.readline()
        except (OSError, ValueError):
            line = b""
        if not line:
            self.ended.set()
            raise StopIteration
        return line.strip()

    def close(self) -> None:
        self.closed_by = self.closed_by or threading.current_thread().name
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


@pytest.fixture
def runner() -> Iterator[Runner]:
    runner = Runner(max_workers=4)
    yield runner
    runner.shutdown()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=10))


def test_run_returns_the_result_from_another_thread(runner: Runner) -> None:
    async def scenario() -> tuple[int, str]:
        return await runner.run(lambda a, b=0: (a + b, threading.current_thread().name), 2, b=3)

    total, thread_name = run(scenario())
    assert total == 5
    assert thread_name != threading.current_thread().name
    assert thread_name.startswith("runner")


def test_run_raises_the_jobs_exception(runner: Runner) -> None:
    def fail() -> None:
        raise KeyError("missing model")

    async def scenario() -> None:
        await runner.run(fail)

    with pytest.raises(KeyError, match="missing model"):
        run(scenario())


def test_jobs_run_in_parallel(runner: Runner) -> None:
    async def scenario() -> float:
        started = time.monotonic()
        await asyncio.gather(*(runner.run(time.sleep, 0.3) for _ in range(4)))
        return time.monotonic() - started

    assert run(scenario()) < 0.9


def test_cancelling_the_awaiting_task_returns_at_once(runner: Runner) -> None:
    release = threading.Event()

    async def scenario() -> float:
        task = asyncio.ensure_future(runner.run(release.wait, 5))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    try:
        assert run(scenario()) < 0.5
    finally:
        release.set()


def test_stream_delivers_items_in_order_then_ends(runner: Runner) -> None:
    def numbers() -> Iterator[int]:
        yield from range(50)

    async def scenario() -> list[int]:
        return [item async for item in runner.stream(numbers)]

    assert run(scenario()) == list(range(50))


def test_stream_raises_the_producers_exception_after_its_items(runner: Runner) -> None:
    def broken() -> Iterator[str]:
        yield "first"
        raise ConnectionResetError("dropped mid-stream")

    async def scenario() -> list[str]:
        seen: list[str] = []
        with pytest.raises(ConnectionResetError, match="dropped mid-stream"):
            async for item in runner.stream(broken):
                seen.append(item)
        return seen

    assert run(scenario()) == ["first"]


def test_stream_factory_error_reaches_the_consumer(runner: Runner) -> None:
    def refuse() -> Iterator[str]:
        raise PermissionError("no access")

    async def scenario() -> None:
        async for _ in runner.stream(refuse):
            pass

    with pytest.raises(PermissionError):
        run(scenario())


def _serve_two_lines_then_hang() -> tuple[socket.socket, SocketLines]:
    server_side, client_side = socket.socketpair()
    server_side.sendall(b"one\ntwo\n")
    return server_side, SocketLines(client_side)


def test_break_closes_a_producer_blocked_in_a_read(runner: Runner) -> None:
    server_side, lines = _serve_two_lines_then_hang()

    async def scenario() -> list[bytes]:
        got = []
        async for line in runner.stream(lambda: lines):
            got.append(line)
            if len(got) == 2:
                await asyncio.sleep(0.1)  # the worker now waits for a third line
                break
        return got

    try:
        assert run(scenario()) == [b"one", b"two"]
        assert lines.ended.wait(2), "the worker kept reading after the consumer left"
        assert lines.closed_by == threading.current_thread().name
    finally:
        server_side.close()


def test_cancelling_the_consumer_closes_the_producer(runner: Runner) -> None:
    server_side, lines = _serve_two_lines_then_hang()
    closed: list[bool] = []

    def close(_iterator: object) -> None:
        closed.append(True)
        lines.close()

    async def consume() -> None:
        async for _ in runner.stream(lambda: lines, close=close):
            pass

    async def scenario() -> None:
        task = asyncio.ensure_future(consume())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        run(scenario())
        assert closed == [True]
        assert lines.ended.wait(2)
    finally:
        server_side.close()


def test_aclose_stops_a_generator_producer(runner: Runner) -> None:
    produced: list[int] = []
    finished = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                produced.append(n)
                yield n
                n += 1
                time.sleep(0.01)
        finally:
            finished.set()

    async def scenario() -> None:
        stream = runner.stream(endless)
        async for n in stream:
            if n == 3:
                await stream.aclose()
                break

    run(scenario())
    assert finished.wait(2)
    count = len(produced)
    time.sleep(0.1)
    assert len(produced) == count


def test_shutdown_does_not_wait_for_a_blocked_job() -> None:
    runner = Runner(max_workers=2)
    release = threading.Event()

    async def start_blocked_job() -> None:
        job = asyncio.ensure_future(runner.run(release.wait, 30))
        await asyncio.sleep(0.05)
        assert not job.done()

    try:
        asyncio.run(start_blocked_job())
        started = time.monotonic()
        runner.shutdown()
        assert time.monotonic() - started < 0.5
        with pytest.raises(RuntimeError):
            runner.executor.submit(print)
    finally:
        release.set()


def test_process_exits_while_a_job_is_still_blocked() -> None:
    program = textwrap.dedent(
        """
        import asyncio, threading
        from app.services.runner import Runner

        runner = Runner()

        async def main():
            asyncio.ensure_future(runner.run(threading.Event().wait))
            await asyncio.sleep(0.1)
            runner.shutdown()

        asyncio.run(main())
        print("left main")
        """
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=20
    )
    assert result.returncode == 0, result.stderr
    assert "left main" in result.stdout
    assert time.monotonic() - started < 10
