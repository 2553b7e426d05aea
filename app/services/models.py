"""The model list: fetched from the server, kept on disk with its ETag, served offline."""

from __future__ import annotations

import functools
import json
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import ApiError
from app.api.kinds import ModelKind
from app.errors import describe
from app.services.digests import sha256_hex
from app.storage.atomic import write_json_atomic
from app.storage.paths import cache_dir

if TYPE_CHECKING:
    from app.api.types import ModelInfo, ModelList
    from app.services.service_context import ServiceContext

log = logging.getLogger(__name__)

CACHE_VERSION = 1
CACHE_MAX_AGE = 24 * 3600.0


@dataclass(frozen=True)
class ModelRefreshResult:
    """The outcome of asking the server for the model list.

    Attributes:
        models: every known model.
        from_cache: True when the list came from the disk cache (after a 304, or offline).
        error: the sentence to show when the server could not be asked; the list is then
            the cached one (possibly empty).
        fetched_at: when the list was last fetched from the server (UNIX time), if ever.
    """

    models: tuple[ModelInfo, ...] = ()
    from_cache: bool = False
    error: str | None = None
    fetched_at: float | None = None
    failure: ApiError | None = field(default=None, compare=False, repr=False)

    def of_kind(self, kind: ModelKind) -> list[ModelInfo]:
        return [m for m in self.models if m.kind == kind]

    @property
    def by_kind(self) -> dict[ModelKind, list[ModelInfo]]:
        grouped: dict[ModelKind, list[ModelInfo]] = {kind: [] for kind in ModelKind}
        for model in self.models:
            grouped[model.kind].append(model)
        return grouped


@dataclass
class _CachedList:
    models: tuple[ModelInfo, ...]
    etag: str | None
    fetched_at: float
    base_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def model_record(model: ModelInfo) -> dict[str, Any]:
    """The model as plain JSON values (what ``models --json`` prints), without the description."""
    return {
        "id": model.id,
        "kind": model.kind.value,
        "name": model.name,
        "developer": model.developer,
        "type": model.type,
        "aliases": list(model.aliases),
        "context_length": model.context_length,
    }


def _model_to_dict(model: ModelInfo) -> dict[str, Any]:
    capabilities = list(model.capabilities) if model.capabilities is not None else None
    return {**model_record(model), "description": model.description, "capabilities": capabilities}


def _model_from_dict(data: dict[str, Any]) -> ModelInfo | None:
    from app.api.types import ModelInfo  # the cache is read after the first paint

    try:
        return ModelInfo(
            id=str(data["id"]),
            kind=ModelKind(data.get("kind", "other")),
            name=str(data.get("name") or ""),
            developer=str(data.get("developer") or ""),
            type=str(data.get("type") or ""),
            aliases=tuple(str(a) for a in data.get("aliases") or ()),
            context_length=data.get("context_length"),
            description=str(data.get("description") or ""),
            capabilities=_capabilities_from(data.get("capabilities")),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _capabilities_from(value: Any) -> tuple[str, ...] | None:
    return tuple(str(c) for c in value) if isinstance(value, list) else None


def _cached_time(value: Any) -> float:
    """A stored UNIX time, or 0.0 (long ago) when it is missing or not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) if math.isfinite(value) else 0.0


class ModelCache:
    """One JSON file per base URL under the cache folder."""

    def __init__(self, base_url: str, folder: Path | None = None) -> None:
        self.base_url = base_url
        self._folder = folder

    @functools.cached_property
    def _name(self) -> str:
        return f"models-{sha256_hex(self.base_url.rstrip('/').encode())[:16]}.json"

    @property
    def path(self) -> Path:
        return (self._folder or cache_dir()) / self._name

    def load(self) -> _CachedList | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("model cache unreadable (%s); ignoring it", exc)
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return None
        stored = data.get("models")
        items = stored if isinstance(stored, list) else []
        models = tuple(m for m in (_model_from_dict(i) for i in items if isinstance(i, dict)) if m)
        return _CachedList(
            models=models,
            etag=data.get("etag") if isinstance(data.get("etag"), str) else None,
            fetched_at=_cached_time(data.get("fetched_at")),
            base_url=str(data.get("base_url") or ""),
        )

    def save(self, models: tuple[ModelInfo, ...], etag: str | None, fetched_at: float) -> None:
        write_json_atomic(
            self.path,
            {
                "version": CACHE_VERSION,
                "base_url": self.base_url,
                "etag": etag,
                "fetched_at": fetched_at,
                "models": [_model_to_dict(m) for m in models],
            },
        )


class ModelService:
    """Lists models per tab; the list is revalidated with ``If-None-Match``."""

    def __init__(self, services: ServiceContext, *, clock: Any = time.time) -> None:
        self._services = services
        self._clock = clock
        self._last: ModelRefreshResult | None = None
        self._last_base_url: str | None = None

    @property
    def last_result(self) -> ModelRefreshResult | None:
        """The most recent outcome (its ``error`` says whether the list is stale)."""
        return self._last

    def context_length_of(self, model_id: str) -> int | None:
        """The context window in tokens that the last model list gave ``model_id``, if any."""
        last = self._last
        for model in last.models if last is not None else ():
            if model_id == model.id or model_id in model.aliases:
                length = model.context_length
                return length if isinstance(length, int) and length > 0 else None
        return None

    def capabilities_of(self, model_id: str) -> tuple[str, ...] | None:
        """What the last model list said ``model_id`` can do (matched by id or alias); None
        when the list did not say or has not been read."""
        last = self._last
        if last is None:
            return None
        for model in last.models:
            if model_id == model.id or model_id in model.aliases:
                return model.capabilities
        return None

    def _cache(self) -> ModelCache:
        return ModelCache(self._services.base_url)

    async def list(self, kind: ModelKind, *, refresh: bool = False) -> list[ModelInfo]:
        """Models of one kind; from memory or a fresh disk cache unless ``refresh``.

        Raises:
            ApiError: the server could not be asked and nothing is cached.
        """
        result = await self._current(refresh)
        if result.failure is not None and not result.models:
            raise result.failure
        return result.of_kind(ModelKind(kind))

    async def _current(self, refresh: bool) -> ModelRefreshResult:
        base_url = self._services.base_url
        if not refresh and self._last is not None and self._last_base_url == base_url:
            return self._last
        if not refresh:
            cached = await self._services.runner.run(self._cache().load)
            if cached and 0 <= self._clock() - cached.fetched_at < CACHE_MAX_AGE:
                self._remember(ModelRefreshResult(cached.models, True, None, cached.fetched_at))
                return self._last  # type: ignore[return-value]
        return await self.refresh()

    def _remember(self, result: ModelRefreshResult) -> None:
        self._last = result
        self._last_base_url = self._services.base_url

    async def refresh(self) -> ModelRefreshResult:
        """Ask the server (revalidating the cache); offline gives the cache and the error."""
        result = await self._services.runner.run(self._refresh_blocking)
        self._remember(result)
        return result

    def _refresh_blocking(self) -> ModelRefreshResult:
        cache = self._cache()
        cached = cache.load()
        etag = cached.etag if cached and cached.models else None
        try:
            client = self._services.client()
            try:
                fetched: ModelList = client.models.list(etag=etag)
            finally:
                client.close()
        except ApiError as exc:
            log.warning("model list not fetched: %s", type(exc).__name__)
            if cached is None:
                return ModelRefreshResult((), False, describe(exc), None, exc)
            return ModelRefreshResult(cached.models, True, describe(exc), cached.fetched_at, exc)
        now = self._clock()
        if fetched.not_modified and cached is not None:
            cache.save(cached.models, cached.etag, now)
            return ModelRefreshResult(cached.models, True, None, now)
        cache.save(fetched.models, fetched.etag, now)
        return ModelRefreshResult(tuple(fetched.models), False, None, now)
