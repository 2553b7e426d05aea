"""The sentence for a chat or text reply that came back without any text, and why."""

from __future__ import annotations

_WHY = {
    "stop": "the model stopped before writing anything",
    "length": "the model reached its token limit before writing anything; raise Max tokens",
    "content_filter": "the server's content filter held it back",
    "tool_calls": "the model asked to call a tool, and this chat offers none",
    "function_call": "the model asked to call a tool, and this chat offers none",
}


def is_empty(content: str) -> bool:
    return not content.strip()


def empty_reply_sentence(finish_reason: str | None) -> str:
    """``"The reply was empty: <why> (finish reason: <reason>)."``"""
    if not finish_reason:
        return "The reply was empty, and the server gave no reason."
    why = _WHY.get(finish_reason, "the server gave no text")
    return f"The reply was empty: {why} (finish reason: {finish_reason})."
