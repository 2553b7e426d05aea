"""Compare in Chat: four columns streaming 5,000-token replies at once, flat out.

Measures the longest and 99th-percentile gap between UI event-loop ticks from Send until every
column has ended (target: longest ≤ 30 ms), and the time until all four replies are shown,
against four bare ``requests`` clients reading the same replies on four threads at once.

    python bench/chat_compare.py [--tokens 5000] [--runs 5] [--columns 4] [--delay 0]
                                 [--stand-in-nice 10]

Also printed: the most the UI thread itself ran in one gap (the rest of a gap is waiting for a
CPU); ``--stand-in-nice 10`` keeps the stand-in from competing with the app for the CPUs.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time

import requests

from chat_common import (  # isort: skip
    StandInProcess,
    TickMonitor,
    add_stand_in_options,
    markdown_text,
    qt_loop,
)

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.chat.compare_window import CompareWindow

MODELS = ["gpt-4o", "deepseek-chat", "o1", "claude-3-5-sonnet"]


def bare_requests(url: str, count: int) -> float:
    """Seconds until ``count`` plain clients, one thread each, have read a whole reply."""

    def read() -> None:
        body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "go"}]}
        with requests.post(
            f"{url}/v1/chat/completions",
            json=body,
            headers={"Authorization": "Bearer bench-key"},
            stream=True,
            timeout=60,
        ) as response:
            for line in response.iter_lines():
                if line.startswith(b"data: {"):
                    json.loads(line[6:])

    threads = [threading.Thread(target=read) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


async def idle_run(monitor: TickMonitor, seconds: float) -> tuple[float, float]:
    """The longest and p99 tick gap of the idle loop over ``seconds`` (the machine's own
    noise: other processes on the same cores)."""
    import asyncio

    monitor.start()
    await asyncio.sleep(seconds)
    longest = monitor.stop()
    gaps = sorted(monitor.gaps)
    return longest, gaps[int(len(gaps) * 0.99)] if gaps else 0.0


async def compare_run(window: CompareWindow, monitor: TickMonitor) -> tuple[float, float, float]:
    import asyncio

    window.input.setPlainText("go")
    monitor.start()
    started = time.perf_counter()
    tasks = window.send()
    await asyncio.gather(*tasks, return_exceptions=True)
    while any(c.status == "streaming" for c in window.columns):
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - started
    longest = monitor.stop()
    gaps = sorted(monitor.gaps)
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else 0.0
    return elapsed, longest, p99


def main() -> None:
    import asyncio

    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--columns", type=int, default=4)
    add_stand_in_options(parser)
    args = parser.parse_args()
    replies = [markdown_text(random.Random(run + 7), args.tokens) for run in range(args.runs)]
    api = StandInProcess(replies[0], args.delay, nice=args.stand_in_nice)
    _app, loop = qt_loop()
    services = Services(Settings(provider="custom", base_url=api.url, max_retries=0))
    window = CompareWindow(services, MODELS, default_models=MODELS[: args.columns])
    window.resize(1400, 800)
    window.show()
    loop.run_until_complete(asyncio.sleep(0.5))
    monitor = TickMonitor()
    print(
        f"{args.columns} columns, replies of about {len(replies[0].split()):,} tokens "
        f"({len(replies[0]):,} characters) each, one SSE event per token, flat out"
    )
    bare_times, app_times, stalls, p99s, idle_stalls, idle_p99s = [], [], [], [], [], []
    works: list[float] = []  # the most the UI thread itself ran in one gap, per run
    for run, reply in enumerate(replies):
        api.set_reply(reply)
        bare = bare_requests(api.url, args.columns)
        for column in window.columns:  # a fresh conversation per run
            window.sessions[column.number - 1] = None
        shown, longest, p99 = loop.run_until_complete(compare_run(window, monitor))
        works.append(monitor.most_ran)
        idle, idle_p99 = loop.run_until_complete(idle_run(monitor, shown))
        idle_stalls.append(idle)
        idle_p99s.append(idle_p99)
        if any(c.text() != reply for c in window.columns):
            raise SystemExit("a column did not show the whole reply")
        bare_times.append(bare)
        app_times.append(shown)
        stalls.append(longest)
        p99s.append(p99)
        print(
            f"run {run + 1}: {args.columns} bare clients {bare * 1000:6.0f} ms | "
            f"compare window all shown {shown * 1000:6.0f} ms | ratio {shown / bare:.2f} | "
            f"UI gap longest {longest * 1000:5.1f} ms, p99 {p99 * 1000:4.1f} ms, "
            f"own work in one gap at most {works[-1] * 1000:4.1f} ms | "
            f"idle loop for as long: longest {idle * 1000:5.1f} ms, p99 {idle_p99 * 1000:4.1f} ms"
        )
    print(
        f"median: bare {statistics.median(bare_times) * 1000:.0f} ms, compare window "
        f"{statistics.median(app_times) * 1000:.0f} ms, ratio "
        f"{statistics.median(a / b for a, b in zip(app_times, bare_times, strict=True)):.2f}; "
        f"longest UI gap {max(stalls) * 1000:.1f} ms (median of runs "
        f"{statistics.median(stalls) * 1000:.1f} ms; target ≤ 30 ms), "
        f"worst p99 gap {max(p99s) * 1000:.1f} ms; most UI work in a gap "
        f"{max(works) * 1000:.1f} ms; idle loop: longest "
        f"{max(idle_stalls) * 1000:.1f} ms, median of runs "
        f"{statistics.median(idle_stalls) * 1000:.1f} ms, worst p99 {max(idle_p99s) * 1000:.1f} ms"
    )
    window.stop_all()
    api.stop()


if __name__ == "__main__":
    main()
