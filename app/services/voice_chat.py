"""Voice input and the hands-free voice conversation, without Qt.

- Levels: the loudness of a block of recorded samples in dBFS, and as a 0…1 meter value.
- ``SilenceDetector``: tells when a speaker has finished (speech heard, then quiet for a while).
- Takes: recorded samples in whatever format the input device gave, written as a 16 kHz mono
  16-bit WAV file (atomically) under ``cache_dir()/recordings``.
- ``VoiceLoop``: listen → transcribe → reply → speak, round and round until cancelled.
- ``transcript_text`` / ``speak_text``: the speech-to-text and text-to-speech calls of a turn.
"""

from __future__ import annotations

import array
import io
import logging
import math
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.storage.atomic import write_bytes_atomic
from app.storage.paths import cache_dir

if TYPE_CHECKING:
    from markdown_it.token import Token
    from pydub import AudioSegment

    from app.api.audio_types import SpeechAudio
    from app.services.context import Services

log = logging.getLogger(__name__)

SPEECH_RATE = 16000
LEVEL_FLOOR_DB = -60.0
SILENCE_THRESHOLD_DB = -40.0
SILENCE_SECONDS = 1.5
MIN_SPEECH_SECONDS = 0.15
MAX_TAKE_SECONDS = 600

IDLE, LISTENING, TRANSCRIBING, THINKING, SPEAKING = (
    "idle",
    "listening",
    "transcribing",
    "thinking",
    "speaking",
)
STATE_LABELS = {
    IDLE: "",
    LISTENING: "Listening…",
    TRANSCRIBING: "Transcribing…",
    THINKING: "Thinking…",
    SPEAKING: "Speaking…",
}


# -- samples ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleFormat:
    """How recorded samples are laid out: rate, channels, bytes per sample, float or integer.

    Integer samples are signed, except 1-byte samples, which are unsigned (as in WAV).
    """

    rate: int
    channels: int
    width: int
    is_float: bool = False

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.width

    def seconds(self, byte_count: int) -> float:
        frame = self.frame_bytes
        return byte_count / frame / self.rate if frame and self.rate else 0.0


SPEECH_FORMAT = SampleFormat(SPEECH_RATE, 1, 2)


def _float_to_int16(data: bytes) -> bytes:
    samples = array.array("f")
    samples.frombytes(data[: len(data) - len(data) % 4])
    if sys.byteorder != "little":
        samples.byteswap()
    scaled = array.array("h", (int(max(-1.0, min(1.0, s)) * 32767) for s in samples))
    if sys.byteorder != "little":
        scaled.byteswap()
    return scaled.tobytes()


def segment_of(data: bytes, fmt: SampleFormat) -> AudioSegment:
    """The samples as a pydub segment with integer samples (floats become 16-bit)."""
    if fmt.is_float:
        data, width = _float_to_int16(data), 2
    else:
        width = fmt.width
    frame = width * fmt.channels
    data = data[: len(data) - len(data) % frame] if frame else b""
    if width == 1:
        # 8-bit WAV samples are unsigned; pydub's arithmetic takes them as signed.
        data = bytes((b - 128) & 0xFF for b in data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (DeprecationWarning, RuntimeWarning))
        from pydub import AudioSegment

    segment = AudioSegment(
        data=data, sample_width=width, frame_rate=fmt.rate, channels=fmt.channels
    )
    return segment


def level_db(data: bytes, fmt: SampleFormat) -> float:
    """Root-mean-square loudness of the samples in dBFS (``-inf`` for digital silence)."""
    segment = segment_of(data, fmt)
    if not len(segment.raw_data):
        return -math.inf
    return float(segment.dBFS)


def meter_fraction(db: float) -> float:
    """A dBFS level as a 0…1 meter value (``LEVEL_FLOOR_DB`` and below show as empty)."""
    if db <= LEVEL_FLOOR_DB:
        return 0.0
    return min(1.0, (db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB)


class SilenceDetector:
    """Says when a take should end: speech was heard, then the level stayed low long enough.

    Args:
        threshold_db: blocks louder than this count as speech.
        silence_seconds: how long the quiet after speech must last.
        min_speech_seconds: how much speech must be heard before quiet counts (a click or a
            cough alone does not start the countdown).
    """

    def __init__(
        self,
        threshold_db: float = SILENCE_THRESHOLD_DB,
        silence_seconds: float = SILENCE_SECONDS,
        min_speech_seconds: float = MIN_SPEECH_SECONDS,
    ) -> None:
        self.threshold_db = threshold_db
        self.silence_seconds = silence_seconds
        self.min_speech_seconds = min_speech_seconds
        self.speech_seconds = 0.0
        self.quiet_seconds = 0.0

    @property
    def heard_speech(self) -> bool:
        return self.speech_seconds >= self.min_speech_seconds

    def feed(self, db: float, seconds: float) -> bool:
        """Account for a block of ``seconds`` at level ``db``; True once the take is over."""
        if db > self.threshold_db:
            self.speech_seconds += seconds
            self.quiet_seconds = 0.0
            return False
        if self.heard_speech:
            self.quiet_seconds += seconds
        return self.heard_speech and self.quiet_seconds >= self.silence_seconds


# -- takes ------------------------------------------------------------------------------------


def recordings_dir() -> Path:
    """Where recorded takes are kept (``cache_dir()/recordings``)."""
    folder = cache_dir() / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def take_wav(data: bytes, fmt: SampleFormat) -> bytes:
    """The samples as a 16 kHz mono 16-bit WAV file."""
    segment = segment_of(data, fmt).set_sample_width(2).set_channels(1)
    segment = segment.set_frame_rate(SPEECH_RATE)
    buffer = io.BytesIO()
    segment.export(buffer, format="wav")
    return buffer.getvalue()


def save_take(data: bytes, fmt: SampleFormat, directory: Path | None = None) -> Path:
    """Write the samples as WAV under ``directory`` (default ``recordings_dir()``), atomically."""
    folder = directory if directory is not None else recordings_dir()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"recording-{stamp}.wav"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"recording-{stamp}-{number}.wav"
    return write_bytes_atomic(target, take_wav(data, fmt))


# -- one voice turn ---------------------------------------------------------------------------


async def transcript_text(services: Services, model: str, take: Path) -> str:
    """The text spoken in ``take``, transcribed with ``model`` (blank when nothing was said)."""
    from app.services.transcription import stt_options

    transcript = await services.transcription.transcribe(
        model, file=take, options=stt_options(model)
    )
    return transcript.text.strip()


async def speak_text(services: Services, model: str, text: str, voice: str = "") -> SpeechAudio:
    """``text`` spoken by ``model`` (with ``voice``, else the model's default voice), joined."""
    from app.services.speech import SpeechRequest

    request = SpeechRequest(model=model, text=text, voice=voice)
    parts = await services.speech.generate(request)
    if len(parts) == 1:
        return parts[0]
    return (await services.speech.join(parts)).audio


# -- the loop ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceSteps:
    """The four steps of a voice turn.

    Attributes:
        listen: records until the speaker stops; the take, or None when nothing was said.
        transcribe: the text of a take ("" when no words were found).
        reply: the answer to a user's text, or None when no answer came (stopped, failed).
        speak: plays the answer and returns when it has been heard.
    """

    listen: Callable[[], Awaitable[Path | None]]
    transcribe: Callable[[Path], Awaitable[str]]
    reply: Callable[[str], Awaitable[str | None]]
    speak: Callable[[str], Awaitable[None]]


class VoiceLoop:
    """Runs voice turns one after another until the task running ``run`` is cancelled.

    ``on_state`` is called with LISTENING, TRANSCRIBING, THINKING, SPEAKING, and IDLE at the
    end. Cancelling the task stops the step in progress (each step cleans up after itself).
    An error in a step ends the loop and propagates; a reply of None ends it quietly.
    """

    def __init__(self, steps: VoiceSteps, on_state: Callable[[str], None]) -> None:
        self.steps = steps
        self.on_state = on_state
        self.turns = 0

    async def run(self) -> None:
        try:
            while await self.turn():
                self.turns += 1
        finally:
            self.on_state(IDLE)

    async def turn(self) -> bool:
        """One turn; False when the loop should end."""
        import asyncio

        self.on_state(LISTENING)
        take = await self.steps.listen()
        if take is None:
            return True
        self.on_state(TRANSCRIBING)
        text = await self.steps.transcribe(take)
        if not text:
            log.info("nothing was heard in %s", take.name)
            return True
        self.on_state(THINKING)
        answer = await self.steps.reply(text)
        if answer is None:
            return False
        if answer.strip():
            self.on_state(SPEAKING)
            await self.steps.speak(answer)
        await asyncio.sleep(0)
        return True


def padded_words(words: str, before: str, after: str) -> str:
    """``words`` with a space added where they would touch the text around the cursor."""
    words = words.strip()
    if before and not before.isspace():
        words = " " + words
    if after and not after.isspace() and after not in ".,;:!?)":
        words = words + " "
    return words


# -- what is spoken ---------------------------------------------------------------------------

CODE_MENTION = "(The code is shown in the chat.)"


def spoken_text(markdown: str) -> str:
    """The words of a Markdown reply, as they should be read out: no markup, no code blocks."""
    from markdown_it import MarkdownIt

    lines: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type in ("fence", "code_block"):
            lines.append(CODE_MENTION)
        elif token.type == "inline":
            words = "".join(_inline_words(token.children or []))
            if words.strip():
                lines.append(words.strip())
    return "\n".join(lines)


def _inline_words(children: list[Token]) -> list[str]:
    words: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.type == "image":
            words.append(child.content)
    return words
