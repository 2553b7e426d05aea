"""A new person's first minute: key dialog, balance, models, then one action in every tab.

The window is built as ``run_gui`` builds it (settings from empty user folders, theme, shown,
started) against the stand-in gateway, which refuses every paid route without the right key.
Everything is done through the widgets a person uses, found by their object names.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from app.api.types import ModelKind
from app.storage.secrets import SERVICE, USERNAME
from tests.fake_api import FakeApi
from tests.ui.conftest import open_window, qloop, use_server  # noqa: F401

GOOD_KEY = "first-minute-key-0123456789"
WRONG_KEY = "typo-key-0000000000"
CHAT_REPLY = "A red fox asleep in fresh snow, seen from above."
TTS_TEXT = "Hello from the first minute."
WAIT_MS = 8000


def _child(parent: QWidget, kind: type[Any], name: str) -> Any:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name}"
    return found


def _click(qtbot: Any, parent: QWidget, name: str) -> None:
    button = _child(parent, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type(qtbot: Any, edit: QWidget, text: str) -> None:
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def _files_containing(roots: dict[str, Path], needle: str) -> list[Path]:
    return [
        path
        for root in roots.values()
        for path in root.rglob("*")
        if path.is_file() and needle.encode() in path.read_bytes()
    ]


def _show_tab(window: QWidget, name: str) -> QWidget:
    tabs = _child(window, QTabWidget, "tabs")
    page = _child(window, QWidget, name)
    tabs.setCurrentWidget(page)
    return page


def _enter_key(qtbot: Any, window: QWidget, memory_keyring: Any) -> None:
    qtbot.waitUntil(lambda: window.findChild(QDialog, "apiKeyDialog") is not None, timeout=WAIT_MS)
    dialog = _child(window, QDialog, "apiKeyDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    edit = _child(dialog, QLineEdit, "apiKeyEdit")
    result = _child(dialog, QLabel, "apiKeyResult")

    _type(qtbot, edit, WRONG_KEY)
    _click(qtbot, dialog, "apiKeyTest")
    qtbot.waitUntil(lambda: "refused" in result.text(), timeout=WAIT_MS)
    assert result.text().startswith("The API key was refused")
    assert memory_keyring.passwords == {}

    edit.clear()
    _type(qtbot, edit, GOOD_KEY)
    _click(qtbot, dialog, "apiKeyTest")
    qtbot.waitUntil(lambda: "works" in result.text(), timeout=WAIT_MS)
    assert "$31.75" in result.text()

    _click(qtbot, dialog, "apiKeySave")
    qtbot.waitUntil(
        lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=WAIT_MS
    )
    assert memory_keyring.passwords[(SERVICE, USERNAME)] == GOOD_KEY


def _check_model_combos(qtbot: Any, window: Any) -> None:
    kinds = {"chatModel": "chat", "imageModel": "image", "sttModel": "stt", "ttsModel": "tts"}
    combos = {name: _child(window, QWidget, name) for name in kinds}
    qtbot.waitUntil(lambda: all(c.model_ids() for c in combos.values()), timeout=WAIT_MS)
    for name, kind in kinds.items():
        combo = combos[name]
        assert {m.kind for m in combo.models()} == {ModelKind(kind)}, name
        assert combo.current_model_id(), f"{name} has no model chosen"


def _chat(qtbot: Any, window: Any, fake_api: FakeApi) -> Any:
    tab = _show_tab(window, "chatTab")
    fake_api.options.chat_reply = CHAT_REPLY
    fake_api.options.stream_delay = 0.01
    _type(qtbot, _child(tab, QPlainTextEdit, "chatInput"), "Describe a winter picture.")
    _click(qtbot, tab, "chatSend")
    transcript = _child(tab, QAbstractItemView, "chatTranscript")
    model = transcript.model()

    def replied() -> bool:
        if model.rowCount() != 2:
            return False
        return model.index(1, 0).data() == CHAT_REPLY and not tab.streaming

    qtbot.waitUntil(replied, timeout=WAIT_MS)
    assert model.index(0, 0).data() == "Describe a winter picture."
    assert _child(tab, QPlainTextEdit, "chatInput").toPlainText() == ""
    assert fake_api.requests_to("/v1/chat/completions")[-1].json["stream"] is True
    return tab


def _use_reply_as_image_prompt(qtbot: Any, window: Any, chat_tab: Any) -> None:
    menu = chat_tab.message_menu(1)
    action = _child(menu, QAction, "chatAction_image_prompt")
    assert action.isEnabled()
    action.trigger()
    menu.close()
    prompt = _child(window, QPlainTextEdit, "imagePrompt")
    assert prompt.toPlainText() == CHAT_REPLY
    assert window.tabs.currentWidget().objectName() == "imageTab"


def _image(qtbot: Any, window: Any) -> None:
    tab = _show_tab(window, "imageTab")
    prompt = _child(tab, QPlainTextEdit, "imagePrompt")
    prompt.clear()
    _type(qtbot, prompt, "a lighthouse at dusk")
    _click(qtbot, tab, "imageGenerate")
    gallery = _child(tab, QAbstractItemView, "imageGallery")
    qtbot.waitUntil(lambda: gallery.model().rowCount() == 1, timeout=WAIT_MS)
    record = tab.gallery_model.record(0)
    assert record.prompt == "a lighthouse at dusk"
    assert Path(record.path).is_file() and Path(record.path).stat().st_size > 0


def _transcribe(qtbot: Any, window: Any, fake_api: FakeApi, speech_wav: Path) -> Any:
    tab = _show_tab(window, "sttTab")
    window.services.transcription.poll_interval = 0.05
    _click(qtbot, tab, "sttAddFiles")
    dialog = _child(tab, QFileDialog, "sttFileDialog")
    assert dialog.isVisible()
    dialog.selectFile(str(speech_wav))
    dialog.accept()
    transcript = _child(tab, QTextEdit, "sttTranscript")
    qtbot.waitUntil(lambda: "quick brown fox" in transcript.toPlainText(), timeout=WAIT_MS)
    upload = fake_api.requests_to("/v1/stt/create")[-1]
    assert upload.files["audio"][0] == "speech.wav"
    assert upload.files["audio"][1] == speech_wav.read_bytes()
    return tab


def _send_transcript_to_chat(qtbot: Any, window: Any, stt_tab: Any) -> None:
    _click(qtbot, stt_tab, "sttSendToChat")
    chat = window.tabs.currentWidget()
    assert chat.objectName() == "chatTab"
    assert "quick brown fox" in _child(chat, QPlainTextEdit, "chatInput").toPlainText()
    assert _child(chat, QAbstractItemView, "chatTranscript").model().rowCount() == 0


def _speak_and_save(qtbot: Any, window: Any, target: Path) -> None:
    tab = _show_tab(window, "ttsTab")
    text = _child(tab, QPlainTextEdit, "ttsText")
    _type(qtbot, text, TTS_TEXT)
    play = _child(tab, QWidget, "ttsPlay")
    assert not play.isEnabled()
    _click(qtbot, tab, "ttsSpeak")
    qtbot.waitUntil(lambda: play.isEnabled() and not tab.is_speaking(), timeout=WAIT_MS)
    assert tab.player.duration() > 0.5

    _click(qtbot, tab, "ttsSave")
    qtbot.waitUntil(lambda: tab.findChild(QFileDialog) is not None, timeout=WAIT_MS)
    dialog = tab.findChild(QFileDialog)
    dialog.setDirectory(str(target.parent))
    _child(dialog, QLineEdit, "fileNameEdit").setText(target.name)
    dialog.accept()
    qtbot.waitUntil(target.is_file, timeout=WAIT_MS)
    with wave.open(str(target)) as saved:
        assert saved.getnframes() / saved.getframerate() > 0.5


def test_a_new_person_adds_a_key_and_uses_every_tab(
    qtbot: Any,
    open_window: Any,  # noqa: F811  (the fixture imported above)
    fake_api: FakeApi,
    memory_keyring: Any,
    isolated_user_dirs: dict[str, Path],
    speech_wav: Path,
    tmp_path: Path,
) -> None:
    fake_api.options.require_key = GOOD_KEY
    fake_api.options.balance = 31.75
    use_server(fake_api.url)
    window = open_window()
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == "AIML Desktop"

    _enter_key(qtbot, window, memory_keyring)
    balance = window.status.balance_button
    qtbot.waitUntil(lambda: balance.text() == "Balance: $31.75", timeout=WAIT_MS)
    _check_model_combos(qtbot, window)

    chat_tab = _chat(qtbot, window, fake_api)
    _use_reply_as_image_prompt(qtbot, window, chat_tab)
    _image(qtbot, window)
    stt_tab = _transcribe(qtbot, window, fake_api, speech_wav)
    _send_transcript_to_chat(qtbot, window, stt_tab)
    _speak_and_save(qtbot, window, tmp_path / "hello.wav")

    assert window.message_bar.level != "error" or not window.message_bar.isVisible()
    window.close()
    assert _files_containing(isolated_user_dirs, GOOD_KEY) == []
    used = {r.path.rsplit("/", 1)[0] for r in fake_api.requests if _sent_key(r) == GOOD_KEY}
    assert {"/v1/chat", "/v1/images", "/v1/stt", "/v1"} <= used


def _sent_key(request: Any) -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ")
