"""The window keeps sampling settings in range: the fields stop at their limits, and a stored
conversation with values out of range (an imported file, an older version) gets a sentence
instead of a request."""

from __future__ import annotations

from app.storage.chat_store import ChatStore
from app.ui.asyncutils import start_task
from tests.ui.chat.conftest import chat_bodies, messages, type_and_send


def test_fields_stop_at_their_limits(chat_tab):
    panel = chat_tab.settings_panel
    panel.temperature.setValue(9.0)
    panel.top_p.setValue(1.5)
    panel.max_tokens.setValue(-3)
    values = panel.values()
    assert values["temperature"] == 2.0 and values["top_p"] == 1.0
    assert values["max_tokens"] is None  # the lowest value means "model default"


def test_stored_out_of_range_settings_are_refused_with_a_sentence(qtbot, chat_tab, fake_api):
    store = ChatStore(chat_tab.services.history)
    imported = store.create_conversation("imported", temperature=9.0)
    chat_tab.refresh_conversations()
    start_task(chat_tab.open_conversation(imported.id), owner=chat_tab, name="open")
    qtbot.waitUntil(lambda: chat_tab.conversation is not None, timeout=5000)
    before = len(chat_bodies(fake_api))
    type_and_send(qtbot, chat_tab, "a question I typed")
    bar = chat_tab.message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.level == "error", timeout=5000)
    assert "Temperature must be between 0 and 2 (got 9)." in bar.text
    assert len(chat_bodies(fake_api)) == before
    assert "a question I typed" in chat_tab.input.toPlainText() or any(
        m.content == "a question I typed" for m in messages(chat_tab)
    )
