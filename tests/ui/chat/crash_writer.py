"""Streams chat replies into a real history file until it is killed (for the crash test).

    python -m tests.ui.chat.crash_writer DB_PATH BASE_URL

Each round stores the user message, then streams the reply into the store exactly as the Chat
tab does (ReplyRecorder), and prints ``round N`` once the reply is complete. It prints
``ready`` once it has started, so that the kill's moment does not depend on start-up time.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app.services.chat import ReplyRecorder, request_messages
from app.services.context import Services
from app.storage.chat_store import ChatStore
from app.storage.history import HistoryDatabase
from app.storage.settings import Settings

SAVE_INTERVAL = 0.05


async def run(db_path: Path, base_url: str) -> None:
    services = Services(Settings(provider="custom", base_url=base_url, max_retries=0))
    store = ChatStore(HistoryDatabase(db_path))
    conversation = store.create_conversation("crash test", model="gpt-4o")
    print("ready", flush=True)  # started: the test's clock for the kill begins here
    for number in range(1_000_000):
        store.add_message(conversation.id, "user", f"question {number}")
        history = store.messages(conversation.id, limit=3)
        reply = store.add_message(conversation.id, "assistant", "", status="streaming")
        recorder = ReplyRecorder(store, reply.id, interval=SAVE_INTERVAL)
        async for chunk in services.chat.stream("gpt-4o", request_messages(conversation, history)):
            recorder.add(chunk)
        recorder.finish("complete")
        print(f"round {number}", flush=True)


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1]), sys.argv[2]))
