"""How fast a 20,000-token streamed reply is fully shown, against a bare ``requests`` loop.

The stand-in gateway streams the reply as fast as it can (one SSE event per token), or with
``--delay`` seconds between events. Baseline: a minimal client that reads the reply — a
``requests`` POST with ``stream=True``, ``iter_lines()``, and for every ``data:`` line but
``[DONE]`` the ``json.loads`` of it and its ``choices[0].delta.content`` added to the text. The
time to read the raw bytes only is printed beside it. App: the real Chat tab sends the message
and the reply is "fully shown" once the transcript row holding the whole text has been painted
with every part of it that is on screen laid out. The part above the screen is laid out after
the stream, in short idle steps; the time until the whole reply is laid out is printed too.
Also prints the longest and the 99th-percentile gap between UI event-loop ticks from sending
until the whole reply is laid out, and the CPU time the UI thread spent in that time (which,
unlike the times, hardly moves with the load of other processes on the machine). The longest
gap until the stream ended is printed beside it: with ``--math`` the formulas are drawn for
tens of seconds after it, and a gap in that time is a wait at idle time, not a stalled stream.

Every run streams a different reply (and starts a fresh stand-in), so no Markdown rendered in
an earlier run is reused.

    python bench/chat_stream.py [--tokens 20000] [--runs 7] [--delay 0.0002] [--code]
                                [--stand-in-nice 10]

``--code``: the reply is one long Python code block (a model writing out a whole file)
instead of mixed Markdown. ``--math``: prose dense with formulas; "all laid out" then also
waits until every formula is drawn and shown, and "formulas on screen drawn" is when, after
the stream, the part of the reply on screen first shows every formula in it drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from typing import NamedTuple

from chat_common import (  # isort: skip
    CODE,
    StandInProcess,
    TickMonitor,
    add_stand_in_options,
    markdown_text,
    qt_loop,
)

import requests

from app.services.context import Services
from app.storage.settings import Settings
from app.ui.chat.tab import ChatTab
from app.ui.chat.transcript_model import MESSAGE_ROLE
from app.ui.message_bar import MessageBar

BODY = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "go"}]}


def bare_requests(url: str) -> tuple[float, str]:
    """The baseline: a minimal client that reads the reply's text."""
    started = time.perf_counter()
    text = ""
    with requests.post(f"{url}/v1/chat/completions", json=BODY, stream=True, timeout=60) as r:
        for line in r.iter_lines():
            if line.startswith(b"data: ") and line != b"data: [DONE]":
                choices = json.loads(line[6:])["choices"]
                if choices:
                    text += choices[0]["delta"].get("content", "")
    return time.perf_counter() - started, text


def raw_bytes(url: str) -> tuple[float, int]:
    """Reading the response's bytes only, without looking at them."""
    started = time.perf_counter()
    received = 0
    with requests.post(f"{url}/v1/chat/completions", json=BODY, stream=True, timeout=60) as r:
        for piece in r.iter_content(chunk_size=None):
            received += len(piece)
    return time.perf_counter() - started, received


def code_reply(run: int, tokens: int) -> str:
    """One fenced Python block of about ``tokens`` tokens, different in every run."""
    functions = max(1, tokens // len(CODE.split()))
    body = "".join(CODE.replace("stream", f"stream_{run}_{n}") for n in range(functions))
    return f"Here is the file:\n\n```python\n{body}```\n\nThat is all."


MATH_PARAGRAPH = (
    "For step {n} the sum $\\sum_{{k=1}}^{{{n}}} k^2 = \\frac{{{n}({n}+1)(2\\cdot{n}+1)}}{{6}}$ "
    "holds, and with \\(x_{{{n}}} = \\sqrt{{{n}^2 + 1}}\\) the bound costs $5 and $10 less.\n\n"
    "$$\n\\int_0^{{{n}}} e^{{-t^2}}\\,dt \\le \\frac{{\\sqrt{{\\pi}}}}{{2}} + {n}\n$$\n\n"
)


def math_reply(run: int, tokens: int) -> str:
    """Prose with an inline, a bracketed and a display formula per paragraph, and money that
    stays text; every formula differs from run to run."""
    words = len(MATH_PARAGRAPH.split())
    return "".join(
        MATH_PARAGRAPH.format(n=run * 10_000 + n) for n in range(max(1, tokens // words))
    )


class AppRun(NamedTuple):
    shown: float  # send → the whole reply painted, what is on screen laid out
    whole: float  # send → all of it laid out (and, with formulas, drawn)
    on_screen: float  # send → the formulas on screen drawn
    cpu: float  # the UI thread's CPU time from send to ``whole``
    longest: float  # the longest tick gap from send to ``whole``
    p99: float
    work: float  # the most the UI thread ran in one gap from send to ``whole``
    stream_longest: float  # the longest tick gap from send until the stream ended
    stream_work: float  # the most the UI thread ran in one gap until then


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def formulas_waiting(tab: ChatTab) -> bool:
    """True while a formula of the transcript is still being drawn or its text still shows
    the source of one that is drawn."""
    layouts = tab.delegate.layouts
    return layouts.renderer.math.busy or any(
        group.math_pending for groups in layouts._groups.values() for group in groups
    )


def on_screen_formulas_drawn(tab: ChatTab, index) -> bool:  # type: ignore[no-untyped-def]
    """True if every text group of the reply that lies on screen is laid out with its
    formulas drawn."""
    delegate = tab.delegate
    layout = delegate.layout_for(index)
    message = index.data(MESSAGE_ROLE)
    groups = delegate.layouts._groups.get((message.id, "body"), [])
    texts = [piece for piece in layout.pieces if piece.kind in ("body", "pending")]
    visible = tab.transcript.viewport().rect()  # all of it: the row may be one slice of many
    origin = delegate.row_origin(index)
    return not any(
        (piece.kind == "pending" or group.math_pending)
        and piece.rect.translated(origin).intersects(visible)
        for piece, group in zip(texts, groups, strict=False)
    )


def on_screen_laid_out(tab: ChatTab, option, index) -> bool:  # type: ignore[no-untyped-def]
    """True if every piece of the row that lies on screen is laid out (none is pending)."""
    layout = tab.delegate.layout_for(index)
    visible = option.rect.intersected(tab.transcript.viewport().rect())
    origin = tab.delegate.row_origin(index)
    return not any(
        piece.kind == "pending" and piece.rect.translated(origin).intersects(visible)
        for piece in layout.pieces
    )


async def app_run(tab: ChatTab, app, reply: str, monitor: TickMonitor) -> AppRun:
    painted = {"at": 0.0, "formulas": 0.0}
    delegate = tab.delegate
    original_paint = delegate.paint

    def paint(painter, option, index):  # type: ignore[no-untyped-def]
        original_paint(painter, option, index)
        message = index.data(MESSAGE_ROLE)
        if message is None or message.role != "assistant" or message.content != reply:
            return
        if not painted["at"] and on_screen_laid_out(tab, option, index):
            painted["at"] = time.perf_counter()
        if (
            painted["at"]
            and not painted["formulas"]
            and not tab.streaming
            and on_screen_formulas_drawn(tab, index)
        ):
            painted["formulas"] = time.perf_counter()

    delegate.paint = paint  # type: ignore[method-assign]
    tab.new_conversation()
    tab.input.setPlainText("go")
    monitor.start()
    started = time.perf_counter()
    cpu_started = time.thread_time()  # this is the UI thread
    tab.send()
    while not painted["at"]:
        await asyncio.sleep(0.002)
    shown = painted["at"] - started
    while tab.streaming:
        await asyncio.sleep(0.002)
    stream_longest, stream_work = monitor.longest, monitor.most_ran
    while delegate.layouts.incomplete or formulas_waiting(tab):
        await asyncio.sleep(0.005)
    whole = time.perf_counter() - started
    cpu = time.thread_time() - cpu_started
    longest = monitor.stop()
    delegate.paint = original_paint  # type: ignore[method-assign]
    on_screen = (painted["formulas"] or time.perf_counter()) - started
    return AppRun(
        shown,
        whole,
        on_screen,
        cpu,
        longest,
        percentile(monitor.gaps, 0.99),
        monitor.most_ran,
        stream_longest,
        stream_work,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    add_stand_in_options(parser)
    parser.add_argument("--code", action="store_true", help="one long code block")
    parser.add_argument("--math", action="store_true", help="a reply dense with formulas")
    parser.add_argument(
        "--switch-interval", type=float, default=None, help="sys.setswitchinterval (seconds)"
    )
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)

    replies = [
        code_reply(run, args.tokens)
        if args.code
        else math_reply(run, args.tokens)
        if args.math
        else markdown_text(random.Random(run + 1), args.tokens)
        for run in range(args.runs)
    ]
    reply = replies[0]
    api = StandInProcess(reply, args.delay, nice=args.stand_in_nice)
    app, loop = qt_loop()
    services = Services(Settings(provider="custom", base_url=api.url, max_retries=0))
    bar = MessageBar()
    tab = ChatTab(services, bar)
    tab.resize(1100, 760)
    tab.show()
    # As before anyone can type: the tab opens the history and warms up highlighting.
    loop.run_until_complete(asyncio.sleep(1.0))
    monitor = TickMonitor()
    tokens = len(reply.split())
    print(f"replies of about {tokens:,} tokens, {len(reply):,} characters, one SSE event per token")

    baseline: list[float] = []
    raw: list[float] = []
    runs: list[AppRun] = []
    for number, reply in enumerate(replies, 1):
        api.set_reply(reply)
        seconds, text = bare_requests(api.url)
        if text != reply:
            raise SystemExit("the baseline client did not read the whole reply")
        baseline.append(seconds)
        raw_seconds, size = raw_bytes(api.url)
        raw.append(raw_seconds)
        run = loop.run_until_complete(app_run(tab, app, reply, monitor))
        runs.append(run)
        print(
            f"run {number}: bare requests {seconds * 1000:6.0f} ms "
            f"(raw bytes {raw_seconds * 1000:4.0f} ms, {size / 1e6:.1f} MB) | "
            f"chat tab fully shown {run.shown * 1000:6.0f} ms | "
            f"ratio {run.shown / seconds:.2f} | all laid out {run.whole * 1000:5.0f} ms | "
            + (f"formulas on screen drawn {run.on_screen * 1000:5.0f} ms | " if args.math else "")
            + f"UI thread CPU {run.cpu * 1000:5.0f} ms | "
            f"UI gap longest {run.longest * 1000:5.1f} ms, p99 {run.p99 * 1000:4.1f} ms, "
            f"UI thread's own work in one gap at most {run.work * 1000:4.1f} ms | "
            f"while streaming: UI gap longest {run.stream_longest * 1000:5.1f} ms, "
            f"own work in one gap at most {run.stream_work * 1000:4.1f} ms"
        )
    app_times = [run.shown for run in runs]
    base, shown = statistics.median(baseline), statistics.median(app_times)
    paired = statistics.median(a / b for a, b in zip(app_times, baseline, strict=True))
    print(
        f"median: bare {base * 1000:.0f} ms (raw bytes {statistics.median(raw) * 1000:.0f} ms), "
        f"chat tab {shown * 1000:.0f} ms, ratio {shown / base:.2f} "
        f"(median of the runs' ratios {paired:.2f}; target ≤ 1.15), "
        f"all laid out {statistics.median(run.whole for run in runs) * 1000:.0f} ms"
        + (
            f", formulas on screen drawn "
            f"{statistics.median(run.on_screen for run in runs) * 1000:.0f} ms; "
            if args.math
            else "; "
        )
        + f"UI thread CPU {statistics.median(run.cpu for run in runs) * 1000:.0f} ms; "
        f"worst UI gap {max(run.longest for run in runs) * 1000:.1f} ms (target ≤ 30 ms), "
        f"worst p99 gap {max(run.p99 for run in runs) * 1000:.1f} ms; "
        f"most UI work in a gap {max(run.work for run in runs) * 1000:.1f} ms; "
        f"worst UI gap while streaming {max(run.stream_longest for run in runs) * 1000:.1f} ms, "
        f"most UI work in a gap while streaming "
        f"{max(run.stream_work for run in runs) * 1000:.1f} ms"
    )
    tab.shutdown()
    services.close()
    api.stop()


if __name__ == "__main__":
    main()
