"""Generated and edited images as the API client returns them.

See ``app.api.types`` for how they are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.api.types import Cost


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    """One image: its bytes once downloaded/decoded, and whatever the response said of it."""

    data: bytes
    mime_type: str
    source_url: str | None = None
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    revised_prompt: str | None = None


@dataclass(frozen=True, slots=True)
class ImageResult:
    images: tuple[GeneratedImage, ...]
    cost: Cost = field(default_factory=Cost)
    seed: int | None = None
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
