"""Chat: streamed and whole replies, and legacy text completion with a fallback to chat."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from app.api.errors import BadRequestError, InvalidInputError, NotFoundError
from app.api.types import ChatChunk, ChatCompletion

if TYPE_CHECKING:
    from app.api.client import ApiClient, ChatStream
    from app.services.context import Services

log = logging.getLogger(__name__)


def require_text(text: str, what: str = "The prompt") -> str:
    """Return ``text`` unless it is blank.

    Raises:
        InvalidInputError: ``text`` is empty or only whitespace.
    """
    if not text or not text.strip():
        raise InvalidInputError(f"{what} is empty. Type something to send.")
    return text


def _require_messages(messages: list[dict[str, Any]]) -> None:
    if not messages:
        raise InvalidInputError("There is no message to send.")


class ClosingChatStream(Iterator[ChatChunk]):
    """A chat stream that also closes its client once it ends or is closed (once only)."""

    def __init__(self, client: ApiClient, stream: ChatStream) -> None:
        self._client = client
        self.stream = stream
        self._closed = False
        self._lock = threading.Lock()

    def __iter__(self) -> ClosingChatStream:
        return self

    def __next__(self) -> ChatChunk:
        try:
            return next(self.stream)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self.stream.close()
        finally:
            self._client.close()


class ChatService:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def stream(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> AsyncIterator[ChatChunk]:
        """Yield reply chunks as they arrive; stopping the iteration closes the HTTP stream."""
        _require_messages(messages)

        def open_stream() -> ClosingChatStream:
            client = self._services.client()
            try:
                stream = client.chat.stream(model=model, messages=messages, **params)
            except BaseException:
                client.close()
                raise
            return ClosingChatStream(client, stream)

        chunks = self._services.runner.stream(open_stream, close=_close_iterator)
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()

    async def complete(
        self, model: str, messages: list[dict[str, Any]], **params: Any
    ) -> ChatCompletion:
        """The whole reply in one answer (no streaming)."""
        _require_messages(messages)
        return await self._services.call(
            lambda client: client.chat.create(model=model, messages=messages, **params)
        )

    async def completion(
        self, prompt: str, model: str, max_tokens: int | None = None, **params: Any
    ) -> tuple[ChatCompletion, bool]:
        """Legacy text completion (``/v1/completions``).

        Where the server or model has no such route (404) or refuses it (400), the prompt is
        sent to chat as one user message instead.

        Returns:
            The completion, and True when it came from the chat fallback.
        """
        require_text(prompt)

        def run(client: ApiClient) -> tuple[ChatCompletion, bool]:
            try:
                result = client.completions.create(
                    model=model, prompt=prompt, max_tokens=max_tokens, **params
                )
                return result, False
            except (NotFoundError, BadRequestError) as exc:
                log.info("text completion refused (%s); using chat", type(exc).__name__)
            chat_params = dict(params)
            if max_tokens is not None:
                chat_params["max_tokens"] = max_tokens
            messages = [{"role": "user", "content": prompt}]
            return client.chat.create(model=model, messages=messages, **chat_params), True

        return await self._services.call(run)


def _close_iterator(iterator: Iterator[Any]) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()
