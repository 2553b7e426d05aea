"""Qt's plugin folders without its media backend.

The app plays and records through ``QAudioSink`` and ``QAudioSource``, which Qt Multimedia
provides by itself: without a backend plugin Qt keeps ``QMediaDevices``, ``QAudioDevice``,
``QSoundEffect``, ``QAudioSink`` and ``QAudioSource``. Qt still loads its FFmpeg backend the
first time a sound device is asked for, and that plugin links Qt Quick, QML and Qt's own FFmpeg
(about 13 MB and 30 ms on the UI thread) for players and cameras the app does not make. While the
app's code names none of the classes that need it (``app.media.backend_classes``), the bundle
does not ship the plugin, and ``leave_out_media_backend`` makes a run from source match: Qt
searches a *linked folder* instead of PySide6's plugin folder, a folder in the cache holding a
symbolic link to each of its subfolders but ``multimedia``.

Qt loads some plugins only when first needed (an image format, printing), so the links must
stay while the app runs; a cache cleaner that empties the folder meanwhile only costs those.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
import zlib
from pathlib import Path

from app.storage.paths import cache_dir

log = logging.getLogger(__name__)

MEDIA_BACKEND_FOLDER = "multimedia"
# A link being made lives this long at most; older ones were left by a start that was killed.
STALE_LINK_S = 60.0


def linked_folder(root: Path, left_out: str, into: Path) -> Path:
    """A folder under ``into`` holding a link to every entry of ``root`` but ``left_out``
    (made, or brought up to date, now), named after the root's checksum so that each plugin
    folder has its own.

    Raises:
        OSError: the folder or a link cannot be made (a read-only cache, no symbolic links).
    """
    folder = into / f"{zlib.crc32(str(root).encode()):08x}"
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_links(into)
    wanted = {entry.name: entry.path for entry in os.scandir(root) if entry.name != left_out}
    for entry in os.scandir(folder):
        if entry.name not in wanted:
            with contextlib.suppress(FileNotFoundError):  # another start took it away
                os.unlink(entry.path)
    for name, target in wanted.items():
        link = folder / name
        try:
            if os.readlink(link) == target:
                continue
        except OSError:  # missing, or not a link
            pass
        # made beside the folder, then moved in: another start at the same moment neither sees
        # a half-made link nor takes this one for a stale entry
        made = into / f".{folder.name}-{name}.{os.urandom(4).hex()}"
        os.symlink(target, made)
        try:
            os.replace(made, link)
        except OSError:
            os.unlink(made)
            raise
    return folder


def _remove_stale_links(into: Path) -> None:
    """Remove links a killed start left half made (the dot-named entries beside the folders)."""
    now = time.time()
    for entry in os.scandir(into):
        if not entry.name.startswith(".") or not entry.is_symlink():
            continue
        with contextlib.suppress(OSError):  # gone already, or moved in by its start
            if now - entry.stat(follow_symlinks=False).st_mtime > STALE_LINK_S:
                os.unlink(entry.path)


def leave_out_media_backend(into: Path | None = None) -> bool:
    """Point Qt's plugin search at linked folders without ``multimedia`` (call before the
    QApplication exists), made under ``into`` (default: ``qt-plugins`` in the cache folder).

    False, with Qt's folders as they were, when nothing needs it or it cannot be done: outside
    Linux and macOS (Windows makes symbolic links only with extra rights), in a bundle (the
    bundle decides which plugins it ships), or when the links cannot be made. (That the app's
    code needs no backend is checked by its tests, not at every start.)
    """
    if os.name != "posix" or getattr(sys, "frozen", False):
        return False
    from PySide6.QtCore import QCoreApplication

    paths = QCoreApplication.libraryPaths()
    changed = list(paths)
    try:
        for index, path in enumerate(paths):
            root = Path(path)
            if (root / MEDIA_BACKEND_FOLDER).is_dir():
                into = into or cache_dir() / "qt-plugins"
                changed[index] = str(linked_folder(root, MEDIA_BACKEND_FOLDER, into))
    except OSError as exc:
        log.debug("Qt's media backend stays in its plugin folders: %s", exc)
        return False
    if changed == paths:
        return False
    QCoreApplication.setLibraryPaths(changed)
    return True
