"""Image model families and the parameters each accepts (API_NOTES §4), in one table.

Each ``Family`` lists its ``ParamSpec``s: what kind of control, the range or choices, the
default and the name on the wire. The Images tab builds its form from this table, the request
body is built from it (``build_body``) and a stored request is read back into form values
(``values_from_body``). The command line uses ``cli_body`` on the same table.

Kinds: ``int``, ``float``, ``choice``, ``bool``, ``text`` (free text such as a negative
prompt), ``seed`` (blank or an integer), ``fal_size`` (a preset name or a custom
``{width, height}``), ``wxh`` (free ``WIDTHxHEIGHT`` text) and ``json`` (extra parameters).
An ``int``/``float`` spec with ``optional=True`` may be left at "model default" (not sent).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.api.errors import InvalidInputError

PROMPT_KEY = "prompt"
NEGATIVE_KEY = "negative_prompt"
CUSTOM_SIZE = "custom"

FAL_SIZE_PRESETS: dict[str, tuple[int, int]] = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
FAL_SIDE_RANGE = (256, 1536)
FAL_SIDE_MULTIPLE = 32
WXH_SIDE_RANGE = (64, 4096)
SEED_RANGE = (0, 4294967295)
_WXH = re.compile(r"^\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*$")
_RATIO = re.compile(r"^\s*(\d{1,2})\s*:\s*(\d{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One request parameter: how the form shows it and how it goes on the wire.

    Attributes:
        key: the wire name (also the form's key).
        label: what the form calls it.
        kind: see the module docstring.
        default: the value the form starts with (``None`` = blank / not sent).
        choices: allowed values for ``choice`` (first is shown first).
        minimum, maximum: the inclusive range for ``int``/``float``/``seed``.
        step: the spin box step.
        optional: an ``int``/``float`` that may be left at the model's default.
        as_string: sent as a string (legacy ``steps``, ``safety_tolerance``).
        hint: a tooltip.
    """

    key: str
    label: str
    kind: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float = 1
    optional: bool = False
    as_string: bool = False
    hint: str = ""


EDITS = "edits"  # multipart upload to /v1/images/edits: ``image`` / ``image[]`` and ``mask``
IMAGE_URLS = "image_urls"  # a list of data URLs in the JSON of /v1/images/generations
IMAGE_URL = "image_url"  # one data URL in the JSON of /v1/images/generations


@dataclass(frozen=True, slots=True)
class EditSupport:
    """What a family takes besides the prompt: reference images and a mask.

    Attributes:
        max_references: how many reference images (0: none).
        transport: ``EDITS``, ``IMAGE_URLS`` or ``IMAGE_URL``: how they are sent.
        takes_mask: whether an inpainting mask may go with the first reference.
        reason: why the family takes no references (shown in the form).
        mask_reason: why it takes no mask.
        max_side: references are scaled down so no side is longer.
        max_upload_bytes: and re-encoded (or scaled further) to stay under this per image.
        square_only: the source image must be square (DALL·E 2 edits).
    """

    max_references: int = 0
    transport: str = ""
    takes_mask: bool = False
    reason: str = ""
    mask_reason: str = ""
    max_side: int = 2048
    max_upload_bytes: int = 4 * 1024 * 1024
    square_only: bool = False


TEXT_ONLY = EditSupport(
    reason="This model draws from the prompt alone and takes no reference image. GPT Image, "
    "FLUX Kontext image-to-image, Gemini image and Seedream models take them."
)
NO_MASK = "Only GPT Image and DALL·E 2 models take a mask; this one edits from the prompt."


@dataclass(frozen=True, slots=True)
class Family:
    """A group of image models that take the same parameters.

    Attributes:
        name: a short id ("dall-e-3", "fal", …).
        label: what the tab shows.
        pattern: a regular expression on the lower-cased model id.
        params: the parameters, in form order (count and size first).
        count_key: the wire name of the number of images.
        size_style: how ``cli_body`` writes a size: ``wxh`` | ``fal`` | ``aspect``.
    """

    name: str
    label: str
    pattern: str
    params: tuple[ParamSpec, ...]
    count_key: str = "n"
    size_style: str = "wxh"
    notes: str = ""
    edit: EditSupport = TEXT_ONLY
    _by_key: dict[str, ParamSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({spec.key: spec for spec in self.params})

    def spec(self, key: str) -> ParamSpec | None:
        return self._by_key.get(key)

    @property
    def takes_negative_prompt(self) -> bool:
        return NEGATIVE_KEY in self._by_key

    @property
    def form_params(self) -> tuple[ParamSpec, ...]:
        """The parameters shown in the parameter form (the negative prompt has its own field)."""
        return tuple(spec for spec in self.params if spec.key != NEGATIVE_KEY)

    def matches(self, model: str) -> bool:
        return bool(self.pattern) and re.search(self.pattern, model.lower()) is not None


def _count(key: str, maximum: int, default: int = 1) -> ParamSpec:
    return ParamSpec(key, "Images", "int", default, minimum=1, maximum=maximum)


def _choice(
    key: str, label: str, choices: tuple[str, ...], default: str | None = None
) -> ParamSpec:
    return ParamSpec(key, label, "choice", default or choices[0], choices=choices)


def _seed(maximum: int = SEED_RANGE[1]) -> ParamSpec:
    return ParamSpec("seed", "Seed", "seed", None, minimum=0, maximum=maximum,
                     hint="Blank: a new random image each time.")  # fmt: skip


_FAL_SIZE = ParamSpec(
    "image_size", "Size", "fal_size", "landscape_4_3",
    choices=(*FAL_SIZE_PRESETS, CUSTOM_SIZE),
    minimum=FAL_SIDE_RANGE[0], maximum=FAL_SIDE_RANGE[1], step=FAL_SIDE_MULTIPLE,
    hint="A preset, or a custom width × height in multiples of 32.",
)  # fmt: skip
_STEPS = ParamSpec("num_inference_steps", "Steps", "int", None, minimum=1, maximum=50,
                   optional=True)  # fmt: skip
_GUIDANCE = ParamSpec("guidance_scale", "Guidance", "float", None, minimum=1, maximum=20,
                      step=0.5, optional=True)  # fmt: skip
_SAFETY_CHECKER = ParamSpec("enable_safety_checker", "Safety checker", "bool", True)
_NEGATIVE = ParamSpec(NEGATIVE_KEY, "Negative prompt", "text", "")
_ASPECT_5 = ("1:1", "16:9", "9:16", "4:3", "3:4")
_ASPECT_WIDE = ("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16", "9:21")

FAMILIES: tuple[Family, ...] = (
    Family(
        "dall-e-3",
        "OpenAI DALL·E 3",
        r"dall-e-3",
        (
            _count("n", 1),
            _choice("size", "Size", ("1024x1024", "1024x1792", "1792x1024")),
            _choice("quality", "Quality", ("standard", "hd")),
            _choice("style", "Style", ("vivid", "natural")),
            _choice("response_format", "Delivery", ("url", "b64_json")),
        ),
        edit=EditSupport(
            reason="DALL·E 3 draws from the prompt alone and takes no reference image. GPT "
            "Image, FLUX Kontext image-to-image, Gemini image and Seedream models take them."
        ),
    ),
    Family(
        "dall-e-2",
        "OpenAI DALL·E 2",
        r"dall-e-2",
        (
            _count("n", 10),
            _choice("size", "Size", ("256x256", "512x512", "1024x1024"), "1024x1024"),
            _choice("response_format", "Delivery", ("url", "b64_json")),
        ),
        # A square PNG under 4 MB, with a mask of the same size (the PNG and the size are
        # what every upload to the edits route gets; the shape is checked before sending).
        edit=EditSupport(
            1,
            EDITS,
            takes_mask=True,
            max_side=1024,
            max_upload_bytes=4 * 1024 * 1024 - 1,
            square_only=True,
        ),
    ),
    Family(
        "gpt-image",
        "OpenAI GPT Image",
        r"gpt-image",
        (
            _count("n", 1),
            _choice("size", "Size", ("1024x1024", "1024x1536", "1536x1024")),
            _choice("quality", "Quality", ("low", "medium", "high"), "medium"),
            _choice("background", "Background", ("auto", "transparent", "opaque")),
            _choice("output_format", "File format", ("png", "jpeg", "webp")),
        ),
        edit=EditSupport(16, EDITS, takes_mask=True),
    ),
    Family(
        "flux-kontext-edit",
        "FLUX Kontext image-to-image",
        r"flux/kontext-[a-z]+/image-to-image|flux/kontext-[a-z]+/edit",
        (
            _count("num_images", 4),
            _choice("aspect_ratio", "Aspect ratio", _ASPECT_WIDE, "16:9"),
            _seed(),
            _choice("output_format", "File format", ("jpeg", "png")),
        ),
        count_key="num_images",
        size_style="aspect",
        edit=EditSupport(1, IMAGE_URL, mask_reason=NO_MASK),
    ),
    Family(
        "flux-image-to-image",
        "FLUX image-to-image",
        r"flux.*image-to-image",
        (
            _count("num_images", 4),
            _FAL_SIZE,
            ParamSpec(
                "strength",
                "Strength",
                "float",
                0.95,
                minimum=0.01,
                maximum=1,
                step=0.05,
                hint="How far from the reference: low keeps it, 1 redraws it.",
            ),
            _seed(),
            _STEPS,
            _GUIDANCE,
        ),
        count_key="num_images",
        size_style="fal",
        edit=EditSupport(1, IMAGE_URL, mask_reason=NO_MASK),
    ),
    Family(
        "seedream",
        "ByteDance Seedream",
        r"seedream",
        (_FAL_SIZE, _seed(), ParamSpec("watermark", "Watermark", "bool", False)),
        size_style="fal",
        edit=EditSupport(10, IMAGE_URLS, mask_reason=NO_MASK),
    ),
    Family(
        "flux-aspect",
        "FLUX ultra / Kontext",
        r"flux-pro/v1\.1-ultra|flux/kontext",
        (
            _count("num_images", 4),
            _choice("aspect_ratio", "Aspect ratio", _ASPECT_WIDE, "16:9"),
            _seed(),
            ParamSpec(
                "safety_tolerance",
                "Safety tolerance",
                "choice",
                "2",
                choices=("1", "2", "3", "4", "5", "6"),
            ),
            _choice("output_format", "File format", ("jpeg", "png")),
        ),
        count_key="num_images",
        size_style="aspect",
    ),
    Family(
        "stable-diffusion-3",
        "Stable Diffusion 3",
        r"stable-diffusion-v3",
        (
            _count("num_images", 4),
            _FAL_SIZE,
            _NEGATIVE,
            _seed(),
            _STEPS,
            _GUIDANCE,
            _SAFETY_CHECKER,
        ),
        count_key="num_images",
        size_style="fal",
    ),
    Family(
        "flux",
        "FLUX",
        r"flux|^blackforestlabs/",
        (_count("num_images", 4), _FAL_SIZE, _seed(), _STEPS, _GUIDANCE, _SAFETY_CHECKER),
        count_key="num_images",
        size_style="fal",
    ),
    Family(
        "recraft",
        "Recraft",
        r"recraft",
        (
            _count("num_images", 1),
            _FAL_SIZE,
            _choice(
                "style",
                "Style",
                ("realistic_image", "digital_illustration", "vector_illustration", "any"),
            ),
        ),
        count_key="num_images",
        size_style="fal",
    ),
    Family(
        "imagen",
        "Google Imagen",
        r"imagen",
        (_count("num_images", 4), _choice("aspect_ratio", "Aspect ratio", _ASPECT_5), _seed()),
        count_key="num_images",
        size_style="aspect",
    ),
    Family(
        "gemini",
        "Google Gemini image",
        r"gemini|nano-banana|^google/",
        (_count("num_images", 4), _choice("aspect_ratio", "Aspect ratio", _ASPECT_5)),
        count_key="num_images",
        size_style="aspect",
        edit=EditSupport(14, IMAGE_URLS, mask_reason=NO_MASK),
    ),
    Family(
        "stability-legacy",
        "Stability (legacy)",
        r"^stabilityai/|stable-diffusion-xl",
        (
            _count("n", 4),
            _choice("size", "Size", ("1024x1024", "512x512")),
            ParamSpec("steps", "Steps", "int", 25, minimum=1, maximum=50, as_string=True),
        ),
    ),
)
UNKNOWN_FAMILY = Family(
    "other",
    "Other model",
    "",
    (
        _count("n", 10),
        ParamSpec(
            "size",
            "Size",
            "wxh",
            "1024x1024",
            minimum=WXH_SIDE_RANGE[0],
            maximum=WXH_SIDE_RANGE[1],
            hint="WIDTHxHEIGHT, or blank for the default.",
        ),
        ParamSpec(
            "extra",
            "Extra parameters (JSON)",
            "json",
            "",
            hint='A JSON object merged into the request, e.g. {"seed": 7}.',
        ),
    ),
    edit=EditSupport(
        reason="This app does not know whether this model takes reference images, so it "
        "sends none. GPT Image, FLUX Kontext, Gemini image and Seedream models take them."
    ),
)


def family_for(model: str) -> Family:
    """The family of a model id; ``UNKNOWN_FAMILY`` when none matches."""
    for family in FAMILIES:
        if family.matches(model):
            return family
    return UNKNOWN_FAMILY


def family_named(name: str) -> Family:
    for family in (*FAMILIES, UNKNOWN_FAMILY):
        if family.name == name:
            return family
    return UNKNOWN_FAMILY


def default_values(family: Family) -> dict[str, Any]:
    return {spec.key: spec.default for spec in family.params}


# -- validation and wire values ----------------------------------------------------------------


def _check_range(spec: ParamSpec, value: float) -> None:
    low, high = spec.minimum, spec.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidInputError(f"{spec.label} must be between {_num(low)} and {_num(high)}.")


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else str(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_number(spec: ParamSpec, value: Any, kind: type[int] | type[float]) -> int | float:
    try:
        number: int | float = kind(value)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{spec.label} must be a number.") from None
    if kind is int and isinstance(value, float) and not value.is_integer():
        raise InvalidInputError(f"{spec.label} must be a whole number.")
    _check_range(spec, number)
    return number


def _fal_size_value(spec: ParamSpec, value: Any) -> Any:
    if isinstance(value, str) and value in FAL_SIZE_PRESETS:
        return value
    if isinstance(value, Mapping):
        width, height = value.get("width"), value.get("height")
    elif isinstance(value, list | tuple) and len(value) == 2:
        width, height = value
    else:
        raise InvalidInputError(f"{spec.label} {value!r} is not a preset or a width × height.")
    return {"width": _side(spec, width, "Width"), "height": _side(spec, height, "Height")}


def _side(spec: ParamSpec, value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInputError(f"{name} must be a whole number of pixels.")
    low, high = int(spec.minimum or 1), int(spec.maximum or 100000)
    if not low <= value <= high:
        raise InvalidInputError(f"{name} {value} is out of range: use {low} to {high} pixels.")
    if value % int(spec.step):
        raise InvalidInputError(f"{name} {value} is not a multiple of {int(spec.step)}.")
    return value


def _wxh_value(spec: ParamSpec, value: Any) -> str | None:
    if _blank(value):
        return None
    match = _WXH.match(str(value))
    if match is None:
        raise InvalidInputError(f"Size {value!r} is not understood: write it as WIDTHxHEIGHT.")
    low, high = int(spec.minimum or 1), int(spec.maximum or 100000)
    width, height = int(match[1]), int(match[2])
    if not (low <= width <= high and low <= height <= high):
        raise InvalidInputError(
            f"Size {width}x{height} is out of range: each side must be {low} to {high} pixels."
        )
    return f"{width}x{height}"


def _json_value(spec: ParamSpec, value: Any) -> dict[str, Any] | None:
    if _blank(value):
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(str(value))
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            f"{spec.label} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    if not isinstance(parsed, dict):
        raise InvalidInputError(f'{spec.label} must be a JSON object such as {{"seed": 7}}.')
    reserved = {"model", PROMPT_KEY} & parsed.keys()
    if reserved:
        raise InvalidInputError(
            f"{spec.label} may not set {', '.join(sorted(reserved))}: use the fields above."
        )
    return parsed


def _choice_value(spec: ParamSpec, value: Any) -> str:
    if str(value) not in spec.choices:
        raise InvalidInputError(f"{spec.label} must be one of {', '.join(spec.choices)}.")
    return str(value)


def _plain_value(spec: ParamSpec, value: Any) -> Any:
    """The wire value of ``int``/``float``/``seed``/``bool``/``text``; ``None`` = not sent."""
    if spec.kind == "bool":
        return bool(value)
    if spec.kind == "text":
        return None if _blank(value) else str(value).strip()
    if _blank(value):
        if spec.kind == "seed" or spec.optional:
            return None
        raise InvalidInputError(f"{spec.label} is required.")
    number = _as_number(spec, value, float if spec.kind == "float" else int)
    return str(number) if spec.as_string else number


def wire_value(spec: ParamSpec, value: Any) -> Any:
    """The checked value to send for ``spec``; ``None`` when it is left out of the body."""
    if spec.kind == "choice":
        return _choice_value(spec, value)
    if spec.kind == "fal_size":
        return _fal_size_value(spec, value)
    if spec.kind == "wxh":
        return _wxh_value(spec, value)
    if spec.kind == "json":
        return _json_value(spec, value)
    return _plain_value(spec, value)


def build_body(model: str, prompt: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The request body for ``model``: ``model``, ``prompt`` and the family's parameters.

    ``values`` maps parameter keys to form values (missing keys take the default). Raises
    ``InvalidInputError`` with a sentence naming the field for anything out of range.
    """
    model = model.strip()
    if not model:
        raise InvalidInputError("No model is selected. Pick an image model.")
    if not prompt.strip():
        raise InvalidInputError("The prompt is empty. Describe the image to generate.")
    family = family_for(model)
    body: dict[str, Any] = {"model": model, PROMPT_KEY: prompt.strip()}
    extra: dict[str, Any] = {}
    for spec in family.params:
        value = wire_value(spec, values.get(spec.key, spec.default))
        if value is None:
            continue
        if spec.kind == "json":
            extra = value
        else:
            body[spec.key] = value
    body.update(extra)
    return body


def values_from_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """Form values that rebuild ``body`` (for "Reuse"); unknown keys go to extra JSON."""
    family = family_for(str(body.get("model", "")))
    values = {spec.key: spec.default for spec in family.params}
    leftovers: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("model", PROMPT_KEY):
            continue
        spec = family.spec(key)
        if spec is None:
            leftovers[key] = value
        elif spec.as_string and isinstance(value, str) and value.strip().isdigit():
            values[key] = int(value)
        else:
            values[key] = value
    if family.spec("extra") is not None and leftovers:
        values["extra"] = json.dumps(leftovers)
    return values


# -- command line: one size word for every family ----------------------------------------------

_RATIO_PRESETS = {"1:1": "square_hd", "3:4": "portrait_4_3", "9:16": "portrait_16_9",
                  "4:3": "landscape_4_3", "16:9": "landscape_16_9"}  # fmt: skip
_PRESET_RATIOS = {preset: ratio for ratio, preset in _RATIO_PRESETS.items()} | {"square": "1:1"}
_OPENAI_RATIO_SIZES = {"1:1": "1024x1024", "16:9": "1792x1024", "9:16": "1024x1792",
                       "3:2": "1536x1024", "2:3": "1024x1536"}  # fmt: skip


def _parse_size(size: str) -> tuple[str, Any]:
    """``("wxh", (w, h))``, ``("preset", name)`` or ``("ratio", "w:h")``."""
    text = size.strip()
    if match := _WXH.match(text):
        return "wxh", (int(match[1]), int(match[2]))
    if match := _RATIO.match(text):
        return "ratio", f"{int(match[1])}:{int(match[2])}"
    if text.lower() in FAL_SIZE_PRESETS:
        return "preset", text.lower()
    raise InvalidInputError(
        f"Size {size!r} is not understood: use WIDTHxHEIGHT (1024x768), a ratio (16:9) or one "
        f"of {', '.join(FAL_SIZE_PRESETS)}."
    )


def _wxh_size(kind: str, value: Any) -> str:
    if kind == "wxh":
        return f"{value[0]}x{value[1]}"
    if kind == "preset":
        width, height = FAL_SIZE_PRESETS[value]
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
        divisor = math.gcd(*value) or 1
        return f"{value[0] // divisor}:{value[1] // divisor}"
    if kind == "preset":
        return _PRESET_RATIOS[value]
    return str(value)


_SIZE_WRITERS = {
    "wxh": ("size", _wxh_size),
    "fal": ("image_size", _fal_size),
    "aspect": ("aspect_ratio", _aspect_ratio),
}


def cli_body(
    model: str,
    prompt: str,
    *,
    count: int | None = None,
    size: str | None = None,
    seed: int | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A request body from the command line's few options, in the model family's own terms.

    Only what was given is sent; the size is translated to the family's way of saying it.
    """
    family = family_for(model)
    body: dict[str, Any] = {"model": model, PROMPT_KEY: prompt}
    if count is not None:
        if count < 1:
            raise InvalidInputError("The number of images must be at least 1.")
        body[family.count_key] = count
    if size:
        key, writer = _SIZE_WRITERS[family.size_style]
        body[key] = writer(*_parse_size(size))
    if seed is not None:
        body["seed"] = seed
    if extra:
        body.update(extra)
    return body


def requested_shape(body: Mapping[str, Any]) -> tuple[int, int]:
    """The width and height (or their ratio, on a 1024 side) that ``body`` asks for.

    Raises ``ValueError`` when the body names no size the app understands.
    """
    size = body.get("image_size")
    if isinstance(size, Mapping):
        return int(size["width"]), int(size["height"])
    if isinstance(size, str) and size in FAL_SIZE_PRESETS:
        return FAL_SIZE_PRESETS[size]
    text = body.get("size")
    if isinstance(text, str) and (match := _WXH.match(text)):
        return int(match[1]), int(match[2])
    ratio = body.get("aspect_ratio")
    if isinstance(ratio, str) and (match := _RATIO.match(ratio)):
        across, down = int(match[1]), int(match[2])
        if across >= down:
            return 1024, round(1024 * down / across)
        return round(1024 * across / down), 1024
    raise ValueError("no size in the request")
