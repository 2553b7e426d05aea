"""Recording from the microphone: a ``Recorder`` object and a ``RecordControl`` widget.

The recorder reads the default audio input (or a given device) through ``QAudioSource`` —
16 kHz mono 16-bit where the device takes it, else the device's own format, converted when
the take is saved. Every take is written atomically as a 16 kHz mono WAV file under
``cache_dir()/recordings``, off the UI thread. A take stops when asked, at a hard length cap,
or (when asked for) once the speaker has gone quiet after speaking.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QIODevice, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.errors import MediaError
from app.services.runner import WorkerPool
from app.services.voice_chat import (
    MAX_TAKE_SECONDS,
    SPEECH_FORMAT,
    SampleFormat,
    SilenceDetector,
    level_db,
    meter_fraction,
    save_take,
)
from app.ui.events import after_first_paint
from app.ui.style.icons import icon
from app.ui.widgets.audio_player import format_clock
from app.ui.widgets.qt_audio import multimedia, unavailable_reason

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource

log = logging.getLogger(__name__)

NO_INPUT_NOTICE = (
    "No microphone was found, so nothing can be recorded. Connect one (or allow this app to "
    "use it) and recording becomes available."
)
CHECKING_NOTICE = "Looking for a microphone…"
OPEN_FAILED = "The microphone could not be opened: it may be in use by another program."
LIMIT_NOTICE = "The recording reached the {limit} limit and was stopped; the take was kept."
READ_INTERVAL_MS = 50

IDLE, RECORDING, SAVING = "idle", "recording", "saving"

_writer = WorkerPool(max_workers=1, name="recording-writer")


def _sample_width(kind: Any) -> int:
    sample = multimedia().QAudioFormat.SampleFormat
    widths = {sample.UInt8: 1, sample.Int16: 2, sample.Int32: 4, sample.Float: 4}
    return widths.get(kind, 2)


class RecordingError(MediaError):
    """A take could not be made; the message is the sentence to show."""


def speech_qformat() -> QAudioFormat:
    audio_format = multimedia().QAudioFormat
    fmt = audio_format()
    fmt.setSampleRate(SPEECH_FORMAT.rate)
    fmt.setChannelCount(SPEECH_FORMAT.channels)
    fmt.setSampleFormat(audio_format.SampleFormat.Int16)
    return fmt


def negotiate_format(device: QAudioDevice) -> tuple[QAudioFormat, SampleFormat]:
    """16 kHz mono 16-bit when the device takes it, else its preferred format (16-bit if it can)."""
    wanted = speech_qformat()
    if device.isFormatSupported(wanted):
        return wanted, SPEECH_FORMAT
    audio_format = multimedia().QAudioFormat
    chosen = device.preferredFormat()
    as_int16 = audio_format(chosen)
    as_int16.setSampleFormat(audio_format.SampleFormat.Int16)
    if device.isFormatSupported(as_int16):
        chosen = as_int16
    kind = chosen.sampleFormat()
    sample = SampleFormat(
        rate=chosen.sampleRate(),
        channels=chosen.channelCount(),
        width=_sample_width(kind),
        is_float=kind == audio_format.SampleFormat.Float,
    )
    return chosen, sample


class _SaveBridge(QObject):
    """Carries a finished write from the writer thread back to the UI thread."""

    saved = Signal(int, object)


class Recorder(QObject):
    """Records takes from one audio input.

    Args:
        device: the input to record from; None follows the system's default input, and a
            null ``QAudioDevice()`` means there is none.
        max_seconds: a take stops by itself at this length (and is kept).
        directory: where takes are written (default ``cache_dir()/recordings``).

    Signals:
        state_changed(str): "idle", "recording" or "saving".
        level_changed(float): loudness of the latest block, 0…1, for a meter.
        elapsed_changed(float): seconds recorded so far.
        limit_reached(): the take hit ``max_seconds`` and was stopped.
        finished(object): the take's WAV file (a Path) is written.
        failed(str): no take could be made; the sentence says why.
        availability_changed(bool): an input appeared or went away.
    """

    state_changed = Signal(str)
    level_changed = Signal(float)
    elapsed_changed = Signal(float)
    limit_reached = Signal()
    finished = Signal(object)
    failed = Signal(str)
    availability_changed = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        device: QAudioDevice | None = None,
        max_seconds: float = MAX_TAKE_SECONDS,
        directory: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._device = device
        self.max_seconds = max_seconds
        self.directory = directory
        self._state = IDLE
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._format = SPEECH_FORMAT
        self._data = bytearray()
        self._silence: SilenceDetector | None = None
        self._tokens = itertools.count(1)
        self._pending = 0
        self._takes = 0
        self._bridge = _SaveBridge(self)
        self._bridge.saved.connect(self._on_bridge_saved)
        self._timer = QTimer(self)
        self._timer.setInterval(READ_INTERVAL_MS)
        self._timer.timeout.connect(self._read)
        self._devices: Any = None
        self._sound_missing = ""
        self._watching = False
        self._was_available = False
        after_first_paint(self._watch_inputs)

    def _watch_inputs(self) -> None:
        """Load Qt Multimedia (after the window's first paint) and follow the inputs."""
        self._sound_missing = unavailable_reason()
        self._watching = True
        if not self._sound_missing:
            self._devices = multimedia().QMediaDevices(self)
            self._devices.audioInputsChanged.connect(self._on_inputs_changed)
        self._on_inputs_changed(force=True)

    # -- facts ---------------------------------------------------------------------------

    def device(self) -> QAudioDevice:
        if self._device is not None:
            return self._device
        return multimedia().QMediaDevices.defaultAudioInput()

    def available(self) -> bool:
        """True when there is an input to record from."""
        return self.unavailable_reason() == ""

    def unavailable_reason(self) -> str:
        """Why nothing can be recorded ("" when it can): no sound library, or no input."""
        if not self._watching:
            return CHECKING_NOTICE
        if self._sound_missing:
            return self._sound_missing
        return NO_INPUT_NOTICE if self.device().isNull() else ""

    def state(self) -> str:
        return self._state

    def is_recording(self) -> bool:
        return self._state == RECORDING

    def elapsed(self) -> float:
        return self._format.seconds(len(self._data))

    def sample_format(self) -> SampleFormat:
        """The layout of the samples the device delivers for the current (or last) take."""
        return self._format

    # -- control -------------------------------------------------------------------------

    def start(self, *, stop_on_silence: bool = False) -> bool:
        """Start a take; with ``stop_on_silence`` it ends once speech is followed by quiet.

        Returns False (and emits ``failed``) when recording cannot start.
        """
        if self._state != IDLE:
            return False
        reason = self.unavailable_reason()
        if reason:
            self.failed.emit(reason)
            return False
        device = self.device()
        qformat, self._format = negotiate_format(device)
        qt = multimedia()
        source = qt.QAudioSource(device, qformat, self)
        io = source.start()
        if io is None or source.error() != qt.QtAudio.Error.NoError:
            log.warning("audio input did not open: %s", source.error())
            source.stop()
            source.deleteLater()
            self.failed.emit(OPEN_FAILED)
            return False
        self._source, self._io = source, io
        source.stateChanged.connect(self._on_source_state_changed)
        self._data = bytearray()
        self._silence = SilenceDetector() if stop_on_silence else None
        self._takes += 1
        self._timer.start()
        self._set_state(RECORDING)
        self.elapsed_changed.emit(0.0)
        return True

    def stop(self) -> None:
        """End the take and write it; ``finished`` (or ``failed``) follows."""
        if self._state != RECORDING:
            return
        self._read()
        if self._state != RECORDING:
            return  # reading the rest ended the take already
        self._close_source()
        data, fmt = bytes(self._data), self._format
        self._data = bytearray()
        self.level_changed.emit(0.0)
        if not data:
            self._set_state(IDLE)
            self.failed.emit("Nothing was recorded: the microphone sent no sound.")
            return
        token = next(self._tokens)
        self._pending = token
        self._set_state(SAVING)
        future = _writer.submit(save_take, data, fmt, self.directory)
        future.add_done_callback(lambda done: self._bridge.saved.emit(token, done))

    def cancel(self) -> None:
        """Drop the take in progress (or forget the one being written)."""
        self._pending = 0
        self._close_source()
        self._data = bytearray()
        self.level_changed.emit(0.0)
        self._set_state(IDLE)

    async def record(self, *, stop_on_silence: bool = True) -> Path:
        """Make one take and return its WAV file; cancelling the caller cancels the take.

        Raises:
            RecordingError: no input, the input failed, or nothing was recorded.
        """
        import asyncio

        future: asyncio.Future[Path] = asyncio.get_running_loop().create_future()

        def done(path: object) -> None:
            if not future.done():
                future.set_result(Path(str(path)))

        def fail(sentence: str) -> None:
            if not future.done():
                future.set_exception(RecordingError(sentence))

        self.finished.connect(done)
        self.failed.connect(fail)
        take = self._takes + 1
        try:
            self.start(stop_on_silence=stop_on_silence)
            return await future
        except asyncio.CancelledError:
            if self._takes == take:  # still this take, not one started since
                self.cancel()
            raise
        finally:
            self.finished.disconnect(done)
            self.failed.disconnect(fail)

    # -- reading -------------------------------------------------------------------------

    @Slot()
    def _read(self) -> None:
        io = self._io
        if io is None or self._state != RECORDING:
            return
        chunk = bytes(io.readAll().data())
        if not chunk:
            return
        self._data.extend(chunk)
        db = level_db(chunk, self._format)
        self.level_changed.emit(meter_fraction(db))
        elapsed = self.elapsed()
        self.elapsed_changed.emit(elapsed)
        if elapsed >= self.max_seconds:
            self.limit_reached.emit()
            self.stop()
        elif self._silence is not None and self._silence.feed(db, self._format.seconds(len(chunk))):
            self.stop()

    def _close_source(self) -> None:
        self._timer.stop()
        source = self._source
        self._source, self._io = None, None
        if source is not None:
            try:
                source.stateChanged.disconnect(self._on_source_state_changed)
            except (RuntimeError, TypeError):
                log.debug("source signal already disconnected")
            source.stop()
            source.deleteLater()

    @Slot()
    def _on_source_state_changed(self) -> None:
        source = self._source
        if source is None or source.error() == multimedia().QtAudio.Error.NoError:
            return
        log.warning("audio input stopped: %s", source.error())
        if self._data:
            self.stop()  # keep what was heard before the device went away
            return
        self.cancel()
        self.failed.emit(OPEN_FAILED)

    @Slot(int, object)
    def _on_bridge_saved(self, token: int, future: object) -> None:
        if token != self._pending:
            return
        self._pending = 0
        self._set_state(IDLE)
        try:
            path = future.result()  # type: ignore[attr-defined]
        except OSError as exc:
            self.failed.emit(f"The recording could not be saved ({exc.strerror or exc}).")
            return
        except Exception as exc:
            log.exception("recording not written")
            self.failed.emit(f"The recording could not be saved ({exc}).")
            return
        self.finished.emit(path)

    def _on_inputs_changed(self, *, force: bool = False) -> None:
        available = self.available()
        if force or available != self._was_available:
            self._was_available = available
            self.availability_changed.emit(available)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def shutdown(self) -> None:
        """Drop any take in progress; call before the window closes."""
        self.cancel()


class RecordControl(QWidget):
    """A Record/Stop button with a level meter and the elapsed time while recording.

    With no input device the button is disabled, its tooltip says why and a short notice
    stands beside it.

    Signals:
        recorded(object): a take was written (its Path).
        failed(str): recording failed; the sentence says why.
        notice_given(str): something the person should know (the take hit the length cap).
    """

    recorded = Signal(object)
    failed = Signal(str)
    notice_given = Signal(str)

    def __init__(
        self,
        name: str,
        text: str = "Record",
        parent: QWidget | None = None,
        *,
        recorder: Recorder | None = None,
        tooltip: str = "Record from the microphone",
        purpose: str = "record",
        flat: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Control")
        self._purpose = purpose
        self.recorder = recorder if recorder is not None else Recorder(self)
        self._text = text
        self._tooltip = tooltip
        self._blocked_reason = ""
        self.button = QPushButton(text, self)
        self.button.setObjectName(name)
        self.button.setAccessibleName(text)
        self.button.clicked.connect(self._on_button_clicked)
        if flat:
            self.button.setProperty("variant", "flat")
        self.meter = QProgressBar(self)
        self.meter.setObjectName(f"{name}Level")
        self.meter.setAccessibleName("Input level")
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setFixedSize(72, 8)
        self.time_label = QLabel("0:00", self)
        self.time_label.setObjectName(f"{name}Time")
        self.time_label.setAccessibleName("Recorded time")
        self.notice_label = QLabel("No microphone", self)
        self.notice_label.setObjectName(f"{name}Notice")
        self.notice_label.setProperty("role", "hint")
        self.notice_label.setToolTip(NO_INPUT_NOTICE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (self.button, self.meter, self.time_label, self.notice_label):
            layout.addWidget(widget)
        self.recorder.state_changed.connect(self._on_recorder_state_changed)
        self.recorder.level_changed.connect(self._on_recorder_level_changed)
        self.recorder.elapsed_changed.connect(self._on_recorder_elapsed_changed)
        self.recorder.finished.connect(self.recorded)
        self.recorder.failed.connect(self.failed)
        self.recorder.limit_reached.connect(self._on_recorder_limit_reached)
        self.recorder.availability_changed.connect(self._show_state)
        self._show_state()

    def notice(self) -> str:
        """The reason recording is unavailable ("" when it is available)."""
        return self.recorder.unavailable_reason()

    def toggle(self) -> None:
        if self.recorder.is_recording():
            self.recorder.stop()
        else:
            self.recorder.start()

    def set_blocked(self, reason: str) -> None:
        """Keep the button disabled for ``reason`` (shown as its tooltip); "" unblocks it."""
        self._blocked_reason = reason
        self._show_state()

    def _on_button_clicked(self) -> None:
        self.toggle()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "button"):
            self._show_state()
        super().changeEvent(event)

    def _on_recorder_state_changed(self, _state: str) -> None:
        self._show_state()

    def _on_recorder_level_changed(self, level: float) -> None:
        self.meter.setValue(round(level * 100))

    def _on_recorder_elapsed_changed(self, seconds: float) -> None:
        self.time_label.setText(format_clock(seconds))

    def _on_recorder_limit_reached(self) -> None:
        limit = format_clock(self.recorder.max_seconds, round_up=True)
        self.notice_given.emit(LIMIT_NOTICE.format(limit=limit))

    def _show_state(self, *_args: object) -> None:
        state = self.recorder.state()
        reason = self.recorder.unavailable_reason()
        available = not reason
        recording = state == RECORDING
        self.button.setText("Stop" if recording else self._text)
        idle_role = "danger" if self._purpose == "record" else "text"
        self.button.setIcon(icon("stop") if recording else icon(self._purpose, idle_role))
        self.button.setAccessibleName("Stop recording" if recording else self._text)
        self.button.setEnabled(
            recording or (state == IDLE and available and not self._blocked_reason)
        )
        self.button.setToolTip(self._tooltip_for(recording, reason))
        self.meter.setVisible(recording)
        self.time_label.setVisible(recording or state == SAVING)
        self.notice_label.setText(_short_notice(reason))
        self.notice_label.setToolTip(reason)
        self.notice_label.setVisible(not available and not recording and reason != CHECKING_NOTICE)

    def _tooltip_for(self, recording: bool, reason: str) -> str:
        if recording:
            return "Stop and keep the take"
        if reason:
            return reason
        return self._blocked_reason or self._tooltip


def _short_notice(reason: str) -> str:
    """The few words beside a disabled Record button (the tooltip holds the sentence)."""
    return "No microphone" if reason == NO_INPUT_NOTICE else "Sound is off"
