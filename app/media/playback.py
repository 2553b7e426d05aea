"""Playing an audio file through ``ffplay`` (part of ffmpeg), for the command line.

The window plays audio with Qt; a terminal has no such player, so ``aiml-desktop tts --play``
hands the file to ffplay and waits for it to finish.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

from app.errors import MediaError

# ffplay exits 0 even when it cannot open an audio device; it says so on stderr.
PLAYER_FAILURES = (b"audio open failed", b"Failed to open file")
NO_PLAYER = (
    "Cannot play audio here: ffplay (part of ffmpeg) was not found. "
    "Use -o FILE to save the audio instead."
)
NOT_PLAYED = "The audio could not be played; there may be no sound output."


def find_player() -> str | None:
    """The ffplay on the PATH, else the one beside the ffmpeg the app uses; None without."""
    found = shutil.which("ffplay")
    if found:
        return found
    with contextlib.suppress(ImportError):
        from app.media.audio import find_ffmpeg

        tools = find_ffmpeg()
        if tools:
            candidate = Path(tools[0]).with_name("ffplay")
            if candidate.exists():
                return str(candidate)
    return None


def play_file(path: Path) -> None:
    """Play ``path`` to the end (blocking: run it on the worker pool).

    Raises:
        MediaError: there is no ffplay, or it could not play (no sound output).
    """
    player = find_player()
    if player is None:
        raise MediaError(NO_PLAYER)
    command = [player, "-nodisp", "-autoexit", "-loglevel", "error", str(path)]
    completed = subprocess.run(command, check=False, capture_output=True)
    failed_output = any(marker in completed.stderr for marker in PLAYER_FAILURES)
    if completed.returncode != 0 or failed_output:
        raise MediaError(NOT_PLAYED)
