"""An ``ImageCodec`` that decodes nothing: reference images and masks go exactly as the files
are, after their headers are checked against what the model takes.

The command line uses it, so it runs with no image library and no Qt. A file too large for
the model, in a format the route does not take, or a mask of another size is one sentence
saying what to change (the window scales and converts instead).
"""

from __future__ import annotations

from app.media.image_inputs import ImageInputError, PreparedImage, megabytes
from app.media.images import ImageHeader, image_header

MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
_PNG_ALPHA_TYPES = (4, 6)  # grey + alpha, RGB + alpha (IHDR colour type)


def _header(data: bytes, what: str) -> ImageHeader:
    header = image_header(data)
    if header is None or header.width <= 0 or header.height <= 0:
        raise ImageInputError(f"The {what} is not a PNG, JPEG, WebP or GIF image.")
    return header


def png_has_alpha(data: bytes) -> bool:
    """Whether a PNG can hold transparency: an alpha channel, or a ``tRNS`` chunk."""
    if len(data) > 25 and data[25] in _PNG_ALPHA_TYPES:
        return True
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if kind == b"tRNS":
            return True
        if kind in (b"IDAT", b"IEND"):
            return False
        position += 12 + length
    return False


class AsIsImageCodec:
    """``ImageCodec`` that sends files unchanged, or says why one cannot go."""

    def prepare_reference(
        self, data: bytes, *, max_side: int, max_bytes: int, keep_png: bool = False
    ) -> PreparedImage:
        header = _header(data, "reference image")
        if keep_png and header.format != "png":
            raise ImageInputError(
                f"it is a {header.format.upper()} file and this model's edits take PNG; "
                "convert it to PNG first (the command line sends images as they are)."
            )
        if len(data) > max_bytes:
            raise ImageInputError(
                f"it is {megabytes(len(data))}, more than the {megabytes(max_bytes)} this model "
                "takes; make it smaller first (the command line sends images as they are)."
            )
        size = (header.width, header.height)
        # a PNG without an alpha channel or tRNS chunk has no see-through pixel; others: unknown
        see_through = None if header.format != "png" or png_has_alpha(data) else False
        return PreparedImage(data, MIME_TYPES[header.format], *size, *size, see_through)

    def prepare_mask(self, data: bytes, size: tuple[int, int]) -> PreparedImage:
        header = _header(data, "mask")
        if header.format != "png":
            raise ImageInputError("The mask must be a PNG file, transparent where to edit.")
        if (header.width, header.height) != size:
            raise ImageInputError(
                f"The mask is {header.width} × {header.height} but the image is "
                f"{size[0]} × {size[1]}: give a mask of the same size."
            )
        if not png_has_alpha(data):
            raise ImageInputError(
                "The mask has no transparency (no alpha channel), so nothing would change: "
                "make it transparent where to edit."
            )
        return PreparedImage(data, "image/png", *size, *size)
