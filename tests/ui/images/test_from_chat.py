"""Pictures of a chat message sent to the Images tab from the message's menu: "Edit image in
Images" makes them the references, "Use image as reference" adds them, and the edit records
the chat message each came from."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QPushButton

from app.services.image_edits import edit_of
from app.services.images import sidecar_path
from app.ui.chat.tab import ChatTab
from tests.ui.images.conftest import choose, wait_done


def _chat_with_a_picture(qtbot, image_tab, tmp_path) -> ChatTab:
    window = image_tab.window()
    chat = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(chat)
    chat.model_combo.set_current_model_id("openai/gpt-4o")
    photo = tmp_path / "beach.png"
    image = QImage(96, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("#e67e22"))
    assert image.save(str(photo), "PNG")
    from app.ui.asyncutils import start_task

    task = start_task(chat.attach_files([str(photo)]))
    qtbot.waitUntil(task.done, timeout=5000)
    chat.input.setPlainText("Where is this?")
    qtbot.mouseClick(chat.findChild(QPushButton, "chatSend"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.transcript_model.rowCount() == 2 and not chat.streaming,
                    timeout=8000)  # fmt: skip
    return chat


def _menu_action(chat: ChatTab, row: int, name: str):
    menu = chat.message_menu(row)
    found = [a for a in menu.actions() if a.objectName() == f"chatAction_{name}"]
    return menu, (found[0] if found else None)


def test_a_chat_picture_is_edited_in_the_images_tab_and_remembers_its_message(
    qtbot, image_tab, fake_api, tmp_path
):
    choose(image_tab, "dall-e-3", "")  # takes no reference: the tab picks a model that does
    chat = _chat_with_a_picture(qtbot, image_tab, tmp_path)
    menu, none = _menu_action(chat, 1, "image_edit")
    assert none is None  # the reply has no picture
    menu.close()
    menu, action = _menu_action(chat, 0, "image_edit")
    assert action is not None and action.text() == "Edit image in Images"
    action.trigger()
    menu.close()
    window = image_tab.window()
    assert window.tabs.currentWidget() is image_tab
    panel = image_tab.references
    qtbot.waitUntil(lambda: len(panel.references) == 1, timeout=5000)
    (reference,) = panel.references
    message = chat.transcript_model.message(0)
    assert reference.chat is not None and reference.chat.message_id == message.id
    assert reference.chat.name == "beach.png" and reference.image_id is None
    assert image_tab.references.support.max_references > 0
    qtbot.waitUntil(lambda: panel.pending() == 0, timeout=5000)
    assert panel.slots[0].summary.text().startswith("Sends 96 × 64")
    title = panel.slots[0].findChild(QLabel, "imageReferenceTitle")
    assert title.text() == "Source · beach.png (from chat)"

    image_tab.prompt.setPlainText("the same beach at sunset")
    card = image_tab.generate()
    wait_done(qtbot, card)
    assert card.state == "done", card.status.text()
    record = image_tab.result_view.records[0]
    (kept,) = edit_of(record)["references"]
    assert kept["chat"] == {
        "conversation_id": chat.conversation.id,
        "message_id": message.id,
        "name": "beach.png",
        "role": "user",
    }
    side = json.loads(sidecar_path(Path(record.path)).read_text())
    assert side["edit"]["references"][0]["chat"]["message_id"] == message.id
    # Reuse puts the picture back with where it came from
    image_tab.restore_inputs(record)
    assert [r.chat for r in panel.references] == [reference.chat]

    # "Use image as reference" adds the picture next to the ones already there.
    choose(image_tab, "google/gemini-2.5-flash-image", "two beaches")
    menu, action = _menu_action(chat, 0, "image_reference")
    action.trigger()
    menu.close()
    qtbot.waitUntil(lambda: len(panel.references) == 2, timeout=5000)
    assert [r.chat.message_id for r in panel.references] == [message.id, message.id]
    qtbot.waitUntil(lambda: panel.pending() == 0, timeout=5000)
