"""Opening and scrolling a 10,000-message conversation, and searching 100,000 stored messages.

Open: time from asking the Chat tab to open the conversation until its newest messages are
painted, against a 20-message conversation in the same run. Scroll: the whole conversation is
scrolled from the bottom to the top in 120-pixel steps (pages load as the top is reached);
prints the median, 95th percentile and longest step (scroll + paint). Search: FTS5 queries over
100,000 messages, against a ``LIKE '%word%'`` scan of the same table (first 50 hits, newest first).

    python bench/chat_history.py [--messages 10000] [--search-messages 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from chat_common import message_text, qt_loop  # isort: skip

from app.services.context import Services
from app.storage.chat_store import ChatStore
from app.storage.settings import Settings
from app.ui.chat.tab import ChatTab
from app.ui.message_bar import MessageBar


def fill(store: ChatStore, title: str, count: int, rng: random.Random) -> int:
    conversation = store.create_conversation(title, model="gpt-4o")
    with store.db.transaction() as conn:
        for position in range(count):
            role = "user" if position % 2 == 0 else "assistant"
            conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created, "
                "total_tokens, cost_usd, response_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation.id,
                    position,
                    role,
                    message_text(rng),
                    time.time(),
                    120 if role == "assistant" else None,
                    0.0004 if role == "assistant" else None,
                    f"chatcmpl-{position}" if role == "assistant" else None,
                ),
            )
    return conversation.id


async def open_and_paint(tab: ChatTab, app, conversation_id: int) -> float:  # type: ignore[no-untyped-def]
    tab.new_conversation()
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    await tab.open_conversation(conversation_id)
    tab.transcript.viewport().repaint()
    return time.perf_counter() - started


async def scroll_to_top(tab: ChatTab, app) -> list[float]:  # type: ignore[no-untyped-def]
    bar = tab.transcript.verticalScrollBar()
    steps: list[float] = []
    model = tab.transcript_model
    while bar.value() > 0 or model.has_earlier:
        started = time.perf_counter()
        if bar.value() == 0:
            tab.transcript.earlier_needed.emit()
        bar.setValue(bar.value() - 120)
        tab.transcript.viewport().repaint()
        steps.append(time.perf_counter() - started)
        await asyncio.sleep(0.001)
        if len(steps) > 20_000:
            break
    return steps


def search_figures(store: ChatStore, words: list[str]) -> tuple[list[float], list[float]]:
    fts, like = [], []
    for word in words:
        started = time.perf_counter()
        store.search(word)
        fts.append(time.perf_counter() - started)
        started = time.perf_counter()
        with store.db.lock:
            store.db.conn.execute(
                "SELECT id FROM messages WHERE content LIKE ? ORDER BY id DESC", (f"%{word}%",)
            ).fetchmany(50)
        like.append(time.perf_counter() - started)
    return fts, like


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--search-messages", type=int, default=100_000)
    args = parser.parse_args()

    app, loop = qt_loop()
    services = Services(Settings(provider="custom", base_url="http://127.0.0.1:9", max_retries=0))
    store = ChatStore(services.history)
    rng = random.Random(7)
    started = time.perf_counter()
    small = fill(store, "short", 20, rng)
    big = fill(store, "long", args.messages, rng)
    print(f"stored {args.messages:,} + 20 messages in {time.perf_counter() - started:.1f} s")

    tab = ChatTab(services, MessageBar())
    tab.resize(1100, 760)
    tab.show()
    loop.run_until_complete(asyncio.sleep(0.3))
    small_times, big_times = [], []
    for _ in range(3):
        small_times.append(loop.run_until_complete(open_and_paint(tab, app, small)))
        big_times.append(loop.run_until_complete(open_and_paint(tab, app, big)))
    small_open, big_open = statistics.median(small_times), statistics.median(big_times)
    print(
        f"open: 20 messages {ms(small_open)}, {args.messages:,} messages {ms(big_open)} "
        f"(ratio {big_open / small_open:.2f}; target ≤ 250 ms)"
    )
    steps = loop.run_until_complete(scroll_to_top(tab, app))
    steps.sort()
    print(
        f"scroll to the top: {len(steps):,} steps of 120 px, rows loaded "
        f"{tab.transcript_model.rowCount():,}; step median {ms(statistics.median(steps))}, "
        f"p95 {ms(steps[int(len(steps) * 0.95)])}, longest {ms(steps[-1])}"
    )

    remaining = args.search_messages - args.messages - 20
    started = time.perf_counter()
    while remaining > 0:
        chunk = min(remaining, 10_000)
        fill(store, "filler", chunk, rng)
        remaining -= chunk
    with store.db.lock:
        total = store.db.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    print(f"stored {total:,} messages for search in {time.perf_counter() - started:.1f} s")
    words = ["latency", "socket request", "markdown tab", "strea", "zebra", "thread queue render"]
    search_figures(store, words)
    fts, like = search_figures(store, words)
    ratio = statistics.median(fts) / statistics.median(like)
    print(
        f"search over {total:,} messages: FTS5 median {ms(statistics.median(fts))}, "
        f"longest {ms(max(fts))} (target ≤ 50 ms); LIKE scan median "
        f"{ms(statistics.median(like))} (ratio FTS/LIKE {ratio:.2f})"
    )
    tab.shutdown()
    services.close()


if __name__ == "__main__":
    main()
