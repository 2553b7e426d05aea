"""Frozen value types returned by the API client: the model list, costs, usage and the balance
(and ``ModelKind``, from ``kinds``).

Parsers build these tolerantly from the gateway's many shapes (API_NOTES §8): unknown keys are
ignored, missing optional keys become ``None`` or empty, and nothing here knows about HTTP.
The types of one kind of request live beside this module: ``chat_types``, ``image_types``,
``audio_types`` and ``billing_types``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.api.kinds import ModelKind

__all__ = ["Balance", "Cost", "ModelInfo", "ModelKind", "ModelList", "Usage"]


@dataclass(frozen=True, slots=True)
class Cost:
    """What one request cost, as far as the gateway said (``meta.usage`` or cost headers)."""

    credits: float | None = None
    usd: float | None = None

    @property
    def known(self) -> bool:
        return self.credits is not None or self.usd is not None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one chat or completion request."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One entry of the model list."""

    id: str
    kind: ModelKind
    name: str = ""
    developer: str = ""
    type: str = ""
    aliases: tuple[str, ...] = ()
    context_length: int | None = None
    description: str = ""
    capabilities: tuple[str, ...] | None = None  # None: the list did not say

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class ModelList:
    """A fetched model list with the ETag to revalidate it (``not_modified`` after a 304)."""

    models: tuple[ModelInfo, ...]
    etag: str | None = None
    not_modified: bool = False

    def of_kind(self, kind: ModelKind) -> list[ModelInfo]:
        return [m for m in self.models if m.kind == kind]


@dataclass(frozen=True, slots=True)
class Balance:
    amount: float
    currency: str = "USD"
