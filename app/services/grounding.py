"""What grounds a reply: the passages of the conversation's knowledge bases that match the
question, and the documents attached to the question, as numbered sources.

``build_grounding`` (blocking: it searches and may index a big document in memory) looks at
the conversation and the last person's message; ``Grounding.apply`` puts the knowledge-base
passages into the system message and the documents into the question's content, and
``reply_meta`` is what the reply stores so its ``[n]`` marks can show their passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.services.attachments import DEFAULT_CONTEXT_TOKENS
from app.services.message_documents import (
    DOCUMENTS_KEY,
    KNOWLEDGE_KEY,
    SOURCES_KEY,
    Source,
    passage_sources,
    user_content,
)

if TYPE_CHECKING:
    from app.services.chat_history import Conversation, Message
    from app.services.context import Services
    from app.storage.knowledge_store import Passage

KNOWLEDGE_PASSAGES = 6
MIN_DOCUMENT_BUDGET = 2_000


def document_budget(services: Services, model_id: str | None) -> int:
    """How many tokens of documents a question to ``model_id`` may carry whole: half its
    context window (the rest is for the conversation and the reply) when the model list
    gives one, else ``DEFAULT_CONTEXT_TOKENS``."""
    length = services.models.context_length_of(model_id) if model_id else None
    if length is None:
        return DEFAULT_CONTEXT_TOKENS
    return max(MIN_DOCUMENT_BUDGET, length // 2)


def knowledge_bases_of(conversation: Conversation) -> tuple[str, ...]:
    """The knowledge bases a conversation answers from (``settings["knowledge_bases"]``)."""
    names = conversation.settings.get(KNOWLEDGE_KEY) if conversation.settings else None
    if not isinstance(names, list):
        return ()
    return tuple(name for name in names if isinstance(name, str) and name.strip())


def last_user_message(history: Sequence[Message]) -> Message | None:
    return next((m for m in reversed(history) if m.role == "user"), None)


def needs_grounding(conversation: Conversation, history: Sequence[Message]) -> bool:
    question = last_user_message(history)
    has_documents = question is not None and bool(question.meta.get(DOCUMENTS_KEY))
    return has_documents or bool(knowledge_bases_of(conversation))


@dataclass
class Grounding:
    """The sources of one reply and how they go into its request."""

    system: str = ""  # the knowledge-base passages, for the system message
    question_id: int | None = None
    question_content: str | list[dict[str, Any]] | None = None
    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the person should know

    def apply(self, payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``payload`` (request messages) with the sources in it."""
        payload = [dict(message) for message in payload]
        if self.question_content is not None:
            for message in reversed(payload):
                if message.get("role") == "user":
                    message["content"] = self.question_content
                    break
        if self.system:
            if payload and payload[0].get("role") == "system":
                payload[0]["content"] = f"{payload[0]['content']}\n\n{self.system}"
            else:
                payload.insert(0, {"role": "system", "content": self.system})
        return payload

    def reply_meta(self) -> dict[str, Any]:
        if not self.sources:
            return {}
        return {SOURCES_KEY: [source.record() for source in self.sources]}


def _search(
    services: Services, names: Sequence[str], question: str
) -> tuple[list[Passage], list[str]]:
    from app.storage.knowledge_store import KnowledgeError

    passages: list[Passage] = []
    notes: list[str] = []
    if not question.strip():
        return passages, notes
    for name in names:
        try:
            passages.extend(services.knowledge.search(name, question, limit=KNOWLEDGE_PASSAGES))
        except KnowledgeError:
            notes.append(
                f'The knowledge base "{name}" no longer exists, so this reply comes without it.'
            )
    passages.sort(key=lambda passage: passage.score, reverse=True)
    return passages[: KNOWLEDGE_PASSAGES * max(1, len(names))], notes


def build_grounding(
    services: Services,
    conversation: Conversation,
    history: Sequence[Message],
    model_id: str | None = None,
) -> Grounding | None:
    """The sources for answering the last person's message of ``history``; None when the
    conversation uses no knowledge base and the message has no documents."""
    if not needs_grounding(conversation, history):
        return None
    # retrieval: loaded by the first reply that needs it, on that reply's worker
    from app.services.knowledge import context_block

    question = last_user_message(history)
    grounding = Grounding()
    text = question.content if question is not None else ""
    names = knowledge_bases_of(conversation)
    passages, grounding.notes = _search(services, names, text)
    if names and not passages and text.strip() and not grounding.notes:
        shown = ", ".join(f'"{name}"' for name in names)
        grounding.notes.append(f"Nothing in {shown} matches the question.")
    grounding.sources = passage_sources(passages)
    if passages:
        grounding.system = context_block(passages)
    if question is not None and question.meta.get(DOCUMENTS_KEY):
        content, documents = user_content(
            question,
            first_number=len(grounding.sources) + 1,
            budget_tokens=document_budget(services, model_id),
        )
        grounding.question_id = question.id
        grounding.question_content = content
        grounding.sources.extend(documents.sources)
        grounding.notes.extend(
            f"{name} is too big for the model's context, so only its passages that best match "
            "the question were sent."
            for name in documents.retrieved
        )
    return grounding
