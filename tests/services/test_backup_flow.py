"""Back up and restore as the window runs them, without a window: the archive name, the
progress steps, the outcome's sentence, and the restored settings taken as the run's own."""

from __future__ import annotations

import asyncio
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.backup_flow import CANCELLED, DONE, FAILED, PROGRESS_STEPS
from app.services.context import Services
from app.storage.paths import media_dir
from app.storage.settings import load_settings, save_settings


@pytest.fixture
def services() -> Iterator[Services]:
    built = Services(load_settings())
    try:
        yield built
    finally:
        built.close()


def test_a_backup_gets_its_zip_suffix_counts_up_and_says_where_it_went(
    services: Services, tmp_path: Path
) -> None:
    (media_dir("images") / "fox.png").write_bytes(b"\x89PNG" + bytes(200_000))
    steps: list[int] = []
    outcome = asyncio.run(services.backups.back_up(tmp_path / "mine", progress=steps.append))
    archive = tmp_path / "mine.zip"
    assert outcome.result == DONE
    assert outcome.sentence.startswith("Backed up ")
    assert outcome.sentence.endswith(f" to {archive}.")
    assert zipfile.is_zipfile(archive)
    assert steps == sorted(set(steps)), "each step is reported once, in order"
    assert steps[-1] == PROGRESS_STEPS
    assert all(0 <= step <= PROGRESS_STEPS for step in steps)
    assert services.backups.last_folder == str(tmp_path)
    assert services.backups.suggested_target().parent == tmp_path


def test_a_cancelled_backup_leaves_no_file(services: Services, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    outcome = asyncio.run(services.backups.back_up(tmp_path / "mine.zip", cancel=cancel))
    assert (outcome.result, outcome.sentence) == (
        CANCELLED,
        "The backup was cancelled; no file was written.",
    )
    assert list(tmp_path.iterdir()) == []


def test_a_backup_into_a_missing_folder_fails_with_one_sentence(
    services: Services, tmp_path: Path
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    outcome = asyncio.run(services.backups.back_up(blocker / "mine.zip"))
    assert outcome.result == FAILED
    assert outcome.sentence.startswith("The backup could not be written")
    assert outcome.sentence.endswith(".")
    assert "\n" not in outcome.sentence


def test_a_restore_takes_the_restored_settings_as_the_runs_own(
    services: Services, tmp_path: Path
) -> None:
    services.settings.theme = "dark"
    save_settings(services.settings)
    archive = tmp_path / "before.zip"
    assert asyncio.run(services.backups.back_up(archive)).result == DONE
    services.settings.theme = "light"
    save_settings(services.settings)

    question = services.backups.restore_question(archive)
    assert "before.zip" in question and "safety folder" in question
    outcome = asyncio.run(services.backups.restore(archive))
    assert outcome.result == DONE
    assert "is restored; restart AIML Desktop to see it" in outcome.sentence
    assert services.settings.theme == "dark"  # closing the window writes these back


def test_a_foreign_archive_is_refused_and_nothing_changes(
    services: Services, tmp_path: Path
) -> None:
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("holiday.jpg", b"not ours")
    services.settings.theme = "dark"
    outcome = asyncio.run(services.backups.restore(foreign))
    assert outcome.result == FAILED
    assert "photos.zip" in outcome.sentence
    assert services.settings.theme == "dark"
