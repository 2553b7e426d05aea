"""Speech-to-text model families and the names each one gives to the same options.

One table (``FAMILIES``) says, per family, which request field carries the language, the
automatic language detection, punctuation, smart formatting, speaker labels and a prompt
(API_NOTES §5.5). ``None`` means the family does not offer that option.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SttFamily:
    """The option names of one model family; ``auto_language``: it can detect the language."""

    key: str
    label: str
    language: str | None = None
    detect_language: str | None = None
    punctuate: str | None = None
    smart_format: str | None = None
    diarize: str | None = None
    prompt: str | None = None
    auto_language: bool = False


DEEPGRAM = SttFamily(
    key="deepgram",
    label="Deepgram",
    language="language",
    detect_language="detect_language",
    punctuate="punctuate",
    smart_format="smart_format",
    diarize="diarize",
    auto_language=True,
)
ASSEMBLYAI = SttFamily(
    key="assemblyai",
    label="AssemblyAI",
    language="language_code",
    detect_language="language_detection",
    punctuate="punctuate",
    smart_format="format_text",
    diarize="speaker_labels",
    auto_language=True,
)
OPENAI = SttFamily(
    key="openai", label="OpenAI", language="language", prompt="prompt", auto_language=True
)
MAI = SttFamily(key="mai", label="Microsoft MAI")

FAMILIES: dict[str, SttFamily] = {f.key: f for f in (DEEPGRAM, ASSEMBLYAI, OPENAI, MAI)}


def family_for(model: str) -> SttFamily:
    """The family of a model id; Deepgram (``#g1_*``, ``nova-*``) for anything unknown."""
    lowered = model.strip().lower()
    if lowered.startswith(("aai/", "assemblyai/")):
        return ASSEMBLYAI
    if lowered.startswith("microsoft/") or "mai-transcribe" in lowered:
        return MAI
    if lowered.startswith("openai/") or lowered.endswith("-transcribe"):
        return OPENAI
    return DEEPGRAM


@dataclass(frozen=True)
class SttChoices:
    """What a person chose, in family-neutral words.

    ``language`` "" means detect the language automatically; ``None`` means say nothing. A
    ``None`` switch is left to the server's default.
    """

    language: str | None = None
    punctuate: bool | None = None
    smart_format: bool | None = None
    diarize: bool | None = None
    prompt: str | None = None


def _set(options: dict[str, Any], name: str | None, value: Any) -> None:
    if name is not None and value is not None:
        options[name] = value


def build_options(model: str, choices: SttChoices) -> dict[str, Any]:
    """The request fields for ``model`` from ``choices``, named the family's way."""
    family = family_for(model)
    options: dict[str, Any] = {}
    language = choices.language.strip() if choices.language is not None else None
    if language:
        _set(options, family.language, language)
    elif language == "" and family.detect_language is not None:
        options[family.detect_language] = True
    _set(options, family.punctuate, choices.punctuate)
    _set(options, family.smart_format, choices.smart_format)
    _set(options, family.diarize, choices.diarize)
    if choices.prompt and choices.prompt.strip():
        _set(options, family.prompt, choices.prompt.strip())
    return options
