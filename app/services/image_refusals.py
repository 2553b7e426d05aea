"""Content-policy refusals of image requests, told apart from other failures in one place.

A refusal arrives as a 400/422 whose message names the provider's safety system or content
policy, as a reply whose entries carry ``content_violation: true`` and no image, or as a fal
reply whose ``has_nsfw_concepts`` flags every image (those come back blanked).
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.api.errors import ApiError, BadRequestError, UnprocessableEntityError
from app.api.image_types import ImageResult

REFUSAL_LEAD = "The model refused this prompt under its content policy"

_POLICY_WORDS = re.compile(
    r"content[\s_-]*(?:policy|policies|violation|filter|moderation)"
    r"|safety[\s_-]*(?:system|checker|filter|policy|settings|violation|reasons?)"
    r"|moderation[\s_-]*blocked|flagged\s+by\s+(?:our\s+)?moderation"
    r"|\bnsfw\b|responsible[\s_-]*ai|sexually\s+explicit|prohibited\s+content",
    re.IGNORECASE,
)
_DETAIL_LIMIT = 240


class ContentRefusedError(ApiError):
    """The provider refused the prompt or its image under its content policy.

    The message is the sentence for the person.
    """


def _sentence(detail: str) -> str:
    detail = " ".join(detail.split()).rstrip(".")
    if len(detail) > _DETAIL_LIMIT:
        detail = detail[: _DETAIL_LIMIT - 1] + "…"
    return f"{REFUSAL_LEAD}: {detail}."


def refusal_for_error(exc: BaseException) -> ContentRefusedError | None:
    """The refusal ``exc`` stands for, or ``None`` when it is some other failure."""
    from app.api.images import NoImageError  # loads requests: only once a request failed

    if isinstance(exc, NoImageError):
        return refusal_for_body(exc.body)
    if not isinstance(exc, (BadRequestError, UnprocessableEntityError)):
        return None
    body = json.dumps(exc.body, default=str) if exc.body is not None else ""
    if not _POLICY_WORDS.search(exc.message) and not _POLICY_WORDS.search(body):
        return None
    given = exc.message if not exc.message.lower().startswith("http ") else ""
    return ContentRefusedError(_sentence(given or "the request was refused for safety"))


def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for key in ("data", "images"):
        value = body.get(key)
        if isinstance(value, list):
            found.extend(entry for entry in value if isinstance(entry, dict))
    return found


def refusal_for_body(body: Any) -> ContentRefusedError | None:
    """A refusal told by the reply itself: every entry a content violation, or every image
    flagged by the provider's safety checker."""
    if not isinstance(body, dict):
        return None
    entries = _entries(body)
    if entries and all(entry.get("content_violation") is True for entry in entries):
        return ContentRefusedError(
            _sentence("the provider marked the result as a content violation and sent no image")
        )
    flags = body.get("has_nsfw_concepts")
    if isinstance(flags, list) and flags and all(flag is True for flag in flags):
        which = "the image" if len(flags) == 1 else f"all {len(flags)} images"
        return ContentRefusedError(
            _sentence(f"its safety checker flagged {which} as unsafe, so none was kept")
        )
    return None


def refusal_for_result(result: ImageResult) -> ContentRefusedError | None:
    """A refusal in a reply that did carry images (they are blanked or unusable)."""
    return refusal_for_body(result.raw)
