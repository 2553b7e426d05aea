"""The image codec behind reference images and masks, on QImage (safe on worker threads).

Implements ``app.media.image_inputs.ImageCodec``: the service asks it to scale a reference
down and encode it, and to bring a mask to the size of the picture it goes with.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage

from app.media.image_inputs import (
    ImageInputError,
    PreparedImage,
    megabytes,
    same_shape,
    scaled_size,
)
from app.media.images import ImageCheckError
from app.ui.images.decode import decode_bytes

JPEG_QUALITY = 90


def encode(image: QImage, fmt: str, quality: int = -1) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt, quality):  # type: ignore[call-overload]  # str works; bytes crash
        raise ImageInputError(f"The image could not be encoded as {fmt}.")
    buffer.close()
    return bytes(data.data())


def _decode(data: bytes, what: str) -> QImage:
    try:
        return decode_bytes(data)
    except ImageCheckError as exc:
        text = str(exc)
        raise ImageInputError(f"The {what} cannot be used: {text[:1].lower()}{text[1:]}") from exc


def _has_transparency(image: QImage) -> bool:
    """Whether any pixel is less than fully opaque (a full scan, row by row)."""
    if not image.hasAlphaChannel():
        return False
    alpha = image.convertToFormat(QImage.Format.Format_Alpha8)
    view = memoryview(alpha.constBits()).cast("B")
    stride, width = alpha.bytesPerLine(), alpha.width()
    return any(min(view[y * stride : y * stride + width]) < 255 for y in range(alpha.height()))


class QtImageCodec:
    """``ImageCodec`` on QImage."""

    def prepare_reference(
        self, data: bytes, *, max_side: int, max_bytes: int, keep_png: bool = False
    ) -> PreparedImage:
        image = _decode(data, "reference image")
        original = (image.width(), image.height())
        see_through = _has_transparency(image)
        png_only = keep_png or see_through
        side = max_side
        for _attempt in range(6):
            width, height = scaled_size(*original, side)
            sized = image
            if (width, height) != original:
                sized = image.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            if keep_png:  # the edits route takes RGBA (DALL·E 2 refuses a PNG without alpha)
                sized = sized.convertToFormat(QImage.Format.Format_ARGB32)
            encoded, mime = encode(sized, "PNG"), "image/png"
            if len(encoded) > max_bytes and not png_only:
                flat = sized.convertToFormat(QImage.Format.Format_RGB32)
                encoded, mime = encode(flat, "JPEG", JPEG_QUALITY), "image/jpeg"
            if len(encoded) <= max_bytes:
                return PreparedImage(encoded, mime, width, height, *original, see_through)
            side = int(max(width, height) * 0.75)
        raise ImageInputError(
            f"The reference image stays over {megabytes(max_bytes)} even when made smaller."
        )

    def prepare_mask(self, data: bytes, size: tuple[int, int]) -> PreparedImage:
        mask = _decode(data, "mask").convertToFormat(QImage.Format.Format_ARGB32)
        original = (mask.width(), mask.height())
        if original != size:
            if not same_shape(original, size):
                raise ImageInputError(
                    f"The mask is {original[0]} × {original[1]} but the image is "
                    f"{size[0]} × {size[1]}: they must have the same shape."
                )
            mask = mask.scaled(size[0], size[1], Qt.AspectRatioMode.IgnoreAspectRatio,
                               Qt.TransformationMode.FastTransformation)  # fmt: skip
        if not _has_transparency(mask):
            raise ImageInputError(
                "The mask has no transparent area, so nothing would change: paint where to edit."
            )
        return PreparedImage(encode(mask, "PNG"), "image/png", size[0], size[1], *original)


def mask_from_painted(painted: QImage, size: tuple[int, int]) -> QImage:
    """The mask to send from a painted coverage image: opaque everywhere, transparent where
    ``painted`` has any alpha (the areas to edit)."""
    mask = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    mask.fill(QColor(0, 0, 0, 255))
    coverage = painted.convertToFormat(QImage.Format.Format_Alpha8)
    if (coverage.width(), coverage.height()) != size:
        coverage = coverage.scaled(size[0], size[1])
    alpha = QImage(coverage)
    alpha.invertPixels(QImage.InvertMode.InvertRgba)
    mask.setAlphaChannel(alpha)
    return mask
