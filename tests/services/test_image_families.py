"""The family table: each family's request body as API_NOTES §4 documents it, range checks,
reading a stored request back into form values, and the command line's size translation."""

from __future__ import annotations

import pytest

from app.api.errors import InvalidInputError
from app.services.image_families import (
    FAMILIES,
    UNKNOWN_FAMILY,
    build_body,
    cli_body,
    default_values,
    family_for,
    values_from_body,
)

PROMPT = "A T-Rex relaxing on a beach"


@pytest.mark.parametrize(
    ("model", "values", "expected"),
    [
        (
            "dall-e-3",
            {"size": "1792x1024", "quality": "hd", "style": "natural"},
            {
                "n": 1,
                "size": "1792x1024",
                "quality": "hd",
                "style": "natural",
                "response_format": "url",
            },
        ),
        (
            "dall-e-2",
            {"n": 4, "size": "512x512", "response_format": "b64_json"},
            {"n": 4, "size": "512x512", "response_format": "b64_json"},
        ),
        (
            "openai/gpt-image-1",
            {"quality": "high", "background": "transparent", "output_format": "webp"},
            {
                "n": 1,
                "size": "1024x1024",
                "quality": "high",
                "background": "transparent",
                "output_format": "webp",
            },
        ),
        (
            "flux/schnell",
            {
                "image_size": {"width": 1024, "height": 768},
                "seed": 42,
                "num_inference_steps": 4,
                "guidance_scale": 3.5,
            },
            {
                "num_images": 1,
                "image_size": {"width": 1024, "height": 768},
                "seed": 42,
                "num_inference_steps": 4,
                "guidance_scale": 3.5,
                "enable_safety_checker": True,
            },
        ),
        (
            "stable-diffusion-v35-large",
            {"num_images": 2, "image_size": "square_hd", "negative_prompt": "blurry"},
            {
                "num_images": 2,
                "image_size": "square_hd",
                "negative_prompt": "blurry",
                "enable_safety_checker": True,
            },
        ),
        (
            "flux-pro/v1.1-ultra",
            {"aspect_ratio": "21:9", "seed": 7},
            {
                "num_images": 1,
                "aspect_ratio": "21:9",
                "seed": 7,
                "safety_tolerance": "2",
                "output_format": "jpeg",
            },
        ),
        (
            "google/imagen4/preview",
            {"num_images": 3, "aspect_ratio": "9:16", "seed": 4294967295},
            {"num_images": 3, "aspect_ratio": "9:16", "seed": 4294967295},
        ),
        (
            "google/gemini-2.5-flash-image",
            {"aspect_ratio": "4:3"},
            {"num_images": 1, "aspect_ratio": "4:3"},
        ),
        (
            "stabilityai/stable-diffusion-xl-base-1.0",
            {"n": 2, "size": "512x512", "steps": 30},
            {"n": 2, "size": "512x512", "steps": "30"},
        ),
        (
            "somebody/new-model",
            {"n": 2, "size": "800x600", "extra": '{"cfg": 7, "sampler": "euler"}'},
            {"n": 2, "size": "800x600", "cfg": 7, "sampler": "euler"},
        ),
    ],
)
def test_body_per_family(model: str, values: dict, expected: dict) -> None:
    body = build_body(model, PROMPT, values)
    assert body == {"model": model, "prompt": PROMPT, **expected}


EXAMPLE_MODELS = {
    "dall-e-3": "dall-e-3",
    "dall-e-2": "dall-e-2",
    "gpt-image": "openai/gpt-image-1-mini",
    "flux-aspect": "flux/kontext-pro/text-to-image",
    "flux-kontext-edit": "flux/kontext-max/image-to-image",
    "flux-image-to-image": "flux/dev/image-to-image",
    "seedream": "bytedance/seedream-v4-edit",
    "stable-diffusion-3": "stable-diffusion-v3-medium",
    "flux": "flux-pro/v1.1",
    "recraft": "recraft-v3",
    "imagen": "google/imagen-4.0-ultra-generate-001",
    "gemini": "google/nano-banana-pro",
    "stability-legacy": "stabilityai/stable-diffusion-xl-base-1.0",
    "other": "vendor/unknown",
}


def test_defaults_of_every_family_make_a_valid_body() -> None:
    assert set(EXAMPLE_MODELS) == {f.name for f in (*FAMILIES, UNKNOWN_FAMILY)}
    for family in (*FAMILIES, UNKNOWN_FAMILY):
        model = EXAMPLE_MODELS[family.name]
        assert family_for(model) is family, family.name
        body = build_body(model, PROMPT, default_values(family))
        assert body["prompt"] == PROMPT
        assert "seed" not in body and "negative_prompt" not in body


@pytest.mark.parametrize(
    ("model", "values", "words"),
    [
        ("flux/dev", {"image_size": {"width": 1000, "height": 768}}, "multiple of 32"),
        ("flux/dev", {"image_size": {"width": 4096, "height": 768}}, "out of range"),
        ("flux/dev", {"seed": "abc"}, "Seed must be a number"),
        ("dall-e-2", {"n": 11}, "between 1 and 10"),
        ("dall-e-3", {"size": "640x480"}, "must be one of"),
        ("imagen-3.0-generate-002", {"seed": 4294967296}, "between 0 and 4294967295"),
        ("vendor/x", {"size": "99999x5"}, "out of range"),
        ("vendor/x", {"size": "big"}, "WIDTHxHEIGHT"),
        ("vendor/x", {"extra": "{not json"}, "not valid JSON"),
        ("vendor/x", {"extra": "[1, 2]"}, "JSON object"),
        ("vendor/x", {"extra": '{"prompt": "x"}'}, "may not set prompt"),
    ],
)
def test_bad_values_are_named_in_one_sentence(model: str, values: dict, words: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        build_body(model, PROMPT, values)
    assert words in str(caught.value)


def test_empty_prompt_and_missing_model() -> None:
    with pytest.raises(InvalidInputError, match="prompt is empty"):
        build_body("flux/schnell", "  \n", {})
    with pytest.raises(InvalidInputError, match="No model"):
        build_body("", PROMPT, {})


@pytest.mark.parametrize(
    "body",
    [
        {
            "model": "flux/dev",
            "prompt": "p",
            "num_images": 2,
            "image_size": {"width": 512, "height": 768},
            "seed": 3,
            "guidance_scale": 7.5,
            "enable_safety_checker": False,
        },
        {
            "model": "stabilityai/stable-diffusion-xl-base-1.0",
            "prompt": "p",
            "n": 1,
            "size": "1024x1024",
            "steps": "40",
        },
        {"model": "vendor/x", "prompt": "p", "n": 1, "size": "640x640", "cfg": 2},
    ],
)
def test_a_stored_request_reads_back_into_the_same_body(body: dict) -> None:
    assert build_body(body["model"], body["prompt"], values_from_body(body)) == body


def test_cli_translates_one_size_word_per_family() -> None:
    assert cli_body("flux/schnell", "p", count=2, size="16:9")["image_size"] == "landscape_16_9"
    assert cli_body("dall-e-3", "p", size="square_hd")["size"] == "1024x1024"
    assert cli_body("google/imagen4/preview", "p", size="1920x1080")["aspect_ratio"] == "16:9"
    assert cli_body("imagen-3.0-generate-002", "p", count=2)["num_images"] == 2
    assert cli_body("vendor/x", "p", count=2) == {"model": "vendor/x", "prompt": "p", "n": 2}
    with pytest.raises(InvalidInputError, match="not understood"):
        cli_body("flux/schnell", "p", size="huge")
