"""Saving a stored image as PNG, JPEG or WebP with ``QImageWriter`` and a ``.json`` sidecar;
an edit's references and mask are saved beside it and named in the sidecar.

Runs on a worker thread (``QImage`` and ``QImageWriter`` are safe there). The file is written
to a temporary name and moved into place, so a failed write never leaves half a picture.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QImageWriter, QPainter

from app.services.image_edits import edit_of, mask_file, reference_files
from app.storage.atomic import write_bytes_atomic, write_json_atomic
from app.storage.image_store import ImageRecord
from app.ui.images.decode import decode_file

SAVE_FORMATS: dict[str, tuple[str, str]] = {
    # format → (name filter, extension)
    "png": ("PNG image (*.png)", ".png"),
    "jpeg": ("JPEG image (*.jpg *.jpeg)", ".jpg"),
    "webp": ("WebP image (*.webp)", ".webp"),
}
_EXTENSION_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}
SAVE_QUALITY = 92


class SaveError(OSError):
    """The image could not be written; the message is a sentence for the person."""


def name_filters() -> str:
    return ";;".join(name for name, _extension in SAVE_FORMATS.values())


def format_for(path: str, name_filter: str = "") -> tuple[str, Path]:
    """The format to write and the final path (the extension added when it was left out)."""
    target = Path(path)
    fmt = _EXTENSION_FORMATS.get(target.suffix.lower())
    if fmt is not None:
        return fmt, target
    for candidate, (filter_text, extension) in SAVE_FORMATS.items():
        if filter_text == name_filter:
            return candidate, target.with_name(target.name + extension)
    return "png", target.with_name(target.name + ".png")


def sidecar_for(
    record: ImageRecord, fmt: str, path: Path, inputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    contents = {
        "request": record.request,
        "image": {
            "format": fmt,
            "width": record.width,
            "height": record.height,
            "seed": record.seed,
            "model": record.model,
            "original_file": record.path,
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created)),
        },
        "response": record.response_meta,
        "saved_as": path.name,
    }
    if inputs:
        contents["edit"] = inputs
    return contents


def save_inputs(record: ImageRecord, target: Path) -> dict[str, Any] | None:
    """Copy an edit's references and mask beside ``target`` (``<name>-ref1.png``,
    ``<name>-mask.png``); returns the edit as the saved sidecar describes it."""
    edit = edit_of(record)
    if not edit:
        return None
    saved = dict(edit)
    references = []
    for n, (entry, source) in enumerate(
        zip(edit.get("references", []), reference_files(record), strict=False), start=1
    ):
        copy = target.with_name(f"{target.stem}-ref{n}{source.suffix}")
        if source.exists():
            write_bytes_atomic(copy, source.read_bytes())
        references.append({**entry, "path": copy.name})
    saved["references"] = references
    mask = mask_file(record)
    if mask is not None and mask.exists():
        copy = target.with_name(f"{target.stem}-mask.png")
        write_bytes_atomic(copy, mask.read_bytes())
        saved["mask"] = {**edit["mask"], "path": copy.name}
    return saved


def flattened_on_white(image: QImage) -> QImage:
    """The image painted over white, without alpha (JPEG has none; transparent would be black)."""
    flat = QImage(image.size(), QImage.Format.Format_RGB32)
    flat.setDevicePixelRatio(image.devicePixelRatio())
    flat.fill(Qt.GlobalColor.white)
    painter = QPainter(flat)
    painter.drawImage(0, 0, image)
    painter.end()
    return flat


def save_record_as(record: ImageRecord, path: str, name_filter: str = "") -> Path:
    """Write ``record``'s image to ``path`` in the format its extension (or filter) names,
    and ``<path>.json`` beside it. Returns the image's final path."""
    fmt, target = format_for(path, name_filter)
    image = decode_file(record.path)
    partial = target.with_name(f".{target.name}.part")
    writer = QImageWriter(str(partial), fmt.encode())
    if fmt in ("jpeg", "webp"):
        writer.setQuality(SAVE_QUALITY)
    if fmt == "jpeg" and image.hasAlphaChannel():
        image = flattened_on_white(image)
    if not writer.write(image):
        partial.unlink(missing_ok=True)
        raise SaveError(f"{target.name} could not be written: {writer.errorString()}.")
    inputs = save_inputs(record, target)
    write_json_atomic(target.with_suffix(".json"), sidecar_for(record, fmt, target, inputs))
    os.replace(partial, target)
    return target
