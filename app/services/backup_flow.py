"""Back up everything and restore from a backup, as the window runs them.

The archive work is ``app.services.backup``'s (imported when first used, so the window's start
does not load it). This module runs it on the worker pool, turns its progress into steps of
``PROGRESS_STEPS``, takes the restored settings as the run's own, and words the outcome; the
window's menu actions only ask for the file, show the progress and show the sentence.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from app import APP_NAME
from app.errors import StorageError
from app.storage.settings import load_settings

if TYPE_CHECKING:
    from app.services.runner import Runner
    from app.storage.history import HistoryDatabase
    from app.storage.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
PROGRESS_STEPS = 1000
DONE, CANCELLED, FAILED = "done", "cancelled", "failed"


@dataclass(frozen=True)
class _Words:
    """How the outcome of one kind of run is told: what it is, cancelled, failed."""

    what: str
    cancelled: str
    failed: str


_BACKUP = _Words(
    "backup",
    "The backup was cancelled; no file was written.",
    "The backup could not be written",
)
_RESTORE = _Words(
    "restore",
    "The restore was cancelled; nothing was changed.",
    "The backup could not be restored",
)


class BackupContext(Protocol):
    """What a backup or a restore uses of the run: the settings, the worker pool, the history."""

    settings: Settings
    runner: Runner

    @property
    def history(self) -> HistoryDatabase: ...


@dataclass(frozen=True)
class BackupOutcome:
    """How a backup or a restore ended ("done", "cancelled" or "failed") and the sentence
    that says so."""

    result: str
    sentence: str

    @property
    def done(self) -> bool:
        return self.result == DONE

    @property
    def failed(self) -> bool:
        return self.result == FAILED


class BackupService:
    """Backs up and restores the run's data.

    Args:
        services: the run's settings, worker pool and history.

    Attributes:
        last_folder: where the last archive was written or read (the next dialog opens there).
    """

    def __init__(self, services: BackupContext) -> None:
        self._services = services
        self.last_folder = str(Path.home())

    # -- backing up ------------------------------------------------------------------------

    def suggested_target(self) -> Path:
        """The archive a backup is offered to write: a dated name in the last folder."""
        from app.services.backup import default_backup_name

        return Path(self.last_folder) / default_backup_name()

    async def back_up(
        self,
        chosen: str | Path,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> BackupOutcome:
        """Write the archive ``chosen`` (``.zip`` is added when missing).

        ``progress`` is called from the worker thread with the step reached (0 to
        ``PROGRESS_STEPS``), once per step.
        """
        from app.services.backup import BackupSummary, create_backup

        target = Path(chosen)
        if target.suffix.lower() != ".zip":
            target = target.with_name(target.name + ".zip")
        self.last_folder = str(target.parent)

        def finish(summary: BackupSummary) -> str:
            return f"Backed up {summary.amount} to {summary.path}."

        return await self._attempt(create_backup, target, progress, cancel, _BACKUP, finish)

    # -- restoring -------------------------------------------------------------------------

    def restore_question(self, archive: str | Path) -> str:
        """What the person is asked before ``archive`` replaces their data (its folder is
        where the next dialog opens, whatever the answer)."""
        self.last_folder = str(Path(archive).parent)
        return (
            f"Replace the current history, images, audio and settings with those in "
            f"{Path(archive).name}? The current data is kept in a safety folder."
        )

    async def restore(
        self,
        archive: str | Path,
        *,
        progress: Callable[[int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> BackupOutcome:
        """Replace the data with the archive's; once done, the restored settings are the run's
        (so closing the window does not write the old ones back). ``progress`` as for
        ``back_up``."""
        from app.services.backup import RestoreSummary, restore_backup

        source = Path(archive)
        self.last_folder = str(source.parent)

        def finish(summary: RestoreSummary) -> str:
            self._adopt_restored_settings()
            made = f" made {summary.created}" if summary.created else ""
            return (
                f"The backup{made} is restored; restart {APP_NAME} to see it "
                f"(the replaced data is kept in {summary.safety_copy})."
            )

        return await self._attempt(restore_backup, source, progress, cancel, _RESTORE, finish)

    def _adopt_restored_settings(self) -> None:
        restored = load_settings()
        settings = self._services.settings
        for item in dataclasses.fields(restored):
            setattr(settings, item.name, getattr(restored, item.name))

    # -- running ---------------------------------------------------------------------------

    async def _attempt(
        self,
        work: Callable[..., T],
        path: Path,
        progress: Callable[[int], None] | None,
        cancel: threading.Event | None,
        words: _Words,
        finish: Callable[[T], str],
    ) -> BackupOutcome:
        """Run ``work`` on ``path``; ``finish`` takes its summary and words the success."""
        from app.services.backup import BackupCancelled

        try:
            summary = await self._run(work, path, progress, cancel)
        except BackupCancelled:
            return BackupOutcome(CANCELLED, words.cancelled)
        except (StorageError, OSError) as exc:
            log.info("%s failed: %s", words.what, exc)
            return BackupOutcome(FAILED, _sentence(exc, words.failed))
        return BackupOutcome(DONE, finish(summary))

    async def _run(
        self,
        work: Callable[..., T],
        path: Path,
        progress: Callable[[int], None] | None,
        cancel: threading.Event | None,
    ) -> T:
        shown = [-1]

        def report(done: int, total: int) -> None:
            step = PROGRESS_STEPS if total <= 0 else done * PROGRESS_STEPS // total
            if step != shown[0] and progress is not None:
                shown[0] = step
                progress(step)

        services = self._services
        history = services.history
        return await services.runner.run(
            work, path, history=history, progress=report, cancel=cancel
        )


def _sentence(exc: BaseException, fallback: str) -> str:
    if not isinstance(exc, OSError):
        return str(exc)
    detail: Any = getattr(exc, "strerror", None) or exc
    return f"{fallback}: {detail}."
