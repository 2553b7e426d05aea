"""The Assistants window against the stand-in: start a chat, edit, duplicate, delete, import,
export, and the sidebar's filter by assistant."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QFileDialog, QListWidget, QPushButton

from app.services.starter_assistants import STARTERS
from app.storage.assistants import library_path
from tests.ui.conftest import use_server

KEY = "assistants-key-0123456789"


@pytest.fixture
def keyed(monkeypatch, fake_api):
    monkeypatch.setenv("AIML_API_KEY", KEY)
    use_server(fake_api.url)


def _library(qtbot, window):
    window.findChild(QAction, "actionAssistants").trigger()
    from app.ui.assistants.library import AssistantLibraryWindow

    library = window.findChild(AssistantLibraryWindow, "assistantsLibrary")
    items = library.findChild(QListWidget, "assistantList")
    qtbot.waitUntil(lambda: items.count() == len(STARTERS), timeout=3000)
    return library, items


def _pick(items: QListWidget, name: str) -> None:
    for row in range(items.count()):
        if name in items.item(row).text().splitlines()[0]:
            items.setCurrentRow(row)
            return
    raise AssertionError(f"{name} is not listed")


def _names(items: QListWidget) -> list[str]:
    return [items.item(row).text().splitlines()[0] for row in range(items.count())]


def test_starting_a_chat_from_an_assistant_sends_its_prompt(qtbot, open_window, keyed, fake_api):
    window = open_window()
    library, items = _library(qtbot, window)
    _pick(items, "Translator")
    qtbot.mouseClick(
        library.findChild(QPushButton, "assistantStartChat"), Qt.MouseButton.LeftButton
    )
    chat = window.tab_pages["chat"]
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is chat, timeout=3000)
    qtbot.waitUntil(lambda: chat.conversation is not None, timeout=3000)
    assert chat.conversation.settings["assistant"]["name"] == "Translator"
    chat.input.setPlainText("Bonjour")
    chat.findChild(object, "chatSend").click()
    qtbot.waitUntil(lambda: bool(fake_api.requests_to("/v1/chat/completions")), timeout=5000)
    sent = fake_api.requests_to("/v1/chat/completions")[-1].json
    assert sent["messages"][0]["content"].startswith("You are a professional translator.")
    assert sent["messages"][-1] == {"role": "user", "content": "Bonjour"}
    assert sent["temperature"] == 0.2

    # The sidebar can now show this assistant's conversations only.
    qtbot.waitUntil(lambda: not chat.streaming, timeout=5000)
    chat.new_conversation()
    chat.input.setPlainText("A plain chat")
    chat.findChild(object, "chatSend").click()
    sidebar_list = chat.findChild(QListWidget, "conversationList")
    qtbot.waitUntil(lambda: sidebar_list.count() == 2, timeout=5000)
    picker = chat.findChild(QComboBox, "conversationAssistantFilter")
    assert picker.isVisible() and picker.itemText(1) == "🌐 Translator"
    picker.setCurrentIndex(1)
    assert sidebar_list.count() == 1
    picker.setCurrentIndex(0)
    assert sidebar_list.count() == 2


def test_edit_new_duplicate_delete_and_undo(qtbot, open_window, keyed):
    window = open_window()
    library, items = _library(qtbot, window)
    _pick(items, "Summariser")
    editor = library.editor
    editor.name.clear()
    qtbot.keyClicks(editor.name, "Short summary")
    editor.temperature.setValue(0.7)
    save = library.findChild(QPushButton, "assistantSave")
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "📝 Short summary" in _names(items), timeout=3000)
    stored = {a["name"]: a for a in json.loads(library_path().read_text())["assistants"]}
    assert stored["Short summary"]["parameters"] == {"temperature": 0.7}

    qtbot.mouseClick(library.findChild(QPushButton, "assistantNew"), Qt.MouseButton.LeftButton)
    editor.name.setText("")
    qtbot.keyClicks(editor.name, "Haiku poet")
    qtbot.keyClicks(editor.prompt, "Answer in haiku.")
    _pick(items, "Translator")  # moving on keeps what was typed
    library.reload()
    qtbot.waitUntil(lambda: "🤖 Haiku poet" in _names(items), timeout=3000)

    _pick(items, "Haiku poet")
    qtbot.mouseClick(
        library.findChild(QPushButton, "assistantDuplicate"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: "🤖 Haiku poet (copy)" in _names(items), timeout=3000)
    assert library.editor.prompt.toPlainText() == "Answer in haiku."

    qtbot.mouseClick(library.findChild(QPushButton, "assistantDelete"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "🤖 Haiku poet (copy)" not in _names(items), timeout=3000)
    # the list is shown again before the delete's notice, a turn of the event loop later
    qtbot.waitUntil(lambda: "Deleted" in library.message_bar._text.text(), timeout=3000)
    library.message_bar._action_button.click()
    qtbot.waitUntil(lambda: "🤖 Haiku poet (copy)" in _names(items), timeout=3000)


def test_export_all_and_import_back(qtbot, open_window, keyed, tmp_path):
    window = open_window()
    library, items = _library(qtbot, window)
    library.findChild(QAction, "assistantExportAll").trigger()
    dialog = library.findChild(QFileDialog, "assistantFileDialog")
    target = tmp_path / "all.json"
    dialog.fileSelected.emit(str(target))
    dialog.reject()
    qtbot.waitUntil(target.exists, timeout=3000)
    assert len(json.loads(target.read_text())["assistants"]) == len(STARTERS)

    library.import_files([target])
    qtbot.waitUntil(lambda: items.count() == 2 * len(STARTERS), timeout=3000)
    assert "🌐 Translator (2)" in _names(items)
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    library.import_files([bad])
    qtbot.waitUntil(lambda: "is not JSON" in library.message_bar._text.text(), timeout=3000)
    assert items.count() == 2 * len(STARTERS)
