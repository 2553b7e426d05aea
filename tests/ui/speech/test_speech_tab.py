"""The Text to speech tab driven by its widgets, against the stand-in gateway."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydub import AudioSegment
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
)

from app.api.audio_format import sniff_audio_format
from app.services.speech import SpeechRequest
from app.storage.paths import media_dir
from app.ui.speech.tab import SpeechTab
from app.ui.widgets.audio_player import PLAYING, STOPPED
from tests.fake_api import FakeApi, Fault, Reply

WAIT_MS = 12000


def tts_requests(fake_api: FakeApi) -> list[Any]:
    return [r for r in fake_api.requests if r.path == "/v1/tts"]


def type_text(tab: SpeechTab, text: str) -> None:
    tab.findChild(QPlainTextEdit, "ttsText").setPlainText(text)


def pick_model(tab: SpeechTab, model: str) -> None:
    tab.model_combo.set_current_model_id(model)
    tab.model_combo.model_changed.emit(model)


def speak(qtbot: Any, tab: SpeechTab) -> None:
    count = tab.history_list.count()
    qtbot.mouseClick(tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.history_list.count() == count + 1, timeout=WAIT_MS)


def test_speak_plays_and_keeps_a_history_entry(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi
) -> None:
    pick_model(speech_tab, "#g1_aura-asteria-en")
    speech_tab.voice_combo.select_voice("orion")
    type_text(speech_tab, "Good morning.")
    assert speech_tab.text_info.text() == "13 characters · ≈ $0.0002"
    states: list[str] = []
    speech_tab.player.state_changed.connect(states.append)

    speak(qtbot, speech_tab)

    assert tts_requests(fake_api)[0].json == {"model": "#g1_aura-orion-en", "text": "Good morning."}
    assert PLAYING in states
    record = speech_tab.current_record
    assert record is not None and record.voice == "orion"
    assert record.file.parent == media_dir("tts") and record.file.suffix == ".wav"
    assert record.duration == pytest.approx(0.2, abs=0.02)
    assert record.cost_usd == pytest.approx(13 * 0.015 / 1000)
    assert speech_tab.findChild(QPlainTextEdit, "ttsText").toPlainText() == "Good morning."
    assert speech_tab.findChild(QToolButton, "ttsPlay") is speech_tab.player.play_button
    qtbot.waitUntil(lambda: speech_tab.player.state() == STOPPED, timeout=WAIT_MS)
    assert speech_tab.player.processed_seconds() == pytest.approx(record.duration, abs=0.03)


def test_ctrl_enter_speaks(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    type_text(speech_tab, "Hello.")
    editor = speech_tab.findChild(QPlainTextEdit, "ttsText")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: speech_tab.history_list.count() == 1, timeout=WAIT_MS)
    assert len(tts_requests(fake_api)) == 1


def test_long_text_is_split_played_early_and_joined(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi
) -> None:
    fake_api.options.tts_seconds_per_char = 0.0002
    pick_model(speech_tab, "openai/tts-1")
    sentence = "Every sentence in this text is short, but the text is long. "
    text = sentence * 140
    type_text(speech_tab, text)
    assert "3 parts" in speech_tab.text_info.text()
    started_with: list[float] = []
    speech_tab.player.loaded.connect(started_with.append)

    speak(qtbot, speech_tab)

    sent = tts_requests(fake_api)
    assert len(sent) == 3 and all(len(r.json["text"]) <= 4096 for r in sent)
    part_length = started_with[0]
    record = speech_tab.current_record
    assert record is not None
    assert part_length < record.duration - 0.5  # playback began with the first part
    joined = AudioSegment.from_file(record.path)
    assert joined.duration_seconds == pytest.approx(record.duration, abs=0.05)
    assert speech_tab.player.duration() == pytest.approx(record.duration, abs=0.05)


def test_cancel_stops_a_long_job(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    fake_api.script("/v1/tts", Reply(json={"audio": "x"}, delay=5.0))
    type_text(speech_tab, "Wait for it.")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    cancel = speech_tab.findChild(QPushButton, "ttsCancel")
    qtbot.waitUntil(cancel.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in speech_tab.bar.text, timeout=WAIT_MS)
    assert speech_tab.history_list.count() == 0
    assert speech_tab.findChild(QPushButton, "ttsSpeak").isEnabled()


def test_preview_plays_and_second_play_makes_no_request(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi
) -> None:
    pick_model(speech_tab, "openai/tts-1")
    speech_tab.voice_combo.select_voice("nova")
    preview = speech_tab.findChild(QPushButton, "ttsPreview")
    qtbot.mouseClick(preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: speech_tab.player.state() == PLAYING, timeout=WAIT_MS)
    assert len(tts_requests(fake_api)) == 1
    speech_tab.player.stop()
    qtbot.mouseClick(preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: speech_tab.player.state() == PLAYING, timeout=WAIT_MS)
    assert len(tts_requests(fake_api)) == 1
    speed = speech_tab.findChild(QDoubleSpinBox, "ttsOption_speed")
    speed.setValue(1.5)
    qtbot.mouseClick(preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tts_requests(fake_api)) == 2, timeout=WAIT_MS)
    assert tts_requests(fake_api)[1].json["speed"] == 1.5


def test_preview_all_steps_through_voices(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi
) -> None:
    pick_model(speech_tab, "openai/tts-1")
    speech_tab.voice_combo.select_voice("alloy")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsPreviewAll"), Qt.MouseButton.LeftButton)
    # each preview is heard before the next step: a preview is kept once it has arrived, so a
    # voice stepped back to while its first preview is still on its way is asked for again
    qtbot.waitUntil(lambda: speech_tab.now_playing.text() == "Preview: alloy", timeout=WAIT_MS)
    next_button = speech_tab.next_voice_button
    assert next_button.isVisible()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: speech_tab.now_playing.text() == "Preview: ash", timeout=WAIT_MS)
    assert len(tts_requests(fake_api)) == 2
    qtbot.mouseClick(speech_tab.previous_voice_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: speech_tab.voice_combo.current_voice() == "alloy", timeout=WAIT_MS)
    qtbot.wait(300)
    assert [r.json["voice"] for r in tts_requests(fake_api)] == ["alloy", "ash"]


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg", "flac"])
def test_save_in_four_formats(qtbot: Any, speech_tab: SpeechTab, tmp_path: Path, fmt: str) -> None:
    type_text(speech_tab, "Save me please.")
    speak(qtbot, speech_tab)
    record = speech_tab.current_record
    assert record is not None
    target = tmp_path / f"saved.{fmt}"
    speech_tab.save_to(target)
    qtbot.waitUntil(lambda: "Saved" in speech_tab.bar.text, timeout=WAIT_MS)
    decoded = AudioSegment.from_file(target)
    assert decoded.duration_seconds == pytest.approx(record.duration, abs=0.06)
    assert sniff_audio_format(target.read_bytes()) == fmt


def test_history_replay_resave_and_delete(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi, tmp_path: Path
) -> None:
    type_text(speech_tab, "Keep this one.")
    speak(qtbot, speech_tab)
    record = speech_tab.current_record
    assert record is not None

    again = SpeechTab(speech_tab.services, speech_tab.bar)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.history_list.count() == 1, timeout=WAIT_MS)
    assert again.history_list.records()[0].text == "Keep this one."
    again.history_list.setCurrentRow(0)
    qtbot.mouseClick(again.history_play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.player.state() == PLAYING, timeout=WAIT_MS)
    assert again.player.duration() == pytest.approx(record.duration, abs=0.02)
    requests_before = len(tts_requests(fake_api))
    again.save_to(tmp_path / "again.flac", again.history_list.current_record())
    qtbot.waitUntil((tmp_path / "again.flac").exists, timeout=WAIT_MS)
    assert len(tts_requests(fake_api)) == requests_before

    qtbot.mouseClick(again.history_delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.history_list.count() == 0, timeout=WAIT_MS)
    assert not record.file.exists()
    assert again.services.speech.store.get(record.id) is None
    again.shutdown()


def test_read_aloud_speaks_other_text(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    type_text(speech_tab, "My own draft.")
    speech_tab.read_aloud("Text from the chat.")
    qtbot.waitUntil(lambda: speech_tab.history_list.count() == 1, timeout=WAIT_MS)
    assert tts_requests(fake_api)[0].json["text"] == "Text from the chat."
    assert speech_tab.findChild(QPlainTextEdit, "ttsText").toPlainText() == "My own draft."


def test_json_url_response_with_mp3_suffix_is_kept_as_wav(
    qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi
) -> None:
    fake_api.options.tts_url_suffix = ".mp3"
    pick_model(speech_tab, "openai/tts-1")
    type_text(speech_tab, "From a link.")
    speak(qtbot, speech_tab)
    record = speech_tab.current_record
    assert record is not None and record.format == "wav" and record.file.suffix == ".wav"
    assert any(r.path.endswith(".mp3") for r in fake_api.requests)


# -- errors: a sentence in the message bar, the text kept ---------------------------------------


def assert_error_kept_text(qtbot: Any, tab: SpeechTab, text: str, words: str) -> None:
    qtbot.waitUntil(lambda: tab.bar.level == "error", timeout=WAIT_MS)
    assert words in tab.bar.text, tab.bar.text
    assert tab.findChild(QPlainTextEdit, "ttsText").toPlainText() == text
    assert tab.history_list.count() == 0


def test_empty_text(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    type_text(speech_tab, "   ")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    assert_error_kept_text(qtbot, speech_tab, "   ", "The text is empty")
    assert tts_requests(fake_api) == []


def test_voice_the_model_lacks(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    pick_model(speech_tab, "openai/tts-1")
    speech_tab.voice_combo.select_voice("verse")
    type_text(speech_tab, "Which voice?")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    assert_error_kept_text(qtbot, speech_tab, "Which voice?", "has no voice called 'verse'")
    assert tts_requests(fake_api) == []


def test_bad_request_from_the_family(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    fake_api.script("/v1/tts", Fault.error(400, "voice_setting.speed: must be at most 2"))
    type_text(speech_tab, "Too fast.")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    assert_error_kept_text(qtbot, speech_tab, "Too fast.", "must be at most 2")


def test_expired_audio_url(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    fake_api.options.image_expired = True
    pick_model(speech_tab, "openai/tts-1")
    type_text(speech_tab, "Gone soon.")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    assert_error_kept_text(qtbot, speech_tab, "Gone soon.", "expired")


def test_body_that_is_not_audio(qtbot: Any, speech_tab: SpeechTab, fake_api: FakeApi) -> None:
    fake_api.script("/v1/tts", Reply(body=b"upstream busy, try later", content_type="audio/wav"))
    type_text(speech_tab, "Is this audio?")
    qtbot.mouseClick(speech_tab.findChild(QPushButton, "ttsSpeak"), Qt.MouseButton.LeftButton)
    assert_error_kept_text(qtbot, speech_tab, "Is this audio?", "not audio")


def test_missing_ffmpeg_for_mp3(
    qtbot: Any,
    speech_tab: SpeechTab,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    type_text(speech_tab, "Needs an encoder.")
    speak(qtbot, speech_tab)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    speech_tab.save_to(tmp_path / "out.mp3")
    qtbot.waitUntil(lambda: speech_tab.bar.level == "error", timeout=WAIT_MS)
    assert "FFmpeg is needed" in speech_tab.bar.text
    assert not (tmp_path / "out.mp3").exists()
    monkeypatch.setenv("PATH", os.defpath)


def test_options_follow_the_family(speech_tab: SpeechTab) -> None:
    pick_model(speech_tab, "minimax/speech-2.6-hd")
    assert speech_tab.voice_combo.current_voice() == "Wise_Woman"
    assert speech_tab.voice_combo.isEditable()
    fmt = speech_tab.findChild(QComboBox, "ttsOption_format")
    fmt.setCurrentIndex(fmt.findData("flac"))
    request: SpeechRequest = speech_tab.current_request("Hi.")
    assert request.body()["audio_setting"] == {"format": "flac"}
    pick_model(speech_tab, "elevenlabs/eleven_multilingual_v2")
    assert speech_tab.voice_combo.current_voice() == "Rachel"
    type_text(speech_tab, "Hi.")
    assert speech_tab.text_info.text() == "3 characters · cost unknown"


def _middle(widget: Any, tab: SpeechTab) -> int:
    return widget.mapTo(tab, widget.rect().center()).y()


def test_save_stays_level_with_the_player_buttons_when_a_notice_shows(
    qtbot: Any, speech_tab: SpeechTab
) -> None:
    player = speech_tab.player
    for shown in (False, True):
        player.notice_label.setText(
            "No audio output device is available, so the audio cannot be played here; "
            "saving it still works."
        )
        player.notice_label.setVisible(shown)
        qtbot.wait(30)
        gap = abs(
            _middle(speech_tab.save_button, speech_tab) - _middle(player.play_button, speech_tab)
        )
        assert gap <= 4, f"Save is {gap} px off the player's buttons (notice shown: {shown})"
