"""Image-generation bodies → references to the images they contain (API_NOTES §4.1).

Four shapes: OpenAI-style ``data[]{url|b64_json}``, fal-style ``images[]{url,width,height}``,
both at once (same images twice), and the legacy ``output.choices[].image_base64``. URLs may be
``data:`` URIs; ``b64_json`` may be null next to a ``url``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote_to_bytes

from app.api.errors import ResponseFormatError
from app.api.values import as_dict, as_int, as_list, as_str

_DATA_URI = re.compile(
    r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?),(?P<data>.*)$", re.S
)


@dataclass(frozen=True, slots=True)
class ImageRef:
    """Where one image's bytes are: a URL to download, or base64 already in the body."""

    url: str | None = None
    b64: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    revised_prompt: str | None = None

    @property
    def key(self) -> str:
        return self.url or "".join((self.b64 or "").split())


def decode_base64(text: str) -> bytes:
    """Standard or URL-safe base64, whitespace and missing padding tolerated."""
    cleaned = "".join(text.split())
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        if "-" in cleaned or "_" in cleaned:
            return base64.urlsafe_b64decode(cleaned)
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ResponseFormatError("The reply held base64 data that could not be decoded.") from exc


def decode_data_uri(uri: str) -> tuple[bytes, str | None]:
    """``data:image/png;base64,...`` → bytes and declared type."""
    match = _DATA_URI.match(uri.strip())
    if match is None:
        raise ResponseFormatError("The reply held a data: URI that could not be read.")
    payload = match.group("data")
    if ";base64" in (match.group("params") or "").lower():
        return decode_base64(payload), match.group("mime")
    return unquote_to_bytes(payload), match.group("mime")


def _ref_from_entry(entry: Any) -> ImageRef | None:
    item = as_dict(entry)
    if not item and isinstance(entry, str):
        item = {"url": entry}
    b64 = (
        as_str(item.get("b64_json"))
        or as_str(item.get("image_base64"))
        or as_str(item.get("base64"))
    )
    url = as_str(item.get("url"))
    if not b64 and not url:
        return None
    return ImageRef(
        url=url if not b64 else None,
        b64=b64 or None,
        mime_type=as_str(item.get("content_type")) or as_str(item.get("mime_type")),
        width=as_int(item.get("width")),
        height=as_int(item.get("height")),
        revised_prompt=as_str(item.get("revised_prompt")),
    )


def _merge(existing: ImageRef, extra: ImageRef) -> ImageRef:
    return replace(
        existing,
        mime_type=existing.mime_type or extra.mime_type,
        width=existing.width or extra.width,
        height=existing.height or extra.height,
        revised_prompt=existing.revised_prompt or extra.revised_prompt,
    )


def image_refs(body: Any) -> list[ImageRef]:
    """Every distinct image in the body, in order; ``ResponseFormatError`` when there is none."""
    root = as_dict(body)
    if not root and isinstance(body, list):
        root = {"data": body}
    entries = (
        as_list(root.get("images"))
        + as_list(root.get("data"))
        + as_list(as_dict(root.get("output")).get("choices"))
    )
    found: dict[str, ImageRef] = {}
    for entry in entries:
        ref = _ref_from_entry(entry)
        if ref is None:
            continue
        if ref.key in found:
            found[ref.key] = _merge(found[ref.key], ref)
        else:
            found[ref.key] = ref
    if not found:
        raise ResponseFormatError("The reply held no image.")
    return list(found.values())


def image_seed(body: Any) -> int | None:
    return as_int(as_dict(body).get("seed"))


def image_description(body: Any) -> str:
    return as_str(as_dict(body).get("description")) or ""


def sniff_image_mime(data: bytes) -> str | None:
    """The image type from its first bytes, or ``None`` when not a known image format."""
    head = bytes(data[:16])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    if head.startswith(b"BM"):
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.lstrip().startswith((b"<svg", b"<?xml")):
        return "image/svg+xml"
    return None
