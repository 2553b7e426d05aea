"""Short real audio clips for the player and speech tests, made with pydub."""

from __future__ import annotations

import io
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.generators import Sine


def tone(seconds: float, *, frequency: float = 440.0, rate: int = 24000) -> AudioSegment:
    """A mono 16-bit sine tone of ``seconds``."""
    segment = Sine(frequency, sample_rate=rate, bit_depth=16).to_audio_segment(
        duration=seconds * 1000, volume=-12.0
    )
    return segment.set_channels(1)


def tone_wav(seconds: float, *, frequency: float = 440.0, rate: int = 24000) -> bytes:
    """``tone`` as WAV file bytes."""
    buffer = io.BytesIO()
    tone(seconds, frequency=frequency, rate=rate).export(buffer, format="wav")
    return buffer.getvalue()
