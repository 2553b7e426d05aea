"""Editing images: reference pictures and a mask prepared the way a model family takes them,
sent as a multipart upload (``/v1/images/edits``) or as data URLs (``image_url`` /
``image_urls``), and kept beside the result so every edit knows its parents.

The chain of an edit lives in its history row (``response_meta["edit"]``) and its sidecar:
the source image (the first reference, when it came from the gallery), the references as
sent, and the mask.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.api.errors import ApiStatusError, InvalidInputError
from app.media.image_inputs import ImageCodec, ImageInputError, PreparedImage, megabytes
from app.services.image_families import EDITS, IMAGE_URL, IMAGE_URLS, EditSupport, Family
from app.storage.atomic import write_bytes_atomic
from app.storage.image_store import ImageRecord, ImageStore

EDIT_KEY = "edit"
INPUTS_FOLDER = "inputs"  # beside the images: the references and masks of each edit
_DROPPED_FROM_UPLOAD = ("response_format",)


@dataclass(frozen=True, slots=True)
class ChatSource:
    """The chat message a reference picture was attached to (or returned in)."""

    conversation_id: int
    message_id: int
    name: str = ""
    role: str = ""

    def describe(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "name": self.name,
            "role": self.role,
        }


@dataclass(frozen=True, slots=True)
class ReferenceImage:
    """A picture given as a reference: a file, and the gallery image it is when it is one
    (or the chat message it came from)."""

    path: Path
    image_id: int | None = None
    chat: ChatSource | None = None


@dataclass(frozen=True, slots=True)
class EditInputs:
    """What goes with the prompt: references (the first is the source) and a mask PNG for
    the first, at its size, transparent where to edit."""

    references: tuple[ReferenceImage, ...] = ()
    mask: bytes | None = None

    def __bool__(self) -> bool:
        return bool(self.references)


@dataclass(frozen=True, slots=True)
class PreparedEdit:
    """The inputs as they will be sent."""

    inputs: EditInputs
    support: EditSupport
    references: tuple[PreparedImage, ...]
    mask: PreparedImage | None = None

    @property
    def upload_bytes(self) -> int:
        return sum(len(p.data) for p in self.references) + (len(self.mask.data) if self.mask else 0)


@dataclass(frozen=True, slots=True)
class EditRequest:
    """The request to make: JSON for ``/v1/images/generations``, or multipart parts."""

    json: dict[str, Any] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    files: list[tuple[str, str, bytes, str]] = field(default_factory=list)


class UploadTooLargeError(InvalidInputError):
    """413: the server refused the upload as too large; the message says what was sent."""


class MaskRefusedError(InvalidInputError):
    """The server refused an edit that had a mask; the message says what to do."""


def check_inputs(family: Family, inputs: EditInputs, *, mask_refused: bool = False) -> None:
    """Refuse, before anything is read, what the family cannot take."""
    support = family.edit
    count = len(inputs.references)
    if count and not support.max_references:
        raise InvalidInputError(support.reason or "This model takes no reference image.")
    most = support.max_references
    if count > most:
        raise InvalidInputError(
            f"{family.label} takes at most {most} reference image{'s' if most != 1 else ''}; "
            f"remove {count - most}."
        )
    if inputs.mask is not None:
        if not support.takes_mask:
            raise InvalidInputError(support.mask_reason or "This model takes no mask.")
        if mask_refused:
            raise InvalidInputError(
                "The server refused a mask for this model earlier: edit without the mask, or "
                "pick another GPT Image model."
            )


def prepare(codec: ImageCodec, family: Family, inputs: EditInputs) -> PreparedEdit:
    """Read, scale down and encode every reference and the mask (blocking)."""
    support = family.edit
    keep_png = support.transport == EDITS  # the edits route wants PNG with its mask
    prepared = []
    for reference in inputs.references:
        try:
            data = reference.path.read_bytes()
        except OSError as exc:
            raise InvalidInputError(
                f"The reference image {reference.path.name} could not be read "
                f"({exc.strerror or exc})."
            ) from exc
        try:
            prepared.append(
                codec.prepare_reference(
                    data,
                    max_side=support.max_side,
                    max_bytes=support.max_upload_bytes,
                    keep_png=keep_png,
                )
            )
        except ImageInputError as exc:
            text = str(exc)
            raise InvalidInputError(
                f"The reference image {reference.path.name} cannot be sent: "
                f"{text[:1].lower()}{text[1:]}"
            ) from exc
    if support.square_only and prepared:
        check_square(prepared[0], inputs.references[0].path.name, family.label)
        if inputs.mask is None and prepared[0].transparent is False:
            raise InvalidInputError(
                f"{family.label} changes only the transparent parts of an image, and "
                f"{inputs.references[0].path.name} has none: paint or give a mask of the area "
                "to change, or use a PNG with transparent areas."
            )
    mask = None
    if inputs.mask is not None and prepared:
        first = prepared[0]
        try:
            mask = codec.prepare_mask(inputs.mask, (first.width, first.height))
        except ImageInputError as exc:
            raise InvalidInputError(str(exc)) from exc
    return PreparedEdit(inputs, support, tuple(prepared), mask)


def check_square(image: PreparedImage, name: str, label: str) -> None:
    """Refuse a source that is not square, for a family that edits only square images."""
    if image.width != image.height:
        raise InvalidInputError(square_sentence(image, name, label))


def square_sentence(image: PreparedImage, name: str, label: str) -> str:
    """Why a source that is not square cannot go to ``label`` (DALL·E 2), and what to do."""
    return (
        f"{label} edits only square images, and {name} is {image.width} × {image.height}: "
        "crop it to a square first, or pick a GPT Image model, which takes any shape."
    )


def edit_request(body: dict[str, Any], prepared: PreparedEdit) -> EditRequest:
    """The request that carries ``body`` with the prepared images, as the family takes them."""
    transport = prepared.support.transport
    if transport == IMAGE_URL:
        return EditRequest(json={**body, "image_url": prepared.references[0].data_url()})
    if transport == IMAGE_URLS:
        return EditRequest(json={**body, "image_urls": [p.data_url() for p in prepared.references]})
    if transport != EDITS:
        raise InvalidInputError("This model takes no reference image.")
    fields = {k: v for k, v in body.items() if k not in _DROPPED_FROM_UPLOAD}
    many = len(prepared.references) > 1
    files = [
        ("image[]" if many else "image", f"image-{n}.{p.extension}", p.data, p.mime)
        for n, p in enumerate(prepared.references, start=1)
    ]
    if prepared.mask is not None:
        files.append(("mask", "mask.png", prepared.mask.data, "image/png"))
    return EditRequest(fields=fields, files=files)


def refusal_for(
    exc: ApiStatusError, model: str, prepared: PreparedEdit
) -> InvalidInputError | None:
    """The sentence for a refused upload: too large (413), or a mask the model does not take."""
    if exc.status == 413:
        return UploadTooLargeError(
            f"The server refused the upload as too large ({megabytes(prepared.upload_bytes)} "
            "of images in one request). Use fewer or smaller reference images."
        )
    if prepared.mask is not None and exc.status in (400, 422):
        detail = " ".join(exc.message.split()).rstrip(".")
        return MaskRefusedError(
            f"The model {model} did not accept the mask ({detail}). Edit without the mask, "
            "or pick a GPT Image model that takes one."
        )
    return None


def keep_inputs(prepared: PreparedEdit, folder: Path, stem: str) -> dict[str, Any]:
    """Write the references and mask as sent under ``folder`` and describe them for the
    history row and the sidecar (blocking)."""
    folder.mkdir(parents=True, exist_ok=True)
    references = []
    for n, (given, sent) in enumerate(
        zip(prepared.inputs.references, prepared.references, strict=True), start=1
    ):
        path = folder / f"{stem}-ref{n}.{sent.extension}"
        write_bytes_atomic(path, sent.data)
        kept: dict[str, Any] = {
            "path": str(path),
            "image_id": given.image_id,
            "original": str(given.path),
            "width": sent.width,
            "height": sent.height,
            "original_width": sent.original_width,
            "original_height": sent.original_height,
            "bytes": len(sent.data),
        }
        if given.chat is not None:
            kept["chat"] = given.chat.describe()
        references.append(kept)
    mask = None
    if prepared.mask is not None:
        path = folder / f"{stem}-mask.png"
        write_bytes_atomic(path, prepared.mask.data)
        mask = {"path": str(path), "width": prepared.mask.width, "height": prepared.mask.height}
    source = prepared.inputs.references[0].image_id if prepared.inputs.references else None
    return {
        "transport": prepared.support.transport,
        "source_id": source,
        "references": references,
        "mask": mask,
    }


def edit_of(record: ImageRecord) -> dict[str, Any]:
    """The edit description of a stored image (empty for a plain generation)."""
    edit = record.response_meta.get(EDIT_KEY)
    return edit if isinstance(edit, dict) else {}


def parent_id(record: ImageRecord) -> int | None:
    source = edit_of(record).get("source_id")
    return source if isinstance(source, int) else None


def resolve_input(record: ImageRecord, stored: str) -> Path:
    """Where a kept reference or mask is now: the file of that name in the ``inputs`` folder
    beside the image (which a restore into another data folder moves with it), else the
    stored path."""
    path = Path(stored)
    beside = Path(record.path).parent / INPUTS_FOLDER / path.name
    return beside if beside.exists() else path


def reference_files(record: ImageRecord) -> list[Path]:
    edit = edit_of(record)
    return [
        resolve_input(record, r["path"])
        for r in edit.get("references", [])
        if isinstance(r, dict) and r.get("path")
    ]


def mask_file(record: ImageRecord) -> Path | None:
    mask = edit_of(record).get("mask")
    if isinstance(mask, dict) and mask.get("path"):
        return resolve_input(record, mask["path"])
    return None


def input_files(record: ImageRecord) -> list[Path]:
    """The reference and mask files kept with an edit."""
    mask = mask_file(record)
    return [*reference_files(record), *([mask] if mask else [])]


def ancestors(store: ImageStore, record: ImageRecord, limit: int = 100) -> list[ImageRecord]:
    """The versions this one was made from, oldest first (a missing parent ends the walk)."""
    chain: list[ImageRecord] = []
    seen = {record.id}
    current = record
    while len(chain) < limit:
        source = parent_id(current)
        if source is None or source in seen:
            break
        parent = store.get(source)
        if parent is None:
            break
        chain.append(parent)
        seen.add(source)
        current = parent
    return list(reversed(chain))


def chain_summary(chain: list[ImageRecord]) -> list[dict[str, Any]]:
    """The chain as the sidecar records it."""
    return [
        {"id": r.id, "model": r.model, "prompt": r.prompt, "path": r.path, "edit": edit_of(r)}
        for r in chain
    ]


def version_chain(store: ImageStore, record: ImageRecord) -> list[ImageRecord]:
    """The versions around ``record``: what it was edited from (oldest first), itself, then
    its newest edit, that one's newest edit, and so on."""
    chain = [*ancestors(store, record), record]
    seen = {r.id for r in chain}
    current = record
    while len(chain) < 200:
        later = [r for r in store.children(current.id) if r.id not in seen]
        if not later:
            break
        current = later[-1]
        seen.add(current.id)
        chain.append(current)
    return chain


def how_made(record: ImageRecord) -> str:
    """``" · the original"``, ``" · edited with 2 references and a mask"``."""
    edit = edit_of(record)
    if not edit:
        return " · the original"
    parts = []
    count = len(edit.get("references", []))
    if count:
        parts.append(f"{count} reference{'s' if count != 1 else ''}")
    if edit.get("mask"):
        parts.append("a mask")
    return " · edited with " + " and ".join(parts) if parts else " · an edit"
