"""Request bodies for image models: each family names its count and size parameters its own way.

- ``openai``: ``n`` and ``size`` as ``"WxH"`` (DALL·E, gpt-image, legacy SDXL, xAI, Seedream).
- ``fal``: ``num_images`` and ``image_size`` as a preset name or ``{"width", "height"}``
  (FLUX, Stable Diffusion 3.x, Recraft, FLUX.2).
- ``aspect``: ``num_images`` and ``aspect_ratio`` such as ``"16:9"`` (Imagen, Gemini, FLUX
  Ultra/Kontext, Reve).
"""

from __future__ import annotations

import math
import re
from typing import Any

from app.api.errors import InvalidInputError

IMAGE_SIZE_PRESETS: dict[str, tuple[int, int]] = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
_RATIO_PRESETS = {"1:1": "square_hd", "3:4": "portrait_4_3", "9:16": "portrait_16_9",
                  "4:3": "landscape_4_3", "16:9": "landscape_16_9"}  # fmt: skip
_PRESET_RATIOS = {preset: ratio for ratio, preset in _RATIO_PRESETS.items()} | {"square": "1:1"}
_OPENAI_RATIO_SIZES = {"1:1": "1024x1024", "16:9": "1792x1024", "9:16": "1024x1792",
                       "3:2": "1536x1024", "2:3": "1024x1536"}  # fmt: skip

# (pattern on the lower-cased model id, family); first match wins.
IMAGE_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"flux-pro/v1\.1-ultra|flux/kontext|imagen|^google/|gemini|nano-banana|^reve/", "aspect"),
    (r"flux|stable-diffusion-v3|recraft|^blackforestlabs/", "fal"),
    (r"dall-e|gpt-image|^openai/|stable-diffusion-xl|^stabilityai/|^x-ai/|^bytedance/", "openai"),
)
DEFAULT_FAMILY = "openai"

_WXH = re.compile(r"^\s*(\d{2,5})\s*[xX×]\s*(\d{2,5})\s*$")
_RATIO = re.compile(r"^\s*(\d{1,2})\s*:\s*(\d{1,2})\s*$")


def image_family(model: str) -> str:
    """``"openai"``, ``"fal"`` or ``"aspect"`` for a model id."""
    lowered = model.lower()
    for pattern, family in IMAGE_FAMILIES:
        if re.search(pattern, lowered):
            return family
    return DEFAULT_FAMILY


def _ratio_of(width: int, height: int) -> str:
    divisor = math.gcd(width, height) or 1
    return f"{width // divisor}:{height // divisor}"


def _parse_size(size: str) -> tuple[str, Any]:
    """Classify a size as ``("wxh", (w, h))``, ``("preset", name)`` or ``("ratio", "w:h")``."""
    text = size.strip()
    if match := _WXH.match(text):
        return "wxh", (int(match[1]), int(match[2]))
    if match := _RATIO.match(text):
        return "ratio", f"{int(match[1])}:{int(match[2])}"
    if text.lower() in IMAGE_SIZE_PRESETS:
        return "preset", text.lower()
    raise InvalidInputError(
        f"Size {size!r} is not understood: use WIDTHxHEIGHT (1024x768), a ratio (16:9) or one "
        f"of {', '.join(IMAGE_SIZE_PRESETS)}."
    )


def _openai_size(kind: str, value: Any) -> str:
    if kind == "wxh":
        return f"{value[0]}x{value[1]}"
    if kind == "preset":
        width, height = IMAGE_SIZE_PRESETS[value]
        return f"{width}x{height}"
    if value in _OPENAI_RATIO_SIZES:
        return _OPENAI_RATIO_SIZES[value]
    raise InvalidInputError(f"This model takes a size such as 1024x1024, not the ratio {value}.")


def _fal_size(kind: str, value: Any) -> Any:
    if kind == "wxh":
        return {"width": value[0], "height": value[1]}
    if kind == "preset":
        return value
    if value in _RATIO_PRESETS:
        return _RATIO_PRESETS[value]
    raise InvalidInputError(
        f"This model has no {value} preset; give WIDTHxHEIGHT instead (for example 1024x768)."
    )


def _aspect_ratio(kind: str, value: Any) -> str:
    if kind == "wxh":
        return _ratio_of(*value)
    if kind == "preset":
        return _PRESET_RATIOS[value]
    return str(value)


def image_body(
    model: str,
    prompt: str,
    *,
    count: int | None = None,
    size: str | None = None,
    seed: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body for ``POST /v1/images/generations`` in the model family's own terms."""
    family = image_family(model)
    body: dict[str, Any] = {"model": model, "prompt": prompt}
    if count is not None:
        if count < 1:
            raise InvalidInputError("The number of images must be at least 1.")
        body["n" if family == "openai" else "num_images"] = count
    if size:
        kind, value = _parse_size(size)
        if family == "openai":
            body["size"] = _openai_size(kind, value)
        elif family == "fal":
            body["image_size"] = _fal_size(kind, value)
        else:
            body["aspect_ratio"] = _aspect_ratio(kind, value)
    if seed is not None:
        body["seed"] = seed
    if extra:
        body.update(extra)
    return body
