"""Atomic file writes: a temporary file in the same folder, fsync, then os.replace.

A reader (or the next start after a crash) sees either the old file or the new one, never a
half-written one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from app.errors import StorageError

log = logging.getLogger(__name__)


def _unwritable(target: Path, folder: Path, exc: OSError) -> StorageError:
    """The sentence for a file that cannot be created in ``folder`` (named by its target)."""
    subject = f"Cannot save into {folder}" if target == folder else f"Cannot save {target}"
    if isinstance(exc, PermissionError):
        return StorageError(f"{subject}: there is no permission to write in {folder}.")
    if isinstance(exc, FileNotFoundError):
        return StorageError(f"{subject}: the folder {folder} does not take new files.")
    return StorageError(f"{subject}: {(exc.strerror or type(exc).__name__).lower()}.")


def check_writable(path: str | os.PathLike[str], *, is_folder: bool = False) -> Path:
    """Makes sure a file can be written at ``path`` (or, with ``is_folder``, inside that folder)
    before anything costly is done for it: the folder is created if missing and a scratch file
    is made and removed there.

    Raises:
        StorageError: with the sentence why it cannot (naming ``path``, never a scratch file).
    """
    target = Path(path).expanduser()
    folder = target if is_folder else target.parent
    if not is_folder and target.is_dir():
        raise StorageError(f"Cannot save to {target}: it is a folder; give a file name.")
    if folder.exists() and not folder.is_dir():
        raise StorageError(f"Cannot save into {folder}: it is a file, not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(prefix=".aiml-write-check.", dir=folder)
    except OSError as exc:
        raise _unwritable(target, folder, exc) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(scratch)
    return target


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` so that the file is replaced in one step.

    Missing parent folders are created. An existing file keeps its permission bits.

    Returns:
        The path written, as a Path.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(target)
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _unwritable(target, target.parent, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(target.parent)
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(path, text.encode(encoding))


def write_json_atomic(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented UTF-8 JSON (non-ASCII kept readable)."""
    text = json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return write_text_atomic(path, text)


def set_aside(path: str | os.PathLike[str]) -> Path | None:
    """Move a file that cannot be read as it should out of the way, beside it as
    ``NAME.unreadable-YYYYmmdd-HHMMSS``, so the next save starts afresh without overwriting
    what it held (a hand edit with one typo, say). Returns where it went, or None when it
    could not be moved (it is then left as it is)."""
    source = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.unreadable-{stamp}")
    number = 2
    while target.exists():
        target = source.with_name(f"{source.name}.unreadable-{stamp}-{number}")
        number += 1
    try:
        os.replace(source, target)
    except OSError as exc:
        log.warning("%s could not be set aside: %s", source, exc)
        return None
    return target
