"""Each model family gets the same choices under its own parameter names."""

from __future__ import annotations

import pytest

from app.services.stt_families import SttChoices, build_options, family_for
from app.services.transcription import stt_options

EVERYTHING = SttChoices(language="de", punctuate=True, smart_format=True, diarize=True)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (
            "#g1_nova-2-general",
            {"language": "de", "punctuate": True, "smart_format": True, "diarize": True},
        ),
        ("nova-3", {"language": "de", "punctuate": True, "smart_format": True, "diarize": True}),
        (
            "aai/universal",
            {"language_code": "de", "punctuate": True, "format_text": True, "speaker_labels": True},
        ),
        ("openai/gpt-4o-transcribe", {"language": "de"}),
        ("microsoft/mai-transcribe-1.5", {}),
    ],
)
def test_the_same_choices_in_each_familys_words(model: str, expected: dict) -> None:
    assert build_options(model, EVERYTHING) == expected


def test_auto_detect_asks_for_detection_where_the_family_has_it() -> None:
    auto = SttChoices(language="")
    assert build_options("#g1_whisper-large", auto) == {"detect_language": True}
    assert build_options("aai/slam-1", auto) == {"language_detection": True}
    assert build_options("openai/gpt-4o-mini-transcribe", auto) == {}
    assert family_for("openai/gpt-4o-mini-transcribe").auto_language
    assert not family_for("microsoft/mai-transcribe-1.5").auto_language


def test_prompt_only_for_openai_and_unset_switches_left_out() -> None:
    choices = SttChoices(prompt="  names: Anya, Bartholomew ", punctuate=False)
    assert build_options("openai/gpt-4o-transcribe", choices) == {
        "prompt": "names: Anya, Bartholomew"
    }
    assert build_options("nova-3", choices) == {"punctuate": False}
    assert stt_options("aai/universal", language="fr") == {"language_code": "fr"}
