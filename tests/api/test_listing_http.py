from __future__ import annotations

import pytest

from app.api.client import ApiClient
from app.api.errors import AuthenticationError, NotFoundError
from app.api.types import ModelKind
from tests.fake_api import FakeApi, Fault, Reply


@pytest.mark.parametrize("shape", ["data", "bare", "models"])
def test_model_list_shapes_and_kinds(client: ApiClient, fake_api: FakeApi, shape: str) -> None:
    fake_api.options.models_shape = shape
    models = client.models.list()
    kinds = {m.kind for m in models.models}
    assert {ModelKind.CHAT, ModelKind.IMAGE, ModelKind.STT, ModelKind.TTS} <= kinds
    assert models.etag
    assert not models.not_modified


def test_etag_revalidation_gives_not_modified(client: ApiClient, fake_api: FakeApi) -> None:
    first = client.models.list()
    second = client.models.list(etag=first.etag)
    assert second.not_modified
    assert second.etag == first.etag
    assert second.models == ()
    assert fake_api.requests_to("/v1/models")[-1].headers["If-None-Match"] == first.etag


def test_model_list_with_hash_ids(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.models = [
        {"id": "#g1_aura-asteria-en", "type": "internal/text-to-speech", "info": {}},
        {"id": "#g1_nova-2-general", "type": "internal/speech-to-text/submit", "info": {}},
    ]
    kinds = {m.id: m.kind for m in client.models.list().models}
    assert kinds == {"#g1_aura-asteria-en": ModelKind.TTS, "#g1_nova-2-general": ModelKind.STT}


def test_balance(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.balance = 42.25
    balance = client.billing.balance()
    assert (balance.amount, balance.currency) == (42.25, "USD")


def test_balance_with_a_bad_key(make_client, fake_api: FakeApi) -> None:
    fake_api.options.require_key = "good"
    with pytest.raises(AuthenticationError):
        make_client(api_key="bad").billing.balance()


def test_balance_falls_back_to_legacy_route(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v2/billing", Fault.error(404))
    fake_api.script("/v1/billing/balance", Reply(json={"balance": 4_000_000, "status": "current"}))
    assert client.billing.balance().amount == 2.0


def test_balance_missing_everywhere_is_not_found(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v2/billing", Fault.error(404))
    with pytest.raises(NotFoundError):
        client.billing.balance()


def test_single_model_lookup_keeps_slashes(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.options.models = [
        {"id": "openai/gpt-4o", "type": "openai/chat-completions", "info": {"name": "GPT-4o"}},
    ]
    model = client.models.get("openai/gpt-4o")
    assert (model.name, model.kind) == ("GPT-4o", ModelKind.CHAT)
    assert fake_api.requests_to("/model/")[0].path == "/model/openai/gpt-4o"
    with pytest.raises(NotFoundError):
        client.models.get("no/such-model")


def test_hash_in_a_model_id_reaches_the_server_encoded(
    client: ApiClient, fake_api: FakeApi
) -> None:
    fake_api.script(
        "/model/",
        Reply(
            json={
                "object": "model",
                "data": {"id": "#g1_aura-asteria-en", "type": "internal/text-to-speech"},
            }
        ),
    )
    assert client.models.get("#g1_aura-asteria-en").kind is ModelKind.TTS
    assert fake_api.requests_to("/model/")[0].path == "/model/%23g1_aura-asteria-en"
