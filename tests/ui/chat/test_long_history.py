"""A long conversation opens at its end, pages in older messages, and search jumps into it."""

from __future__ import annotations

from app.storage.chat_store import ChatStore
from app.ui.chat.tab import PAGE_SIZE


def _text(position: int) -> str:
    return "an aardvark lives here" if position == 7 else f"message number {position}"


def _fill(tab, count: int) -> int:
    store = ChatStore(tab.services.history)
    conversation = store.create_conversation("long one", model="openai/gpt-4o")
    with store.db.transaction() as conn:
        for position in range(count):
            conn.execute(
                "INSERT INTO messages (conversation_id, position, role, content, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation.id, position, "user" if position % 2 == 0 else "assistant",
                 _text(position), 1000.0 + position),
            )  # fmt: skip
    return conversation.id


def test_long_conversation_pages_in_from_the_end(qtbot, chat_tab):
    conversation_id = _fill(chat_tab, PAGE_SIZE * 2 + 30)
    chat_tab.open_conversation(conversation_id)
    model = chat_tab.transcript_model
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=5000)
    assert model.message(PAGE_SIZE - 1).content == f"message number {PAGE_SIZE * 2 + 29}"
    assert model.has_earlier and chat_tab.transcript.at_bottom()

    bar = chat_tab.transcript.verticalScrollBar()
    for expected in (PAGE_SIZE * 2, PAGE_SIZE * 2 + 30):
        bar.setValue(0)
        qtbot.waitUntil(lambda n=expected: model.rowCount() == n, timeout=5000)
        assert bar.value() > 0, "the rows that were on screen stay on screen"
    assert not model.has_earlier
    assert model.message(0).content == "message number 0"


def test_a_search_hit_opens_the_conversation_at_that_message(qtbot, chat_tab):
    conversation_id = _fill(chat_tab, PAGE_SIZE * 3)
    sidebar = chat_tab.sidebar
    qtbot.keyClicks(sidebar.search, "aardv")
    qtbot.waitUntil(lambda: sidebar.showing_hits and sidebar.list.count() == 1, timeout=5000)
    hit = sidebar.list.item(0)
    assert "[aardvark]" in hit.text()
    sidebar.list.itemClicked.emit(hit)
    model = chat_tab.transcript_model
    qtbot.waitUntil(
        lambda: chat_tab.conversation is not None and chat_tab.conversation.id == conversation_id,
        timeout=5000,
    )
    current = chat_tab.transcript.currentIndex()
    assert model.message(current.row()).content == "an aardvark lives here"
    assert model.has_later and not model.has_earlier
    bar = chat_tab.transcript.verticalScrollBar()
    rows = model.rowCount()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: model.rowCount() > rows, timeout=5000)
