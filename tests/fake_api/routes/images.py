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
