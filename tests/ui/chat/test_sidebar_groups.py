"""The conversation list: pinned first, then Today / Yesterday / Previous 7 days / older, each
with its model and time; pinning from the context menu keeps a conversation on top."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from PySide6.QtWidgets import QApplication

from app.storage.chat_store import Conversation
from app.ui.chat.sidebar_delegate import HEADING_ROLE, SUBTITLE_ROLE
from app.ui.chat.sidebar_groups import grouped

NOW = dt.datetime(2026, 12, 6, 15, 30)
DAY = 86400.0


def _at(conversation_id: int, when: dt.datetime, **kw: Any) -> Conversation:
    stamp = when.timestamp()
    return Conversation(
        id=conversation_id, title=f"c{conversation_id}", created=stamp, updated=stamp, **kw
    )


def test_conversations_fall_under_day_headings_newest_first() -> None:
    entries = grouped(
        [
            _at(1, NOW - dt.timedelta(hours=2), model="openai/gpt-4o"),
            _at(2, NOW.replace(hour=0, minute=5) - dt.timedelta(minutes=10)),  # last night
            _at(3, NOW - dt.timedelta(days=4)),
            _at(4, NOW - dt.timedelta(days=20)),
            _at(5, dt.datetime(2026, 3, 2, 9, 0)),
            _at(6, dt.datetime(2025, 7, 14, 9, 0)),
            _at(7, NOW - dt.timedelta(minutes=1)),
        ],
        NOW,
    )
    assert [e.conversation.id for e in entries] == [7, 1, 2, 3, 4, 5, 6]
    assert [e.heading for e in entries] == [
        "Today",
        "",
        "Yesterday",
        "Previous 7 days",
        "Previous 30 days",
        "March",
        "July 2025",
    ]
    assert entries[1].subtitle == "gpt-4o · 13:30"
    assert entries[2].subtitle == "Sat"
    assert entries[5].subtitle == "2 Mar"
    assert entries[6].subtitle == "14 Jul 2025"


def test_a_conversation_started_from_an_assistant_shows_the_assistant() -> None:
    assistant = {"id": "translator", "name": "Translator", "icon": "🌍"}
    (entry,) = grouped(
        [
            _at(
                1,
                NOW - dt.timedelta(hours=1),
                model="openai/gpt-4o",
                settings={"assistant": assistant},
            )
        ],
        NOW,
    )
    assert entry.subtitle == "🌍 Translator · 14:30"


def test_pinned_conversations_come_first_under_their_own_heading() -> None:
    entries = grouped(
        [
            _at(1, NOW - dt.timedelta(hours=1)),
            _at(2, NOW - dt.timedelta(days=40), settings={"pinned": True}),
            _at(3, NOW - dt.timedelta(days=2), settings={"pinned": True}),
        ],
        NOW,
    )
    assert [(e.conversation.id, e.heading) for e in entries] == [
        (3, "Pinned"),
        (2, ""),
        (1, "Today"),
    ]


def test_pinning_from_the_menu_moves_a_conversation_to_the_top_and_is_kept(
    qtbot: Any, chat_tab: Any
) -> None:
    store = chat_tab.history.store
    now = time.time()
    for title, age in (
        ("fresh", 60.0),
        ("also today", 120.0),
        ("older", 3 * DAY),
        ("oldest", 40 * DAY),
    ):
        conversation = store.create_conversation(title, model="openai/gpt-4o")
        store.add_message(conversation.id, "user", title)
        with store.db.transaction() as conn:
            conn.execute(
                "UPDATE conversations SET updated = ? WHERE id = ?", (now - age, conversation.id)
            )
    chat_tab.refresh_conversations()
    sidebar = chat_tab.sidebar
    titles = lambda: [sidebar.list.item(i).text() for i in range(sidebar.list.count())]  # noqa: E731
    assert titles() == ["fresh", "also today", "older", "oldest"]
    assert sidebar.list.item(0).data(HEADING_ROLE) == "Today"
    assert sidebar.list.item(1).data(HEADING_ROLE) == ""
    assert sidebar.list.item(0).data(SUBTITLE_ROLE).startswith("gpt-4o · ")
    # a heading is drawn above the first row of its group, which is taller for it
    heights = [sidebar.list.visualItemRect(sidebar.list.item(i)).height() for i in range(4)]
    assert heights[0] > heights[1] and heights[0] == heights[2] == heights[3]

    menu = sidebar.conversation_menu(sidebar.list.item(3))
    pin = next(a for a in menu.actions() if a.objectName() == "conversationPin")
    assert pin.text() == "Pin"
    pin.trigger()
    QApplication.processEvents()
    assert titles() == ["oldest", "fresh", "also today", "older"]
    assert sidebar.list.item(0).data(HEADING_ROLE) == "Pinned"
    assert sidebar.list.item(1).data(HEADING_ROLE) == "Today"
    stored = {c.title: c for c in store.conversations()}
    assert stored["oldest"].settings.get("pinned") is True

    menu = sidebar.conversation_menu(sidebar.list.item(0))
    unpin = next(a for a in menu.actions() if a.objectName() == "conversationPin")
    assert unpin.text() == "Unpin"
    unpin.trigger()
    QApplication.processEvents()
    assert titles() == ["fresh", "also today", "older", "oldest"]
    assert not store.conversation(stored["oldest"].id).settings.get("pinned")
