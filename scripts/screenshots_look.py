"""Screenshots of the window's first minute and its moments between tasks: a first run without
a key (three steps and Add API key…), a conversation list grouped by day with a pinned one,
and the drop zone over Speech to text while files are dragged in."""

from __future__ import annotations

import time
from pathlib import Path

import keyring
from PySide6.QtWidgets import QApplication, QDialog
from screenshots_common import (
    SCHEMES,
    WINDOW_SIZE,
    MemoryKeyring,
    Session,
    save,
    settle,
    until,
)

from app.ui.main_window import MainWindow

DAY = 86400.0
CONVERSATIONS = (
    ("Weekly report template", 20 * DAY, True, "openai/gpt-4o"),
    ("Write a Python generator that reads a file line by line", 600, False, "openai/gpt-4o"),
    ("What is the difference between TCP and UDP?", 3 * 3600, False, "anthropic/claude-sonnet-4"),
    ("Plan three days in Lisbon in May", DAY + 100, False, "google/gemini-2.5-flash"),
    ("Summarise the meeting notes", 3 * DAY, False, "openai/gpt-4o-mini"),
    ("Regex for ISO dates", 12 * DAY, False, "deepseek/deepseek-chat"),
    ("Birthday poem for Ana", 70 * DAY, False, "openai/gpt-4o"),
)


async def _first_run(session: Session, out: Path) -> None:
    keyring.set_keyring(MemoryKeyring())  # nothing saved yet
    window = MainWindow(session.services, theme=session.theme)
    window.resize(*WINDOW_SIZE)
    window.show()
    window.start()
    session.window = window

    def key_dialog() -> QDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                return widget
        return None

    await until(key_dialog)
    dialog = key_dialog()
    assert dialog is not None
    dialog.reject()  # "Later"
    for scheme in SCHEMES:
        window.set_theme(scheme)
        window.message_bar.hide()
        await settle(0.4)
        save(window, out / f"first-run-{scheme}.png")


async def _grouped_and_drop(window: MainWindow, out: Path) -> None:
    chat = window.tab_pages["chat"]
    store = chat.history.store
    now = time.time()
    for title, age, pinned, model in CONVERSATIONS:
        conversation = store.create_conversation(title, model=model)
        store.add_message(conversation.id, "user", title)
        store.update_conversation(conversation.id, settings={"pinned": True} if pinned else {})
        with store.db.transaction() as conn:
            conn.execute(
                "UPDATE conversations SET updated = ? WHERE id = ?", (now - age, conversation.id)
            )
    chat.refresh_conversations()
    stt = window.tab_pages["stt"]
    for scheme in SCHEMES:
        window.set_theme(scheme)
        window.message_bar.hide()
        window.tabs.setCurrentWidget(chat)
        chat.sidebar.list.setCurrentRow(1)
        await settle(0.4)
        save(window, out / f"chat-conversations-{scheme}.png")
        window.tabs.setCurrentWidget(stt)
        stt.drop_zone.show_over()
        await settle(0.3)
        save(window, out / f"stt-drop-{scheme}.png")
        stt.drop_zone.hide()


async def shoot(session: Session, out: Path) -> None:
    window = await session.open()
    await _grouped_and_drop(window, out)
    window.close()
    first = Session("look-first-run")  # a new install: its own folders, services and gateway
    try:
        await _first_run(first, out)
    finally:
        first.close()
