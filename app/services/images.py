"""Image generation and saving images with a sidecar holding the exact request."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError
from app.api.types import GeneratedImage, ImageResult
from app.storage.atomic import write_bytes_atomic, write_json_atomic

if TYPE_CHECKING:
    from app.services.context import Services

_MIME_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/avif": "avif",
}
_MAGIC_EXTENSIONS = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
)


def image_extension(image: GeneratedImage, fallback: str = "png") -> str:
    """The file extension for the image's real format: magic bytes first, then the MIME type."""
    data = image.data
    for magic, extension in _MAGIC_EXTENSIONS:
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    mime = (image.mime_type or "").split(";")[0].strip().lower()
    return _MIME_EXTENSIONS.get(mime, fallback.lower().lstrip(".") or "png")


def _free_path(folder: Path, stem: str, extension: str) -> Path:
    candidate = folder / f"{stem}.{extension}"
    number = 2
    while candidate.exists() or candidate.with_suffix(".json").exists():
        candidate = folder / f"{stem}-{number}.{extension}"
        number += 1
    return candidate


def sidecar_path(image_path: Path) -> Path:
    """Where the request that made an image is kept: same name, ``.json``."""
    return image_path.with_suffix(".json")


def save_image(
    image: GeneratedImage,
    directory: str | Path,
    stem: str,
    fmt: str | None = None,
    *,
    request: dict[str, Any] | None = None,
) -> Path:
    """Write the image under ``directory`` atomically, never over an existing file.

    Args:
        image: the image.
        directory: the folder (created when missing).
        stem: the file name without extension; ``-2``, ``-3`` … are added when taken.
        fmt: the extension to use when neither the bytes nor the MIME type say the format.
        request: when given, written beside the image as ``<name>.json`` together with what
            the response said of the image.

    Returns:
        The path of the image file.
    """
    if not image.data:
        raise InvalidInputError("The server sent an empty image; nothing was saved.")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_path(folder, stem, image_extension(image, fmt or "png"))
    write_bytes_atomic(path, image.data)
    if request is not None:
        write_json_atomic(sidecar_path(path), sidecar(image, request))
    return path


def sidecar(image: GeneratedImage, request: dict[str, Any]) -> dict[str, Any]:
    """The sidecar contents: the exact request and what the response said of the image."""
    url = image.source_url if not (image.source_url or "").startswith("data:") else None
    about = {
        "mime_type": image.mime_type,
        "width": image.width,
        "height": image.height,
        "seed": image.seed,
        "source_url": url,
        "revised_prompt": image.revised_prompt,
    }
    return {
        "request": request,
        "image": {k: v for k, v in about.items() if v is not None},
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


class ImageService:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def generate(self, body: dict[str, Any]) -> ImageResult:
        """Generate images; ``body`` holds model, prompt and the family's own parameters."""
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidInputError("The prompt is empty. Describe the image to generate.")
        if not body.get("model"):
            raise InvalidInputError("No model is selected. Pick an image model.")
        return await self._services.call(lambda client: client.images.generate(body))
