"""The real window sending chat messages in a loop until it is killed (for the crash rounds).

    python -m tests.reliability.crash_window

The main window opens offscreen on the settings in the XDG folders the parent set (pointing at
the stand-in), as ``aiml-desktop`` opens it; the Chat tab sends one question after another
through its own ``send``. After each reply is stored it prints ``done message ID LENGTH``, and
``ready`` after the first, as ``crash_child`` does.
"""

from __future__ import annotations

import asyncio
import itertools
import os

import qasync

from app.services.context import Services
from app.ui.app import create_application
from app.ui.chat.tab import ChatTab
from app.ui.main_window import MainWindow
from tests.reliability.crash_child import stored


async def chat(window: MainWindow) -> None:
    tab = window.findChild(ChatTab, "chatTab")
    assert tab is not None
    window.tabs.setCurrentWidget(tab)
    while not tab.model_combo.model_ids():
        await asyncio.sleep(0.02)
    tab.model_combo.set_current_model_id("openai/gpt-4o")
    for number in itertools.count():
        tab.input.setPlainText(f"window question {number}")
        await tab.send()
        reply = tab.transcript_model.messages()[-1]
        assert reply.role == "assistant" and reply.status == "complete", reply
        stored("message", reply.id, len(reply.content))


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = create_application()
    services = Services()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(services)
    window.show()
    window.start()
    with loop:
        loop.run_until_complete(chat(window))


if __name__ == "__main__":
    main()
