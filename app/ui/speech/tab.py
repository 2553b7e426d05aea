"""The Text to speech tab: pick a model and voice, preview it, speak text, play, save, history."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.audio_types import SpeechAudio
from app.services.speech import AUDIO_FORMATS, SpeechRequest, estimated_usd
from app.services.system_parts import audio_decoder_missing
from app.services.text_chunks import split_text
from app.services.voices import estimate_cost, family_for
from app.storage.speech_store import SpeechRecord
from app.ui.asyncutils import ask_save_file_name, async_slot, start_task
from app.ui.events import after_first_paint, notify_paid_request
from app.ui.message_bar import MessageBar
from app.ui.speech.history_list import SpeechHistoryList
from app.ui.speech.voice_panel import OptionsRow, VoiceCombo
from app.ui.style.controls import decorate
from app.ui.widgets.audio_player import AudioPlayer, format_clock
from app.ui.widgets.empty_hint import EmptyHint
from app.ui.widgets.model_combo import ModelCombo
from app.ui.widgets.qt_audio import unavailable_reason

if TYPE_CHECKING:
    import asyncio

    from app.media.audio import Pcm
    from app.services.context import Services


log = logging.getLogger(__name__)

SAVE_FILTERS = ";;".join(f"{fmt.upper()} audio (*.{fmt})" for fmt in AUDIO_FORMATS)


def text_info(model: str, text: str) -> str:
    """ "1,234 characters · 2 parts · ≈ $0.0185" (or "cost unknown")."""
    count = len(text)
    facts = [f"{count:,} character{'s' if count != 1 else ''}"]
    if model and text.strip():
        parts = len(split_text(text, family_for(model).text_limit))
        if parts > 1:
            facts.append(f"{parts} parts")
    if text.strip():
        cost = estimate_cost(model, count) if model else None
        facts.append("cost unknown" if cost is None else f"≈ ${cost:.4f}")
    return " · ".join(facts)


# The icon of each button, by objectName.
TTS_BUTTON_ICONS = {
    "ttsPreview": "play",
    "ttsPreviewAll": "queue",
    "ttsSpeak": "text-to-speech",
    "ttsCancel": "stop",
    "ttsSave": "save",
    "ttsHistoryPlay": "play",
    "ttsHistorySave": "save",
    "ttsHistoryDelete": "delete",
}


class SpeechTab(QWidget):
    """Text to speech.

    Public: ``read_aloud(text)`` speaks text with the selected model and voice;
    ``speak()``, ``preview()``, ``save_to(path)`` and ``replay(record)`` drive it from code.
    """

    def __init__(self, services: Services, message_bar: MessageBar, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.message_bar = message_bar
        self.model_kind = "tts"
        self.setObjectName("ttsTab")
        self.setAccessibleName("Text to speech")
        self.current_record: SpeechRecord | None = None
        self._speak_task: asyncio.Task[Any] | None = None
        self._sound_missing = ""
        self._decoder_missing = ""
        self._build()
        self._connect()
        self._refresh_voices()
        after_first_paint(self._check_sound)
        QTimer.singleShot(0, self, self._refresh_voices)  # after the window restored the last model
        after_first_paint(self._load_history_soon)

    # -- building ------------------------------------------------------------------------

    def _build(self) -> None:
        self.model_combo = ModelCombo("tts", self)
        self.model_combo.setObjectName("ttsModel")
        self.model_combo.setAccessibleName("Model")
        self.voice_combo = VoiceCombo(self)
        self.preview_button = self._push("ttsPreview", "Preview", "Play a short sample")
        self.preview_all_button = self._push(
            "ttsPreviewAll", "Preview all", "Step through the voices one by one"
        )
        self.preview_all_button.setCheckable(True)
        self.previous_voice_button = self._tool("ttsPreviewPrevious", "◀", "Previous voice")
        self.next_voice_button = self._tool("ttsPreviewNext", "▶", "Next voice")
        self.options_row = OptionsRow(self)

        voice_row = QHBoxLayout()
        voice_row.setSpacing(6)
        voice_row.addWidget(self.voice_combo, 1)
        for widget in (
            self.preview_button,
            self.preview_all_button,
            self.previous_voice_button,
            self.next_voice_button,
        ):
            voice_row.addWidget(widget)
        form = QFormLayout()
        form.addRow("Model", self.model_combo)
        form.addRow("Voice", voice_row)
        form.addRow("Options", self.options_row)

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("ttsText")
        self.text_edit.setAccessibleName("Text to speak")
        self.text_edit.setPlaceholderText("Type or paste the text to speak. Ctrl+Enter speaks it.")
        self.text_info = QLabel(self)
        self.text_info.setObjectName("ttsTextInfo")
        self.text_info.setProperty("role", "hint")

        self.speak_button = self._push("ttsSpeak", "Speak", "Generate speech (Ctrl+Enter)")
        self.speak_button.setDefault(True)
        self.cancel_button = self._push("ttsCancel", "Cancel", "Stop generating (Esc)")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("ttsProgress")
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        action_row = QHBoxLayout()
        action_row.addWidget(self.text_info, 1)
        action_row.addWidget(self.progress, 1)
        action_row.addWidget(self.cancel_button)
        action_row.addWidget(self.speak_button)

        self.player = AudioPlayer(self)
        self.player.play_button.setObjectName("ttsPlay")
        self.save_button = self._push("ttsSave", "Save…", "Save the audio as WAV, MP3, OGG or FLAC")
        self.save_button.setEnabled(False)
        self.now_playing = QLabel(self)
        self.now_playing.setObjectName("ttsNowPlaying")
        self.now_playing.setProperty("role", "hint")
        player_row = QHBoxLayout()
        player_row.addWidget(self.player, 1)
        # Level with the player's buttons, also when a notice shows under them.
        player_row.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)

        editor = QWidget(self)
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.text_edit, 1)
        editor_layout.addLayout(action_row)
        editor_layout.addWidget(self.now_playing)
        editor_layout.addLayout(player_row)

        self.history_list = SpeechHistoryList(self)
        self.history_play_button = self._push("ttsHistoryPlay", "Play", "Play the chosen entry")
        self.history_save_button = self._push("ttsHistorySave", "Save…", "Save the chosen entry")
        self.history_delete_button = self._push(
            "ttsHistoryDelete", "Delete", "Delete the entry and its audio file"
        )
        history_buttons = QHBoxLayout()
        for button in (
            self.history_play_button,
            self.history_save_button,
            self.history_delete_button,
        ):
            history_buttons.addWidget(button)
        history = QWidget(self)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("History", history)
        heading_font = heading.font()
        heading_font.setBold(True)
        heading.setFont(heading_font)
        history_layout.addWidget(heading)
        self.history_hint = EmptyHint(
            self.history_list,
            "Nothing spoken yet. Everything you speak is kept here to play or save again.",
            purpose="text-to-speech",
        )
        history_layout.addWidget(self.history_list, 1)
        history_layout.addLayout(history_buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("ttsSplitter")
        splitter.addWidget(editor)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(splitter)
        self._show_preview_all(False)
        self._update_history_buttons()

    def _push(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        decorate(button, TTS_BUTTON_ICONS[name], primary=name == "ttsSpeak")
        return button

    def _tool(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setAccessibleName(tip)
        button.setToolTip(tip)
        return button

    def _connect(self) -> None:
        self.model_combo.model_changed.connect(self._on_model_combo_model_changed)
        self.model_combo.model().modelReset.connect(self._on_model_list_reset)
        self.voice_combo.currentIndexChanged.connect(self._on_voice_combo_current_index_changed)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.speak_button.clicked.connect(self._on_speak_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        self.preview_all_button.toggled.connect(self._on_preview_all_button_toggled)
        self.previous_voice_button.clicked.connect(self._on_previous_voice_button_clicked)
        self.next_voice_button.clicked.connect(self._on_next_voice_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.history_list.currentRowChanged.connect(self._on_history_list_current_row_changed)
        self.history_list.itemActivated.connect(self._on_history_list_item_activated)
        self.history_play_button.clicked.connect(self._on_history_play_button_clicked)
        self.history_save_button.clicked.connect(self._on_history_save_button_clicked)
        self.history_delete_button.clicked.connect(self._on_history_delete_button_clicked)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._on_speak_button_clicked)
        stop = QShortcut(QKeySequence("Esc"), self)
        stop.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        stop.activated.connect(self._on_cancel_button_clicked)

    # -- model, voice, options -----------------------------------------------------------

    def current_model(self) -> str:
        return self.model_combo.current_model_id() or self.services.default_model("tts")

    def current_request(self, text: str | None = None) -> SpeechRequest:
        return SpeechRequest(
            model=self.current_model(),
            text=self.text_edit.toPlainText() if text is None else text,
            voice=self.voice_combo.current_voice(),
            options=self.options_row.values(),
        )

    def _refresh_voices(self) -> None:
        model = self.current_model()
        listed = self.model_combo.model_ids()
        self.voice_combo.show_voices_of(model, listed)
        self.options_row.show_family(family_for(model))
        self._update_text_info()

    def _update_text_info(self) -> None:
        self.text_info.setText(text_info(self.current_model(), self.text_edit.toPlainText()))

    def set_busy(self, busy: bool) -> None:
        """Previews, saving and history run beside speaking; only speaking locks its button."""

    def _set_speaking(self, speaking: bool) -> None:
        self.speak_button.setEnabled(not speaking)
        self.cancel_button.setEnabled(speaking)

    def is_speaking(self) -> bool:
        return self._speak_task is not None and not self._speak_task.done()

    # -- speaking ------------------------------------------------------------------------

    @async_slot
    async def speak(self) -> None:
        """Speak the text box with the chosen model, voice and options."""
        await self._speak(self.current_request())

    def read_aloud(self, text: str) -> None:
        """Speak ``text`` (from another tab) with this tab's model and voice."""
        self.cancel()
        self._speak_task = start_task(
            self._speak(self.current_request(text)), owner=self, name="read aloud"
        )

    async def _speak(self, request: SpeechRequest) -> None:
        import asyncio

        count = len(request.parts())
        self._speak_task = asyncio.current_task()
        self._set_speaking(True)
        self._show_progress(0, count)
        first: list[Pcm] = []
        self.player.stop()

        async def on_part(index: int, total: int, audio: SpeechAudio) -> None:
            pcm = await self.services.speech.decode(audio.data, like=first[0] if first else None)
            if not first:
                first.append(pcm)
                self.player.load_pcm(pcm)
                self.player.play()
                self.now_playing.setText(f"Playing: {request.voice or request.model}")
            else:
                self.player.append_pcm(pcm)
            self._show_progress(index + 1, total, generating=index + 1 < total)

        try:
            parts = await self.services.speech.generate(request, on_part=on_part)
            self._show_progress(count, count, generating=False, joining=count > 1)
            joined = await self.services.speech.join(parts)
            record = await self.services.speech.keep(request, joined, estimated_usd(request, parts))
        except asyncio.CancelledError:
            if shiboken6.isValid(self.message_bar):  # not when the window is already gone
                self.message_bar.show_notice("Speech generation was cancelled; nothing was saved.")
            raise
        finally:
            if shiboken6.isValid(self):
                self.progress.hide()
                self._speak_task = None
                self._set_speaking(False)
        self._adopt(record)
        self.history_list.add_record(record)
        notify_paid_request()
        self.message_bar.show_info(
            f"Spoke {len(request.text):,} characters "
            f"({format_clock(record.duration or 0, round_up=True)})."
        )

    def _show_progress(
        self, done: int, total: int, *, generating: bool = True, joining: bool = False
    ) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if joining:
            self.progress.setFormat("Joining the parts…")
        elif generating:
            self.progress.setFormat(
                f"Generating part %v of {total}" if total > 1 else "Generating…"
            )
        self.progress.show()

    def cancel(self) -> None:
        task = self._speak_task
        if task is not None and not task.done():
            task.cancel()

    def _adopt(self, record: SpeechRecord) -> None:
        self.current_record = record
        self.save_button.setEnabled(True)
        self.now_playing.setText(
            f"{record.voice or record.model} · {record.model} · {record.format.upper()}"
        )

    # -- preview -------------------------------------------------------------------------

    @async_slot
    async def preview(self) -> None:
        """Play the sample sentence in the chosen voice (cached on disk after the first time)."""
        request = self.current_request(text="preview")
        path = await self.services.speech.preview(request.model, request.voice, request.options)
        self.now_playing.setText(f"Preview: {request.voice or request.model}")
        self.player.load_file(path)
        self.player.play()

    def _show_preview_all(self, on: bool) -> None:
        self.previous_voice_button.setVisible(on)
        self.next_voice_button.setVisible(on)

    def step_voice(self, offset: int) -> None:
        """Select the next (or previous) voice and play its preview."""
        if self.voice_combo.step(offset):
            self.preview()
        else:
            self.message_bar.show_info("That was the last voice in the list.")

    # -- saving and history --------------------------------------------------------------

    @async_slot
    async def save_to(self, path: str | Path, record: SpeechRecord | None = None) -> Path:
        """Save the current (or given) generation as ``path``; the suffix picks the format."""
        chosen = record or self.current_record
        if chosen is None:
            self.message_bar.show_notice("There is no audio to save yet. Speak some text first.")
            return Path(path)
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(f".{chosen.format}")
        saved = await self.services.speech.save_record(chosen, target)
        self.message_bar.show_info(f"Saved {saved.name}.")
        return saved

    async def _ask_and_save(self, record: SpeechRecord | None) -> None:
        chosen = record or self.current_record
        if chosen is None:
            return
        name = f"speech.{chosen.format if chosen.format in AUDIO_FORMATS else 'wav'}"
        path = await ask_save_file_name(self, "Save audio", name, SAVE_FILTERS)
        if path:
            await self.save_to(path, chosen)

    def _load_history_soon(self) -> None:
        QTimer.singleShot(0, self, self._load_history)

    def _load_history(self) -> None:
        start_task(self._fill_history(), owner=self, name="speech history")

    async def _fill_history(self) -> None:
        records = await self.services.speech.history()
        self.history_list.set_records(records)
        self._update_history_buttons()

    def replay(self, record: SpeechRecord) -> None:
        self._adopt(record)
        self.player.load_file(record.path)
        self.player.play()

    @async_slot
    async def delete_record(self, record: SpeechRecord) -> None:
        await self.services.speech.delete(record.id)
        self.history_list.remove_record(record.id)
        if self.current_record is not None and self.current_record.id == record.id:
            self.current_record = None
            self.player.clear()
            self.save_button.setEnabled(False)
            self.now_playing.clear()
        self._update_history_buttons()

    def _update_history_buttons(self) -> None:
        chosen = self.history_list.current_record() is not None
        for button in (
            self.history_play_button,
            self.history_save_button,
            self.history_delete_button,
        ):
            button.setEnabled(chosen)
        record = self.history_list.current_record()
        if self._sound_missing or (
            self._decoder_missing and record is not None and record.format != "wav"
        ):
            self.history_play_button.setEnabled(False)

    def _check_sound(self) -> None:
        """Without Qt Multimedia nothing can be heard: Preview and Play are off, saying why
        (speaking into a file still works). Without ffmpeg the samples (compressed audio)
        cannot be played, nor a generation kept in a format other than WAV."""
        self._sound_missing = unavailable_reason()
        self._decoder_missing = "" if self._sound_missing else audio_decoder_missing()
        missing = self._sound_missing or self._decoder_missing
        if not missing:
            return
        for button in (self.preview_button, self.preview_all_button, self.history_play_button):
            button.setEnabled(False)
            button.setToolTip(missing)
        self._update_history_buttons()

    def shutdown(self) -> None:
        self.cancel()
        self.player.shutdown()

    # -- slots ---------------------------------------------------------------------------

    def _on_model_combo_model_changed(self, _model_id: str) -> None:
        self._refresh_voices()

    def _on_model_list_reset(self) -> None:
        QTimer.singleShot(0, self, self._refresh_voices)

    def _on_voice_combo_current_index_changed(self, _index: int) -> None:
        self._update_text_info()

    def _on_text_edit_text_changed(self) -> None:
        self._update_text_info()

    def _on_speak_button_clicked(self) -> None:
        if not self.is_speaking():
            self.speak()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_preview_button_clicked(self) -> None:
        self.preview()

    def _on_preview_all_button_toggled(self, on: bool) -> None:
        self._show_preview_all(on)
        if on:
            self.preview()

    def _on_previous_voice_button_clicked(self) -> None:
        self.step_voice(-1)

    def _on_next_voice_button_clicked(self) -> None:
        self.step_voice(+1)

    def _on_save_button_clicked(self) -> None:
        start_task(self._ask_and_save(None), owner=self, name="save speech")

    def _on_history_list_current_row_changed(self, _row: int) -> None:
        self._update_history_buttons()

    def _on_history_list_item_activated(self, _item: object) -> None:
        record = self.history_list.current_record()
        if record is not None:
            self.replay(record)

    def _on_history_play_button_clicked(self) -> None:
        self._on_history_list_item_activated(None)

    def _on_history_save_button_clicked(self) -> None:
        record = self.history_list.current_record()
        if record is not None:
            start_task(self._ask_and_save(record), owner=self, name="save speech")

    def _on_history_delete_button_clicked(self) -> None:
        record = self.history_list.current_record()
        if record is not None:
            self.delete_record(record)
