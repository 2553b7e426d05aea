"""Dictation and voice mode in the Chat tab, against the stand-in and a real audio server."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QAudioDevice
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from app.services.context import Services
from app.storage.paths import cache_dir
from app.ui.chat.tab import ChatTab
from app.ui.message_bar import MessageBar
from app.ui.widgets.audio_player import PLAYING, STOPPED, has_output_device
from app.ui.widgets.recorder import NO_INPUT_NOTICE, Recorder
from app.ui.widgets.voice_input import VoiceInput
from tests.fake_api import FakeApi, Fault
from tests.ui.conftest import use_server
from tests.ui.microphone import (  # noqa: F401
    heard_then_quiet,
    microphone,
    null_microphone_source,
    play_into_sink,
)

QUESTION = "What should a beginner buy first?"
TURN_TIMEOUT_MS = 20000


@pytest.fixture
def chat_tab(
    qtbot: Any,
    open_window: Callable[..., Any],
    fake_api: FakeApi,
    monkeypatch: Any,
    missing_real_service: Callable[[str], None],
) -> ChatTab:
    if not has_output_device():
        missing_real_service("no audio output device (start a PulseAudio null sink)")
    monkeypatch.setenv("AIML_API_KEY", "test-key")
    fake_api.options.stt_statuses = []
    fake_api.options.stt_text = QUESTION
    fake_api.options.tts_seconds_per_char = 0.02
    fake_api.options.tts_max_seconds = 1.0
    use_server(fake_api.url)
    window = open_window()
    window.services.transcription.poll_interval = 0.02
    tab = window.findChild(ChatTab, "chatTab")
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.model_combo.model_ids()), timeout=5000)
    tab.model_combo.set_current_model_id("openai/gpt-4o")
    return tab


def button(tab: ChatTab, name: str) -> QPushButton:
    found = tab.findChild(QPushButton, name)
    assert found is not None, name
    return found


def state_text(tab: ChatTab) -> str:
    return tab.voice_input.state_label.text()


def requests_to(fake_api: FakeApi, suffix: str) -> list[Any]:
    return [r for r in fake_api.requests if r.path.endswith(suffix)]


def speak_into_microphone(qtbot: Any, tab: ChatTab, speech: Path) -> None:
    qtbot.waitUntil(lambda: state_text(tab) == "Listening…", timeout=5000)
    play_into_sink(speech)


@pytest.mark.usefixtures("microphone")
def test_dictation_puts_the_words_at_the_cursor_without_sending(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    chat_tab.input.setPlainText("Question:")
    chat_tab.input.moveCursor(chat_tab.input.textCursor().MoveOperation.End)
    levels: list[float] = []
    chat_tab.voice_input.dictate.recorder.level_changed.connect(levels.append)
    dictate = button(chat_tab, "chatDictate")
    qtbot.mouseClick(dictate, Qt.MouseButton.LeftButton)
    play_into_sink(speech_wav)
    qtbot.waitUntil(lambda: heard_then_quiet(levels), timeout=TURN_TIMEOUT_MS)
    qtbot.mouseClick(dictate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat_tab.input.toPlainText() != "Question:", timeout=TURN_TIMEOUT_MS)
    assert chat_tab.input.toPlainText() == f"Question: {QUESTION}"
    assert not requests_to(fake_api, "/chat/completions")
    assert not chat_tab.transcript_model.messages()
    assert not list((cache_dir() / "recordings").glob("*.wav"))


def test_failed_dictation_keeps_the_take_and_tries_again(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    take = cache_dir() / "recordings" / "recording-kept.wav"
    take.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(speech_wav, take)
    fake_api.script("/v1/stt/create", Fault.error(500))
    chat_tab.voice_input.dictate_take(take)
    bar = chat_tab.window().message_bar
    qtbot.waitUntil(lambda: bar.isVisible() and bar.level == "error", timeout=TURN_TIMEOUT_MS)
    assert f"The recording is kept: {take}" in bar.text
    assert take.is_file() and chat_tab.input.toPlainText() == ""
    assert bar.action_text == "Try again"
    qtbot.mouseClick(bar.findChild(QPushButton, "messageAction"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat_tab.input.toPlainText() == QUESTION, timeout=TURN_TIMEOUT_MS)
    assert not take.exists()


@pytest.mark.usefixtures("microphone")
def test_voice_mode_runs_a_whole_turn_then_listens_again_until_esc(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.chat_reply = "Buy a **veil** first."
    voice = button(chat_tab, "chatVoiceMode")
    qtbot.mouseClick(voice, Qt.MouseButton.LeftButton)
    assert voice.isChecked() and not button(chat_tab, "chatDictate").isEnabled()
    speak_into_microphone(qtbot, chat_tab, speech_wav)
    qtbot.waitUntil(lambda: state_text(chat_tab) == "Speaking…", timeout=TURN_TIMEOUT_MS)
    player = chat_tab.voice_input.player
    qtbot.waitUntil(lambda: state_text(chat_tab) == "Listening…", timeout=TURN_TIMEOUT_MS)

    user, reply = chat_tab.transcript_model.messages()
    assert (user.role, user.content) == ("user", QUESTION)
    assert (reply.role, reply.status) == ("assistant", "complete")
    assert reply.content == "Buy a **veil** first."
    assert requests_to(fake_api, "/v1/tts")[0].json["text"] == "Buy a veil first."
    assert player.processed_seconds() == pytest.approx(len("Buy a veil first.") * 0.02, abs=0.05)
    assert chat_tab.input.toPlainText() == ""

    chat_tab.input.setFocus()
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not voice.isChecked(), timeout=3000)
    assert state_text(chat_tab) == "" and not chat_tab.voice_input.voice_recorder.is_recording()
    assert button(chat_tab, "chatDictate").isEnabled()


@pytest.mark.usefixtures("microphone")
def test_esc_while_thinking_stops_the_reply_and_voice_mode(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.chat_reply = "A long answer " * 40
    fake_api.options.stream_delay = 0.1
    voice = button(chat_tab, "chatVoiceMode")
    qtbot.mouseClick(voice, Qt.MouseButton.LeftButton)
    speak_into_microphone(qtbot, chat_tab, speech_wav)
    qtbot.waitUntil(lambda: state_text(chat_tab) == "Thinking…", timeout=TURN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: chat_tab.streaming, timeout=5000)
    chat_tab.input.setFocus()
    qtbot.keyClick(chat_tab.input, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not voice.isChecked() and not chat_tab.streaming, timeout=3000)
    assert chat_tab.transcript_model.messages()[-1].status == "stopped"
    assert state_text(chat_tab) == ""
    qtbot.wait(300)
    assert not requests_to(fake_api, "/v1/tts")


@pytest.mark.usefixtures("microphone")
def test_unchecking_voice_mode_while_speaking_stops_the_playback(
    qtbot: Any, chat_tab: ChatTab, fake_api: FakeApi, speech_wav: Path
) -> None:
    fake_api.options.chat_reply = "A reply that takes a few seconds to read out. " * 3
    fake_api.options.tts_max_seconds = 4.0
    voice = button(chat_tab, "chatVoiceMode")
    qtbot.mouseClick(voice, Qt.MouseButton.LeftButton)
    speak_into_microphone(qtbot, chat_tab, speech_wav)
    player = chat_tab.voice_input.player
    qtbot.waitUntil(lambda: player.state() == PLAYING, timeout=TURN_TIMEOUT_MS)
    assert state_text(chat_tab) == "Speaking…"
    qtbot.mouseClick(voice, Qt.MouseButton.LeftButton)
    assert not voice.isChecked() and player.state() == STOPPED
    assert state_text(chat_tab) == ""
    assert player.processed_seconds() < 3.0
    qtbot.wait(300)
    assert not chat_tab.voice_input.voice_recorder.is_recording()


def test_without_a_microphone_both_buttons_say_why(
    qtbot: Any, qloop: Any, fake_api: FakeApi
) -> None:
    services = Services(use_server(fake_api.url))
    bar = MessageBar()
    edit = QPlainTextEdit()

    async def ask(_text: str) -> str | None:
        return None

    no_device = Recorder(device=QAudioDevice())
    voice = VoiceInput(services, bar, insert_text=edit.insertPlainText, ask=ask, recorder=no_device)
    for widget in (voice, bar, edit):
        qtbot.addWidget(widget)
    voice.show()
    for name in ("chatDictate", "chatVoiceMode"):
        found = voice.findChild(QPushButton, name)
        assert not found.isEnabled() and found.toolTip() == NO_INPUT_NOTICE
    assert voice.dictate.notice_label.isVisible()
    voice.shutdown()
    services.close()
