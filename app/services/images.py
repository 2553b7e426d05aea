"""Image generation and saving images with a sidecar holding the exact request."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import ApiError, ApiStatusError, InvalidInputError, ResponseFormatError
from app.api.image_types import GeneratedImage, ImageResult
from app.media.image_inputs import ImageCodec
from app.media.images import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    ImageCheckError,
    ImageHeader,
    check_image,
)
from app.services.image_edits import (
    EDIT_KEY,
    INPUTS_FOLDER,
    EditInputs,
    MaskRefusedError,
    PreparedEdit,
    ancestors,
    chain_summary,
    check_inputs,
    edit_request,
    input_files,
    keep_inputs,
    prepare,
    refusal_for,
)
from app.services.image_families import family_for
from app.services.image_refusals import refusal_for_error, refusal_for_result
from app.services.usage import image_record
from app.storage.atomic import write_bytes_atomic, write_json_atomic
from app.storage.image_store import ImageRecord, ImageStore
from app.storage.paths import media_dir

if TYPE_CHECKING:
    from app.api.client import ApiClient
    from app.services.service_context import ServiceContext

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
    edit: dict[str, Any] | None = None,
    chain: list[dict[str, Any]] | None = None,
) -> Path:
    """Write the image under ``directory`` atomically, never over an existing file.

    Args:
        image: the image.
        directory: the folder (created when missing).
        stem: the file name without extension; ``-2``, ``-3`` … are added when taken.
        fmt: the extension to use when neither the bytes nor the MIME type say the format.
        request: when given, written beside the image as ``<name>.json`` together with what
            the response said of the image.
        edit, chain: for an edit, its references and mask, and the versions it came from.

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
        write_json_atomic(sidecar_path(path), sidecar(image, request, edit=edit, chain=chain))
    return path


def sidecar(
    image: GeneratedImage,
    request: dict[str, Any],
    *,
    edit: dict[str, Any] | None = None,
    chain: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
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
    contents: dict[str, Any] = {
        "request": request,
        "image": {k: v for k, v in about.items() if v is not None},
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if edit:
        contents["edit"] = edit
        contents["chain"] = chain or []
    return contents


@dataclass(frozen=True, slots=True)
class Generation:
    """A finished request: the result, and the references and mask as they were sent."""

    result: ImageResult
    prepared: PreparedEdit | None = None


def _send(
    client: ApiClient, body: dict[str, Any], prepared: PreparedEdit | None, stop: Any
) -> ImageResult:
    if prepared is None:
        return client.images.generate(body, cancel=stop)
    wire = edit_request(body, prepared)
    if wire.json is not None:
        return client.images.generate(wire.json, cancel=stop)
    return client.images.edit(wire.fields, wire.files, cancel=stop)


@dataclass(frozen=True, slots=True)
class StoredGeneration:
    """A finished generation: the images as stored, and what the response said overall."""

    records: tuple[ImageRecord, ...]
    result: ImageResult

    @property
    def flagged_count(self) -> int:
        """How many images the provider's safety checker flagged (fal ``has_nsfw_concepts``)."""
        flags = self.result.raw.get("has_nsfw_concepts")
        return sum(1 for flag in flags if flag is True) if isinstance(flags, list) else 0


def _slug(text: str, limit: int = 40) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "image"


def _response_meta(result: ImageResult, image: GeneratedImage) -> dict[str, Any]:
    meta = {
        "mime_type": image.mime_type,
        "source_url": image.source_url,
        "revised_prompt": image.revised_prompt,
        "seed": image.seed if image.seed is not None else result.seed,
        "description": result.description or None,
        "cost_usd": result.cost.usd,
        "cost_credits": result.cost.credits,
        "images_in_response": len(result.images),
    }
    for key in ("created", "timings", "has_nsfw_concepts", "usage", "meta"):
        if key in result.raw:
            meta[key] = result.raw[key]
    return {key: value for key, value in meta.items() if value is not None}


def _seed_of(image: GeneratedImage, result: ImageResult, body: dict[str, Any]) -> int | None:
    """The seed the response gave, else the one the request asked for."""
    for seed in (image.seed, result.seed, body.get("seed")):
        if isinstance(seed, int) and not isinstance(seed, bool):
            return seed
    return None


class ImageService:
    """Generates images, keeps each as a file under the images folder with a history row.

    Attributes:
        max_image_bytes, max_image_pixels: images over either cap are refused before decoding.
    """

    def __init__(self, services: ServiceContext) -> None:
        self._services = services
        self.max_image_bytes = MAX_IMAGE_BYTES
        self.max_image_pixels = MAX_IMAGE_PIXELS
        self.codec: ImageCodec | None = None
        self.mask_refused: set[str] = set()

    @cached_property
    def store(self) -> ImageStore:
        return ImageStore(self._services.history)

    async def generate(
        self,
        body: dict[str, Any],
        *,
        inputs: EditInputs | None = None,
        cancel: threading.Event | None = None,
    ) -> ImageResult:
        """Generate images; ``body`` holds model, prompt and the family's own parameters.

        With ``inputs`` (references, a mask) the images are edits: sent as the model's family
        takes them (see ``app.services.image_edits``). A content-policy refusal (by status, or
        every image flagged) is ``ContentRefusedError``. Cancelling the awaiting task (or
        setting ``cancel``) closes the request in flight, so its worker thread is free again.
        """
        return (await self.request(body, inputs=inputs, cancel=cancel)).result

    async def request(
        self,
        body: dict[str, Any],
        *,
        inputs: EditInputs | None = None,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """``generate``, also returning the inputs as they were sent."""
        import asyncio

        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise InvalidInputError("The prompt is empty. Describe the image to generate.")
        model = str(body.get("model") or "")
        if not model:
            raise InvalidInputError("No model is selected. Pick an image model.")
        prepared = None
        if inputs:
            family = family_for(model)
            check_inputs(family, inputs, mask_refused=model in self.mask_refused)
            prepared = await self._services.runner.run(prepare, self._codec(), family, inputs)
        from app.api.cancel import CancelEvent  # loads requests: only when a request is made

        stop = cancel if cancel is not None else CancelEvent()

        def run(client: ApiClient) -> ImageResult:
            result = _send(client, body, prepared, stop)
            self._services.usage.record(image_record(body, result))
            return result

        try:
            result = await self._services.call(run)
        except asyncio.CancelledError:
            stop.set()
            raise
        except ApiStatusError as exc:
            upload = refusal_for(exc, model, prepared) if prepared is not None else None
            if isinstance(upload, MaskRefusedError):
                self.mask_refused.add(model)
            refusal = refusal_for_error(exc) or upload
            if refusal is not None:
                raise refusal from exc
            raise
        except ApiError as exc:
            refusal = refusal_for_error(exc)
            if refusal is not None:
                raise refusal from exc
            raise
        refusal = refusal_for_result(result)
        if refusal is not None:
            raise refusal
        return Generation(result, prepared)

    def _codec(self) -> ImageCodec:
        if self.codec is None:
            raise InvalidInputError("Reference images cannot be read here: no image codec.")
        return self.codec

    def check(self, result: ImageResult) -> list[ImageHeader]:
        """The header of every image in ``result``, after checking each against the caps.

        Nothing is decoded: a header that claims too many pixels is refused as it is.

        Raises:
            ResponseFormatError: no image, or one that is empty, corrupt, not an image, or
                over the byte or pixel cap (the sentence says which).
        """
        if not result.images:
            raise ResponseFormatError("The reply held no image.")
        headers = []
        for image in result.images:
            try:
                headers.append(
                    check_image(
                        image.data,
                        max_bytes=self.max_image_bytes,
                        max_pixels=self.max_image_pixels,
                    )
                )
            except ImageCheckError as exc:
                raise ResponseFormatError(str(exc)) from exc
        return headers

    def keep(
        self, body: dict[str, Any], result: ImageResult, prepared: PreparedEdit | None = None
    ) -> StoredGeneration:
        """Check every image against the caps, write it with its sidecar and add its row.

        Blocking: run it on the worker pool. Nothing is written when any image fails the
        check (corrupt, not an image, too many bytes or pixels).
        """
        headers = self.check(result)
        folder = media_dir("images")
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{_slug(str(body.get('prompt', '')))}"
        edit: dict[str, Any] | None = None
        chain: list[dict[str, Any]] = []
        if prepared is not None:
            stem = _free_path(folder, stem, "png").stem
            edit = keep_inputs(prepared, folder / INPUTS_FOLDER, stem)
            source = edit.get("source_id")
            parent = self.store.get(source) if isinstance(source, int) else None
            if parent is not None:
                chain = chain_summary([*ancestors(self.store, parent), parent])
        records = []
        share = len(result.images)
        for image, header in zip(result.images, headers, strict=True):
            image = replace(image, seed=_seed_of(image, result, body))
            path = save_image(image, folder, stem, request=body, edit=edit, chain=chain)
            record = ImageRecord(
                model=str(body.get("model", "")),
                prompt=str(body.get("prompt", "")),
                request=body,
                path=str(path),
                mime=image.mime_type,
                width=header.width,
                height=header.height,
                seed=image.seed,
                cost_usd=result.cost.usd / share if result.cost.usd is not None else None,
                cost_credits=(
                    result.cost.credits / share if result.cost.credits is not None else None
                ),
                response_meta=_response_meta(result, image) | ({EDIT_KEY: edit} if edit else {}),
            )
            records.append(self.store.add(record))
        return StoredGeneration(tuple(records), result)

    async def generate_and_keep(
        self, body: dict[str, Any], inputs: EditInputs | None = None
    ) -> StoredGeneration:
        """Generate, then keep the images and the inputs they were made from (the second
        step is skipped if cancelled first)."""
        done = await self.request(body, inputs=inputs)
        return await self._services.runner.run(self.keep, body, done.result, done.prepared)

    def children(self, image_id: int) -> list[ImageRecord]:
        """The images made by editing this one, oldest first (blocking)."""
        return self.store.children(image_id)

    async def delete(self, image_id: int) -> ImageRecord | None:
        """Remove the image, its sidecar and the references and mask kept with it."""
        return await self._services.runner.run(self._delete, image_id)

    def _delete(self, image_id: int) -> ImageRecord | None:
        record = self.store.delete(image_id)
        if record is not None:
            for path in input_files(record):
                path.unlink(missing_ok=True)
        return record
