from __future__ import annotations

import base64

import pytest

from app.api.errors import ResponseFormatError
from app.api.image_parsing import (
    decode_base64,
    decode_data_uri,
    image_description,
    image_refs,
    image_seed,
    sniff_image_mime,
)
from app.api.values import parse_cost

PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\x00" * 324
# two images sharing a long prefix: they are told apart by their whole content
PNG = PNG_HEAD + b"\x02"
OTHER_PNG = PNG_HEAD + b"\x01"
PNG_B64 = base64.b64encode(PNG).decode()
OTHER_PNG_B64 = base64.b64encode(OTHER_PNG).decode()


def test_shape_a_openai_data_with_meta_usage() -> None:
    body = {
        "data": [{"url": "https://cdn.aimlapi.com/generations/a.png", "b64_json": None}],
        "meta": {"usage": {"credits_used": 107341, "usd_spent": 0.0536705}},
    }
    (ref,) = image_refs(body)
    assert (ref.url, ref.b64) == ("https://cdn.aimlapi.com/generations/a.png", None)
    cost = parse_cost(body)
    assert (cost.credits, cost.usd) == (107341, 0.0536705)


def test_dall_e_3_variant_keeps_revised_prompt() -> None:
    body = {
        "created": 1756973055,
        "data": [{"revised_prompt": "A cat, oil painting", "url": "https://blob/x.png?se=1"}],
    }
    (ref,) = image_refs(body)
    assert ref.revised_prompt == "A cat, oil painting"


def test_imagen_variant_tokens_used_is_credits() -> None:
    body = {
        "data": [{"mime_type": "image/png", "url": "https://x/1.png", "prompt": "enhanced"}],
        "meta": {"usage": {"tokens_used": 84000}},
    }
    assert image_refs(body)[0].mime_type == "image/png"
    assert parse_cost(body).credits == 84000
    assert parse_cost(body).usd == pytest.approx(0.042)


def test_b64_json_wins_over_url_and_null_b64_falls_back_to_url() -> None:
    refs = image_refs(
        {"data": [{"b64_json": PNG_B64, "url": None}, {"b64_json": None, "url": "https://x/2"}]}
    )
    assert refs[0].b64 == PNG_B64 and refs[0].url is None
    assert refs[1].url == "https://x/2" and refs[1].b64 is None


def test_shape_b_fal_images_with_size_and_seed() -> None:
    body = {
        "images": [
            {
                "url": "https://cdn.aimlapi.com/squirrel/files/a.jpg",
                "width": 1024,
                "height": 320,
                "content_type": "image/jpeg",
            }
        ],
        "timings": {"inference": 1.14},
        "seed": 711728385,
        "has_nsfw_concepts": [False],
        "prompt": "A T-Rex",
        "num_images": 1,
    }
    (ref,) = image_refs(body)
    assert (ref.width, ref.height, ref.mime_type) == (1024, 320, "image/jpeg")
    assert image_seed(body) == 711728385


def test_gemini_variant_description() -> None:
    body = {
        "images": [{"url": "https://x/g.png", "content_type": "image/png", "file_name": "g.png"}],
        "description": "Here is your picture.",
    }
    assert image_description(body) == "Here is your picture."
    assert len(image_refs(body)) == 1


def test_shape_c_both_keys_gives_each_image_once_with_merged_details() -> None:
    images = [
        {"url": "https://x/1.png", "width": 512, "height": 512, "content_type": "image/png"},
        {"url": "https://x/2.png", "width": 512, "height": 512, "content_type": "image/png"},
    ]
    data = [
        {
            "url": "https://x/1.png",
            "content_type": "image/png",
            "file_name": "1.png",
            "file_size": 10,
            "width": None,
            "height": None,
        },
        {
            "url": "https://x/2.png",
            "content_type": "image/png",
            "file_name": "2.png",
            "file_size": 10,
            "width": None,
            "height": None,
        },
    ]
    refs = image_refs({"images": images, "data": data, "meta": {"usage": {"tokens_used": 1}}})
    assert [r.url for r in refs] == ["https://x/1.png", "https://x/2.png"]
    assert all(r.width == 512 for r in refs)


def test_shape_d_legacy_together_output_choices() -> None:
    body = {
        "status": "finished",
        "prompt": ["a cat"],
        "model": "stabilityai/stable-diffusion-2-1",
        "output": {"choices": [{"image_base64": PNG_B64}, {"image_base64": OTHER_PNG_B64}]},
    }
    refs = image_refs(body)
    assert [decode_base64(r.b64 or "") for r in refs] == [PNG, OTHER_PNG]


def test_the_same_base64_image_under_both_keys_counts_once() -> None:
    refs = image_refs({"images": [{"b64_json": PNG_B64}], "data": [{"b64_json": PNG_B64}]})
    assert len(refs) == 1


@pytest.mark.parametrize(
    "body", [{}, {"data": []}, {"data": [{"url": None, "b64_json": None}]}, None, "x", [1]]
)
def test_no_image_raises(body: object) -> None:
    with pytest.raises(ResponseFormatError):
        image_refs(body)


def test_data_uri_decoding() -> None:
    data, mime = decode_data_uri(f"data:image/png;base64,{PNG_B64}")
    assert (data, mime) == (PNG, "image/png")
    assert decode_data_uri("data:text/plain,hello%20there") == (b"hello there", "text/plain")
    with pytest.raises(ResponseFormatError):
        decode_data_uri("data:image/png;base64")


def test_base64_tolerates_whitespace_missing_padding_and_urlsafe() -> None:
    raw = bytes(range(250))
    assert decode_base64(base64.b64encode(raw).decode().rstrip("=")) == raw
    assert decode_base64(base64.urlsafe_b64encode(raw).decode()) == raw
    wrapped = base64.encodebytes(raw).decode()
    assert decode_base64(wrapped) == raw
    with pytest.raises(ResponseFormatError):
        decode_base64("not base64 at all!")


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"\x00\x00\x00\x1cftypavif", "image/avif"),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff_image_mime(head: bytes, mime: str | None) -> None:
    assert sniff_image_mime(head) == mime
