"""Logging to a rotating file in the log folder, with keys redacted from every line."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from app.storage.paths import log_dir

LOG_FILE_NAME = "aiml-desktop.log"
REDACTED = "[REDACTED]"

_PATTERNS = (
    # Authorization: Bearer xyz  /  'Authorization': 'Bearer xyz'  /  authorization=xyz
    re.compile(r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)(?:bearer\s+|basic\s+)?[^\s'",}]+"""),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{6,}"),
    re.compile(r"""(?i)((?:api[_-]?key|x-api-key|token)['"]?\s*[:=]\s*['"]?)[^\s'",}&]+"""),
    re.compile(r"()\bsk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"()\b[0-9a-fA-F]{32,}\b"),
)

_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def register_secret(secret: str) -> None:
    """Redact this exact value from every log line from now on."""
    secret = secret.strip()
    if len(secret) >= 4:
        with _known_lock:
            _known_secrets.add(secret)


def redact(text: str) -> str:
    """Replace keys, bearer tokens and Authorization values in ``text`` with [REDACTED]."""
    with _known_lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 1_000_000
KEPT_LOGS = 3
_installed: list[logging.Handler] = []


def _rotating_file(path: Path) -> logging.Handler:
    import logging.handlers  # with socket and pickle: not before the window is painted

    return logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_LOG_BYTES, backupCount=KEPT_LOGS, encoding="utf-8"
    )


def setup_logging(
    level: int | str = logging.INFO, *, console: bool = False, rotate: bool = True
) -> Path:
    """Send log records to a rotating file in ``log_dir()`` (and stderr when ``console``).

    With ``rotate`` False the file is only appended to until ``start_rotating()``: the window
    starts without loading ``logging.handlers``. Calling it again replaces the handlers it
    installed before.

    Returns:
        The path of the log file.
    """
    shutdown_logging()
    root = logging.getLogger()
    path = log_dir() / LOG_FILE_NAME
    file_handler = _rotating_file(path) if rotate else logging.FileHandler(path, encoding="utf-8")
    handlers: list[logging.Handler] = [file_handler]
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        handler.setFormatter(RedactingFormatter(_FORMAT))
        root.addHandler(handler)
        _installed.append(handler)
    root.setLevel(level)
    return path


def start_rotating() -> None:
    """Give the file appended to since ``setup_logging(rotate=False)`` its rotating handler.

    The new handler takes the old one's place in the root logger's list in one step, so no
    record is lost or written twice, whichever thread logs meanwhile.
    """
    root = logging.getLogger()
    for index, handler in enumerate(_installed):
        if type(handler) is not logging.FileHandler:
            continue
        rotating = _rotating_file(Path(handler.baseFilename))
        for kept in handler.filters:
            rotating.addFilter(kept)
        rotating.setFormatter(handler.formatter)
        rotating.setLevel(handler.level)
        place = root.handlers.index(handler) if handler in root.handlers else None
        if place is None:
            root.addHandler(rotating)
        else:
            root.handlers[place] = rotating
        _installed[index] = rotating
        handler.close()


def shutdown_logging() -> None:
    """Remove and close the handlers ``setup_logging`` installed."""
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
