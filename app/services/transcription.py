"""Speech to text: checks the input before any upload, then transcribes a file or a URL.

Files go through three steps: ``inspect_file`` refuses what cannot be transcribed (with the
reason) and reads the duration; ``prepare_upload`` takes the audio track out of a video and
cuts a recording over the upload limit into parts on pauses; the parts are transcribed one by
one and stitched with their times shifted by each part's start. Where the server does not
offer ``/v1/stt/create`` (404/405), the legacy synchronous ``/v1/stt`` is used instead.
"""

from __future__ import annotations

import logging
import mimetypes
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.audio_format import sniff_audio_format
from app.api.audio_types import Segment, Transcript, Word
from app.api.errors import ApiStatusError, InvalidInputError
from app.api.types import Cost
from app.services.stream_bridge import on_loop
from app.services.stt_families import SttChoices, build_options
from app.services.usage import transcription_record
from app.storage.ids import random_id

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.media.audio import AudioPart
    from app.services.service_context import ServiceContext

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, float | None], None]
_SNIFF_BYTES = 64
AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".ogg", ".oga", ".opus", ".flac", ".webm", ".aac")
VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".m4v", ".avi")
SUPPORTED_SUFFIXES = AUDIO_SUFFIXES + VIDEO_SUFFIXES
_CREATE_MISSING_STATUSES = (404, 405)
MEGABYTE = 1024 * 1024


def supported_list() -> str:
    """ "MP3, WAV, …" for sentences that name the accepted formats."""
    return ", ".join(s.lstrip(".").upper() for s in SUPPORTED_SUFFIXES)


def _looks_like_media_by_name(path: Path) -> bool:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed is not None and guessed.split("/")[0] in ("audio", "video")


def _probe_has_audio(path: Path) -> bool | None:
    """True/False from ffprobe; None when ffprobe is not available."""
    from app.media import audio as media_audio

    if media_audio.find_ffmpeg() is None:
        return None
    try:
        info = media_audio.probe(path)
    except media_audio.MediaError as exc:
        log.info("probe of %s failed: %s", path.name, exc)
        return False
    return bool(info.has_audio)


def check_audio_file(path: str | Path) -> Path:
    """Make sure ``path`` is a non-empty file with sound in it, before anything is uploaded.

    Raises:
        InvalidInputError: with a sentence saying what is wrong with the file.
    """
    file = Path(path).expanduser()
    if not file.exists():
        raise InvalidInputError(f"File not found: {file}.")
    if not file.is_file():
        raise InvalidInputError(f"The path {file} is a folder, not an audio file.")
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InvalidInputError(f"The file {file} cannot be read ({exc.strerror or exc}).") from exc
    if size == 0:
        raise InvalidInputError(
            f"The file {file} is empty (0 bytes); there is nothing to transcribe."
        )
    has_audio = _probe_has_audio(file)
    if has_audio is None:
        has_audio = sniff_audio_format(head) != "unknown" or _looks_like_media_by_name(file)
    if not has_audio:
        raise InvalidInputError(
            f"The file {file.name} does not look like an audio or video file with sound in it; "
            "choose a recording such as WAV, MP3, M4A, OGG or FLAC."
        )
    return file


def check_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise InvalidInputError(f"{url or 'The URL'} is not a web address (http:// or https://).")
    return url


def stt_options(model: str, *, language: str | None = None) -> dict[str, Any]:
    """Options for one model family (AssemblyAI calls the language ``language_code``)."""
    return build_options(model, SttChoices(language=language or None))


# -- inspecting and preparing files ------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    """A file that passed the checks: its length in seconds (None without FFmpeg)."""

    path: Path
    duration: float | None
    is_video: bool


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def inspect_file(path: str | Path) -> SourceInfo:
    """Refuse files that cannot be transcribed, with the reason; read the duration.

    Raises:
        InvalidInputError: unsupported type, missing, empty, unreadable or without sound.
        MediaError: a video, and FFmpeg (needed for its audio track) is missing.
    """
    from app.media import audio as media_audio

    file = Path(path).expanduser()
    if file.is_file() and file.suffix.lower() not in SUPPORTED_SUFFIXES:
        kind = file.suffix.upper().lstrip(".") or "without an extension"
        raise InvalidInputError(
            f"{file.name} is not an audio or video file this tab reads ({kind}); "
            f"use {supported_list()}."
        )
    checked = check_audio_file(file)
    video = is_video(checked)
    if media_audio.find_ffmpeg() is None:
        if video:
            raise media_audio.MediaError(media_audio.install_instruction())
        return SourceInfo(checked, None, video)
    info = media_audio.probe(checked)
    if not info.has_audio:
        raise InvalidInputError(f"{checked.name} has no audio track to transcribe.")
    return SourceInfo(checked, info.duration, video)


@dataclass
class PreparedUpload:
    """What is sent for one file: one part, or several with their start times."""

    parts: list[AudioPart]
    work_dir: Path | None = None
    temporary: list[Path] = field(default_factory=list)

    def clean_up(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def prepare_upload(path: Path, max_bytes: int) -> PreparedUpload:
    """The audio to upload for ``path``: the audio track of a video, cut into parts on pauses
    when it is larger than ``max_bytes``.

    Raises:
        MediaError: FFmpeg is needed and missing, or the audio cannot be decoded.
    """
    from app.media import audio as media_audio
    from app.storage.paths import cache_dir

    prepared = PreparedUpload(parts=[])
    upload = path
    if is_video(path):
        upload = media_audio.audio_track_of(path)
        prepared.temporary.append(upload)
    if upload.stat().st_size <= max_bytes:
        prepared.parts = [media_audio.AudioPart(path=upload, start=0.0, duration=0.0)]
        return prepared
    prepared.work_dir = cache_dir() / "stt-parts" / random_id(16)
    fmt = "wav" if upload.suffix.lower() == ".wav" else "mp3"
    try:
        prepared.parts = media_audio.split_for_upload(upload, max_bytes, prepared.work_dir, fmt)
    except BaseException:
        prepared.clean_up()
        raise
    log.info("%s split into %d parts for upload", path.name, len(prepared.parts))
    return prepared


# -- stitching parts ---------------------------------------------------------------------------


def shift_transcript(transcript: Transcript, offset: float) -> Transcript:
    """The same transcript with every segment and word moved ``offset`` seconds later."""
    if offset == 0:
        return transcript
    return replace(
        transcript,
        segments=tuple(
            replace(s, start=s.start + offset, end=s.end + offset) for s in transcript.segments
        ),
        words=tuple(
            replace(w, start=w.start + offset, end=w.end + offset) for w in transcript.words
        ),
    )


def _sum(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _segments_of(part: AudioPart, transcript: Transcript) -> tuple[Segment, ...]:
    if transcript.segments or not transcript.text.strip():
        return transcript.segments
    end = part.start + (transcript.duration or part.duration)
    return (Segment(text=transcript.text.strip(), start=part.start, end=end),)


def stitch_transcripts(pieces: Sequence[tuple[AudioPart, Transcript]]) -> Transcript:
    """Join the transcripts of consecutive parts into one, times shifted by each part's start.

    A part whose result has no segments (OpenAI, MAI) becomes one segment spanning the part.
    """
    if len(pieces) == 1:
        return pieces[0][1]
    segments: list[Segment] = []
    words: list[Word] = []
    for part, transcript in pieces:
        moved = shift_transcript(transcript, part.start)
        segments.extend(_segments_of(part, moved))
        words.extend(moved.words)
    last_part, last = pieces[-1]
    return Transcript(
        text=" ".join(t.text.strip() for _, t in pieces if t.text.strip()),
        segments=tuple(segments),
        words=tuple(words),
        language=next((t.language for _, t in pieces if t.language), None),
        duration=last_part.start + (last_part.duration or last.duration or 0.0),
        cost=Cost(
            credits=_sum([t.cost.credits for _, t in pieces]),
            usd=_sum([t.cost.usd for _, t in pieces]),
        ),
    )


def with_audio_length(transcript: Transcript, path: Path) -> Transcript:
    """The transcript with the file's length as its duration when the server gave none (OpenAI
    and MAI shapes), so a transcript without segments becomes one cue spanning the audio."""
    from app.media import audio as media_audio

    if transcript.duration:
        return transcript
    try:
        length = media_audio.probe(path).duration
    except (media_audio.MediaError, OSError) as exc:
        log.info("the length of %s could not be read: %s", path.name, exc)
        return transcript
    return replace(transcript, duration=length) if length else transcript


# -- talking to the server ---------------------------------------------------------------------


def _create_route_missing(exc: ApiStatusError, created: bool) -> bool:
    """True when a 404/405 means the server has no ``/v1/stt/create`` (not a missing job)."""
    if exc.status not in _CREATE_MISSING_STATUSES:
        return False
    path = exc.body.get("path") if isinstance(exc.body, dict) else None
    if isinstance(path, str) and path:
        return path.rstrip("/").endswith("/stt/create")
    return not created


@dataclass(frozen=True)
class SttRequest:
    """One transcription call: the model, the source and the family's options."""

    model: str
    file: Path | None = None
    url: str | None = None
    options: dict[str, Any] | None = None


def transcribe_once(
    client: ApiClient,
    request: SttRequest,
    cancel: threading.Event,
    on_progress: ProgressCallback | None,
    poll_interval: float,
) -> Transcript:
    """Create + poll; the legacy synchronous call when the server has no create route."""
    created = threading.Event()

    def progress(stage: str, fraction: float | None) -> None:
        if stage != "uploading":
            created.set()
        if on_progress is not None:
            on_progress(stage, fraction)

    source: dict[str, Any] = {
        "model": request.model,
        "file": request.file,
        "url": request.url,
        "options": request.options or None,
        "cancel": cancel,
    }
    try:
        return client.audio.transcribe(**source, on_progress=progress, poll_interval=poll_interval)
    except ApiStatusError as exc:
        if client.config.dialect == "openai" or not _create_route_missing(exc, created.is_set()):
            raise
        log.info("no /v1/stt/create here (HTTP %s); using the synchronous /v1/stt", exc.status)
    return client.audio.transcribe_sync(**source, on_progress=on_progress)


def _part_progress(
    on_progress: ProgressCallback | None, index: int, count: int
) -> ProgressCallback | None:
    if on_progress is None or count == 1:
        return on_progress

    def report(stage: str, fraction: float | None) -> None:
        done = index + (fraction or 0.0) if stage == "uploading" else index + 0.5
        on_progress(stage, min(done / count, 1.0))

    return report


def transcribe_parts(
    client: ApiClient,
    request: SttRequest,
    parts: Sequence[AudioPart],
    cancel: threading.Event,
    on_progress: ProgressCallback | None,
    poll_interval: float,
) -> Transcript:
    """Transcribe each part in turn and stitch the results."""
    pieces = []
    for index, part in enumerate(parts):
        piece = transcribe_once(
            client,
            replace(request, file=part.path),
            cancel,
            _part_progress(on_progress, index, len(parts)),
            poll_interval,
        )
        pieces.append((part, piece))
    return stitch_transcripts(pieces)


class TranscriptionService:
    """Transcribes files and URLs; ``poll_interval`` is the pause between status checks."""

    def __init__(self, services: ServiceContext, *, poll_interval: float = 3.0) -> None:
        self._services = services
        self.poll_interval = poll_interval
        self._upload_limit_bytes: int | None = None

    @property
    def upload_limit_bytes(self) -> int:
        """Files larger than this are cut into parts (Settings.stt_upload_limit_mb)."""
        if self._upload_limit_bytes is not None:
            return self._upload_limit_bytes
        return max(int(self._services.settings.stt_upload_limit_mb), 1) * MEGABYTE

    @upload_limit_bytes.setter
    def upload_limit_bytes(self, value: int | None) -> None:
        self._upload_limit_bytes = value

    def _recorded(
        self, model: str, work: Callable[[ApiClient], Transcript]
    ) -> Callable[[ApiClient], Transcript]:
        """``work`` that also leaves the cost record of the transcript it returns."""

        def run(client: ApiClient) -> Transcript:
            transcript = work(client)
            self._services.usage.record(transcription_record(model, transcript))
            return transcript

        return run

    async def inspect(self, path: str | Path) -> SourceInfo:
        """``inspect_file`` on the worker pool."""
        return await self._services.runner.run(inspect_file, path)

    async def transcribe(
        self,
        model: str,
        file: str | Path | None = None,
        url: str | None = None,
        options: dict[str, Any] | None = None,
        cancel: threading.Event | None = None,
        on_progress: ProgressCallback | None = None,
        poll_interval: float | None = None,
    ) -> Transcript:
        """Transcribe one file or one URL.

        ``on_progress(stage, fraction)`` is called on the event loop's thread. Cancelling the
        awaiting task (or setting ``cancel``) stops the upload or the polling.

        Raises:
            InvalidInputError: before any request, when the input cannot be transcribed.
            MediaError: FFmpeg is needed for this file and missing.
        """
        import asyncio

        if (file is None) == (url is None):
            raise InvalidInputError("Give either an audio file or a URL to transcribe.")
        stop = cancel or threading.Event()
        progress = on_loop(on_progress)
        try:
            return await self._transcribe(model, file, url, options, stop, progress, poll_interval)
        except asyncio.CancelledError:
            stop.set()
            if progress is not None:
                progress.close()  # cancelled: no report runs after this
            raise
        finally:
            if progress is not None:
                progress.finish()  # the last reports run before the result is returned

    async def _transcribe(
        self,
        model: str,
        file: str | Path | None,
        url: str | None,
        options: dict[str, Any] | None,
        stop: threading.Event,
        progress: ProgressCallback | None,
        poll_interval: float | None,
    ) -> Transcript:
        import asyncio

        runner = self._services.runner
        request = SttRequest(model=model, options=options or None)
        interval = self.poll_interval if poll_interval is None else poll_interval
        if url is not None:
            request = replace(request, url=check_url(url))
            return await self._services.call(
                self._recorded(
                    model,
                    lambda client: transcribe_once(client, request, stop, progress, interval),
                )
            )
        assert file is not None  # exactly one of file and url was given
        checked = await runner.run(check_audio_file, file)
        prepared = await runner.run(prepare_upload, checked, self.upload_limit_bytes)
        try:
            transcript = await self._services.call(
                self._recorded(
                    model,
                    lambda client: transcribe_parts(
                        client, request, prepared.parts, stop, progress, interval
                    ),
                )
            )
            return await runner.run(with_audio_length, transcript, checked)
        except asyncio.CancelledError:
            stop.set()  # before the upload's files go
            raise
        finally:
            prepared.clean_up()
