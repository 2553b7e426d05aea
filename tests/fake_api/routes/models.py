"""``GET /v1/models`` (with ETag, shapes and filters) and ``GET /model/{id}``."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import unquote

from tests.fake_api.catalog import default_catalog
from tests.fake_api.exchange import Exchange

OPT_IN_SECTIONS = ("modalities", "capabilities", "pricing")
FILTERS = ("id", "type", "tags", "capabilities")


def current_items(ex: Exchange) -> list[dict[str, Any]]:
    models = ex.options.models
    return [dict(item) for item in (models if models is not None else default_catalog())]


def included_sections(query: dict[str, str]) -> set[str]:
    if query.get("details", "").lower() == "true":
        return set(OPT_IN_SECTIONS)
    wanted = {part.strip().lower() for part in query.get("include", "").split(",") if part.strip()}
    return set(OPT_IN_SECTIONS) if "all" in wanted else wanted


def item_values(item: dict[str, Any], key: str) -> list[str]:
    if key == "id":
        return [str(item.get("id", "")), *map(str, item.get("aliases") or [])]
    value = item.get(key)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def matches(item: dict[str, Any], query: dict[str, str]) -> bool:
    for key in FILTERS:
        if key not in query:
            continue
        wanted = {part.strip().lower() for part in query[key].split(",")}
        if not wanted & {value.lower() for value in item_values(item, key)}:
            return False
    return True


def visible_items(ex: Exchange) -> list[dict[str, Any]]:
    query = ex.request.query
    sections = included_sections(query)
    items = [item for item in current_items(ex) if matches(item, query)]
    for item in items:
        for section in OPT_IN_SECTIONS:
            if section not in sections:
                item.pop(section, None)
    return items


def shaped(items: list[dict[str, Any]], shape: str) -> Any:
    if shape == "bare":
        return items
    if shape == "models":
        return {"models": items}
    return {"object": "list", "data": items}


def handle_models(ex: Exchange, _match: re.Match[str]) -> None:
    body = json.dumps(shaped(visible_items(ex), ex.options.models_shape)).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    cutting = ex.drop_after is not None  # a list that changed, cut off on its way
    if etag in ex.request.headers.get("If-None-Match", "") and not cutting:
        ex.send(304, headers={"ETag": etag})
        return
    ex.send(200, body, content_type="application/json; charset=utf-8", headers={"ETag": etag})


def handle_model(ex: Exchange, match: re.Match[str]) -> None:
    model_id = unquote(match.group("model_id"))
    for item in current_items(ex):
        if model_id in item_values(item, "id"):
            ex.send_json({"object": "model", "data": item}, status=200)
            return
    ex.send_error(404, f"Model {model_id} not found")
