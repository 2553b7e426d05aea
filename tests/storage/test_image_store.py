"""The images table: rows newest first in pages, exact request kept, delete removes the file."""

from __future__ import annotations

from pathlib import Path

from app.storage.history import HistoryDatabase
from app.storage.image_store import ImageRecord, ImageStore


def _record(tmp_path: Path, n: int) -> ImageRecord:
    path = tmp_path / f"{n}.png"
    path.write_bytes(b"png")
    path.with_suffix(".json").write_text("{}")
    request = {
        "model": "flux/dev",
        "prompt": f"picture {n}",
        "image_size": {"width": 512, "height": 512},
    }
    return ImageRecord(model="flux/dev", prompt=f"picture {n}", request=request, path=str(path),
                       mime="image/png", width=512, height=512, seed=n, created=1000.0 + n,
                       response_meta={"revised_prompt": f"revised {n}"})  # fmt: skip


def test_pages_are_newest_first_and_rows_survive_reopening(tmp_path: Path) -> None:
    db_path = tmp_path / "history.db"
    with HistoryDatabase(db_path) as db:
        store = ImageStore(db)
        added = [store.add(_record(tmp_path, n)) for n in range(7)]
        assert all(record.id for record in added)
    with HistoryDatabase(db_path) as db:
        store = ImageStore(db)
        assert store.count() == 7
        first, second = store.page(0, 4), store.page(4, 4)
        assert [r.seed for r in first + second] == [6, 5, 4, 3, 2, 1, 0]
        assert first[0].request["image_size"] == {"width": 512, "height": 512}
        assert first[0].response_meta["revised_prompt"] == "revised 6"


def test_delete_removes_row_file_and_sidecar(tmp_path: Path) -> None:
    with HistoryDatabase(tmp_path / "history.db") as db:
        store = ImageStore(db)
        kept, gone = store.add(_record(tmp_path, 1)), store.add(_record(tmp_path, 2))
        assert store.delete(gone.id) is not None
        assert not gone.file.exists() and not gone.file.with_suffix(".json").exists()
        assert kept.file.exists()
        assert [r.id for r in store.page(0, 10)] == [kept.id]
        assert store.get(gone.id) is None and store.delete(gone.id) is None
        hits = db.conn.execute("SELECT rowid FROM images_fts WHERE images_fts MATCH 'picture'")
        assert [row[0] for row in hits] == [kept.id]
