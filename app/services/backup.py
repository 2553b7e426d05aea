"""Back up and restore everything the app keeps in one .zip: history, media and settings.

The archive holds:

- ``manifest.json``: format, app and history schema versions, creation time, the data folder
  it came from, and every other member with its size and SHA-256;
- ``data/history.sqlite3``: a consistent copy taken with SQLite's online backup;
- ``data/<folder>/...``: the media folders under ``data_dir()`` (images, tts, audio, previews);
- ``config/settings.json``: the settings, which never hold the API key.

The API key lives in the keyring or the environment and is never written to an archive.

A restore checks the whole archive (manifest, safe member names, sizes, checksums, the
database's ``PRAGMA integrity_check``) before it changes anything, then moves the current data
into a ``before-restore-<time>`` folder under ``data_dir()`` and swaps the archive's data in.
If the swap fails the previous data is put back.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, TypeGuard

from app import APP_NAME, __version__
from app.errors import StorageError
from app.storage.atomic import write_bytes_atomic
from app.storage.history import HistoryDatabase, HistoryError
from app.storage.history_schema import MIGRATIONS
from app.storage.paths import data_dir, settings_path
from app.storage.settings import load_settings

log = logging.getLogger(__name__)

FORMAT = "aiml-desktop.backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "data/history.sqlite3"
SETTINGS_MEMBER = "config/settings.json"
DATA_PREFIX = "data"
SAFETY_PREFIX = "before-restore-"
CHUNK_BYTES = 1 << 20
MAX_MANIFEST_BYTES = 64 << 20
ZIP64_FROM_BYTES = 1 << 30
PATH_COLUMN = "path"
# Already compressed: storing them as they are is as small and much faster.
STORED_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif", ".mp3", ".ogg", ".opus", ".aac"}
    | {".m4a", ".flac", ".mp4", ".webm", ".zip"}
)

ProgressCallback = Callable[[int, int], None]


class BackupError(StorageError):
    """A backup or restore could not be done; the message is the sentence for the person."""


class BackupCancelled(BackupError):
    """The person cancelled; nothing was written or changed."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    files: int
    bytes: int

    @property
    def amount(self) -> str:
        """``"1 file (0.2 MB)"`` / ``"12 files (3.4 MB)"``."""
        return files_and_size(self.files, self.bytes)


@dataclass(frozen=True)
class RestoreSummary:
    """What was restored and where the data it replaced is kept."""

    safety_copy: Path
    files: int
    bytes: int
    created: str
    app_version: str

    @property
    def amount(self) -> str:
        return files_and_size(self.files, self.bytes)


@dataclass(frozen=True)
class _Entry:
    path: str
    size: int
    sha256: str


class _Progress:
    """Counts bytes done, reports them and raises BackupCancelled once ``cancel`` is set."""

    def __init__(
        self,
        callback: ProgressCallback | None,
        cancel: threading.Event | None,
        cancelled_message: str,
    ) -> None:
        self.callback = callback
        self.cancel = cancel
        self.cancelled_message = cancelled_message
        self.total = 0
        self.done = 0

    def check(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise BackupCancelled(self.cancelled_message)

    def advance(self, count: int) -> None:
        self.done += count
        self.total = max(self.total, self.done)
        if self.callback is not None:
            self.callback(self.done, self.total)
        self.check()


# -- backing up ------------------------------------------------------------------------------


def default_backup_name() -> str:
    return f"aiml-desktop-backup-{time.strftime('%Y%m%d-%H%M%S')}.zip"


def _is_backed_up_folder(path: Path) -> bool:
    name = path.name
    return (
        path.is_dir()
        and not path.is_symlink()
        and not name.startswith(".")
        and not name.startswith(SAFETY_PREFIX)
    )


def _media_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if _is_backed_up_folder(p))


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    for folder in _media_folders(root):
        for current, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(current, name)
                member = f"{DATA_PREFIX}/{path.relative_to(root).as_posix()}"
                if path.is_symlink() or not _encodable(member):
                    log.warning("backup: skipping %s (a link or an unreadable name)", path)
                    continue
                yield member, path


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _snapshot_database(history: HistoryDatabase, target: Path) -> int:
    """Copy the live database to ``target`` as one file; returns its schema version."""
    history.backup(target)
    with contextlib.closing(sqlite3.connect(str(target))) as copy:
        copy.execute("PRAGMA journal_mode = DELETE")
        return int(copy.execute("PRAGMA user_version").fetchone()[0])


def _settings_copy(work: Path) -> Path | None:
    source = settings_path()
    if not source.exists():
        return None
    target = work / "settings.json"
    settings = load_settings(source).to_dict()
    target.write_text(json.dumps(settings, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def _add_file(
    archive: zipfile.ZipFile, member: str, path: Path, progress: _Progress
) -> _Entry | None:
    try:
        source = path.open("rb")
    except FileNotFoundError:
        log.info("backup: %s went away before it was copied", path)
        return None
    digest = hashlib.sha256()
    size = 0
    with source:
        info = zipfile.ZipInfo.from_file(path, member, strict_timestamps=False)
        stored = path.suffix.lower() in STORED_SUFFIXES
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=info.file_size >= ZIP64_FROM_BYTES) as target:
            while chunk := source.read(CHUNK_BYTES):
                target.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                progress.advance(len(chunk))
    return _Entry(member, size, digest.hexdigest())


def _manifest(schema_version: int, entries: list[_Entry]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": APP_NAME,
        "app_version": __version__,
        "schema_version": schema_version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_dir": str(data_dir()),
        "files": [{"path": e.path, "size": e.size, "sha256": e.sha256} for e in entries],
    }


def _write_archive(
    target: Path, sources: list[tuple[str, Path]], schema_version: int, progress: _Progress
) -> list[_Entry]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, strict_timestamps=False) as zf:
                entries = [e for m, p in sources if (e := _add_file(zf, m, p, progress))]
                manifest = _manifest(schema_version, entries)
                zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return entries


def create_backup(
    target: str | os.PathLike[str],
    *,
    history: HistoryDatabase | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> BackupSummary:
    """Write one .zip with the history, the media folders and the settings.

    The archive appears at ``target`` only when complete; a cancel or an error leaves no file.

    Args:
        target: the .zip to write (replaced if it exists).
        history: the open history database; opened (and closed) here when None.
        progress: called with (bytes done, bytes in all) from the working thread.
        cancel: set it to stop; ``BackupCancelled`` is raised.

    Raises:
        BackupCancelled: ``cancel`` was set.
        BackupError: the history cannot be read.
        OSError: the archive cannot be written.
    """
    path = Path(target).expanduser()
    tracker = _Progress(progress, cancel, "The backup was cancelled; no file was written.")
    tracker.check()
    root = data_dir()
    with (
        _open_history(history) as live,
        tempfile.TemporaryDirectory(prefix=".backup-", dir=root) as work_name,
    ):
        work = Path(work_name)
        schema_version = _snapshot_database(live, work / "history.sqlite3")
        sources = [(DATABASE_MEMBER, work / "history.sqlite3")]
        settings = _settings_copy(work)
        if settings is not None:
            sources.append((SETTINGS_MEMBER, settings))
        sources.extend(_media_files(root))
        tracker.total = sum(_size(p) for _m, p in sources)
        entries = _write_archive(path, sources, schema_version, tracker)
    log.info("backup written to %s: %d files", path, len(entries))
    return BackupSummary(path, len(entries), sum(e.size for e in entries))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _open_history(history: HistoryDatabase | None) -> Iterator[HistoryDatabase]:
    if history is not None:
        yield history
        return
    try:
        opened = HistoryDatabase()
    except HistoryError as exc:
        raise BackupError(str(exc)) from exc
    with opened:
        yield opened


# -- checking an archive ---------------------------------------------------------------------


def _refusal(source: Path, reason: str) -> BackupError:
    return BackupError(f"Cannot restore {source.name}: {reason}; nothing was changed.")


def _open_archive(source: Path) -> zipfile.ZipFile:
    if not source.is_file():
        raise BackupError(f"Cannot restore {source}: there is no such file; nothing was changed.")
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        log.info("not a usable zip: %s", exc)
        raise _refusal(source, "the file is damaged or not a .zip archive") from exc


def _read_manifest(archive: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise _refusal(source, "it is not an AIML Desktop backup (it has no manifest)") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise _refusal(source, "its manifest is too large to be genuine")
    try:
        manifest = json.loads(archive.read(info).decode("utf-8"))
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise _refusal(source, "its manifest is damaged") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refusal(source, "it is not an AIML Desktop backup")
    _check_versions(manifest, source)
    return manifest


def _whole_number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_versions(manifest: dict[str, Any], source: Path) -> None:
    format_version = manifest.get("format_version")
    schema_version = manifest.get("schema_version")
    if not _whole_number(format_version) or not _whole_number(schema_version):
        raise _refusal(source, "its manifest is damaged")
    assert isinstance(format_version, int) and isinstance(schema_version, int)
    made_by = f"it was made by AIML Desktop {manifest.get('app_version', '(newer)')}"
    if format_version > FORMAT_VERSION:
        raise _refusal(source, f"{made_by}, which writes a newer archive format; update the app")
    if schema_version > len(MIGRATIONS):
        raise _refusal(
            source,
            f"{made_by} with history schema {schema_version}, newer than this app's "
            f"{len(MIGRATIONS)} (update the app to restore it)",
        )


def _entries(manifest: dict[str, Any], source: Path) -> dict[str, _Entry]:
    items = manifest.get("files")
    entries: dict[str, _Entry] = {}
    for item in items if isinstance(items, list) else [None]:
        path = item.get("path") if isinstance(item, dict) else None
        size = item.get("size") if isinstance(item, dict) else None
        digest = item.get("sha256") if isinstance(item, dict) else None
        if not (
            isinstance(path, str)
            and _whole_number(size)
            and isinstance(digest, str)
            and len(digest) == 64
            and path not in entries
        ):
            raise _refusal(source, "its manifest is damaged")
        entries[path] = _Entry(path, size, digest.lower())
    return entries


def is_safe_member(name: str) -> bool:
    """Whether an archive member name may be extracted: a relative path in the known folders."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if PureWindowsPath(name).drive or PureWindowsPath(name).root:
        return False
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return False
    if name in (DATABASE_MEMBER, SETTINGS_MEMBER):
        return True
    return (
        len(parts) >= 3
        and parts[0] == DATA_PREFIX
        and not parts[1].startswith(".")
        and not parts[1].startswith(SAFETY_PREFIX)
    )


def _check_members(
    archive: zipfile.ZipFile, entries: dict[str, _Entry], source: Path
) -> list[tuple[zipfile.ZipInfo, _Entry]]:
    every_name = archive.namelist()
    if len(set(every_name)) != len(every_name):
        raise _refusal(source, "it holds the same file twice")
    infos = [info for info in archive.infolist() if info.filename != MANIFEST]
    names = [info.filename for info in infos]
    for name in names:
        if not is_safe_member(name):
            raise _refusal(source, f"it holds a file with an unsafe name ({name!r})")
        if name not in entries:
            raise _refusal(source, f"it holds a file its manifest does not list ({name})")
    missing = sorted(set(entries) - set(names))
    if missing:
        raise _refusal(source, f"it lacks {missing[0]}, which its manifest lists")
    if DATABASE_MEMBER not in entries:
        raise _refusal(source, "it has no history database")
    checked = []
    for info in infos:
        entry = entries[info.filename]
        if info.file_size != entry.size:
            raise _refusal(source, f"the size of {info.filename} does not match its manifest")
        checked.append((info, entry))
    return checked


def _check_space(root: Path, needed: int, source: Path) -> None:
    free = shutil.disk_usage(root).free
    if needed > free:
        raise _refusal(
            source,
            f"there is not enough free disk space ({_megabytes(needed)} needed, "
            f"{_megabytes(free)} free)",
        )


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:,.1f} MB"


def files_and_size(files: int, size: int) -> str:
    """How much a backup holds, in words: ``"1 file (0.2 MB)"``."""
    return f"{files:,} file{'' if files == 1 else 's'} ({_megabytes(size)})"


def _extract_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    entry: _Entry,
    folder: Path,
    progress: _Progress,
    source: Path,
) -> None:
    target = folder.joinpath(*PurePosixPath(entry.path).parts)
    if not target.resolve().is_relative_to(folder.resolve()):
        raise _refusal(source, f"it holds a file with an unsafe name ({entry.path!r})")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    try:
        with archive.open(info) as reader, target.open("wb") as writer:
            while chunk := reader.read(CHUNK_BYTES):
                written += len(chunk)
                if written > entry.size:
                    break
                digest.update(chunk)
                writer.write(chunk)
                progress.advance(len(chunk))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        log.info("member %s unreadable: %s", entry.path, exc)
        raise _refusal(source, f"the file is damaged ({entry.path} cannot be read)") from exc
    if written != entry.size or digest.hexdigest() != entry.sha256:
        raise _refusal(source, f"the file is damaged ({entry.path} does not match its checksum)")


def _extract(source: Path, folder: Path, progress: _Progress) -> dict[str, Any]:
    """Check the archive and unpack it into ``folder``; returns the manifest."""
    with _open_archive(source) as archive:
        manifest = _read_manifest(archive, source)
        members = _check_members(archive, _entries(manifest, source), source)
        total = sum(entry.size for _info, entry in members)
        _check_space(folder, total + _size(settings_path()) + _live_database_size(), source)
        progress.total = total
        for info, entry in members:
            _extract_member(archive, info, entry, folder, progress, source)
    manifest["file_count"] = len(members)
    manifest["byte_count"] = total
    return manifest


def _live_database_size() -> int:
    root = data_dir()
    return sum(_size(root / f"history.sqlite3{suffix}") for suffix in ("", "-wal"))


# -- preparing the database ------------------------------------------------------------------


def _check_integrity(path: Path, source: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise _refusal(source, f"its history database is damaged ({exc})") from exc
    if [tuple(row) for row in result] != [("ok",)]:
        first = result[0][0] if result else "no answer"
        raise _refusal(source, f"its history database is damaged ({first})")
    if version > len(MIGRATIONS):
        raise _refusal(source, f"its history database has a newer schema ({version})")


def _path_columns(conn: sqlite3.Connection) -> list[str]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    return [
        table
        for table in tables
        if any(col[1] == PATH_COLUMN for col in conn.execute(f'PRAGMA table_info("{table}")'))
    ]


def _move_media_paths(db: HistoryDatabase, old_root: str, new_root: Path) -> None:
    """Point stored media paths from the data folder the backup came from to this one."""
    old_prefix = old_root.rstrip("/\\") + os.sep
    new_prefix = str(new_root) + os.sep
    if not old_root or old_prefix == new_prefix:
        return
    with db.transaction() as conn:
        for table in _path_columns(conn):
            conn.execute(
                f'UPDATE "{table}" SET {PATH_COLUMN} = ? || substr({PATH_COLUMN}, ?) '
                f"WHERE substr({PATH_COLUMN}, 1, ?) = ?",
                (new_prefix, len(old_prefix) + 1, len(old_prefix), old_prefix),
            )


def _match_page_size(db: HistoryDatabase, page_size: int) -> None:
    """The backup API cannot copy into a WAL database with another page size."""
    if db.conn.execute("PRAGMA page_size").fetchone()[0] == page_size:
        return
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.conn.execute(f"PRAGMA page_size = {int(page_size)}")
    db.conn.execute("VACUUM")


def _prepare_database(
    path: Path, manifest: dict[str, Any], live: HistoryDatabase, source: Path
) -> HistoryDatabase:
    _check_integrity(path, source)
    try:
        staged = HistoryDatabase(path)
    except HistoryError as exc:
        raise _refusal(source, "its history database cannot be opened") from exc
    try:
        _move_media_paths(staged, str(manifest.get("data_dir") or ""), data_dir())
        with live.lock:
            _match_page_size(staged, int(live.conn.execute("PRAGMA page_size").fetchone()[0]))
    except sqlite3.Error as exc:
        staged.close()
        raise _refusal(source, f"its history database cannot be used ({exc})") from exc
    return staged


# -- swapping in -----------------------------------------------------------------------------


def _copy_database(source: sqlite3.Connection, live: HistoryDatabase) -> None:
    with live.lock:
        source.backup(live.conn)


def _safety_folder(root: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for number in range(1000):
        candidate = root / (SAFETY_PREFIX + stamp + (f"-{number}" if number else ""))
        with contextlib.suppress(FileExistsError):
            candidate.mkdir()
            return candidate
    raise BackupError("No folder for the safety copy could be made; nothing was changed.")


class _Swap:
    """Moves the current data aside and the restored data in, undoing it all on failure."""

    def __init__(self, root: Path, unpacked: Path, live: HistoryDatabase) -> None:
        self.root = root
        self.unpacked = unpacked
        self.live = live
        self.safety = _safety_folder(root)
        self.moved_out: list[str] = []
        self.moved_in: list[str] = []
        self.database_replaced = False
        self.settings_replaced = False

    def keep_current(self) -> None:
        self.live.backup(self.safety / "history.sqlite3")
        if settings_path().exists():
            shutil.copy2(settings_path(), self.safety / "settings.json")

    def swap(self, staged: HistoryDatabase) -> None:
        for folder in _media_folders(self.root):
            os.replace(folder, self.safety / folder.name)
            self.moved_out.append(folder.name)
        new_data = self.unpacked / DATA_PREFIX
        for folder in sorted(p for p in new_data.iterdir() if p.is_dir()):
            os.replace(folder, self.root / folder.name)
            self.moved_in.append(folder.name)
        self.database_replaced = True
        _copy_database(staged.conn, self.live)
        restored_settings = self.unpacked / SETTINGS_MEMBER
        if restored_settings.exists():
            self.settings_replaced = True
            write_bytes_atomic(settings_path(), restored_settings.read_bytes())

    def undo(self) -> bool:
        """Put the previous data back; returns False when a step failed."""
        steps: list[Callable[[], object]] = []
        new_data = self.unpacked / DATA_PREFIX
        steps += [functools.partial(os.replace, self.root / n, new_data / n) for n in self.moved_in]
        steps += [
            functools.partial(os.replace, self.safety / n, self.root / n) for n in self.moved_out
        ]
        if self.database_replaced:
            steps.append(self._undo_database)
        if self.settings_replaced and (self.safety / "settings.json").exists():
            steps.append(
                lambda: write_bytes_atomic(
                    settings_path(), (self.safety / "settings.json").read_bytes()
                )
            )
        ok = True
        for step in steps:
            try:
                step()
            except (OSError, sqlite3.Error):
                log.exception("restore: a step of putting the previous data back failed")
                ok = False
        return ok

    def _undo_database(self) -> None:
        with contextlib.closing(sqlite3.connect(str(self.safety / "history.sqlite3"))) as old:
            _copy_database(old, self.live)


def _swap_in(unpacked: Path, staged: HistoryDatabase, live: HistoryDatabase) -> Path:
    root = data_dir()
    swap = _Swap(root, unpacked, live)
    try:
        swap.keep_current()
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(swap.safety, ignore_errors=True)
        raise BackupError(
            f"The current data could not be copied aside ({exc}); nothing was changed."
        ) from exc
    try:
        swap.swap(staged)
    except BaseException as exc:
        log.exception("restore failed while swapping in")
        if not swap.undo():
            raise BackupError(
                f"The restore failed and not everything could be put back; the previous data "
                f"is kept in {swap.safety}."
            ) from exc
        shutil.rmtree(swap.safety, ignore_errors=True)
        if isinstance(exc, OSError | sqlite3.Error):
            raise BackupError(
                f"The restore failed ({exc}); the previous data was put back."
            ) from exc
        raise
    return swap.safety


def restore_backup(
    archive: str | os.PathLike[str],
    *,
    history: HistoryDatabase | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> RestoreSummary:
    """Replace the history, media folders and settings with those in ``archive``.

    The archive is checked and unpacked completely first; a damaged or foreign archive is
    refused before anything changes. The data it replaces is kept in the returned
    ``safety_copy`` folder. ``cancel`` counts until the swap starts.

    Args:
        archive: a .zip written by ``create_backup``.
        history: the open history database (its content is replaced in place, so open
            connections stay valid); opened (and closed) here when None.
        progress: called with (bytes unpacked, bytes in all) from the working thread.
        cancel: set it to stop before the swap; ``BackupCancelled`` is raised.

    Raises:
        BackupError: the archive was refused or the swap failed (the sentence says which).
    """
    source = Path(archive).expanduser()
    tracker = _Progress(progress, cancel, "The restore was cancelled; nothing was changed.")
    tracker.check()
    root = data_dir()
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        with _open_history(history) as live:
            manifest = _extract(source, work, tracker)
            staged = _prepare_database(work / DATABASE_MEMBER, manifest, live, source)
            try:
                tracker.check()
                safety = _swap_in(work, staged, live)
            finally:
                staged.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("restored %s; previous data kept in %s", source, safety)
    return RestoreSummary(
        safety_copy=safety,
        files=int(manifest["file_count"]),
        bytes=int(manifest["byte_count"]),
        created=str(manifest.get("created", "")),
        app_version=str(manifest.get("app_version", "")),
    )
