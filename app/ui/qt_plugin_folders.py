"""Qt's plugin folders without its media backend.

The app plays and records through ``QAudioSink`` and ``QAudioSource``, which Qt Multimedia
provides by itself: without a backend plugin Qt keeps ``QMediaDevices``, ``QAudioDevice``,
``QSoundEffect``, ``QAudioSink`` and ``QAudioSource``. Qt still loads its FFmpeg backend the
first time a sound device is asked for, and that plugin links Qt Quick, QML and Qt's own FFmpeg
(about 13 MB and 30 ms on the UI thread) for players and cameras the app never makes. The
packaged app leaves the plugin out (``packaging/README.md``); ``leave_out_media_backend`` makes a
run from source do the same, by pointing Qt at a folder of links to every plugin folder of
PySide6 but ``multimedia``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import zlib
from pathlib import Path

from app.storage.paths import cache_dir

log = logging.getLogger(__name__)

MEDIA_BACKENDS = "multimedia"


def folder_without(root: Path, left_out: str, views: Path) -> Path:
    """A folder under ``views`` holding a link to every entry of ``root`` but ``left_out``
    (made, or brought up to date, now). The name is the root's checksum, so each PySide6 has
    its own.

    Raises:
        OSError: the folder or a link cannot be made (a read-only cache, no symbolic links).
    """
    view = views / f"{zlib.crc32(str(root).encode()):08x}"
    view.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry.path for entry in os.scandir(root) if entry.name != left_out}
    for entry in os.scandir(view):
        if entry.name not in wanted:
            with contextlib.suppress(FileNotFoundError):  # another start took it away
                os.unlink(entry.path)
    for name, target in wanted.items():
        link = view / name
        try:
            if os.readlink(link) == target:
                continue
        except OSError:  # missing, or not a link
            pass
        # made beside the view, then moved in: another instance starting at the same time
        # neither sees a half-made link nor takes this one for a stale entry
        made = views / f".{view.name}-{name}.{os.urandom(4).hex()}"
        os.symlink(target, made)
        os.replace(made, link)
    return view


def leave_out_media_backend(views: Path | None = None) -> bool:
    """Point Qt's plugin search at folders without ``multimedia`` (call before the
    QApplication exists), linked from ``views`` (default: ``qt-plugins`` in the cache folder).
    False, with Qt's folders as they were, when nothing needed it or the links cannot be
    made."""
    from PySide6.QtCore import QCoreApplication

    paths = QCoreApplication.libraryPaths()
    changed = []
    try:
        for path in paths:
            root = Path(path)
            if not (root / MEDIA_BACKENDS).is_dir():
                changed.append(path)
                continue
            views = views or cache_dir() / "qt-plugins"
            changed.append(str(folder_without(root, MEDIA_BACKENDS, views)))
    except OSError as exc:
        log.debug("Qt's media backend stays in its plugin folders: %s", exc)
        return False
    if changed == paths:
        return False
    QCoreApplication.setLibraryPaths(changed)
    return True
