from __future__ import annotations

import pytest

from app.api.errors import ResponseFormatError
from app.api.listing import parse_balance
from app.api.models_catalog import classify_model, parse_model_list
from app.api.types import Balance, ModelKind

CURRENT_ITEM = {
    "id": "openai/gpt-4o",
    "aliases": ["gpt-4o"],
    "type": "openai/chat-completions",
    "tags": ["playground:chat", "tier:tier_2"],
    "info": {
        "name": "GPT-4o",
        "developer": "Open AI",
        "description": "Flagship.",
        "releasedAt": "2025-08-07",
        "contextLength": 128000,
        "outputMax": 16384,
        "cutoffAt": "2023-10-01",
        "url": "https://aimlapi.com/models/x",
        "docsUrl": "https://docs.aimlapi.com/x",
        "docsJson": "https://api.aimlapi.com/docs-json?model=openai%2Fgpt-4o",
    },
}


def test_current_documented_list() -> None:
    (model,) = parse_model_list({"object": "list", "data": [CURRENT_ITEM]})
    assert model.id == "openai/gpt-4o"
    assert model.kind is ModelKind.CHAT
    assert (model.name, model.developer, model.context_length) == ("GPT-4o", "Open AI", 128000)
    assert model.aliases == ("gpt-4o",)
    assert model.description == "Flagship."


@pytest.mark.parametrize(
    "body",
    [
        [CURRENT_ITEM],
        {"models": [CURRENT_ITEM]},
        {"data": [CURRENT_ITEM, CURRENT_ITEM]},
        {"openai/gpt-4o": {k: v for k, v in CURRENT_ITEM.items() if k != "id"}},
    ],
)
def test_other_list_shapes(body: object) -> None:
    assert [m.id for m in parse_model_list(body)] == ["openai/gpt-4o"]


@pytest.mark.parametrize("body", [None, {}, {"data": None}, "x", {"data": [None, 3, {}]}])
def test_empty_or_junk_lists(body: object) -> None:
    assert parse_model_list(body) == []


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ({"id": "a", "type": "openai/chat-completions"}, ModelKind.CHAT),
        ({"id": "a", "type": "chat-completion"}, ModelKind.CHAT),
        ({"id": "a", "type": "openai/image-generations"}, ModelKind.IMAGE),
        ({"id": "a", "type": "image"}, ModelKind.IMAGE),
        ({"id": "#g1_nova-2-general", "type": "internal/speech-to-text/submit"}, ModelKind.STT),
        ({"id": "#g1_aura-asteria-en", "type": "internal/text-to-speech"}, ModelKind.TTS),
        ({"id": "a", "type": "tts"}, ModelKind.TTS),
        ({"id": "a", "type": "stt"}, ModelKind.STT),
        ({"id": "a", "type": "openai/responses"}, ModelKind.OTHER),
        ({"id": "a", "type": "openai/embeddings"}, ModelKind.OTHER),
        ({"id": "a", "type": "internal/video-generations/submit"}, ModelKind.OTHER),
        ({"id": "a", "type": "internal/audio-generations/submit"}, ModelKind.OTHER),
        (
            {"id": "a", "type": "document", "endpoints": ["/v1/chat/completions", "/v1/responses"]},
            ModelKind.CHAT,
        ),
        ({"id": "a", "type": "weird", "endpoints": ["/v1/images/generations"]}, ModelKind.IMAGE),
        ({"id": "a", "endpoints": ["/v1/stt/create"]}, ModelKind.STT),
        ({"id": "a", "endpoints": ["/v1/tts"]}, ModelKind.TTS),
        ({"id": "a", "modalities": {"input": ["audio"], "output": ["text"]}}, ModelKind.STT),
        ({"id": "a", "modalities": {"input": ["text"], "output": ["audio"]}}, ModelKind.TTS),
        ({"id": "a", "modalities": {"input": ["text"], "output": ["image"]}}, ModelKind.IMAGE),
        (
            {"id": "a", "modalities": {"input": ["image", "text"], "output": ["text"]}},
            ModelKind.CHAT,
        ),
        ({"id": "#g1_aura-2-helena-en"}, ModelKind.TTS),
        ({"id": "#g1_whisper-large"}, ModelKind.STT),
        ({"id": "aai/universal"}, ModelKind.STT),
        ({"id": "openai/gpt-4o-mini-transcribe"}, ModelKind.STT),
        ({"id": "openai/tts-1"}, ModelKind.TTS),
        ({"id": "whisper-1", "object": "model", "owned_by": "openai"}, ModelKind.STT),
        ({"id": "dall-e-3", "object": "model"}, ModelKind.IMAGE),
        ({"id": "flux/schnell"}, ModelKind.IMAGE),
        ({"id": "text-embedding-3-small"}, ModelKind.OTHER),
        ({"id": "llama3.1:8b", "object": "model", "owned_by": "library"}, ModelKind.CHAT),
        ({"id": "gpt-4o"}, ModelKind.CHAT),
    ],
)
def test_classification(item: dict, kind: ModelKind) -> None:
    assert classify_model(item) is kind


def test_old_schema_item() -> None:
    item = {
        "id": "gpt-4o",
        "type": "chat-completion",
        "info": {
            "name": "GPT 4o",
            "developer": "OpenAI",
            "contextLength": 128000,
            "maxTokens": 16384,
            "docs_url": "https://x",
        },
        "features": ["openai/chat-completion.stream"],
        "endpoints": ["/v1/chat/completions"],
    }
    (model,) = parse_model_list([item])
    assert (model.kind, model.name, model.context_length) == (ModelKind.CHAT, "GPT 4o", 128000)


@pytest.mark.parametrize(
    ("body", "balance"),
    [
        ({"current_balance": 123.45, "currency": "USD"}, Balance(123.45, "USD")),
        ({"current_balance": "7.5"}, Balance(7.5, "USD")),
        ({"balance": 10000000, "lowBalance": False, "status": "current"}, Balance(5.0, "USD")),
    ],
)
def test_balance_shapes(body: dict, balance: Balance) -> None:
    assert parse_balance(body) == balance


def test_balance_without_amount() -> None:
    with pytest.raises(ResponseFormatError):
        parse_balance({"currency": "USD"})
