"""What an OpenAI-compatible server states about a model's kind wins over its id."""

from __future__ import annotations

import pytest

from app.api.models_catalog import classify_model, parse_model_list
from app.api.types import ModelKind

# /v1/models of LiteLLM proxy 1.108.7 (as it answered for the interop suite's config)
LITELLM_LIST = {
    "data": [
        {"id": "chat-mock", "object": "model", "owned_by": "openai", "mode": "chat",
         "max_input_tokens": 128000, "max_output_tokens": 16384},
        {"id": "text-complete", "object": "model", "mode": "completion", "max_input_tokens": 8192},
        {"id": "painter", "object": "model", "mode": "image_generation"},
        {"id": "voice", "object": "model", "mode": "audio_speech"},
        {"id": "ears", "object": "model", "mode": "audio_transcription"},
        {"id": "tts-embedder", "object": "model", "mode": "embedding"},
        {"id": "whisper-chat", "object": "model", "mode": "chat"},
    ],
    "object": "list",
}  # fmt: skip


def test_litellm_modes_decide_the_tab() -> None:
    kinds = {m.id: m.kind for m in parse_model_list(LITELLM_LIST)}
    assert kinds == {
        "chat-mock": ModelKind.CHAT,
        "text-complete": ModelKind.CHAT,
        "painter": ModelKind.IMAGE,
        "voice": ModelKind.TTS,
        "ears": ModelKind.STT,
        "tts-embedder": ModelKind.OTHER,  # the id says tts, the server says embedding
        "whisper-chat": ModelKind.CHAT,  # the id says whisper, the server says chat
    }


def test_max_input_tokens_is_the_context_length() -> None:
    models = {m.id: m for m in parse_model_list(LITELLM_LIST)}
    assert models["chat-mock"].context_length == 128000
    assert models["painter"].context_length is None


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ({"id": "qwen2.5-7b", "type": "llm"}, ModelKind.CHAT),  # LM Studio
        ({"id": "nomic-embed", "type": "embeddings"}, ModelKind.OTHER),
        ({"id": "voice", "capabilities": ["audio_speech"]}, ModelKind.TTS),
        ({"id": "gemma3", "capabilities": ["completion", "vision"]}, ModelKind.CHAT),  # Ollama
        ({"id": "tts-like-name", "capabilities": ["embedding"]}, ModelKind.OTHER),
        ({"id": "flux-dev", "capabilities": ["streaming", "tools"]}, ModelKind.IMAGE),  # no kind
        ({"id": "voice", "modalities": {"input": ["text"], "output": ["audio"]}}, ModelKind.TTS),
        ({"id": "painter", "mode": "image-generation"}, ModelKind.IMAGE),
    ],
)
def test_stated_kinds(item: dict, kind: ModelKind) -> None:
    assert classify_model(item) is kind
