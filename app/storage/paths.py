"""Where AIML Desktop keeps its files, per platform (platformdirs; XDG_* on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from app import APP_ID

MEDIA_KINDS = ("images", "audio", "tts", "previews")
USER_FOLDERS = ("config", "data", "cache", "state")  # each read from $XDG_<NAME>_HOME on Linux


def _dirs() -> platformdirs.PlatformDirs:
    # Built on every call so that a change of XDG_* (tests, a portable setup) is honoured.
    return platformdirs.PlatformDirs(appname=APP_ID, appauthor=False)


def _created(path: str | Path) -> Path:
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def user_dirs_under(root: str | Path, *, create: bool = False) -> dict[str, Path]:
    """The ``XDG_*_HOME`` variables (name → folder) that put every folder of ours under
    ``root``, one subfolder each: for tests, benches and screenshots that must leave the
    person's own files alone. ``create`` makes the folders."""
    folders = {f"XDG_{name.upper()}_HOME": Path(root) / name for name in USER_FOLDERS}
    if create:
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
    return folders


def config_dir() -> Path:
    """Settings live here (Linux: $XDG_CONFIG_HOME/aiml-desktop)."""
    return _created(_dirs().user_config_dir)


def data_dir() -> Path:
    """History database and generated media (Linux: $XDG_DATA_HOME/aiml-desktop)."""
    return _created(_dirs().user_data_dir)


def cache_dir() -> Path:
    """Disposable data such as the model list (Linux: $XDG_CACHE_HOME/aiml-desktop)."""
    return _created(_dirs().user_cache_dir)


def log_dir() -> Path:
    """Log files (Linux: $XDG_STATE_HOME/aiml-desktop/log)."""
    return _created(_dirs().user_log_dir)


def settings_path() -> Path:
    return config_dir() / "settings.json"


def history_db_path() -> Path:
    return data_dir() / "history.sqlite3"


def media_dir(kind: str) -> Path:
    """Folder for generated files of one kind: "images", "audio", "tts" or "previews"."""
    if kind not in MEDIA_KINDS:
        raise ValueError(f"unknown media kind {kind!r}; expected one of {', '.join(MEDIA_KINDS)}")
    return _created(data_dir() / kind)
