"""How fast a 20,000-token streamed reply is fully shown, against a bare ``requests`` loop.

The stand-in gateway streams the reply as fast as it can (one SSE event per token). Baseline:
a plain ``requests`` POST reading the event stream to its end. App: the real Chat tab sends
the message and the reply is "fully shown" once the transcript row holds the whole text and
has been painted. Also prints the longest gap between UI event-loop ticks during the stream.

    python bench/chat_stream.py [--tokens 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from chat_common import StandInProcess, TickMonitor, markdown_text, qt_loop  # isort: skip

import requests

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.chat.tab import ChatTab
from app.ui.chat.transcript import MESSAGE_ROLE
from app.ui.message_bar import MessageBar


def bare_requests(url: str) -> tuple[float, int]:
    body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "go"}]}
    started = time.perf_counter()
    received = 0
    with requests.post(f"{url}/v1/chat/completions", json=body, stream=True, timeout=60) as r:
        for piece in r.iter_content(chunk_size=None):
            received += len(piece)
    return time.perf_counter() - started, received


async def app_run(tab: ChatTab, app, reply: str, monitor: TickMonitor) -> tuple[float, float]:
    import asyncio

    painted = {"at": 0.0}
    delegate = tab.delegate
    original_paint = delegate.paint

    def paint(painter, option, index):  # type: ignore[no-untyped-def]
        original_paint(painter, option, index)
        message = index.data(MESSAGE_ROLE)
        if message is not None and message.role == "assistant" and message.content == reply:
            painted["at"] = painted["at"] or time.perf_counter()

    delegate.paint = paint  # type: ignore[method-assign]
    tab.new_conversation()
    tab.input.setPlainText("go")
    monitor.start()
    started = time.perf_counter()
    tab.send()
    while not painted["at"]:
        await asyncio.sleep(0.002)
    shown = painted["at"] - started
    while tab.streaming:
        await asyncio.sleep(0.005)
    longest = monitor.stop()
    delegate.paint = original_paint  # type: ignore[method-assign]
    return shown, longest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--delay", type=float, default=0.0, help="seconds between SSE events (0: flat out)"
    )
    parser.add_argument(
        "--switch-interval", type=float, default=None, help="sys.setswitchinterval (seconds)"
    )
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)

    reply = markdown_text(random.Random(1), args.tokens)
    api = StandInProcess(reply, args.delay)
    app, loop = qt_loop()
    services = Services(Settings(provider="custom", base_url=api.url, max_retries=0))
    bar = MessageBar()
    tab = ChatTab(services, bar)
    tab.resize(1100, 760)
    tab.show()
    monitor = TickMonitor()
    tokens = len(reply.split())
    print(f"reply: {tokens:,} tokens, {len(reply):,} characters, one SSE event per token")

    baseline, app_times, stalls = [], [], []
    for run in range(args.runs):
        seconds, size = bare_requests(api.url)
        baseline.append(seconds)
        shown, longest = loop.run_until_complete(app_run(tab, app, reply, monitor))
        app_times.append(shown)
        stalls.append(longest)
        print(
            f"run {run + 1}: bare requests {seconds * 1000:7.0f} ms ({size / 1e6:.1f} MB) | "
            f"chat tab fully shown {shown * 1000:7.0f} ms | ratio {shown / seconds:.2f} | "
            f"longest UI gap {longest * 1000:5.1f} ms"
        )
    base, shown = statistics.median(baseline), statistics.median(app_times)
    print(
        f"median: bare {base * 1000:.0f} ms, chat tab {shown * 1000:.0f} ms, "
        f"ratio {shown / base:.2f} (target ≤ 1.15); worst UI gap {max(stalls) * 1000:.1f} ms "
        "(target ≤ 30 ms)"
    )
    tab.shutdown()
    services.close()
    api.stop()


if __name__ == "__main__":
    main()
