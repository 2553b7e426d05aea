"""Which image failures are content-policy refusals, and the sentence they get."""

from __future__ import annotations

import json

import pytest

from app.api.errors import status_error
from app.api.image_types import GeneratedImage, ImageResult
from app.api.images import NoImageError
from app.api.types import Cost
from app.services.image_refusals import (
    REFUSAL_LEAD,
    refusal_for_error,
    refusal_for_result,
)

OPENAI_POLICY = {
    "message": '400 {"error":{"code":"content_policy_violation","message":"Your request was '
    'rejected as a result of our safety system."}}',
    "statusCode": 400,
}


def _gateway_error(status: int, message: str) -> Exception:
    body = {"message": message, "statusCode": status, "path": "/v1/images/generations"}
    return status_error(status, body, json.dumps(body))


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (status_error(400, OPENAI_POLICY), "rejected as a result of our safety system"),
        (_gateway_error(400, "moderation_blocked: flagged by moderation"), "moderation"),
        (_gateway_error(422, "Prompt violates Responsible AI practices"), "Responsible AI"),
        (_gateway_error(400, "NSFW content detected in the prompt."), "NSFW content detected"),
    ],
)
def test_refusals_by_status_get_the_policy_sentence_with_the_reason(error, detail):
    refusal = refusal_for_error(error)
    assert refusal is not None
    assert refusal.message.startswith(f"{REFUSAL_LEAD}: ")
    assert detail in refusal.message
    assert refusal.message.endswith(".")


@pytest.mark.parametrize(
    "error",
    [
        _gateway_error(400, "image_size: Expected object, received string"),
        _gateway_error(400, "num_images must not be greater than 4"),
        _gateway_error(401, "content policy"),  # a wrong key is not a refusal
        _gateway_error(500, "safety system unavailable"),
        ValueError("safety system"),
    ],
)
def test_other_failures_are_not_refusals(error):
    assert refusal_for_error(error) is None


def test_a_reply_of_content_violations_without_images_is_a_refusal():
    body = {"data": [{"url": None, "b64_json": None, "content_violation": True}]}
    refusal = refusal_for_error(NoImageError("The reply held no image.", body=body))
    assert refusal is not None and refusal.message.startswith(REFUSAL_LEAD)
    assert refusal_for_error(NoImageError("The reply held no image.", body={"data": []})) is None


def _result(raw: dict, count: int = 2) -> ImageResult:
    image = GeneratedImage(data=b"\x89PNG", mime_type="image/png")
    return ImageResult(images=(image,) * count, cost=Cost(), raw=raw)


def test_every_image_flagged_is_a_refusal_some_flagged_is_not():
    every = refusal_for_result(_result({"has_nsfw_concepts": [True, True]}))
    assert every is not None and "safety checker" in every.message
    assert every.message.startswith(REFUSAL_LEAD)
    assert refusal_for_result(_result({"has_nsfw_concepts": [True, False]})) is None
    assert refusal_for_result(_result({"has_nsfw_concepts": []})) is None
    assert refusal_for_result(_result({"data": [{"url": "x", "content_violation": False}]})) is None
