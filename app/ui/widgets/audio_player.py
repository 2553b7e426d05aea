"""A small audio player: decode with pydub off the UI thread, play PCM through QAudioSink.

The decoded samples sit in a ``QBuffer`` that the sink reads from; play/pause suspend and
resume the sink, seeking restarts it at the new offset. More PCM can be appended while the
clip plays (speech that is still being generated); the sink picks it up when it reaches the
end of what it had. Without an audio output device the player shows a plain notice and
everything else (loading, saving elsewhere) keeps working.
"""

from __future__ import annotations

import itertools
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MediaError
from app.services.runner import WorkerPool
from app.services.system_parts import audio_decoder_missing
from app.ui.events import after_first_paint
from app.ui.style.icons import icon
from app.ui.style.tokens import ICON
from app.ui.widgets.qt_audio import multimedia, unavailable_reason

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioFormat, QAudioSink

    from app.media.audio import Pcm

log = logging.getLogger(__name__)

NO_DEVICE_NOTICE = (
    "No audio output device is available, so the audio cannot be played here; "
    "saving it still works."
)
POSITION_INTERVAL_MS = 50
DEFAULT_VOLUME = 80

EMPTY, LOADING, STOPPED, PLAYING, PAUSED = "empty", "loading", "stopped", "playing", "paused"

# Daemon threads: a decode stuck in ffmpeg never holds up closing the app.
_decoder = WorkerPool(max_workers=2, name="audio-decode")


def format_clock(seconds: float, *, round_up: bool = False) -> str:
    """``m:ss`` (or ``h:mm:ss``); ``round_up`` for lengths, so a short clip is not "0:00"."""
    whole = max(math.ceil(seconds - 0.0005) if round_up else int(seconds + 0.0005), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def has_output_device() -> bool:
    """True when the system lists at least one audio output (False without Qt Multimedia)."""
    return not unavailable_reason() and bool(multimedia().QMediaDevices.audioOutputs())


class _DecodeBridge(QObject):
    """Carries a finished decode from the worker thread back to the UI thread."""

    decoded = Signal(int, object)


class AudioPlayer(QWidget):
    """Play, pause, stop, seek and set the volume of one clip.

    Signals:
        state_changed(str): "empty", "loading", "stopped", "playing" or "paused".
        position_changed(float): playback position in seconds.
        duration_changed(float): length of the loaded clip in seconds.
        loaded(float): a clip finished decoding; its duration in seconds.
        load_failed(str): a clip could not be decoded; the sentence says why.
        finished(): playback reached the end of the clip.
    """

    state_changed = Signal(str)
    position_changed = Signal(float)
    duration_changed = Signal(float)
    loaded = Signal(float)
    load_failed = Signal(str)
    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audioPlayer")
        self.setAccessibleName("Audio player")
        self._state = EMPTY
        self._pcm: Pcm | None = None
        self._pcm_data = bytearray()
        self._sink: QAudioSink | None = None
        self._buffer: QBuffer | None = None
        self._start_offset = 0.0  # seconds into the clip where the sink last started
        self._position = 0.0
        self._sink_fresh = False  # True while the running sink matches the position
        self._processed = 0.0  # seconds the last sink handed to the device, over restarts
        self._play_when_loaded: float | None = None
        self._tokens = itertools.count(1)
        self._pending_token = 0
        self._bridge = _DecodeBridge(self)
        self._bridge.decoded.connect(self._on_bridge_decoded)
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._dragging = False
        self._moving_slider = False
        self._sound_missing = ""
        self._decoder_missing = ""
        self._build()
        self._show_state()
        after_first_paint(self._check_sound)

    def _check_sound(self) -> None:
        """Load Qt Multimedia (after the window's first paint); without it Play stays off.
        Without ffmpeg only WAV can be decoded: the notice and Play's tooltip say so."""
        self._sound_missing = unavailable_reason()
        self._decoder_missing = "" if self._sound_missing else audio_decoder_missing()
        missing = self._sound_missing or self._decoder_missing
        if missing:
            self._show_notice(missing)
        self._show_state()

    # -- building ------------------------------------------------------------------------

    def _button(self, name: str, text: str, purpose: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(text)
        button.setIcon(icon(purpose))
        button.setIconSize(QSize(ICON["m"], ICON["m"]))
        button.setProperty("variant", "flat")
        return button

    def _build(self) -> None:
        self.play_button = self._button("playerPlay", "Play", "play")
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.stop_button = self._button("playerStop", "Stop", "stop")
        self.stop_button.clicked.connect(self._on_stop_button_clicked)

        self.seek_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setObjectName("playerSeek")
        self.seek_slider.setAccessibleName("Position")
        self.seek_slider.setRange(0, 0)
        self.seek_slider.setPageStep(5000)
        self.seek_slider.setSingleStep(1000)
        self.seek_slider.sliderPressed.connect(self._on_seek_slider_pressed)
        self.seek_slider.sliderReleased.connect(self._on_seek_slider_released)
        self.seek_slider.sliderMoved.connect(self._on_seek_slider_moved)
        self.seek_slider.valueChanged.connect(self._on_seek_slider_value_changed)

        self.time_label = QLabel("0:00 / 0:00", self)
        self.time_label.setObjectName("playerTime")
        self.time_label.setAccessibleName("Position and length")
        self.time_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00 / 00:00 "))

        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setObjectName("playerVolume")
        self.volume_slider.setAccessibleName("Volume")
        self.volume_slider.setToolTip("Volume")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(DEFAULT_VOLUME)
        self.volume_slider.setFixedWidth(90)
        self.volume_slider.valueChanged.connect(self._on_volume_slider_value_changed)
        self._volume_icon = QLabel(self)
        self._volume_icon.setPixmap(icon("text-to-speech").pixmap(QSize(ICON["s"], ICON["s"])))

        self.notice_label = QLabel(self)
        self.notice_label.setObjectName("playerNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setProperty("role", "hint")
        self.notice_label.hide()

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.setSpacing(6)
        for widget in (self.play_button, self.stop_button):
            controls.addWidget(widget)
        controls.addWidget(self.seek_slider, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self._volume_icon)
        controls.addWidget(self.volume_slider)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(controls)
        layout.addWidget(self.notice_label)

    # -- loading -------------------------------------------------------------------------

    def load_file(self, path: str | Path) -> None:
        """Decode ``path`` in the background; ``loaded`` or ``load_failed`` follows."""
        self._decode(Path(path))

    def load_bytes(self, data: bytes) -> None:
        """Decode in-memory audio (any format pydub/FFmpeg reads) in the background."""
        self._decode(bytes(data))

    def _decode(self, source: Path | bytes) -> None:
        self._reset()
        token = next(self._tokens)
        self._pending_token = token
        self._set_state(LOADING)
        from app.media.audio import decode_pcm  # with the first sound played, not the window

        future = _decoder.submit(decode_pcm, source)
        future.add_done_callback(lambda done: self._bridge.decoded.emit(token, done))

    @Slot(int, object)
    def _on_bridge_decoded(self, token: int, future: object) -> None:
        if token != self._pending_token:
            return
        try:
            pcm = future.result()  # type: ignore[attr-defined]
        except MediaError as exc:
            self._fail(str(exc))
            return
        except Exception as exc:  # a decoder crash must not take the window with it
            log.exception("audio decode failed")
            self._fail(f"The audio could not be decoded ({exc}).")
            return
        self.load_pcm(pcm)

    def _fail(self, sentence: str) -> None:
        self._play_when_loaded = None
        self._set_state(EMPTY)
        self._show_notice(sentence)
        self.load_failed.emit(sentence)

    def load_pcm(self, pcm: Pcm) -> None:
        """Show and get ready to play decoded PCM (16-bit little-endian samples)."""
        self._reset(keep_pending=True)
        self._pending_token = 0
        self._pcm = pcm
        self._pcm_data = bytearray(pcm.data)
        self._set_state(STOPPED)
        self.duration_changed.emit(self.duration())
        self._update_slider_range()
        self._set_position(0.0)
        self.loaded.emit(self.duration())
        start = self._play_when_loaded
        self._play_when_loaded = None
        if start is not None:
            self.play_from(start)

    def append_pcm(self, pcm: Pcm) -> None:
        """Add samples at the end of the clip (same rate, channels and width as loaded)."""
        if self._pcm is None:
            self.load_pcm(pcm)
            return
        current = self._pcm
        if (pcm.sample_rate, pcm.channels, pcm.sample_width) != (
            current.sample_rate,
            current.channels,
            current.sample_width,
        ):
            raise ValueError("appended audio must have the same sample format")
        self._pcm_data.extend(pcm.data)
        self.duration_changed.emit(self.duration())
        self._update_slider_range()

    def clear(self) -> None:
        """Forget the clip."""
        self._reset()
        self._set_state(EMPTY)

    def _reset(self, *, keep_pending: bool = False) -> None:
        self._teardown_sink()
        self._pending_token = 0
        if not keep_pending:
            self._play_when_loaded = None
        self._pcm = None
        self._pcm_data = bytearray()
        self._start_offset = 0.0
        self._position = 0.0
        self.notice_label.hide()
        self._update_slider_range()
        self._set_position(0.0)

    # -- facts ---------------------------------------------------------------------------

    def state(self) -> str:
        return self._state

    def duration(self) -> float:
        pcm = self._pcm
        if pcm is None:
            return 0.0
        frame = pcm.channels * pcm.sample_width
        return len(self._pcm_data) / frame / pcm.sample_rate if frame and pcm.sample_rate else 0.0

    def position(self) -> float:
        return self._position

    @property
    def sink(self) -> QAudioSink | None:
        """The audio sink of the current playback, if one was opened."""
        return self._sink

    def processed_seconds(self) -> float:
        """Seconds of audio the output device took in the latest playback."""
        sink = self._sink
        return self._processed + (sink.processedUSecs() / 1_000_000 if sink is not None else 0.0)

    def notice(self) -> str:
        """The notice shown under the controls ("" when none)."""
        return self.notice_label.text() if not self.notice_label.isHidden() else ""

    # -- control -------------------------------------------------------------------------

    def play(self) -> None:
        """Start or resume playback (after loading finishes, if still decoding)."""
        if self._state == LOADING:
            self._play_when_loaded = self._position
            return
        if self._pcm is None or self._state == PLAYING:
            return
        if self._state == PAUSED and self._sink is not None and self._sink_fresh:
            self._sink.resume()
            self._timer.start()
            self._set_state(PLAYING)
            return
        start = 0.0 if self._position >= self.duration() - 0.01 else self._position
        self._start_at(start)

    def pause(self) -> None:
        if self._state == LOADING:
            self._play_when_loaded = None
            return
        if self._state != PLAYING or self._sink is None:
            return
        self._sink.suspend()
        self._timer.stop()
        self._update_position()
        self._set_state(PAUSED)

    def toggle(self) -> None:
        """Play when stopped or paused, pause when playing."""
        if self._state == PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        if self._state == LOADING:
            self._play_when_loaded = None
            return
        self._teardown_sink()
        self._set_position(0.0)
        if self._pcm is not None:
            self._set_state(STOPPED)

    def seek(self, seconds: float) -> None:
        """Move to ``seconds``; playback continues from there if it was playing."""
        if self._state == LOADING:
            if self._play_when_loaded is not None:
                self._play_when_loaded = max(seconds, 0.0)
            return
        if self._pcm is None:
            return
        target = min(max(seconds, 0.0), self.duration())
        if self._state == PLAYING:
            self._start_at(target)
            return
        self._teardown_sink()
        self._set_position(target)

    def play_from(self, seconds: float) -> None:
        """Seek to ``seconds`` and play."""
        if self._state == LOADING:
            self._play_when_loaded = max(seconds, 0.0)
            return
        if self._pcm is None:
            return
        self._start_at(min(max(seconds, 0.0), self.duration()))

    def set_volume(self, percent: int) -> None:
        self.volume_slider.setValue(percent)

    # -- the sink ------------------------------------------------------------------------

    def _audio_format(self) -> QAudioFormat:
        pcm = self._pcm
        assert pcm is not None
        audio_format = multimedia().QAudioFormat
        fmt = audio_format()
        fmt.setSampleRate(pcm.sample_rate)
        fmt.setChannelCount(pcm.channels)
        fmt.setSampleFormat(audio_format.SampleFormat.Int16)
        return fmt

    def _frame_bytes(self) -> int:
        pcm = self._pcm
        return pcm.channels * pcm.sample_width if pcm else 0

    def _start_at(self, seconds: float, *, continuing: bool = False) -> None:
        self._teardown_sink()
        if not continuing:
            self._processed = 0.0
        if self._sound_missing:
            self._show_notice(self._sound_missing)
            return
        if not has_output_device():
            self._no_device()
            return
        pcm = self._pcm
        assert pcm is not None
        frame = self._frame_bytes()
        offset = int(seconds * pcm.sample_rate) * frame
        offset = min(offset, len(self._pcm_data) - len(self._pcm_data) % frame)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(bytes(self._pcm_data[offset:])))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        qt = multimedia()
        sink = qt.QAudioSink(qt.QMediaDevices.defaultAudioOutput(), self._audio_format(), self)
        sink.setVolume(self._linear_volume())
        sink.stateChanged.connect(self._on_sink_state_changed)
        self._buffer, self._sink = buffer, sink
        self._start_offset = offset / frame / pcm.sample_rate
        self._sink_fresh = True
        sink.start(buffer)
        if sink.error() == qt.QtAudio.Error.OpenError:
            self._teardown_sink()
            self._no_device()
            return
        self.notice_label.hide()
        self._set_position(self._start_offset)
        self._timer.start()
        self._set_state(PLAYING)

    def _teardown_sink(self) -> None:
        self._timer.stop()
        sink, buffer = self._sink, self._buffer
        self._sink, self._buffer = None, None
        self._sink_fresh = False
        if sink is not None:
            self._processed += sink.processedUSecs() / 1_000_000
            try:
                sink.stateChanged.disconnect(self._on_sink_state_changed)
            except (RuntimeError, TypeError):
                log.debug("sink signal already disconnected")
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.deleteLater()

    def _no_device(self) -> None:
        self._show_notice(NO_DEVICE_NOTICE)
        if self._pcm is not None:
            self._set_state(STOPPED)

    def _linear_volume(self) -> float:
        audio = multimedia().QtAudio
        return audio.convertVolume(
            self.volume_slider.value() / 100.0,
            audio.VolumeScale.LogarithmicVolumeScale,
            audio.VolumeScale.LinearVolumeScale,
        )

    @Slot()
    def _on_sink_state_changed(self) -> None:
        sink = self._sink
        if sink is None or self.sender() is not sink:
            return
        state, error = sink.state(), sink.error()
        audio = multimedia().QtAudio
        if error == audio.Error.OpenError:
            self._teardown_sink()
            self._no_device()
        elif state == audio.State.IdleState and self._state == PLAYING:
            self._on_played_out()
        elif state == audio.State.StoppedState and error != audio.Error.NoError:
            log.warning("audio output stopped: %s", error)
            self._teardown_sink()
            self._set_state(STOPPED)

    def _on_played_out(self) -> None:
        self._update_position()
        played_to = self._start_offset + self._sink_bytes_seconds()
        if played_to < self.duration() - 0.005:
            self._start_at(played_to, continuing=True)  # more audio arrived while this part played
            return
        self._teardown_sink()
        self._set_position(0.0)
        self._set_state(STOPPED)
        self.finished.emit()

    def _sink_bytes_seconds(self) -> float:
        buffer, pcm = self._buffer, self._pcm
        if buffer is None or pcm is None:
            return 0.0
        return buffer.size() / self._frame_bytes() / pcm.sample_rate

    def _update_position(self) -> None:
        sink = self._sink
        if sink is None:
            return
        played = sink.processedUSecs() / 1_000_000
        self._set_position(min(self._start_offset + played, self.duration()))

    # -- view ----------------------------------------------------------------------------

    def _set_state(self, state: str) -> None:
        if state == self._state:
            return
        self._state = state
        self._show_state()
        self.state_changed.emit(state)

    def _show_state(self) -> None:
        playing = self._state == PLAYING
        self.play_button.setIcon(icon("pause" if playing else "play"))
        label = "Pause" if playing else "Play"
        has_clip = self._state in (STOPPED, PLAYING, PAUSED)
        # without ffmpeg a clip that did load (WAV) plays; until then Play says what is missing
        self.play_button.setToolTip(
            self._sound_missing or (label if has_clip else self._decoder_missing or label)
        )
        self.play_button.setAccessibleName(label)
        self.play_button.setEnabled(has_clip and not self._sound_missing)
        self.stop_button.setEnabled(self._state in (PLAYING, PAUSED))
        self.seek_slider.setEnabled(has_clip)

    def _show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.show()

    def _set_position(self, seconds: float) -> None:
        changed = abs(seconds - self._position) > 1e-6
        self._position = seconds
        if not self._dragging:
            self._moving_slider = True
            self.seek_slider.setValue(round(seconds * 1000))
            self._moving_slider = False
            self._show_time(seconds)
        if changed:
            self.position_changed.emit(seconds)

    def _show_time(self, seconds: float) -> None:
        length = format_clock(self.duration(), round_up=True)
        self.time_label.setText(f"{format_clock(seconds)} / {length}")

    def _update_slider_range(self) -> None:
        self._moving_slider = True
        self.seek_slider.setRange(0, round(self.duration() * 1000))
        self._moving_slider = False
        self._show_time(self._position)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_volume_icon"):
            size = QSize(ICON["s"], ICON["s"])
            self._volume_icon.setPixmap(icon("text-to-speech").pixmap(size))
        super().changeEvent(event)

    # -- slots ---------------------------------------------------------------------------

    def _on_play_button_clicked(self) -> None:
        self.toggle()

    def _on_stop_button_clicked(self) -> None:
        self.stop()

    def _on_timer_timeout(self) -> None:
        self._update_position()

    def _on_seek_slider_pressed(self) -> None:
        self._dragging = True

    def _on_seek_slider_moved(self, value: int) -> None:
        self._show_time(value / 1000)

    def _on_seek_slider_released(self) -> None:
        self._dragging = False
        self.seek(self.seek_slider.value() / 1000)

    def _on_seek_slider_value_changed(self, value: int) -> None:
        if not self._moving_slider and not self._dragging:
            self.seek(value / 1000)

    def _on_volume_slider_value_changed(self, _value: int) -> None:
        if self._sink is not None:
            self._sink.setVolume(self._linear_volume())

    def shutdown(self) -> None:
        """Stop playback and forget pending decodes; call before the window closes."""
        self._pending_token = 0
        self._teardown_sink()
