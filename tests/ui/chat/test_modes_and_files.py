"""Completion mode, image attachments, export/import, search and conversation management."""

from __future__ import annotations

import base64
import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from app.storage.chat_store import ChatStore
from app.ui.asyncutils import start_task
from tests.fake_api import Fault
from tests.ui.chat.conftest import click, messages, type_and_send, wait_reply


def test_completion_mode_uses_v1_completions_and_shows_usage(qtbot, chat_tab, fake_api):
    chat_tab.completion_mode.setChecked(True)
    chat_tab.settings_panel.max_tokens.setValue(3)
    type_and_send(qtbot, chat_tab, "Once upon a time there was a dragon")
    reply = wait_reply(qtbot, chat_tab, 2)
    body = fake_api.requests_to("/v1/completions")[-1].json
    assert body["prompt"] == "Once upon a time there was a dragon" and body["max_tokens"] == 3
    assert not fake_api.requests_to("/v1/chat/completions")
    assert reply.content == "Echo: Once upon "
    assert reply.finish_reason == "length" and reply.total_tokens
    pieces = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(1)).pieces
    details = next(p.text for p in pieces if p.kind == "details")
    assert f"{reply.total_tokens:,}" in details
    assert chat_tab.conversation.mode == "completion"


def test_completion_falls_back_to_chat_and_says_so(qtbot, chat_tab, fake_api):
    fake_api.script("/v1/completions", Fault.error(404))
    chat_tab.completion_mode.setChecked(True)
    type_and_send(qtbot, chat_tab, "Write a haiku")
    reply = wait_reply(qtbot, chat_tab, 2)
    assert reply.content == "Echo: Write a haiku"
    chat = fake_api.requests_to("/v1/chat/completions")[-1].json
    assert chat["messages"] == [{"role": "user", "content": "Write a haiku"}]
    assert chat_tab.message_bar.isVisible()
    assert "sent as a chat message instead" in chat_tab.message_bar.text
    assert reply.meta["fallback"] is True


def _png(colour: str = "red") -> QImage:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    return image


def test_pasted_image_is_sent_as_a_data_url_and_shown(qtbot, chat_tab, fake_api):
    QGuiApplication.clipboard().setImage(_png())
    chat_tab.input.setFocus()
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(chat_tab.attachments.attachments) == 1 and chat_tab.attachments.isVisible()
    chat_tab.input.setPlainText("What colour is this?")
    click(qtbot, chat_tab, "chatSend")
    wait_reply(qtbot, chat_tab, 2)
    content = fake_api.requests_to("/v1/chat/completions")[-1].json["messages"][-1]["content"]
    assert content[0] == {"type": "text", "text": "What colour is this?"}
    url = content[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert not QImage.fromData(base64.b64decode(url.split(",", 1)[1])).isNull()
    assert not chat_tab.attachments.attachments
    pieces = chat_tab.delegate.layout_for(chat_tab.transcript_model.index(0)).pieces
    assert [p.kind for p in pieces].count("thumbnail") == 1
    stored = ChatStore(chat_tab.services.history).messages(chat_tab.conversation.id)[0]
    assert stored.attachments[0].mime == "image/png"


def test_attached_files_are_checked(qtbot, chat_tab, fake_api, tmp_path):
    good = tmp_path / "photo.png"
    _png("blue").save(str(good))
    big = tmp_path / "huge.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(21 * 1024 * 1024))
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    other = tmp_path / "archive.bin"
    other.write_bytes(b"\x00\x01")
    task = start_task(chat_tab.attach_files([str(good), str(big)]))
    qtbot.waitUntil(task.done, timeout=5000)
    assert [a.name for a in chat_tab.attachments.attachments] == ["photo.png"]
    assert "huge.png is 21.0 MB; images can be at most 20 MB." in chat_tab.message_bar.text
    task = start_task(chat_tab.attach_files([str(text), str(other)]))
    qtbot.waitUntil(task.done, timeout=5000)
    # a text file is a document (a chip), not an image; a kind we do not read is refused
    assert [d.name for d in chat_tab.documents.documents] == ["notes.txt"]
    assert "files of type .bin are not supported" in chat_tab.message_bar.text
    assert [a.name for a in chat_tab.attachments.attachments] == ["photo.png"]


def test_export_then_import_gives_the_same_conversation(qtbot, chat_tab, fake_api, tmp_path):
    fake_api.options.reasoning = "hmm"
    type_and_send(qtbot, chat_tab, "Plan a trip to Lisbon")
    wait_reply(qtbot, chat_tab, 2)
    original_id = chat_tab.conversation.id
    json_task = start_task(chat_tab.files.export_to(tmp_path / "trip", "json"))
    qtbot.waitUntil(json_task.done, timeout=5000)
    md_task = start_task(chat_tab.files.export_to(tmp_path / "trip.md", "markdown"))
    qtbot.waitUntil(md_task.done, timeout=5000)
    exported = json.loads((tmp_path / "trip.json").read_text())
    assert [m["content"] for m in exported["messages"]] == [
        "Plan a trip to Lisbon",
        "Echo: Plan a trip to Lisbon",
    ]
    assert exported["messages"][1]["response_id"] and exported["messages"][1]["reasoning"] == "hmm"
    markdown = (tmp_path / "trip.md").read_text()
    assert "# Plan a trip to Lisbon" in markdown and "Echo: Plan a trip to Lisbon" in markdown

    task = start_task(chat_tab.files.import_from(tmp_path / "trip.json"))
    qtbot.waitUntil(task.done, timeout=5000)
    qtbot.waitUntil(lambda: chat_tab.conversation.id != original_id, timeout=5000)
    again = ChatStore(chat_tab.services.history).export_dict(chat_tab.conversation.id)
    assert again["messages"] == exported["messages"]
    assert chat_tab.sidebar.list.count() == 2
    assert [m.content for m in messages(chat_tab)] == [m["content"] for m in exported["messages"]]


def test_search_finds_a_message_and_opens_its_conversation(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "tell me about aardvarks")
    wait_reply(qtbot, chat_tab, 2)
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    type_and_send(qtbot, chat_tab, "something else entirely")
    wait_reply(qtbot, chat_tab, 2)
    qtbot.keyClicks(chat_tab.sidebar.search, "aardv")
    sidebar = chat_tab.sidebar
    qtbot.waitUntil(lambda: sidebar.showing_hits and sidebar.list.count() == 2, timeout=5000)
    assert all("aardvarks" in sidebar.list.item(i).text() for i in range(2))
    item = sidebar.list.item(0)
    qtbot.mouseClick(
        sidebar.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=sidebar.list.visualItemRect(item).center(),
    )
    qtbot.waitUntil(lambda: chat_tab.conversation.title == "tell me about aardvarks", timeout=5000)
    sidebar.search.clear()
    qtbot.waitUntil(lambda: not sidebar.showing_hits, timeout=3000)
    assert sidebar.list.count() == 2


def test_rename_and_delete_with_undo(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "a conversation to delete")
    wait_reply(qtbot, chat_tab, 2)
    conversation_id = chat_tab.conversation.id
    chat_tab.sidebar.rename_requested.emit(conversation_id, "Renamed")
    assert chat_tab.sidebar.list.item(0).text() == "Renamed"
    menu = chat_tab.sidebar.conversation_menu(chat_tab.sidebar.list.item(0))
    next(a for a in menu.actions() if a.objectName() == "conversationDelete").trigger()
    assert chat_tab.sidebar.list.count() == 0 and chat_tab.conversation is None
    bar = chat_tab.message_bar
    assert "Deleted the conversation “Renamed”" in bar.text and bar.action_text == "Undo"
    qtbot.mouseClick(
        bar.findChild(type(chat_tab.send_button), "messageAction"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: chat_tab.conversation is not None, timeout=5000)
    assert chat_tab.conversation.title == "Renamed"
    assert [m.content for m in messages(chat_tab)] == [
        "a conversation to delete",
        "Echo: a conversation to delete",
    ]


def test_start_conversation_with_puts_the_text_in_a_new_chat(qtbot, chat_tab, fake_api):
    type_and_send(qtbot, chat_tab, "old")
    wait_reply(qtbot, chat_tab, 2)
    chat_tab.start_conversation_with("A transcript to discuss.")
    assert chat_tab.conversation is None and not messages(chat_tab)
    assert chat_tab.input.toPlainText() == "A transcript to discuss."
