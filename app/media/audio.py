"""Audio work on pydub and FFmpeg: find the tools, probe, load, convert, export, decode.

Everything but WAV needs ``ffmpeg``/``ffprobe``. They are looked up on PATH, then next to the
program (a bundled copy in a frozen build). When they are missing, a ``MediaError`` says how
to install them; no traceback reaches the person.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.errors import MediaError as MediaError  # raised here, importable from here
from app.storage.atomic import write_bytes_atomic
from app.storage.paths import cache_dir

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterable, Sequence

    from pydub import AudioSegment


def _pydub() -> Any:
    """The pydub package, imported on first use (it is not needed until audio is decoded)."""
    with warnings.catch_warnings():
        # pydub warns at import when ffmpeg is absent, and about audioop on newer Pythons.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import pydub
        import pydub.exceptions
    return pydub


def __getattr__(name: str) -> Any:
    if name == "AudioSegment":
        return _pydub().AudioSegment
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EXPORT_FORMATS = ("wav", "mp3", "ogg", "flac")
_EXPORT_CODECS = {"ogg": "libvorbis", "mp3": "libmp3lame"}
_PROBE_TIMEOUT_S = 60
_CONVERT_TIMEOUT_S = 3600


@dataclass(frozen=True)
class AudioInfo:
    duration: float | None
    channels: int | None
    sample_rate: int | None
    codec: str | None
    has_audio: bool
    format_name: str | None = None


@dataclass(frozen=True)
class Pcm:
    """Raw interleaved little-endian PCM samples, ready for an audio output device."""

    data: bytes
    sample_rate: int
    channels: int
    sample_width: int

    @property
    def duration(self) -> float:
        frame = self.channels * self.sample_width
        return len(self.data) / frame / self.sample_rate if frame and self.sample_rate else 0.0


# -- finding FFmpeg ----------------------------------------------------------------------------


def _executable(name: str) -> str:
    return f"{name}.exe" if sys.platform == "win32" else name


def _bundle_dirs() -> list[Path]:
    roots = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle))
    if getattr(sys, "frozen", False) or bundle:
        roots.append(Path(sys.executable).resolve().parent)
    return [folder for root in roots for folder in (root, root / "ffmpeg", root / "ffmpeg" / "bin")]


def find_ffmpeg() -> tuple[str, str] | None:
    """Paths of ffmpeg and ffprobe: from PATH, else a bundled pair; None when absent."""
    on_path = shutil.which("ffmpeg"), shutil.which("ffprobe")
    if on_path[0] and on_path[1]:
        return on_path[0], on_path[1]
    for folder in _bundle_dirs():
        ffmpeg, ffprobe = folder / _executable("ffmpeg"), folder / _executable("ffprobe")
        if ffmpeg.is_file() and ffprobe.is_file():
            return str(ffmpeg), str(ffprobe)
    return None


def install_instruction() -> str:
    if sys.platform == "darwin":
        how = "install it with Homebrew: brew install ffmpeg"
    elif sys.platform == "win32":
        how = "install it with: winget install ffmpeg (or from ffmpeg.org), then restart the app"
    else:
        how = "install your system's ffmpeg package, for example: sudo apt install ffmpeg"
    return f"FFmpeg is needed for this audio file but was not found; {how}."


def require_ffmpeg() -> tuple[str, str]:
    """Find FFmpeg and point pydub at it.

    Raises:
        MediaError: with an install instruction when FFmpeg is missing.
    """
    found = find_ffmpeg()
    if found is None:
        raise MediaError(install_instruction())
    ffmpeg, ffprobe = found
    _pydub().AudioSegment.converter = ffmpeg
    folder = str(Path(ffprobe).parent)
    search_path = os.environ.get("PATH", "").split(os.pathsep)
    if shutil.which("ffprobe") is None and folder not in search_path:
        # pydub looks ffprobe up on PATH only.
        os.environ["PATH"] = os.pathsep.join([folder, *search_path])
    return found


def _run(command: Sequence[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    import subprocess  # loaded for a first FFmpeg run, not with the window

    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        return subprocess.run(
            list(command),
            capture_output=True,
            timeout=timeout,
            check=False,
            creationflags=flags,
        )
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"FFmpeg took longer than {timeout:.0f} seconds and was stopped.") from exc
    except OSError as exc:
        raise MediaError(f"FFmpeg could not be started ({exc.strerror or exc}).") from exc


# -- probing -----------------------------------------------------------------------------------


N = TypeVar("N", int, float)


def _number(value: Any, kind: Callable[[Any], N]) -> N | None:
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


def probe(path: str | Path) -> AudioInfo:
    """Read duration, channels, sample rate and codec of an audio or video file.

    Raises:
        MediaError: the file is missing, FFmpeg is missing, or the file is not media.
    """
    source = Path(path)
    if not source.is_file():
        raise MediaError(f"The file {source} does not exist.")
    _, ffprobe = require_ffmpeg()
    command = [ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(source)]
    result = _run(command, _PROBE_TIMEOUT_S)
    if result.returncode != 0:
        raise MediaError(f"{source.name} is not an audio or video file that can be read.")
    info = json.loads(result.stdout or b"{}")
    streams = info.get("streams") or []
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    container = info.get("format") or {}
    duration = _number(container.get("duration"), float)
    if duration is None and audio is not None:
        duration = _number(audio.get("duration"), float)
    if audio is None and not streams:
        raise MediaError(f"{source.name} has no audio or video in it.")
    return AudioInfo(
        duration=duration,
        channels=_number(audio.get("channels"), int) if audio else None,
        sample_rate=_number(audio.get("sample_rate"), int) if audio else None,
        codec=audio.get("codec_name") if audio else None,
        has_audio=audio is not None,
        format_name=container.get("format_name"),
    )


# -- loading, exporting, decoding --------------------------------------------------------------


def _is_wav(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def load(source: str | Path | bytes) -> AudioSegment:
    """Decode a file or in-memory bytes into a pydub AudioSegment.

    Raises:
        MediaError: the data cannot be decoded, or FFmpeg is needed and missing.
    """
    if isinstance(source, bytes | bytearray):
        head, name = bytes(source[:12]), "The audio"
        stream: io.BytesIO | str = io.BytesIO(bytes(source))
    else:
        path = Path(source)
        try:
            with path.open("rb") as handle:
                head = handle.read(12)
        except OSError as exc:
            raise MediaError(f"{path} cannot be read ({exc.strerror or exc}).") from exc
        name, stream = path.name, str(path)
    if not head:
        raise MediaError(f"{name} is empty.")
    pydub = _pydub()
    AudioSegment, CouldntDecodeError = pydub.AudioSegment, pydub.exceptions.CouldntDecodeError
    if _is_wav(head):
        try:
            return AudioSegment.from_file(stream, format="wav")
        except (CouldntDecodeError, EOFError, ValueError):
            pass  # unusual WAV flavours go through FFmpeg below
        if isinstance(stream, io.BytesIO):
            stream.seek(0)
    require_ffmpeg()
    try:
        return AudioSegment.from_file(stream)
    except (CouldntDecodeError, IndexError, KeyError, ValueError) as exc:
        raise MediaError(
            f"{name} could not be read: it is damaged, or not in a sound format FFmpeg knows."
        ) from exc


def to_bytes(segment: AudioSegment, fmt: str, *, bitrate: str | None = None) -> bytes:
    """Encode ``segment`` as "wav", "mp3", "ogg" or "flac"."""
    fmt = fmt.lower()
    if fmt not in EXPORT_FORMATS:
        raise MediaError(f"Saving as {fmt} is not supported; choose WAV, MP3, OGG or FLAC.")
    if fmt != "wav":
        require_ffmpeg()
    buffer = io.BytesIO()
    try:
        segment.export(buffer, format=fmt, codec=_EXPORT_CODECS.get(fmt), bitrate=bitrate)
    except _pydub().exceptions.CouldntEncodeError as exc:
        raise MediaError(f"FFmpeg could not encode the audio as {fmt.upper()}.") from exc
    return buffer.getvalue()


def export(
    segment: AudioSegment, path: str | Path, fmt: str | None = None, *, bitrate: str | None = None
) -> Path:
    """Write ``segment`` to ``path`` atomically; the format defaults to the file's suffix."""
    target = Path(path)
    chosen = (fmt or target.suffix.lstrip(".") or "wav").lower()
    return write_bytes_atomic(target, to_bytes(segment, chosen, bitrate=bitrate))


def decode_pcm(
    source: str | Path | bytes, *, sample_rate: int | None = None, channels: int | None = None
) -> Pcm:
    """Decode to 16-bit PCM for playback, optionally resampled to ``sample_rate`` and
    mixed to ``channels``."""
    segment = load(source).set_sample_width(2)
    if sample_rate:
        segment = segment.set_frame_rate(sample_rate)
    if channels:
        segment = segment.set_channels(channels)
    return Pcm(
        data=segment.raw_data,
        sample_rate=segment.frame_rate,
        channels=segment.channels,
        sample_width=segment.sample_width,
    )


def concatenate(segments: Iterable[AudioSegment], *, gap_ms: int = 0) -> AudioSegment:
    """Join clips in order, with ``gap_ms`` of silence between them."""
    joined: AudioSegment | None = None
    for segment in segments:
        if joined is None:
            joined = segment
            continue
        if gap_ms > 0:
            joined += _pydub().AudioSegment.silent(duration=gap_ms, frame_rate=joined.frame_rate)
        joined += segment
    if joined is None:
        raise MediaError("There is no audio to join.")
    return joined


def split_by_duration(segment: AudioSegment, max_ms: int) -> list[AudioSegment]:
    """Cut ``segment`` into consecutive pieces no longer than ``max_ms``."""
    if max_ms <= 0:
        raise ValueError("max_ms must be positive")
    return [segment[start : start + max_ms] for start in range(0, len(segment), max_ms)]


# -- video -------------------------------------------------------------------------------------


def audio_track_of(video_path: str | Path, target: str | Path | None = None) -> Path:
    """Extract the audio track of a video (or any media file) as speech-ready MP3.

    The track is mono 16 kHz at 64 kbit/s, small enough to upload. Without ``target`` it is
    written to a new file in the cache folder; the caller removes it when done.

    Raises:
        MediaError: FFmpeg is missing, or the file has no audio track.
    """
    source = Path(video_path)
    info = probe(source)
    if not info.has_audio:
        raise MediaError(f"{source.name} has no audio track.")
    ffmpeg, _ = require_ffmpeg()
    if target is None:
        # the hidden partial file reserves a unique name; the track gets it without the dot
        # and ".part" only once ffmpeg has finished, so a kill leaves no empty track behind
        folder = cache_dir() / "tracks"
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{source.stem}-", suffix=".part.mp3", dir=folder)
        os.close(handle)
        partial = Path(name)
        destination = partial.with_name(partial.name[1:].removesuffix(".part.mp3") + ".mp3")
    else:
        destination = Path(target)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.part.mp3")
    command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), "-vn", "-map", "0:a:0"]
    command += ["-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", "64k", str(partial)]
    result = _run(command, _CONVERT_TIMEOUT_S)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise MediaError(f"The audio track of {source.name} could not be extracted.")
    os.replace(partial, destination)
    return destination


# -- splitting long recordings for upload ------------------------------------------------------

SPEECH_FRAME_RATE = 16000
_PART_BYTES_PER_MS = {"wav": SPEECH_FRAME_RATE * 2 / 1000, "mp3": 64000 / 8 / 1000}
_PART_HEADER_BYTES = 4096
_PART_SAFETY = 0.95
_SILENCE_WINDOW = 0.3
_MAX_SILENCE_WINDOW_MS = 90_000
_MIN_SILENCE_MS = 250
_SILENCE_BELOW_AVERAGE_DB = 16


@dataclass(frozen=True)
class AudioPart:
    """One piece of a longer recording: its file and where it starts in the whole, in seconds."""

    path: Path
    start: float
    duration: float


def part_length_ms(max_bytes: int, fmt: str) -> int:
    """How many milliseconds of speech-ready (mono 16 kHz) audio fit in ``max_bytes``."""
    usable = max(max_bytes - _PART_HEADER_BYTES, 1)
    return max(int(usable / _PART_BYTES_PER_MS[fmt] * _PART_SAFETY), 1000)


def _silence_threshold(segment: AudioSegment) -> float:
    loudness = segment.dBFS
    return (loudness if loudness != float("-inf") else -60.0) - _SILENCE_BELOW_AVERAGE_DB


def cut_points_on_silence(segment: AudioSegment, max_ms: int) -> list[int]:
    """Where to cut ``segment`` so no piece is longer than ``max_ms``: boundaries in ms.

    Each cut lies in the middle of the last pause found in the final stretch before the limit,
    so words are not cut in half; with no pause there, the cut falls at the limit.
    """
    from pydub.silence import detect_silence

    if max_ms <= 0:
        raise ValueError("max_ms must be positive")
    threshold = _silence_threshold(segment)
    window = min(max(int(max_ms * _SILENCE_WINDOW), _MIN_SILENCE_MS), _MAX_SILENCE_WINDOW_MS)
    points = [0]
    while len(segment) - points[-1] > max_ms:
        limit = points[-1] + max_ms
        search_from = max(limit - window, points[-1] + 1)
        pauses = detect_silence(
            segment[search_from:limit],
            min_silence_len=_MIN_SILENCE_MS,
            silence_thresh=threshold,
            seek_step=10,
        )
        if pauses:
            begin, end = pauses[-1]
            points.append(search_from + (begin + end) // 2)
        else:
            points.append(limit)
    points.append(len(segment))
    return points


def split_for_upload(
    source: str | Path, max_bytes: int, folder: str | Path, fmt: str = "mp3"
) -> list[AudioPart]:
    """Cut a recording into mono 16 kHz parts of at most ``max_bytes`` each, on pauses.

    Args:
        source: the recording (any format pydub and FFmpeg read).
        max_bytes: the upload limit of one part.
        folder: where the part files are written (the caller removes them).
        fmt: "wav" (needs no FFmpeg for WAV sources) or "mp3" (64 kbit/s).

    Raises:
        MediaError: the recording cannot be decoded or FFmpeg is missing.
    """
    if fmt not in _PART_BYTES_PER_MS:
        raise ValueError(f"parts are WAV or MP3, not {fmt}")
    path = Path(source)
    segment = load(path).set_channels(1).set_frame_rate(SPEECH_FRAME_RATE).set_sample_width(2)
    points = cut_points_on_silence(segment, part_length_ms(max_bytes, fmt))
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    parts = []
    for number, (begin, end) in enumerate(itertools.pairwise(points), start=1):
        piece = target / f"{path.stem}-part{number:03d}.{fmt}"
        export(segment[begin:end], piece, fmt, bitrate="64k" if fmt == "mp3" else None)
        parts.append(AudioPart(path=piece, start=begin / 1000, duration=(end - begin) / 1000))
    return parts
