from __future__ import annotations

import asyncio

import pytest

from app.api.errors import InvalidInputError, RateLimitError
from app.services.context import Services
from app.services.runner import Runner
from app.storage.settings import Settings
from tests.fake_api import FakeApi, Fault


def _paths(api: FakeApi) -> list[str]:
    return [r.path for r in api.requests]


def test_completion_uses_text_completion_when_available(
    services: Services, fake_api: FakeApi
) -> None:
    completion, fell_back = asyncio.run(services.chat.completion("Roses are", "gpt-3.5", 8))
    assert not fell_back
    assert completion.content
    assert _paths(fake_api) == ["/v1/completions"]


@pytest.mark.parametrize("status", [404, 400])
def test_completion_falls_back_to_chat(services: Services, fake_api: FakeApi, status: int) -> None:
    fake_api.script("/v1/completions", Fault.error(status))
    completion, fell_back = asyncio.run(services.chat.completion("Roses are", "gpt-4o", 8))
    assert fell_back
    assert completion.content == "Echo: Roses are"
    chat = fake_api.requests[-1]
    assert chat.path == "/v1/chat/completions"
    assert chat.json["messages"] == [{"role": "user", "content": "Roses are"}]
    assert chat.json["max_tokens"] == 8


def test_completion_does_not_fall_back_on_other_errors(
    services: Services, fake_api: FakeApi
) -> None:
    fake_api.script("/v1/completions", Fault.error(429))
    with pytest.raises(RateLimitError):
        asyncio.run(services.chat.completion("Roses are", "gpt-4o"))
    assert _paths(fake_api) == ["/v1/completions"]


def test_empty_prompt_is_refused_before_any_request(services: Services, fake_api: FakeApi) -> None:
    with pytest.raises(InvalidInputError, match="empty"):
        asyncio.run(services.chat.completion("  \n", "gpt-4o"))
    assert fake_api.requests == []


def test_stream_yields_the_reply(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = "alpha beta gamma"

    async def collect() -> str:
        messages = [{"role": "user", "content": "go"}]
        return "".join([c.content async for c in services.chat.stream("gpt-4o", messages)])

    assert asyncio.run(collect()) == "alpha beta gamma"


def test_leaving_a_stream_early_frees_its_worker(fake_api: FakeApi) -> None:
    fake_api.options.chat_reply = " ".join(f"w{i}" for i in range(200))
    fake_api.options.stream_delay = 1.5  # a worker left reading would wait 1.5 s per event
    one_worker = Services(Settings(base_url=fake_api.url), runner=Runner(max_workers=1))

    async def first_pieces() -> str:
        text = ""
        stream = one_worker.chat.stream("gpt-4o", [{"role": "user", "content": "go"}])
        async for chunk in stream:
            text += chunk.content
            if text:
                break
        await stream.aclose()
        # The single worker must be free again long before the reply would have ended.
        await asyncio.wait_for(one_worker.runner.run(lambda: None), timeout=0.5)
        return text

    try:
        text = asyncio.run(first_pieces())
    finally:
        one_worker.close()
    assert text.startswith("w0") and "w199" not in text


def test_complete_returns_the_whole_reply(services: Services) -> None:
    reply = asyncio.run(services.chat.complete("gpt-4o", [{"role": "user", "content": "hey"}]))
    assert reply.content == "Echo: hey"
    assert reply.usage.total_tokens


def test_balance_and_key_test(services: Services, fake_api: FakeApi) -> None:
    fake_api.options.balance = 42.25
    assert asyncio.run(services.account.balance()).amount == 42.25
    from app.api.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        asyncio.run(services.account.test_key("sk-wrong-key-0000000000"))
    assert fake_api.requests[-1].headers["Authorization"] == "Bearer sk-wrong-key-0000000000"
