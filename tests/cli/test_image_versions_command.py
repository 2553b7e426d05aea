"""``image --edit ID`` and ``images list|versions`` against the stand-in: an edit of a history
image is kept beside it with its source id, the versions print oldest first, and the
command line sends reference files as they are, without Qt or an image library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from app.services.context import Services
from app.storage.image_store import ImageRecord
from app.storage.paths import media_dir
from tests.cli.conftest import REPO_ROOT, write_png
from tests.fake_api import FakeApi


def _png(path: Path, width: int, height: int, *, alpha: bool = True, hole: bool = False) -> Path:
    return write_png(path, width, height, (200, 80, 40), alpha=alpha, hole=hole)


def _history_image(prompt: str = "a lighthouse", model: str = "flux/schnell") -> ImageRecord:
    path = _png(media_dir("images") / "lighthouse.png", 64, 64)
    services = Services()
    try:
        return services.images.store.add(
            ImageRecord(
                model=model,
                prompt=prompt,
                request={"model": model, "prompt": prompt},
                path=str(path),
                mime="image/png",
                width=64,
                height=64,
                created=time.time() - 60,
            )
        )
    finally:
        services.close()


def test_an_edit_of_a_history_image_is_kept_beside_it_and_its_versions_print(
    gateway: FakeApi, cli, tmp_path
):
    original = _history_image()
    mask = _png(tmp_path / "mask.png", 64, 64, hole=True)
    first = cli(
        "image", "the lighthouse at night", "--edit", original.id,
        "--model", "openai/gpt-image-1", "--mask", mask,
    )  # fmt: skip
    assert first.code == 0, first.err
    (kept,) = [Path(line) for line in first.out.splitlines()]
    assert kept.is_file() and kept.parent == media_dir("images")
    assert f"an edit of image {original.id}." in first.err
    (upload,) = [r for r in gateway.requests if r.path == "/v1/images/edits"]
    assert [name for name, _f in upload.file_parts] == ["image", "mask"]
    assert upload.files["image"][1] == Path(original.path).read_bytes()
    side = json.loads(kept.with_suffix(".json").read_text())
    assert side["edit"]["source_id"] == original.id
    assert [link["id"] for link in side["chain"]] == [original.id]

    listed = cli("images", "list", "--json")
    assert listed.code == 0, listed.err
    newest, oldest = json.loads(listed.out)
    assert oldest["id"] == original.id and newest["source_id"] == original.id
    # a second edit, of the first one, with no --model: the first edit's model is used
    second = cli("image", "the lighthouse at night, in fog", "--edit", newest["id"])
    assert second.code == 0, second.err
    assert len([r for r in gateway.requests if r.path == "/v1/images/edits"]) == 2

    versions = cli("images", "versions", newest["id"])
    assert versions.code == 0, versions.err
    lines = versions.out.splitlines()
    assert [line for line in lines if line.startswith("Version")] == [
        "Version 1 of 3:", "Version 2 of 3:", "Version 3 of 3:",
    ]  # fmt: skip
    marked = [line for line in lines if line.startswith(">")]
    assert len(marked) == 1 and f"{newest['id']}" in marked[0]
    assert "(edited with 1 reference and a mask)  the lighthouse at night" in marked[0]
    assert "(the original)  a lighthouse" in versions.out
    as_json = json.loads(cli("images", "versions", original.id, "--json").out)
    assert [v["prompt"] for v in as_json] == [
        "a lighthouse", "the lighthouse at night", "the lighthouse at night, in fog",
    ]  # fmt: skip

    missing = cli("images", "versions", "9999")
    assert missing.assert_one_error() == (
        "There is no image 9999 in the history: 'aiml-desktop images list' shows their numbers."
    )


def test_files_that_cannot_go_as_they_are_are_one_sentence(gateway: FakeApi, cli, tmp_path):
    photo = tmp_path / "photo.jpg"
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    assert image.save(str(photo), "JPEG")
    jpeg = cli("image", "x", "--model", "openai/gpt-image-1", "--image", photo, "-o", tmp_path)
    assert jpeg.assert_one_error() == (
        "The reference image photo.jpg cannot be sent: it is a JPEG file and this model's edits "
        "take PNG; convert it to PNG first (the command line sends images as they are)."
    )
    source = _png(tmp_path / "room.png", 64, 64)
    small_mask = _png(tmp_path / "small-mask.png", 32, 32, hole=True)
    other_size = cli(
        "image", "x", "--model", "openai/gpt-image-1", "--image", source, "--mask", small_mask,
        "-o", tmp_path,
    )  # fmt: skip
    assert other_size.assert_one_error() == (
        "The mask is 32 × 32 but the image is 64 × 64: give a mask of the same size."
    )
    opaque = _png(tmp_path / "opaque.png", 64, 64, alpha=False)
    no_alpha = cli(
        "image", "x", "--model", "openai/gpt-image-1", "--image", source, "--mask", opaque,
        "-o", tmp_path,
    )  # fmt: skip
    assert "The mask has no transparency" in no_alpha.assert_one_error()
    square = cli("image", "x", "--model", "dall-e-2", "--image", _png(tmp_path / "w.png", 80, 60))
    assert square.assert_one_error().startswith("OpenAI DALL·E 2 edits only square images")
    assert not [r for r in gateway.requests if r.path == "/v1/images/edits"]


def test_an_edit_from_the_command_line_loads_no_qt(gateway: FakeApi, tmp_path):
    source = _png(tmp_path / "room.png", 48, 48)
    mask = _png(tmp_path / "mask.png", 48, 48, hole=True)
    script = (
        "import sys\n"
        "from app.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print('Qt loaded' if 'PySide6' in sys.modules else 'no Qt', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = subprocess.run(
        [sys.executable, "-c", script, "image", "a chair", "--model", "openai/gpt-image-1",
         "--image", str(source), "--mask", str(mask), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "no Qt"
    assert len(done.stdout.splitlines()) == 1
