"""User settings: a dataclass read from and written to JSON.

Reading never fails: a missing or unreadable file gives the defaults, a bad value gives that
field's default, and keys this version does not know are kept and written back unchanged, so
a newer version's settings survive a round trip through an older one. The API key is never a
setting; it lives in the keyring (see ``app.storage.secrets``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import DEFAULT_BASE_URL
from app.storage.atomic import set_aside, write_json_atomic
from app.storage.paths import settings_path

log = logging.getLogger(__name__)

PROVIDERS = ("aimlapi", "openai", "custom")
DIALECTS = ("aimlapi", "openai")
THEMES = ("system", "light", "dark")
_NEVER_KEPT = frozenset({"api_key", "apiKey", "key", "token"})


@dataclass
class Settings:
    """Everything the app remembers between runs, except the API key and the history."""

    provider: str = "aimlapi"
    base_url: str = DEFAULT_BASE_URL
    dialect: str = "aimlapi"
    proxy: str = ""
    connect_timeout: float = 10.0
    read_timeout: float = 300.0
    max_retries: int = 2
    theme: str = "system"
    reduce_motion: bool = False
    default_models: dict[str, str] = field(default_factory=dict)
    last_models: dict[str, str] = field(default_factory=dict)
    window_geometry: str = ""
    last_tab: int = 0
    send_with_enter: bool = False
    stt_parallel: int = 2
    stt_upload_limit_mb: int = 25
    tool_max_rounds: int = 10  # model turns in a row that may call tools
    extra: dict[str, Any] = field(default_factory=dict)
    unknown_keys: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.unknown_keys)
        for item in dataclasses.fields(self):
            if item.name != "unknown_keys":
                data[item.name] = getattr(self, item.name)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build settings from parsed JSON, keeping every good value and defaulting the rest."""
        settings = cls()
        for key, value in data.items():
            check = _CHECKS.get(key)
            if key in _NEVER_KEPT:
                log.warning("settings: dropping %r; the API key belongs in the keyring", key)
            elif check is None:
                settings.unknown_keys[key] = value
            elif check(value):
                setattr(settings, key, _normalised(value))
            else:
                log.warning("settings: ignoring bad value for %r; using the default", key)
        return settings


def _normalised(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else value


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda value: value in choices


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _int_between(low: int, high: int) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    return check


def _positive_number(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return math.isfinite(value) and value > 0


def _str_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "provider": _one_of(PROVIDERS),
    "base_url": _is_str,
    "dialect": _one_of(DIALECTS),
    "proxy": _is_str,
    "connect_timeout": _positive_number,
    "read_timeout": _positive_number,
    "max_retries": _int_between(0, 10),
    "theme": _one_of(THEMES),
    "reduce_motion": _is_bool,
    "default_models": _str_map,
    "last_models": _str_map,
    "window_geometry": _is_str,
    "last_tab": _int_between(0, 100),
    "send_with_enter": _is_bool,
    "stt_parallel": _int_between(1, 16),
    "stt_upload_limit_mb": _int_between(1, 10_000),
    "tool_max_rounds": _int_between(1, 100),
    "extra": _is_dict,
}


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing, unreadable or malformed file gives the defaults. A malformed
    file is first moved aside (``set_aside``), so saving the defaults later loses nothing."""
    source = path or settings_path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning("settings: cannot read %s (%s); using the defaults", source, exc)
        return Settings()
    except (ValueError, RecursionError) as exc:
        # ValueError covers bad JSON, bad UTF-8 and numbers too long to convert.
        kept = set_aside(source)
        log.warning(
            "settings: %s is not valid (%s); using the defaults, the file kept as %s",
            source,
            exc,
            kept,
        )
        return Settings()
    if not isinstance(data, dict):
        kept = set_aside(source)
        log.warning(
            "settings: %s does not hold a JSON object; using the defaults, the file kept as %s",
            source,
            kept,
        )
        return Settings()
    return Settings.from_dict(data)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write settings atomically; returns the path written."""
    return write_json_atomic(path or settings_path(), settings.to_dict())
