"""``aiml-desktop image PROMPT --image FILE [--image FILE …] [--mask FILE]`` against the
stand-in: the upload or the data URLs sent, the references and mask saved beside the result,
and a refused mask and an oversize upload as one sentence each."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from PySide6.QtGui import QImage

from tests.cli.conftest import write_png
from tests.fake_api import FakeApi


def _png(path: Path, width: int, height: int, *, hole: bool = False) -> Path:
    return write_png(path, width, height, (20, 120, 200), hole=hole)


def test_cli_edit_with_a_mask_uploads_both_and_keeps_them(gateway: FakeApi, cli_process, tmp_path):
    source = _png(tmp_path / "room.png", 96, 64)
    mask = _png(tmp_path / "room-mask.png", 96, 64, hole=True)
    out = tmp_path / "out"
    result = cli_process(
        "image", "a cat on the sofa", "--model", "openai/gpt-image-1",
        "--image", str(source), "--mask", str(mask), "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    (saved,) = [Path(line) for line in result.out.splitlines()]
    assert saved.exists()
    (upload,) = [r for r in gateway.requests if r.path == "/v1/images/edits"]
    assert [name for name, _file in upload.file_parts] == ["image", "mask"]
    assert upload.form["prompt"] == "a cat on the sofa"
    sent_mask = QImage.fromData(upload.files["mask"][1])
    assert (sent_mask.width(), sent_mask.height()) == (96, 64)
    assert sent_mask.pixelColor(30, 20).alpha() == 0
    side = json.loads(saved.with_suffix(".json").read_text())
    assert side["edit"]["references"][0]["original"] == str(source)
    assert Path(side["edit"]["mask"]["path"]).exists()
    assert Path(side["edit"]["references"][0]["path"]).parent == out


def test_cli_two_references_go_as_image_urls_as_they_are(gateway: FakeApi, cli, tmp_path):
    first = _png(tmp_path / "a.png", 3000, 1500)
    second = _png(tmp_path / "b.png", 40, 40)
    result = cli(
        "image", "both in one scene", "--model", "google/gemini-2.5-flash-image",
        "--image", str(first), "--image", str(second), "-o", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.code == 0, result.err
    (sent,) = [r.json for r in gateway.requests if r.path == "/v1/images/generations"]
    urls = sent["image_urls"]
    assert len(urls) == 2
    big = base64.b64decode(urls[0].split(",", 1)[1])
    assert big == first.read_bytes()  # the command line decodes nothing: the file is sent


def test_cli_mask_refused_and_upload_too_large_are_one_sentence(gateway: FakeApi, cli, tmp_path):
    source = _png(tmp_path / "room.png", 64, 64)
    mask = _png(tmp_path / "mask.png", 64, 64, hole=True)
    refused = cli(
        "image", "night", "--model", "openai/gpt-image-1-mini",
        "--image", str(source), "--mask", str(mask), "-o", str(tmp_path),
    )  # fmt: skip
    sentence = refused.assert_one_error()
    assert sentence.startswith("The model openai/gpt-image-1-mini did not accept the mask")
    gateway.options.upload_limit_bytes = 100
    too_large = cli(
        "image", "night", "--model", "openai/gpt-image-1", "--image", str(source),
        "-o", str(tmp_path),
    )  # fmt: skip
    assert too_large.assert_one_error().startswith("The server refused the upload as too large")
    no_refs = cli("image", "x", "--model", "dall-e-3", "--image", str(source), "-o", str(tmp_path))
    assert "no reference image" in no_refs.assert_one_error()
    lonely = cli("image", "x", "--mask", str(mask), "-o", str(tmp_path))
    assert (
        lonely.assert_one_error()
        == "A mask needs the image it goes with: add --image FILE or --edit ID."
    )
