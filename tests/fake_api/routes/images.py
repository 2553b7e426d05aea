"""``POST /v1/images/generations`` in the four documented answer shapes (+ ``data:`` URIs)."""

from __future__ import annotations

import base64
import itertools
import re
import time
from dataclasses import dataclass
from typing import Any

from tests.fake_api.exchange import Exchange
from tests.fake_api.gateway import cost_for_tokens, cost_headers
from tests.fake_api.media import fit_size, jpeg_bytes, png_bytes

FAL_PREFIXES = ("flux", "stable-diffusion-v3", "recraft", "google/imagen4")
PRESET_SIZES = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
_seeds = itertools.count(1000)


@dataclass(frozen=True)
class Picture:
    data: bytes
    content_type: str
    width: int
    height: int
    url: str

    @property
    def b64(self) -> str:
        return base64.b64encode(self.data).decode()

    @property
    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{self.b64}"


def requested_size(body: dict[str, Any]) -> tuple[int, int]:
    size = body.get("image_size")
    if isinstance(size, dict):
        return int(size.get("width", 1024)), int(size.get("height", 1024))
    if isinstance(size, str) and size in PRESET_SIZES:
        return PRESET_SIZES[size]
    text = body.get("size")
    if isinstance(text, str) and re.fullmatch(r"\d+x\d+", text):
        width, height = text.split("x")
        return int(width), int(height)
    ratio = body.get("aspect_ratio")
    if isinstance(ratio, str) and re.fullmatch(r"\d+:\d+", ratio):
        w, h = (int(part) for part in ratio.split(":"))
        return (1024, round(1024 * h / w)) if w >= h else (round(1024 * w / h), 1024)
    return 1024, 1024


def auto_shape(body: dict[str, Any]) -> str:
    model = str(body.get("model", ""))
    if body.get("response_format") == "b64_json" or body.get("convert_base64_to_url") is False:
        return "data_b64"
    if model.startswith("stabilityai/"):
        return "legacy"
    if model.startswith(FAL_PREFIXES):
        return "data_uri" if body.get("sync_mode") else "images"
    return "data_url"


def picture_format(ex: Exchange, body: dict[str, Any], shape: str) -> str:
    chosen = ex.options.image_format or body.get("output_format")
    if chosen in ("png", "jpeg", "jpg"):
        return "jpeg" if chosen == "jpg" else str(chosen)
    fal_model = str(body.get("model", "")).startswith(FAL_PREFIXES)
    return "jpeg" if fal_model or shape in ("images", "both") else "png"


def make_pictures(ex: Exchange, body: dict[str, Any], shape: str) -> list[Picture]:
    count = body.get("n") or body.get("num_images") or 1
    width, height = fit_size(*requested_size(body), ex.options.image_max_side)
    kind = picture_format(ex, body, shape)
    seed = body.get("seed") if isinstance(body.get("seed"), int) else next(_seeds)
    encode = jpeg_bytes if kind == "jpeg" else png_bytes
    content_type = f"image/{kind}"
    pictures = []
    for index in range(int(count)):
        data = encode(width, height, seed + index)
        name = ex.state.files.put(data, content_type, ".jpg" if kind == "jpeg" else ".png")
        pictures.append(Picture(data, content_type, width, height, ex.state.file_url(name)))
    return pictures


def fal_item(picture: Picture) -> dict[str, Any]:
    return {
        "url": picture.url,
        "width": picture.width,
        "height": picture.height,
        "content_type": picture.content_type,
    }


def shaped_answer(shape: str, body: dict[str, Any], pictures: list[Picture]) -> dict[str, Any]:
    created = int(time.time())
    prompt = body.get("prompt", "")
    if shape == "images":
        return {
            "images": [fal_item(p) for p in pictures],
            "timings": {"inference": 0.12},
            "seed": body.get("seed", 711728385),
            "has_nsfw_concepts": [False] * len(pictures),
            "prompt": prompt,
            "num_images": len(pictures),
        }
    if shape == "both":
        data = [
            {
                "url": p.url,
                "content_type": p.content_type,
                "file_name": p.url.rsplit("/", 1)[-1],
                "file_size": len(p.data),
                "width": None,
                "height": None,
            }
            for p in pictures
        ]
        return {"images": [fal_item(p) for p in pictures], "data": data}
    if shape == "legacy":
        return {
            "status": "finished",
            "prompt": [prompt],
            "model": body.get("model"),
            "model_owner": "stabilityai",
            "tags": {},
            "num_returns": len(pictures),
            "args": {key: value for key, value in body.items() if key != "prompt"},
            "subjobs": [],
            "output": {"choices": [{"image_base64": p.b64} for p in pictures]},
        }
    if shape == "data_b64":
        items = [{"url": None, "b64_json": p.b64, "revised_prompt": prompt} for p in pictures]
    elif shape == "data_uri":
        items = [{"url": p.data_uri, "b64_json": None} for p in pictures]
    else:
        items = [{"url": p.url, "b64_json": None, "revised_prompt": prompt} for p in pictures]
    return {"created": created, "data": items}


def image_problem(body: dict[str, Any]) -> str | None:
    for key in ("model", "prompt"):
        if not isinstance(body.get(key), str) or not body[key].strip():
            return f"{key}: Required"
    count = body.get("n", body.get("num_images", 1))
    if not isinstance(count, int) or not 1 <= count <= 10:
        return "num_images: Number must be between 1 and 10"
    return None


def handle_generate(ex: Exchange, _match: re.Match[str]) -> None:
    body = ex.json_object()
    if body is None:
        return
    problem = image_problem(body)
    references = reference_urls(body)
    if references is not None:
        if _too_large(ex):
            return
        problem = problem or _reference_problem(references)
    if problem:
        ex.send_validation_error(problem)
        return
    shape = ex.options.image_shape or auto_shape(body)
    pictures = make_pictures(ex, body, shape)
    answer = shaped_answer(shape, body, pictures)
    cost = cost_for_tokens(2000 * len(pictures))
    ex.state.charge(str(body.get("model", "")), cost)
    if shape != "legacy":
        answer["meta"] = {"usage": cost}
        if shape == "both":
            answer["meta"] = {"usage": {"tokens_used": 84000 * len(pictures)}}
    ex.send_json(answer, headers=cost_headers(cost))


# -- editing: /v1/images/edits (multipart) and image_url / image_urls on generations ----------


def picture_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG upload, read from its header; ``None`` otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xd8"):
        at = 2
        while at + 9 < len(data) and data[at] == 0xFF:
            marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(
                    data[at + 5 : at + 7], "big"
                )
            at += 2 + length
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 1, 1
    return None


def _too_large(ex: Exchange) -> bool:
    if len(ex.request.body) <= ex.options.upload_limit_bytes:
        return False
    ex.send_error(413, "request entity too large")
    return True


def _reference_problem(urls: list[Any]) -> str | None:
    for n, url in enumerate(urls):
        if not isinstance(url, str) or not url.startswith(("data:image/", "http://", "https://")):
            return f"image_urls[{n}]: Invalid url"
        if url.startswith("data:"):
            try:
                payload = base64.b64decode(url.split(",", 1)[1], validate=True)
            except (IndexError, ValueError):
                return f"image_urls[{n}]: Invalid base64 data URL"
            if picture_size(payload) is None:
                return f"image_urls[{n}]: The file is not a supported image"
    return None


def reference_urls(body: dict[str, Any]) -> list[Any] | None:
    """The references of an image-to-image generation (``image_urls`` or ``image_url``)."""
    if "image_urls" in body:
        urls = body["image_urls"]
        return urls if isinstance(urls, list) else [urls]
    if "image_url" in body:
        return [body["image_url"]]
    return None


def edit_problem(ex: Exchange) -> tuple[int, str] | None:
    """What the edits route refuses: a missing field or image, a bad mask (status, message)."""
    form = ex.request.form
    for key in ("model", "prompt"):
        if not form.get(key, "").strip():
            return 400, f"{BODY_PREFIX} {key}: Required"
    images = [f for name, f in ex.request.file_parts if name in ("image", "image[]")]
    if not images:
        return 400, f"{BODY_PREFIX} image: Required"
    sizes = [picture_size(data) for _name, data, _type in images]
    if any(size is None for size in sizes):
        return 400, "Invalid image file: upload PNG, JPEG or WebP images."
    mask = ex.request.files.get("mask")
    if mask is None:
        return None
    if form["model"] in ex.options.mask_refusing_models:
        return 400, f"The mask parameter is not supported for model {form['model']}."
    if not mask[1].startswith(b"\x89PNG"):
        return 400, "Invalid mask: the mask must be a PNG image."
    if picture_size(mask[1]) != sizes[0]:
        return 400, "Invalid mask: the mask and the image must have the same dimensions."
    return None


BODY_PREFIX = "Body validation error:"


def handle_edit(ex: Exchange, _match: re.Match[str]) -> None:
    """``POST /v1/images/edits``: OpenAI's multipart edit; answers ``data[]`` like a generation,
    the picture at the size of the first image (or the ``size`` field)."""
    if _too_large(ex):
        return
    problem = edit_problem(ex)
    if problem:
        ex.send_error(*problem)
        return
    form = dict(ex.request.form)
    first = next(f for name, f in ex.request.file_parts if name in ("image", "image[]"))
    width, height = picture_size(first[1]) or (1024, 1024)
    body: dict[str, Any] = {"model": form["model"], "prompt": form["prompt"]}
    body["size"] = form.get("size") or f"{width}x{height}"
    if form.get("n", "").isdigit():
        body["n"] = int(form["n"])
    if form.get("response_format"):
        body["response_format"] = form["response_format"]
    pictures = make_pictures(ex, body, "data_url")
    answer = shaped_answer("data_b64" if body.get("response_format") == "b64_json" else "data_url",
                           body, pictures)  # fmt: skip
    cost = cost_for_tokens(3000 * len(pictures))
    answer["usage"] = {"input_tokens": 1200, "output_tokens": 1800 * len(pictures)}
    answer["meta"] = {"usage": cost}
    ex.send_json(answer, headers=cost_headers(cost))
