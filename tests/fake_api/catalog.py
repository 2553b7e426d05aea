"""The default model list, in the current documented item format of ``GET /v1/models``."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

CHAT = "openai/chat-completions"
IMAGE = "openai/image-generations"
STT = "internal/speech-to-text/submit"
TTS = "internal/text-to-speech"

PLAYGROUND_TAG = {CHAT: "playground:chat", IMAGE: "playground:image", STT: "playground:stt"}
PLAYGROUND_TAG[TTS] = "playground:tts"
MODALITIES = {
    CHAT: {"input": ["text"], "output": ["text"]},
    IMAGE: {"input": ["text"], "output": ["image"]},
    STT: {"input": ["audio"], "output": ["text"]},
    TTS: {"input": ["text"], "output": ["audio"]},
}
CAPABILITIES = {
    CHAT: ["streaming", "tools"],
    IMAGE: ["image_generation"],
    STT: ["transcription"],
    TTS: ["audio_generation"],
}


def model_item(
    model_id: str,
    kind: str,
    name: str,
    developer: str,
    *,
    aliases: tuple[str, ...] = (),
    context: int | None = None,
    output_max: int | None = None,
    extra_capabilities: tuple[str, ...] = (),
    vision: bool = False,
) -> dict[str, Any]:
    """One list item with every section (``modalities``, ``capabilities`` are opt-in on read)."""
    slug = model_id.strip("#").replace("/", "-")
    info: dict[str, Any] = {
        "name": name,
        "developer": developer,
        "description": f"{name} by {developer}.",
        "releasedAt": "2025-01-15",
        "url": f"https://aimlapi.com/models/{slug}",
        "docsUrl": f"https://docs.aimlapi.com/api-references/{slug}",
        "docsJson": (
            "https://api.aimlapi.com/docs-json?model="
            f"{quote(model_id, safe='')}&endpoint={quote(kind, safe='')}"
        ),
    }
    if context is not None:
        info["contextLength"] = context
        info["outputMax"] = output_max
    modalities = {key: list(value) for key, value in MODALITIES[kind].items()}
    if vision:
        modalities["input"].append("image")
    return {
        "id": model_id,
        "aliases": list(aliases),
        "type": kind,
        "tags": [PLAYGROUND_TAG[kind], "tier:tier_1"],
        "info": info,
        "modalities": modalities,
        "capabilities": [*CAPABILITIES[kind], *extra_capabilities, *(["vision"] if vision else [])],
    }


def default_catalog() -> list[dict[str, Any]]:
    """Realistic items for the four tabs: chat, image, speech-to-text, text-to-speech."""
    return [
        model_item(
            "openai/gpt-4o",
            CHAT,
            "GPT-4o",
            "Open AI",
            aliases=("gpt-4o",),
            context=128000,
            output_max=16384,
            vision=True,
        ),
        model_item(
            "openai/gpt-4o-mini",
            CHAT,
            "GPT-4o mini",
            "Open AI",
            aliases=("gpt-4o-mini",),
            context=128000,
            output_max=16384,
            vision=True,
        ),
        model_item(
            "openai/o3-mini",
            CHAT,
            "o3-mini",
            "Open AI",
            aliases=("o3-mini",),
            context=200000,
            output_max=100000,
            extra_capabilities=("reasoning",),
        ),
        model_item(
            "deepseek/deepseek-r1",
            CHAT,
            "DeepSeek R1",
            "DeepSeek",
            aliases=("deepseek-reasoner",),
            context=64000,
            output_max=8000,
            extra_capabilities=("reasoning",),
        ),
        model_item(
            "anthropic/claude-sonnet-4",
            CHAT,
            "Claude Sonnet 4",
            "Anthropic",
            aliases=("claude-sonnet-4-20250514",),
            context=200000,
            output_max=64000,
            vision=True,
        ),
        model_item("dall-e-3", IMAGE, "DALL·E 3", "Open AI", aliases=("openai/dall-e-3",)),
        model_item(
            "openai/gpt-image-1",
            IMAGE,
            "GPT Image 1",
            "Open AI",
            aliases=("gpt-image-1",),
            vision=True,
        ),
        model_item("flux/schnell", IMAGE, "FLUX.1 [schnell]", "Black Forest Labs"),
        model_item("flux-pro/v1.1-ultra", IMAGE, "FLUX1.1 [pro] ultra", "Black Forest Labs"),
        model_item(
            "stable-diffusion-v35-large", IMAGE, "Stable Diffusion 3.5 Large", "Stability AI"
        ),
        model_item("google/imagen4/preview", IMAGE, "Imagen 4 Preview", "Google"),
        model_item(
            "stabilityai/stable-diffusion-xl-base-1.0", IMAGE, "SDXL Base 1.0", "Stability AI"
        ),
        model_item("recraft-v3", IMAGE, "Recraft V3", "Recraft AI"),
        model_item("openai/gpt-image-1-mini", IMAGE, "GPT Image 1 Mini", "Open AI", vision=True),
        model_item(
            "google/gemini-2.5-flash-image", IMAGE, "Gemini 2.5 Flash Image", "Google", vision=True
        ),
        model_item(
            "flux/kontext-pro/image-to-image",
            IMAGE,
            "FLUX.1 Kontext [pro]",
            "Black Forest Labs",
            vision=True,
        ),
        model_item(
            "bytedance/seedream-v4-edit", IMAGE, "Seedream 4 Edit", "ByteDance", vision=True
        ),
        model_item(
            "#g1_nova-2-general", STT, "Nova-2 General", "Deepgram", aliases=("nova-2-general",)
        ),
        model_item(
            "#g1_whisper-large", STT, "Whisper Large", "Open AI", aliases=("whisper-large",)
        ),
        model_item("aai/universal", STT, "Universal", "AssemblyAI"),
        model_item("openai/gpt-4o-transcribe", STT, "GPT-4o Transcribe", "Open AI"),
        model_item("microsoft/mai-transcribe-1.5", STT, "MAI-Transcribe 1.5", "Microsoft"),
        model_item(
            "#g1_aura-asteria-en", TTS, "Aura Asteria", "Deepgram", aliases=("aura-asteria-en",)
        ),
        model_item("#g1_aura-2-thalia-en", TTS, "Aura 2 Thalia", "Deepgram"),
        model_item("openai/tts-1", TTS, "TTS-1", "Open AI", aliases=("tts-1",)),
        model_item(
            "elevenlabs/eleven_multilingual_v2", TTS, "Eleven Multilingual v2", "ElevenLabs"
        ),
        model_item("minimax/speech-2.6-hd", TTS, "Speech 2.6 HD", "MiniMax"),
        model_item("microsoft/vibevoice-1.5b", TTS, "VibeVoice 1.5B", "Microsoft"),
    ]
