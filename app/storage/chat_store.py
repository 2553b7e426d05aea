"""Conversations and their messages in the history database (schema v1 tables).

Every write commits at once, so what was written survives a crash or a kill. Reads page
through long conversations by ``position`` so a 10,000-message chat never loads at once.
Search uses the ``messages_fts`` FTS5 index.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from app.errors import UserInputError
from app.storage.history import HistoryDatabase, fts_query

log = logging.getLogger(__name__)

EXPORT_FORMAT = "aiml-desktop.conversation"
EXPORT_VERSION = 1

CONVERSATION_SETTINGS = (
    "model",
    "system_prompt",
    "temperature",
    "max_tokens",
    "top_p",
    "context_messages",
    "mode",
)
MESSAGE_DETAILS = (
    "model",
    "response_id",
    "finish_reason",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_credits",
    "cost_usd",
)
MESSAGE_STATUSES = ("complete", "streaming", "stopped", "error")


@dataclass
class Conversation:
    id: int
    title: str = ""
    created: float = 0.0
    updated: float = 0.0
    model: str | None = None
    system_prompt: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    context_messages: int | None = None
    mode: str = "chat"
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Attachment:
    mime: str
    data: bytes
    name: str = ""
    id: int | None = None


@dataclass
class Message:
    id: int
    conversation_id: int
    position: int
    role: str
    content: str = ""
    reasoning: str | None = None
    created: float = 0.0
    status: str = "complete"
    model: str | None = None
    response_id: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    cost_credits: float | None = None
    cost_usd: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def details(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MESSAGE_DETAILS}


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    message_id: int
    position: int
    title: str
    role: str
    snippet: str


@dataclass(frozen=True)
class Totals:
    tokens: int = 0
    cost_usd: float = 0.0
    cost_credits: float = 0.0
    replies: int = 0


_CONVERSATION_COLUMNS = ", ".join(f.name for f in fields(Conversation))
_MESSAGE_COLUMNS = ", ".join(f.name for f in fields(Message) if f.name != "attachments")


def _conversation(row: sqlite3.Row) -> Conversation:
    values = dict(row)
    values["settings"] = _json_dict(values.get("settings"))
    return Conversation(**values)


def _message(row: sqlite3.Row) -> Message:
    values = dict(row)
    values["meta"] = _json_dict(values.get("meta"))
    return Message(**values)


def _json_dict(text: Any) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class ChatStore:
    """Reads and writes conversations on a shared ``HistoryDatabase``."""

    def __init__(self, db: HistoryDatabase, *, clock: Any = time.time) -> None:
        self.db = db
        self._clock = clock

    # -- conversations ------------------------------------------------------------------

    def create_conversation(self, title: str = "", **settings: Any) -> Conversation:
        now = self._clock()
        values = {k: v for k, v in settings.items() if k in CONVERSATION_SETTINGS}
        columns = ["title", "created", "updated", *values]
        marks = ", ".join("?" for _ in columns)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO conversations ({', '.join(columns)}) VALUES ({marks})",
                [title, now, now, *values.values()],
            )
            conversation_id = int(cursor.lastrowid or 0)
        return self.conversation(conversation_id)

    def conversation(self, conversation_id: int) -> Conversation:
        with self.db.lock:
            row = self.db.conn.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return _conversation(row)

    def conversations(self, limit: int | None = None) -> list[Conversation]:
        """Newest (most recently updated) first."""
        sql = f"SELECT {_CONVERSATION_COLUMNS} FROM conversations ORDER BY updated DESC, id DESC"
        params: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self.db.lock:
            rows = self.db.conn.execute(sql, params).fetchall()
        return [_conversation(row) for row in rows]

    def update_conversation(self, conversation_id: int, **changes: Any) -> None:
        """Change title and/or settings; ``updated`` moves only for the title."""
        allowed = {k: v for k, v in changes.items() if k in (*CONVERSATION_SETTINGS, "title")}
        if "settings" in changes:
            allowed["settings"] = json.dumps(changes["settings"])
        if not allowed:
            return
        assignments = ", ".join(f"{name} = ?" for name in allowed)
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE conversations SET {assignments} WHERE id = ?",
                [*allowed.values(), conversation_id],
            )

    def rename(self, conversation_id: int, title: str) -> None:
        self.update_conversation(conversation_id, title=title.strip())

    def touch(self, conversation_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE conversations SET updated = ? WHERE id = ?",
                (self._clock(), conversation_id),
            )

    def delete_conversation(self, conversation_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    # -- messages -----------------------------------------------------------------------

    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str = "",
        *,
        status: str = "complete",
        attachments: Sequence[Attachment] = (),
        **details: Any,
    ) -> Message:
        """Append a message (committed before this returns) and touch the conversation."""
        now = self._clock()
        values = {k: v for k, v in details.items() if k in (*MESSAGE_DETAILS, "reasoning")}
        meta = details.get("meta") or {}
        with self.db.transaction() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()[0]
            columns = ["conversation_id", "position", "role", "content", "created", "status"]
            columns += [*values, "meta"]
            row = [conversation_id, position, role, content, now, status, *values.values()]
            row.append(json.dumps(meta))
            cursor = conn.execute(
                f"INSERT INTO messages ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                row,
            )
            message_id = int(cursor.lastrowid or 0)
            for attachment in attachments:
                attachment.id = self._insert_attachment(conn, message_id, attachment)
            conn.execute(
                "UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id)
            )
        message = self.message(message_id)
        return message

    @staticmethod
    def _insert_attachment(conn: sqlite3.Connection, message_id: int, item: Attachment) -> int:
        cursor = conn.execute(
            "INSERT INTO attachments (message_id, mime, name, data) VALUES (?, ?, ?, ?)",
            (message_id, item.mime, item.name, item.data),
        )
        return int(cursor.lastrowid or 0)

    def update_message(self, message_id: int, **changes: Any) -> None:
        """Write content, reasoning, status, details or meta of one message (committed)."""
        allowed = {
            k: v
            for k, v in changes.items()
            if k in (*MESSAGE_DETAILS, "content", "reasoning", "status")
        }
        if "meta" in changes:
            allowed["meta"] = json.dumps(changes["meta"] or {})
        if not allowed:
            return
        assignments = ", ".join(f"{name} = ?" for name in allowed)
        with self.db.transaction() as conn:
            conn.execute(
                f"UPDATE messages SET {assignments} WHERE id = ?", [*allowed.values(), message_id]
            )

    def message(self, message_id: int) -> Message:
        with self.db.lock:
            row = self.db.conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise KeyError(message_id)
        message = _message(row)
        self._attach([message])
        return message

    def message_count(self, conversation_id: int) -> int:
        with self.db.lock:
            return int(
                self.db.conn.execute(
                    "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
                ).fetchone()[0]
            )

    def messages(
        self,
        conversation_id: int,
        *,
        before: int | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[Message]:
        """Messages in position order.

        Args:
            before: only positions below this; with ``limit`` the last ``limit`` of those.
            after: only positions at or above this; with ``limit`` the first ``limit``.
            limit: at most this many.
        """
        where = ["conversation_id = ?"]
        params: list[Any] = [conversation_id]
        if before is not None:
            where.append("position < ?")
            params.append(before)
        if after is not None:
            where.append("position >= ?")
            params.append(after)
        newest_first = before is not None or (limit is not None and after is None)
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE {' AND '.join(where)} "
            f"ORDER BY position {order}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self.db.lock:
            rows = self.db.conn.execute(sql, params).fetchall()
        found = [_message(row) for row in rows]
        if newest_first:
            found.reverse()
        self._attach(found)
        return found

    def _attach(self, messages: list[Message]) -> None:
        if not messages:
            return
        by_id = {m.id: m for m in messages}
        with self.db.lock:
            rows = self.db.conn.execute(
                "SELECT a.id, a.message_id, a.mime, a.name, a.data FROM attachments a "
                "JOIN messages m ON m.id = a.message_id "
                "WHERE m.conversation_id = ? AND m.position BETWEEN ? AND ? ORDER BY a.id",
                (
                    messages[0].conversation_id,
                    min(m.position for m in messages),
                    max(m.position for m in messages),
                ),
            ).fetchall()
        for row in rows:
            owner = by_id.get(row["message_id"])
            if owner is not None and row["data"] is not None:
                owner.attachments.append(
                    Attachment(row["mime"], bytes(row["data"]), row["name"] or "", row["id"])
                )

    def delete_message(self, message_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))

    def delete_from(self, conversation_id: int, position: int) -> int:
        """Delete the messages at ``position`` and after; returns how many went."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM messages WHERE conversation_id = ? AND position >= ?",
                (conversation_id, position),
            )
            return cursor.rowcount

    def mark_interrupted(self) -> int:
        """Replies left ``streaming`` by a crash become ``stopped``; returns how many."""
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE messages SET status = 'stopped' WHERE status = 'streaming'"
            )
            return cursor.rowcount

    # -- totals and search --------------------------------------------------------------

    def totals(self, conversation_id: int) -> Totals:
        with self.db.lock:
            row = self.db.conn.execute(
                "SELECT coalesce(sum(total_tokens), 0), coalesce(sum(cost_usd), 0), "
                "coalesce(sum(cost_credits), 0), count(response_id) "
                "FROM messages WHERE conversation_id = ?",
                (conversation_id,),
            ).fetchone()
        return Totals(int(row[0]), float(row[1]), float(row[2]), int(row[3]))

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Messages of every conversation containing all the words of ``text`` (as prefixes),
        newest first."""
        query = fts_query(text)
        if not query:
            return []
        sql = (
            "SELECT m.conversation_id, m.id, m.position, c.title, m.role, "
            "snippet(messages_fts, 0, '[', ']', '…', 12) "
            "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
            "JOIN conversations c ON c.id = m.conversation_id "
            "WHERE messages_fts MATCH ? ORDER BY messages_fts.rowid DESC LIMIT ?"
        )
        with self.db.lock:
            rows = self.db.conn.execute(sql, (query, limit)).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    # -- export and import --------------------------------------------------------------

    def export_dict(self, conversation_id: int) -> dict[str, Any]:
        """The conversation, its settings and every message with its metadata, as JSON data."""
        conversation = self.conversation(conversation_id)
        messages = self.messages(conversation_id)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "conversation": {
                "title": conversation.title,
                "created": conversation.created,
                "updated": conversation.updated,
                **{name: getattr(conversation, name) for name in CONVERSATION_SETTINGS},
                "settings": conversation.settings,
            },
            "messages": [_message_dict(m) for m in messages],
        }

    def import_dict(self, data: dict[str, Any]) -> Conversation:
        """Create a new conversation from ``export_dict`` data.

        Raises:
            UserInputError: the data is not an exported conversation.
        """
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            raise UserInputError("This file is not a conversation exported by AIML Desktop.")
        head = data.get("conversation") or {}
        items = data.get("messages")
        if not isinstance(head, dict) or not isinstance(items, list):
            raise UserInputError("The conversation file is incomplete.")
        with self.db.transaction() as conn:
            conversation_id = self._insert_conversation(conn, head)
            for position, item in enumerate(items):
                if isinstance(item, dict):
                    self._insert_imported_message(conn, conversation_id, position, item)
        return self.conversation(conversation_id)

    def _insert_conversation(self, conn: sqlite3.Connection, head: dict[str, Any]) -> int:
        now = self._clock()
        values = {name: head.get(name) for name in CONVERSATION_SETTINGS}
        values["mode"] = values["mode"] if values["mode"] in ("chat", "completion") else "chat"
        columns = ["title", "created", "updated", "settings", *values]
        cursor = conn.execute(
            f"INSERT INTO conversations ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [
                str(head.get("title") or "Imported conversation"),
                float(head.get("created") or now),
                now,
                json.dumps(head.get("settings") or {}),
                *values.values(),
            ],
        )
        return int(cursor.lastrowid or 0)

    def _insert_imported_message(
        self, conn: sqlite3.Connection, conversation_id: int, position: int, item: dict[str, Any]
    ) -> None:
        status = item.get("status") if item.get("status") in MESSAGE_STATUSES else "complete"
        if status == "streaming":
            status = "stopped"
        values = {name: item.get(name) for name in MESSAGE_DETAILS}
        columns = ["conversation_id", "position", "role", "content", "reasoning", "created"]
        columns += ["status", "meta", *values]
        cursor = conn.execute(
            f"INSERT INTO messages ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})",
            [
                conversation_id,
                position,
                str(item.get("role") or "user"),
                str(item.get("content") or ""),
                item.get("reasoning"),
                float(item.get("created") or self._clock()),
                status,
                json.dumps(item.get("meta") or {}),
                *values.values(),
            ],
        )
        message_id = int(cursor.lastrowid or 0)
        for attachment in _attachments_from(item.get("attachments")):
            self._insert_attachment(conn, message_id, attachment)


def _message_dict(message: Message) -> dict[str, Any]:
    return {
        "role": message.role,
        "content": message.content,
        "reasoning": message.reasoning,
        "created": message.created,
        "status": message.status,
        **message.details,
        "meta": message.meta,
        "attachments": [
            {"mime": a.mime, "name": a.name, "data": base64.b64encode(a.data).decode("ascii")}
            for a in message.attachments
        ],
    }


def _attachments_from(items: Any) -> Iterable[Attachment]:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("data"), str):
            continue
        try:
            data = base64.b64decode(item["data"], validate=True)
        except (binascii.Error, ValueError):
            log.info("skipped an attachment that is not valid base64")
            continue
        yield Attachment(
            str(item.get("mime") or "application/octet-stream"), data, item.get("name") or ""
        )


ROLE_HEADINGS = {"user": "You", "assistant": "Assistant", "system": "System"}
APPROVAL_LABELS = {
    "allow_once": "allowed once",
    "always_allow": "always allowed",
    "deny": "denied",
}


def tool_calls_of(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool calls stored in a reply's meta (``meta["tool_calls"]``)."""
    calls = meta.get("tool_calls")
    return [c for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []


def tool_call_summary(call: dict[str, Any]) -> str:
    """One line: tool name, whether it was allowed, the time taken, and how it ended."""
    parts = [str(call.get("name") or "unnamed tool")]
    if call.get("running"):
        parts.append("running…")
        return " · ".join(parts)
    approval = call.get("approval")
    if approval in APPROVAL_LABELS:
        parts.append(APPROVAL_LABELS[approval])
    elif call.get("is_error"):
        parts.append("not run")
    if approval != "deny" and isinstance(call.get("seconds"), int | float) and approval:
        parts.append(f"{float(call['seconds']):.2f} s")
    if call.get("is_error") and approval != "deny":
        parts.append("failed")
    if call.get("truncated"):
        parts.append("result truncated")
    return " · ".join(parts)


def _pretty_arguments(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
    except ValueError:
        return text


def tool_call_sections(call: dict[str, Any]) -> tuple[str, str]:
    """(arguments, result) of a call as a person reads them (arguments indented JSON)."""
    arguments = _pretty_arguments(str(call.get("arguments") or "")) or "{}"
    return arguments, str(call.get("result") or "")


def _tool_call_markdown(call: dict[str, Any]) -> list[str]:
    arguments, result = tool_call_sections(call)
    fence = "````" if "```" in arguments + result else "```"
    return [
        "<details>",
        f"<summary>Tool call: {tool_call_summary(call)}</summary>",
        "",
        "Arguments:",
        "",
        f"{fence}json",
        arguments,
        fence,
        "",
        "Result:",
        "",
        fence,
        result,
        fence,
        "",
        "</details>",
        "",
    ]


def conversation_markdown(data: dict[str, Any]) -> str:
    """An ``export_dict`` result as a readable Markdown document."""
    head = data.get("conversation") or {}
    lines = [f"# {head.get('title') or 'Conversation'}", ""]
    settings = [
        f"- {label}: {head[key]}"
        for key, label in (
            ("model", "Model"),
            ("system_prompt", "System prompt"),
            ("temperature", "Temperature"),
            ("max_tokens", "Max tokens"),
            ("top_p", "Top p"),
        )
        if head.get(key) not in (None, "")
    ]
    if settings:
        lines += [*settings, ""]
    for item in data.get("messages") or []:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(item.get("created") or 0)))
        heading = ROLE_HEADINGS.get(item.get("role"), str(item.get("role")).title())
        lines.append(f"## {heading} · {when}")
        lines.append("")
        if item.get("reasoning"):
            quoted = "\n".join(f"> {line}" for line in str(item["reasoning"]).splitlines())
            lines += ["> **Reasoning**", ">", quoted, ""]
        for attachment in item.get("attachments") or []:
            mime = str(attachment.get("mime") or "")
            what = "image" if mime.startswith("image/") else "file"
            lines.append(f"*[attached {what}: {attachment.get('name') or mime}]*")
        for call in tool_calls_of(item.get("meta") or {}):
            lines += _tool_call_markdown(call)
        if item.get("content"):
            lines += [str(item["content"]), ""]
        lines += _sources_markdown(item.get("meta") or {})
        facts = _detail_line(item)
        if facts:
            lines += [f"*{facts}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _sources_markdown(meta: dict[str, Any]) -> list[str]:
    """A reply's numbered sources (``meta["sources"]``) as a list under it."""
    sources = meta.get("sources")
    if not isinstance(sources, list) or not sources:
        return []
    lines = ["Sources:", ""]
    for source in sources:
        if isinstance(source, dict):
            lines.append(f"{source.get('n')}. {source.get('label')}")
    return [*lines, ""]


def _detail_line(item: dict[str, Any]) -> str:
    parts = []
    if item.get("model") and item.get("role") == "assistant":
        parts.append(str(item["model"]))
    if item.get("total_tokens") is not None:
        parts.append(f"{item['total_tokens']} tokens")
    if item.get("cost_usd") is not None:
        parts.append(f"${float(item['cost_usd']):.6f}")
    if item.get("status") in ("stopped", "error"):
        parts.append(str(item["status"]))
    return " · ".join(parts)
