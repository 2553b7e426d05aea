"""An edit's references and mask go into a backup and are found again after a restore into
another data folder."""

from __future__ import annotations

from pathlib import Path

from app.services.backup import create_backup, restore_backup
from app.services.image_edits import input_files, mask_file, reference_files
from app.storage.history import HistoryDatabase
from app.storage.image_store import ImageRecord, ImageStore
from app.storage.paths import data_dir, media_dir, user_dirs_under
from tests.fake_api.media import png_bytes


def test_references_and_mask_survive_a_restore_elsewhere(tmp_path, monkeypatch):
    folder = media_dir("images")
    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    picture = folder / "edit.png"
    picture.write_bytes(png_bytes(16, 12, 1))
    reference = inputs / "edit-ref1.png"
    reference.write_bytes(png_bytes(16, 12, 2))
    mask = inputs / "edit-mask.png"
    mask.write_bytes(png_bytes(16, 12, 3))
    edit = {
        "transport": "edits",
        "source_id": None,
        "references": [{"path": str(reference), "image_id": None}],
        "mask": {"path": str(mask), "width": 16, "height": 12},
    }
    with HistoryDatabase() as history:
        ImageStore(history).add(
            ImageRecord(
                "openai/gpt-image-1",
                "edit",
                {},
                str(picture),
                "image/png",
                16,
                12,
                response_meta={"edit": edit},
            )
        )
        archive = tmp_path / "backup.zip"
        create_backup(archive, history=history)
    old_root = data_dir()
    for variable, fresh in user_dirs_under(tmp_path / "elsewhere", create=True).items():
        monkeypatch.setenv(variable, str(fresh))
    assert data_dir() != old_root
    restore_backup(archive)
    with HistoryDatabase() as history:
        (record,) = ImageStore(history).page(0, 5)
    assert Path(record.path).is_relative_to(data_dir())
    (found,) = reference_files(record)
    assert found.is_relative_to(data_dir()) and found.read_bytes() == png_bytes(16, 12, 2)
    found_mask = mask_file(record)
    assert found_mask is not None and found_mask.read_bytes() == png_bytes(16, 12, 3)
    assert len(input_files(record)) == 2
