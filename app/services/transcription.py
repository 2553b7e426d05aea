"""Speech to text: checks the input before any upload, then transcribes a file or a URL."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.audio_format import sniff_audio_format
from app.api.errors import InvalidInputError
from app.api.types import Transcript

if TYPE_CHECKING:
    from app.services.context import Services

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, float | None], None]
_SNIFF_BYTES = 64


def _looks_like_media_by_name(path: Path) -> bool:
    guessed, _ = mimetypes.guess_type(path.name)
    return bool(guessed) and guessed.split("/")[0] in ("audio", "video")


def _probe_has_audio(path: Path) -> bool | None:
    """True/False from ffprobe; None when ffprobe is not available."""
    try:
        from app.media import audio as media_audio
    except ImportError:
        return None
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
    """Options for one model family: AssemblyAI calls the language ``language_code``."""
    options: dict[str, Any] = {}
    if language:
        options["language_code" if model.lower().startswith("aai/") else "language"] = language
    return options


def _on_loop(callback: ProgressCallback | None) -> ProgressCallback | None:
    """Wrap ``callback`` so that calls from a worker thread run on the current event loop."""
    if callback is None:
        return None
    loop = asyncio.get_running_loop()

    def forward(stage: str, fraction: float | None) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(callback, stage, fraction)

    return forward


class TranscriptionService:
    """Transcribes files and URLs; ``poll_interval`` is the pause between status checks."""

    def __init__(self, services: Services, *, poll_interval: float = 3.0) -> None:
        self._services = services
        self.poll_interval = poll_interval

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
        awaiting task stops the upload or the polling.

        Raises:
            InvalidInputError: before any request, when the input cannot be transcribed.
        """
        if (file is None) == (url is None):
            raise InvalidInputError("Give either an audio file or a URL to transcribe.")
        runner = self._services.runner
        checked_file = await runner.run(check_audio_file, file) if file is not None else None
        checked_url = check_url(url) if url is not None else None
        stop = cancel or threading.Event()
        progress = _on_loop(on_progress)

        def work(client: Any) -> Transcript:
            return client.audio.transcribe(
                model=model,
                file=checked_file,
                url=checked_url,
                options=options or None,
                cancel=stop,
                on_progress=progress,
                poll_interval=self.poll_interval if poll_interval is None else poll_interval,
            )

        try:
            return await self._services.call(work)
        except asyncio.CancelledError:
            stop.set()
            raise
