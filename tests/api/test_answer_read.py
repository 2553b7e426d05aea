"""A successful answer is read within its attempt: a cut body is one sentence and is not sent
again (the work was done), an answer over the cap is refused, and a listing with no list in
it is an error, not an empty list."""

from __future__ import annotations

import pytest

from app.api import transport
from app.api.client import ApiClient
from app.api.errors import AnswerCutError, ResponseFormatError
from tests.fake_api import FakeApi, Fault, Reply

HELLO = [{"role": "user", "content": "Hello"}]


def test_a_cut_answer_is_not_sent_again(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/chat/completions", Fault.drop_mid_stream())
    with pytest.raises(AnswerCutError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert (
        caught.value.sentence == "The connection dropped before the whole reply arrived. Try again."
    )
    assert len(fake_api.requests_to("/v1/chat/completions")) == 1


def test_an_answer_over_the_cap_is_refused(
    client: ApiClient, fake_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "MAX_ANSWER_BYTES", 64 * 1024)
    fake_api.script("/v1/chat/completions", Fault.oversized(300 * 1024))
    with pytest.raises(ResponseFormatError) as caught:
        client.chat.create(model="gpt-4o", messages=HELLO)
    assert "larger than the 64 KB this app accepts" in caught.value.sentence


def test_a_listing_with_no_list_is_an_error(client: ApiClient, fake_api: FakeApi) -> None:
    fake_api.script("/v1/models", Reply(json={"data": "not a list"}))
    with pytest.raises(ResponseFormatError):
        client.models.list()
    fake_api.script("/v2/billing/transactions", Reply(json={"rows": []}))
    with pytest.raises(ResponseFormatError):
        client.billing.transactions()
    fake_api.script("/v1/models", Reply(json={"object": "list", "data": []}))
    assert client.models.list().models == ()
