"""Model-list bodies → ``ModelInfo`` and which tab each model belongs to (API_NOTES §3).

Accepts ``{data: [...]}``, a bare list, ``{models: [...]}`` and an id → item dictionary; items
in the current schema (``type`` like ``openai/chat-completions``) and the older one (``type``
like ``chat-completion`` plus ``features``/``endpoints``), or bare OpenAI-style ``{id}`` items.
"""

from __future__ import annotations

import re
from typing import Any

from app.api.types import ModelInfo, ModelKind
from app.api.values import as_dict, as_int, as_list, as_str, first_present

_CHAT_TYPES = frozenset(
    {
        "chat-completions",
        "chat-completion",
        "chat",
        "completion",
        "text-generation",
        "language-completion",
    }
)
_IMAGE_TYPES = frozenset({"image-generations", "image", "image-generation", "images"})
_STT_TYPES = frozenset({"speech-to-text", "stt", "transcription", "transcriptions"})
_TTS_TYPES = frozenset({"text-to-speech", "tts", "speech"})

_ENDPOINT_KINDS = (
    ("/chat/completions", ModelKind.CHAT),
    ("/images/generations", ModelKind.IMAGE),
    ("/stt", ModelKind.STT),
    ("/audio/transcriptions", ModelKind.STT),
    ("/tts", ModelKind.TTS),
    ("/audio/speech", ModelKind.TTS),
)

_ID_HINTS: tuple[tuple[re.Pattern[str], ModelKind], ...] = (
    (
        re.compile(
            r"^#g1_aura|(^|/)aura(-|$)|(^|[/-])tts([-/]|$)|eleven|vibevoice|mai-voice|octave"
        ),
        ModelKind.TTS,
    ),
    (re.compile(r"^#g1_(nova|whisper)|(^|/)nova-[23]|^aai/|transcribe|whisper"), ModelKind.STT),
    (re.compile(r"embed|moderation|rerank|video|music|lyria|veo|kling|sora"), ModelKind.OTHER),
    (
        re.compile(
            r"dall-e|gpt-image|(^|/)flux|stable-diffusion|imagen|recraft|seedream|"
            r"(^|/)sdxl|midjourney|ideogram|nano-banana|-image(-|$)|/create-image"
        ),
        ModelKind.IMAGE,
    ),
)


def _type_tokens(model_type: str) -> set[str]:
    return {token for token in re.split(r"[/.]", model_type.lower()) if token}


def _kind_from_type(model_type: str) -> ModelKind | None:
    tokens = _type_tokens(model_type)
    if not tokens:
        return None
    for kind, names in (
        (ModelKind.CHAT, _CHAT_TYPES),
        (ModelKind.IMAGE, _IMAGE_TYPES),
        (ModelKind.STT, _STT_TYPES),
        (ModelKind.TTS, _TTS_TYPES),
    ):
        if tokens & names:
            return kind
    return ModelKind.OTHER


def _kind_from_endpoints(item: dict[str, Any]) -> ModelKind | None:
    endpoints = [e.lower() for e in as_list(item.get("endpoints")) if isinstance(e, str)]
    for endpoint in endpoints:
        for suffix, kind in _ENDPOINT_KINDS:
            if endpoint.rstrip("/").endswith(suffix) or f"{suffix}/" in endpoint:
                return kind
    return None


def _kind_from_modalities(item: dict[str, Any]) -> ModelKind | None:
    modalities = as_dict(item.get("modalities"))
    inputs = {str(m).lower() for m in as_list(modalities.get("input"))}
    outputs = {str(m).lower() for m in as_list(modalities.get("output"))}
    if not inputs and not outputs:
        return None
    if "audio" in inputs and outputs == {"text"}:
        return ModelKind.STT
    if outputs == {"audio"} and "text" in inputs:
        return ModelKind.TTS
    if outputs == {"image"}:
        return ModelKind.IMAGE
    if "text" in outputs:
        return ModelKind.CHAT
    return ModelKind.OTHER


def _kind_from_id(model_id: str) -> ModelKind | None:
    lowered = model_id.lower()
    for pattern, kind in _ID_HINTS:
        if pattern.search(lowered):
            return kind
    return None


def classify_model(item: dict) -> ModelKind:
    """The tab a model belongs to: by ``type``, then endpoints; untyped items by modalities, id."""
    entry = as_dict(item)
    model_type = as_str(entry.get("type")) or ""
    kind = _kind_from_type(model_type)
    if kind is not None and kind is not ModelKind.OTHER:
        return kind
    found = _kind_from_endpoints(entry)
    if found is not None:
        return found
    if kind is ModelKind.OTHER:
        return kind  # a type we know is not one of the four tabs (responses, embeddings, video…)
    return (
        _kind_from_modalities(entry)
        or _kind_from_id(as_str(entry.get("id")) or "")
        or ModelKind.CHAT
    )


def _items(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    root = as_dict(body)
    for key in ("data", "models"):
        value = root.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return _items(value)
    if root and all(isinstance(v, dict) for v in root.values()):
        return [{"id": key, **value} for key, value in root.items()]
    return []


def parse_model(item: Any) -> ModelInfo | None:
    entry = {"id": item} if isinstance(item, str) else as_dict(item)
    model_id = as_str(first_present(entry, "id", "name", "model"))
    if not model_id:
        return None
    info = as_dict(entry.get("info"))
    aliases = tuple(a for a in as_list(entry.get("aliases")) if isinstance(a, str))
    return ModelInfo(
        id=model_id,
        kind=classify_model(entry),
        name=as_str(info.get("name")) or as_str(entry.get("display_name")) or "",
        developer=as_str(info.get("developer")) or as_str(entry.get("owned_by")) or "",
        type=as_str(entry.get("type")) or "",
        aliases=aliases,
        context_length=as_int(
            first_present(info, "contextLength", "context_length") or entry.get("context_length")
        ),
        description=as_str(info.get("description")) or as_str(entry.get("description")) or "",
    )


def parse_model_list(body: Any) -> list[ModelInfo]:
    """Every usable model in a list body of any known shape (duplicates dropped)."""
    models: dict[str, ModelInfo] = {}
    for item in _items(body):
        model = parse_model(item)
        if model is not None and model.id not in models:
            models[model.id] = model
    return list(models.values())
