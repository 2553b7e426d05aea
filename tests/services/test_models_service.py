from __future__ import annotations

import asyncio
import json

import pytest

from app.api.errors import ApiConnectionError
from app.api.types import ModelKind
from app.services.context import Services
from app.services.models import ModelCache
from app.storage.settings import Settings
from tests.fake_api import FakeApi, Fault


def _model_requests(api: FakeApi) -> list:
    return [r for r in api.requests if r.path == "/v1/models"]


def test_refresh_fetches_and_caches_with_etag(services: Services, fake_api: FakeApi) -> None:
    result = asyncio.run(services.models.refresh())
    assert result.error is None and not result.from_cache
    assert {"chat", "image", "stt", "tts"} <= {m.kind.value for m in result.models}
    cache_file = ModelCache(fake_api.url).path
    saved = json.loads(cache_file.read_text())
    assert saved["etag"]
    assert len(saved["models"]) == len(result.models)
    assert "If-None-Match" not in _model_requests(fake_api)[0].headers


def test_second_refresh_revalidates_and_keeps_the_cache_on_304(
    services: Services, fake_api: FakeApi
) -> None:
    first = asyncio.run(services.models.refresh())
    second = asyncio.run(services.models.refresh())
    requests = _model_requests(fake_api)
    assert (
        requests[1].headers.get("If-None-Match")
        == json.loads(ModelCache(fake_api.url).path.read_text())["etag"]
    )
    assert second.from_cache and second.error is None
    assert second.models == first.models


def test_changed_list_replaces_the_cache(services: Services, fake_api: FakeApi) -> None:
    asyncio.run(services.models.refresh())
    fake_api.options.models = [
        {"id": "only/one-chat", "type": "openai/chat-completions", "info": {"name": "Only"}}
    ]
    result = asyncio.run(services.models.refresh())
    assert [m.id for m in result.models] == ["only/one-chat"]
    assert not result.from_cache


def test_offline_gives_the_cache_and_a_sentence(fake_api: FakeApi) -> None:
    online = Services(Settings(base_url=fake_api.url, max_retries=0))
    fetched = asyncio.run(online.models.refresh())
    online.close()
    # Same base URL, server now refusing connections.
    fake_api.script("/v1/models", Fault.drop())
    offline = Services(Settings(base_url=fake_api.url, max_retries=0))
    result = asyncio.run(offline.models.refresh())
    offline.close()
    assert result.from_cache
    assert result.models == fetched.models
    assert result.error and "reach the server" in result.error
    assert isinstance(result.failure, ApiConnectionError)


def test_offline_without_cache_raises(fake_api: FakeApi) -> None:
    fake_api.script("/v1/models", Fault.drop())
    services = Services(Settings(base_url=fake_api.url, max_retries=0))
    try:
        with pytest.raises(ApiConnectionError):
            asyncio.run(services.models.list(ModelKind.CHAT))
    finally:
        services.close()


def test_list_uses_a_fresh_disk_cache_without_asking(fake_api: FakeApi) -> None:
    first = Services(Settings(base_url=fake_api.url))
    asyncio.run(first.models.refresh())
    first.close()
    second = Services(Settings(base_url=fake_api.url))
    try:
        tts = asyncio.run(second.models.list(ModelKind.TTS))
    finally:
        second.close()
    assert tts and all(m.kind == ModelKind.TTS for m in tts)
    assert len(_model_requests(fake_api)) == 1


def test_caches_are_kept_per_base_url(fake_api: FakeApi) -> None:
    assert ModelCache(fake_api.url).path != ModelCache("https://api.aimlapi.com").path


def test_a_cache_stamped_in_the_future_is_not_trusted(fake_api: FakeApi) -> None:
    first = Services(Settings(base_url=fake_api.url))
    asyncio.run(first.models.refresh())
    first.close()
    cache = ModelCache(fake_api.url)
    data = json.loads(cache.path.read_text())
    data["fetched_at"] = data["fetched_at"] + 10 * 365 * 86400  # a clock that was wrong
    cache.path.write_text(json.dumps(data))
    second = Services(Settings(base_url=fake_api.url))
    try:
        asyncio.run(second.models.list(ModelKind.TTS))
    finally:
        second.close()
    assert len(_model_requests(fake_api)) == 2
