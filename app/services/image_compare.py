"""One prompt to several image models at once: each model's images, time and cost.

Every image is kept in the gallery with its model, as a generation from the form would be.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError, describe
from app.services.image_families import build_body

if TYPE_CHECKING:
    from app.services.context import Services
    from app.services.images import StoredGeneration

MIN_MODELS, MAX_MODELS = 2, 4


@dataclass(frozen=True)
class ImageCompareOutcome:
    """What one model made of the prompt: the stored images or the reason it failed."""

    model: str
    seconds: float
    stored: StoredGeneration | None = None
    error: str | None = None
    body: Mapping[str, Any] | None = None

    @property
    def cost_usd(self) -> float | None:
        if self.stored is None:
            return None
        cost = self.stored.result.cost
        if cost.usd is not None:
            return cost.usd
        return cost.credits / 2_000_000 if cost.credits is not None else None


def check_models(models: Sequence[str]) -> list[str]:
    """The distinct, non-empty model ids, in order; 2 to 4 of them."""
    chosen = list(dict.fromkeys(m.strip() for m in models if m and m.strip()))
    if not MIN_MODELS <= len(chosen) <= MAX_MODELS:
        raise InvalidInputError(
            f"Pick {MIN_MODELS} to {MAX_MODELS} different image models to compare "
            f"({len(chosen)} chosen)."
        )
    return chosen


async def compare_images(
    services: Services,
    prompt: str,
    models: Sequence[str],
    values: Mapping[str, Any] | None = None,
    on_outcome: Callable[[int, ImageCompareOutcome], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> list[ImageCompareOutcome]:
    """Generate ``prompt`` with every model at once; ``on_outcome(index, outcome)`` is called
    as each finishes. A failing model fails alone. Cancelling cancels every request."""
    chosen = check_models(models)
    if not prompt.strip():
        raise InvalidInputError("The prompt is empty. Describe the image to generate.")

    async def one(index: int, model: str) -> ImageCompareOutcome:
        started = clock()
        body: dict[str, Any] | None = None
        try:
            body = build_body(model, prompt, values or {})
            stored = await services.images.generate_and_keep(body)
            outcome = ImageCompareOutcome(model, clock() - started, stored, body=body)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # each model's failure is its own row's sentence
            outcome = ImageCompareOutcome(model, clock() - started, error=describe(exc), body=body)
        if on_outcome is not None:
            on_outcome(index, outcome)
        return outcome

    return list(await asyncio.gather(*(one(i, m) for i, m in enumerate(chosen))))
