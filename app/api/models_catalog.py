"""Model-list bodies → ``ModelInfo`` and which tab each model belongs to (API_NOTES §3).

Accepts ``{data: [...]}``, a bare list, ``{models: [...]}`` and an id → item dictionary; items
in the current schema (``type`` like ``openai/chat-completions``) and the older one (``type``
like ``chat-completion`` plus ``features``/``endpoints``), or bare OpenAI-style ``{id}`` items.
"""

from __future__ import annotations

import re
from typing import Any

from app.api.kinds import ModelKind
from app.api.types import ModelInfo
from app.api.values import as_dict, as_int, as_list, as_str, first_present

_CHAT_TYPES = frozenset(
    {
        "chat-completions",
        "chat-completion",
        "chat",
        "completion",
        "text-generation",
        "language-completion",
        "llm",  # LM Studio
        "vlm",
    }
)
_IMAGE_TYPES = frozenset({"image-generations", "image", "image-generation", "images"})
_STT_TYPES = frozenset({"speech-to-text", "stt", "transcription", "transcriptions"})
_TTS_TYPES = frozenset({"text-to-speech", "tts", "speech"})

# LiteLLM's ``mode`` (also the words of ``capabilities`` lists) → tab; other modes
# (embedding, rerank, moderation, realtime, video_generation …) belong to no tab.
_MODE_KINDS = {
    "chat": ModelKind.CHAT,
    "completion": ModelKind.CHAT,
    "image_generation": ModelKind.IMAGE,
    "audio_speech": ModelKind.TTS,
    "text_to_speech": ModelKind.TTS,
    "tts": ModelKind.TTS,
    "audio_transcription": ModelKind.STT,
    "transcription": ModelKind.STT,
    "speech_to_text": ModelKind.STT,
}
_CAPABILITY_ORDER = (ModelKind.TTS, ModelKind.STT, ModelKind.IMAGE, ModelKind.CHAT)
_NO_TAB_CAPABILITIES = frozenset({"embedding", "embeddings", "rerank", "moderation"})

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


# the context window as OpenAI-compatible servers state it (LiteLLM, LM Studio, llama.cpp …)
_CONTEXT_KEYS = ("context_length", "max_input_tokens", "max_context_length", "context_window")


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


def _word(value: Any) -> str:
    return str(value).strip().lower().replace("-", "_")


def _kind_from_mode(item: dict[str, Any]) -> ModelKind | None:
    mode = as_str(item.get("mode"))
    if not mode or not mode.strip():
        return None
    return _MODE_KINDS.get(_word(mode), ModelKind.OTHER)


def _kind_from_capabilities(item: dict[str, Any]) -> ModelKind | None:
    """A ``capabilities`` list that names what the model does (Ollama: ``completion``,
    ``embedding``); lists of features only (``streaming``, ``tools``) say nothing."""
    words = {_word(c) for c in as_list(item.get("capabilities")) if isinstance(c, str)}
    kinds = {_MODE_KINDS[w] for w in words if w in _MODE_KINDS}
    for kind in _CAPABILITY_ORDER:
        if kind in kinds:
            return kind
    if words & _NO_TAB_CAPABILITIES:
        return ModelKind.OTHER
    return None


def _kind_from_id(model_id: str) -> ModelKind | None:
    lowered = model_id.lower()
    for pattern, kind in _ID_HINTS:
        if pattern.search(lowered):
            return kind
    return None


def classify_model(item: dict[str, Any]) -> ModelKind:
    """The tab a model belongs to. What the server states wins over the id: ``type``, then
    ``mode`` (LiteLLM), endpoints, modalities and capabilities; only then the id, else chat."""
    entry = as_dict(item)
    model_type = as_str(entry.get("type")) or ""
    kind = _kind_from_type(model_type)
    if kind is not None and kind is not ModelKind.OTHER:
        return kind
    found = _kind_from_mode(entry) or _kind_from_endpoints(entry)
    if found is not None:
        return found
    if kind is ModelKind.OTHER:
        return kind  # a type we know is not one of the four tabs (responses, embeddings, video…)
    return (
        _kind_from_modalities(entry)
        or _kind_from_capabilities(entry)
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


def holds_model_list(body: Any) -> bool:
    """True when ``body`` has a list of models in a known shape (an empty list counts)."""
    if isinstance(body, list):
        return True
    root = as_dict(body)
    for key in ("data", "models"):
        value = root.get(key)
        if isinstance(value, list):
            return True
        if isinstance(value, dict):
            return holds_model_list(value)
    return bool(root) and all(isinstance(v, dict) for v in root.values())


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
            first_present(info, "contextLength", "context_length")
            or first_present(entry, *_CONTEXT_KEYS)
        ),
        description=as_str(info.get("description")) or as_str(entry.get("description")) or "",
        capabilities=_capabilities(entry),
    )


def _capabilities(entry: dict[str, Any]) -> tuple[str, ...] | None:
    """``capabilities`` (current list), else what older ``features`` say; None when neither."""
    listed = entry.get("capabilities")
    if isinstance(listed, list):
        return tuple(c for c in listed if isinstance(c, str))
    features = entry.get("features")
    if isinstance(features, list):
        found = []
        for feature in features:
            if isinstance(feature, str):
                name = feature.rpartition(".")[2]
                found.append({"function": "tools", "stream": "streaming"}.get(name, name))
        return tuple(found)
    return None


def parse_model_list(body: Any) -> list[ModelInfo]:
    """Every usable model in a list body of any known shape (duplicates dropped)."""
    models: dict[str, ModelInfo] = {}
    for item in _items(body):
        model = parse_model(item)
        if model is not None and model.id not in models:
            models[model.id] = model
    return list(models.values())
