"""Voice for a chat input: dictation and a hands-free voice conversation.

- Dictate (``chatDictate``): record a take, transcribe it with the default speech-to-text
  model and insert the words at the input's cursor (nothing is sent). When transcription
  fails the take is kept and the message bar offers to try again.
- Voice mode (``chatVoiceMode``, checkable): listen until the speaker goes quiet, transcribe,
  send the words as a message, read the reply aloud with the default text-to-speech model,
  listen again. Unchecking it (or ``stop()``, which the host calls on Esc) ends the turn in
  progress, whichever step it is in. ``chatVoiceState`` says which step that is.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QWidget,
)

from app.errors import EXPECTED_ERRORS, describe
from app.services.voice_chat import (
    IDLE,
    LISTENING,
    STATE_LABELS,
    TRANSCRIBING,
    VoiceLoop,
    VoiceSteps,
    padded_words,
    speak_text,
    spoken_text,
    transcript_text,
)
from app.ui.asyncutils import async_slot, start_task
from app.ui.message_bar import MessageBar
from app.ui.style.controls import decorate
from app.ui.widgets.audio_player import PLAYING, AudioPlayer
from app.ui.widgets.recorder import RecordControl, Recorder

if TYPE_CHECKING:
    import asyncio

    from app.services.context import Services


log = logging.getLogger(__name__)

AFTER_SPEAKING_PAUSE_S = 0.4
NOTHING_HEARD = "No words were heard in the recording."
SPEECH_NOT_PLAYED = "The reply could not be read aloud: {reason}"


def insert_words(edit: QPlainTextEdit | QTextEdit, words: str) -> None:
    """Type ``words`` into ``edit`` at its cursor (replacing a selection), spaced from
    the text on either side."""
    cursor = edit.textCursor()
    document = edit.document()
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    before = document.characterAt(start - 1) if start > 0 else ""
    after = document.characterAt(end) if end < document.characterCount() - 1 else ""
    cursor.insertText(padded_words(words, before, after))
    edit.setTextCursor(cursor)


class VoiceInput(QWidget):
    """Dictate and voice-mode buttons, the voice state and an input meter.

    Args:
        services: the app's services (transcription, speech, settings).
        message_bar: where errors and notices go.
        insert_text: puts dictated words into the input at its cursor.
        ask: sends words as a message and returns the reply's text (None when no complete
            reply came: stopped or failed).
        recorder: the recorder for dictation (a new one on the default input when None);
            voice mode uses ``voice_recorder`` on the same device.
    """

    def __init__(
        self,
        services: Services,
        message_bar: MessageBar,
        parent: QWidget | None = None,
        *,
        insert_text: Callable[[str], None],
        ask: Callable[[str], Awaitable[str | None]],
        recorder: Recorder | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chatVoice")
        self.services = services
        self.message_bar = message_bar
        self.insert_text = insert_text
        self.ask = ask
        self._loop_task: asyncio.Task[Any] | None = None
        self._transcribing = False
        self._speech_warned = False
        self._state = IDLE
        self._build(recorder)

    def _build(self, recorder: Recorder | None) -> None:
        self.dictate = RecordControl(
            "chatDictate",
            "Dictate",
            self,
            recorder=recorder,
            tooltip="Speak, then press again: the words go into the message (not sent)",
            purpose="dictate",
            flat=True,
        )
        self.dictate.recorded.connect(self._on_dictate_recorded)
        self.dictate.failed.connect(self.message_bar.show_error)
        self.dictate.notice_given.connect(self.message_bar.show_notice)
        self.voice_recorder = Recorder(self, device=recorder.device() if recorder else None)
        self.voice_recorder.level_changed.connect(self._on_voice_recorder_level_changed)
        self.voice_recorder.availability_changed.connect(self._update_buttons)

        self.voice_button = QPushButton("Voice mode", self)
        self.voice_button.setObjectName("chatVoiceMode")
        self.voice_button.setAccessibleName("Voice mode")
        self.voice_button.setCheckable(True)
        decorate(self.voice_button, "speech-to-text", flat=True)
        self.voice_button.toggled.connect(self._on_voice_button_toggled)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("chatVoiceState")
        self.state_label.setAccessibleName("Voice state")
        self.level_meter = QProgressBar(self)
        self.level_meter.setObjectName("chatVoiceLevel")
        self.level_meter.setAccessibleName("Input level")
        self.level_meter.setRange(0, 100)
        self.level_meter.setTextVisible(False)
        self.level_meter.setFixedSize(72, 8)
        self.level_meter.hide()
        self.player = AudioPlayer(self)
        self.player.setObjectName("chatVoicePlayer")
        self.player.hide()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.dictate)
        layout.addWidget(self.voice_button)
        layout.addWidget(self.state_label)
        layout.addWidget(self.level_meter)
        layout.addStretch(1)
        self._update_buttons()

    # -- facts ---------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """True while voice mode is on."""
        return self._loop_task is not None

    def state(self) -> str:
        return self._state

    def stt_model(self) -> str:
        return self.services.default_model("stt")

    def tts_model(self) -> str:
        return self.services.default_model("tts")

    # -- dictation -----------------------------------------------------------------------

    def _on_dictate_recorded(self, take: Path) -> None:
        self.dictate_take(take)

    @async_slot
    async def dictate_take(self, take: Path) -> None:
        """Transcribe ``take`` and insert its words; the take is kept when this fails."""
        self._transcribing = True
        self.dictate.set_blocked("Transcribing the last take…")
        self.state_label.setText(STATE_LABELS[TRANSCRIBING])
        self._update_buttons()
        try:
            text = await transcript_text(self.services, self.stt_model(), take)
        except EXPECTED_ERRORS as exc:
            self.message_bar.show_error(
                f"{describe(exc)} The recording is kept: {take}",
                retry=lambda: self.dictate_take(take),
                action_text="Try again",
            )
            return
        finally:
            self._transcribing = False
            self.state_label.setText(STATE_LABELS[self._state])
            self._update_buttons()
        if not text:
            self.message_bar.show_notice(NOTHING_HEARD)
            return
        self.insert_text(text)
        with contextlib.suppress(OSError):
            take.unlink()

    # -- voice mode ----------------------------------------------------------------------

    def start(self) -> None:
        """Start voice mode (checks the button)."""
        self.voice_button.setChecked(True)

    def stop(self) -> None:
        """End voice mode wherever it is: the take, the request or the playback."""
        self.voice_button.setChecked(False)

    def _on_voice_button_toggled(self, on: bool) -> None:
        if on and self._loop_task is None:
            loop = VoiceLoop(
                VoiceSteps(self._listen, self._transcribe, self._reply, self._speak),
                self._on_loop_state,
            )
            self._loop_task = start_task(self._run(loop), owner=self, name="voice mode")
        elif not on and self._loop_task is not None:
            task, self._loop_task = self._loop_task, None
            task.cancel()
            self.voice_recorder.cancel()
            self.player.stop()
            self._set_state(IDLE)
        self._update_buttons()

    async def _run(self, loop: VoiceLoop) -> None:
        import asyncio

        try:
            await loop.run()
        except EXPECTED_ERRORS as exc:
            log.info("voice mode ended: %s", exc)
            self.message_bar.show_error(exc)
        finally:
            if self._loop_task is asyncio.current_task():  # it ended by itself
                self.voice_button.setChecked(False)

    def _on_loop_state(self, state: str) -> None:
        import asyncio

        if self._loop_task is not None and self._loop_task is asyncio.current_task():
            self._set_state(state)

    async def _listen(self) -> Path | None:
        return await self.voice_recorder.record(stop_on_silence=True)

    async def _transcribe(self, take: Path) -> str:
        text = await transcript_text(self.services, self.stt_model(), take)
        with contextlib.suppress(OSError):
            take.unlink()
        return text

    async def _reply(self, text: str) -> str | None:
        return await self.ask(text)

    async def _speak(self, reply: str) -> None:
        import asyncio

        words = spoken_text(reply)
        if not words:
            return
        audio = await speak_text(self.services, self.tts_model(), words)
        pcm = await self.services.speech.decode(audio.data)
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def done(*_args: object) -> None:
            if not finished.done():
                finished.set_result(None)

        self.player.finished.connect(done)
        try:
            self.player.load_pcm(pcm)
            self.player.play()
            if self.player.state() != PLAYING:
                self._warn_not_spoken(self.player.notice() or "no audio output is available.")
                return
            await finished
            await asyncio.sleep(AFTER_SPEAKING_PAUSE_S)
        finally:
            self.player.finished.disconnect(done)
            self.player.stop()

    def _warn_not_spoken(self, reason: str) -> None:
        if not self._speech_warned:
            self._speech_warned = True
            self.message_bar.show_notice(SPEECH_NOT_PLAYED.format(reason=reason))

    # -- view ----------------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        self._state = state
        self.state_label.setText(STATE_LABELS.get(state, ""))
        self.level_meter.setVisible(state == LISTENING)
        if state != LISTENING:
            self.level_meter.setValue(0)

    def _on_voice_recorder_level_changed(self, level: float) -> None:
        self.level_meter.setValue(round(level * 100))

    def _update_buttons(self, *_args: object) -> None:
        voice = self.active
        available = self.voice_recorder.available()
        if voice:
            self.dictate.set_blocked("Voice mode is on")
        elif not self._transcribing:
            self.dictate.set_blocked("")
        self.voice_button.setEnabled(voice or (available and not self._transcribing))
        self.voice_button.setText("End voice mode" if voice else "Voice mode")
        if voice:
            tip = "Stop voice mode (Esc)"
        elif not available:
            tip = self.dictate.notice()
        else:
            tip = "Talk hands-free: speak, hear the reply read aloud, speak again (Esc stops)"
        self.voice_button.setToolTip(tip)

    def shutdown(self) -> None:
        """Stop voice mode and any take; call before the window closes."""
        if self._loop_task is not None:
            self._loop_task.cancel()
        self.dictate.recorder.shutdown()
        self.voice_recorder.shutdown()
        self.player.shutdown()
