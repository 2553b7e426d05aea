"""How the conversation list is grouped: pinned first, then by when each was last used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.assistants import conversation_assistant
from app.services.chat_history import Conversation

PINNED = "Pinned"
TODAY = "Today"
YESTERDAY = "Yesterday"
WEEK = "Previous 7 days"
MONTH = "Previous 30 days"


@dataclass(frozen=True)
class Entry:
    """One conversation of the list, with the group heading to show above it (or "")."""

    conversation: Conversation
    heading: str
    subtitle: str


def is_pinned(conversation: Conversation) -> bool:
    return bool((conversation.settings or {}).get("pinned"))


def group_of(updated: float, now: dt.datetime) -> str:
    """The heading of a conversation last used at ``updated`` (Unix seconds), seen at ``now``."""
    day = dt.datetime.fromtimestamp(updated).date()
    age = (now.date() - day).days
    if age <= 0:
        return TODAY
    if age == 1:
        return YESTERDAY
    if age <= 7:
        return WEEK
    if age <= 30:
        return MONTH
    if day.year == now.year:
        return day.strftime("%B")
    return day.strftime("%B %Y")


def subtitle(conversation: Conversation, now: dt.datetime) -> str:
    """The line under the title: which assistant or model, and when (a time today, else a day
    or a date)."""
    when = dt.datetime.fromtimestamp(conversation.updated or conversation.created)
    age = (now.date() - when.date()).days
    if age <= 0:
        stamp = when.strftime("%H:%M")
    elif age < 7:
        stamp = when.strftime("%a")
    elif when.year == now.year:
        stamp = f"{when.day} {when.strftime('%b')}"
    else:
        stamp = f"{when.day} {when.strftime('%b %Y')}"
    assistant = conversation_assistant(conversation)
    if assistant is not None and assistant["name"]:
        source = f"{assistant['icon']} {assistant['name']}".strip()
    else:
        source = (conversation.model or "").rsplit("/", 1)[-1]
    return f"{source} · {stamp}" if source else stamp


def grouped(conversations: Iterable[Conversation], now: dt.datetime | None = None) -> list[Entry]:
    """Pinned conversations first, then the rest newest first under day headings."""
    now = now or dt.datetime.now()
    items = sorted(conversations, key=lambda c: c.updated, reverse=True)
    ordered = [c for c in items if is_pinned(c)] + [c for c in items if not is_pinned(c)]
    entries: list[Entry] = []
    previous = None
    for conversation in ordered:
        heading = PINNED if is_pinned(conversation) else group_of(conversation.updated, now)
        entries.append(
            Entry(conversation, heading if heading != previous else "", subtitle(conversation, now))
        )
        previous = heading
    return entries
