"""One conversation, Qt-free: the chat flow the window, the command line and compare columns
share.

``ChatSession`` owns one conversation of the history. It stores the person's message before
anything is sent, builds the request from the saved history and the conversation's settings,
streams the reply (or asks for a legacy text completion), records the reply as it arrives and
when it ends, and retries, regenerates, edits and resends. It reports what happens as events
to one plain callback::

    session = ChatSession(services, on_event=print)
    await session.send("Hello")          # MessageAdded(user), MessageAdded(reply),
                                         # ReplyDelta…, MessageDone(reply)

Each event is a small frozen dataclass (see ``ChatEvent``). Nothing here imports Qt; the
callback runs on the event loop that awaits the session. The same exchange can be read as an
async iterator instead::

    async with contextlib.aclosing(session.events("Hello")) as events:
        async for event in events:
            ...                          # leaving the loop early stops the reply
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app.api.errors import ApiError, describe
from app.services.chat_history import (
    Attachment,
    ChatHistory,
    Conversation,
    HistoryWriteError,
    Message,
)
from app.services.chat_history import saved as _saved
from app.services.empty_reply import empty_reply_sentence, is_empty
from app.services.grounding import (
    Grounding,
    build_grounding,
    knowledge_bases_of,
    needs_grounding,
)
from app.services.message_documents import KNOWLEDGE_KEY, MessageDocument, stored_parts
from app.services.tool_calls import ToolCallRecord, ToolCallRunner, tool_call_from
from app.services.tool_types import (
    DEFAULT_MAX_ROUNDS,
    Approver,
    ToolBox,
    ToolCall,
    ToolSpec,
)

if TYPE_CHECKING:
    import asyncio

    from app.api.chat_types import ChatCompletion, ToolCallPart
    from app.services.chat import ReplyRecorder
    from app.services.context import Services

log = logging.getLogger(__name__)

FALLBACK_MODEL = "gpt-4o"
FALLBACK_NOTICE = (
    "This model or server does not offer text completion, so the prompt was sent as a chat "
    "message instead."
)


# -- events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageAdded:
    """A message was stored: the person's, or a reply (``status`` "streaming" while it runs)."""

    message: Message


@dataclass(frozen=True)
class ReplyDelta:
    """Text of the reply ``message_id`` arrived; ``content`` and ``reasoning`` are the new
    pieces (the whole text so far is ``ChatSession.partial``)."""

    message_id: int
    content: str
    reasoning: str = ""


@dataclass(frozen=True)
class MessageDone:
    """The reply ``message_id`` ended with ``status`` ("complete", "stopped" or "error");
    ``changes`` are the stored columns that changed (content, details, meta …).
    ``empty_sentence`` says why a complete reply has no text (None when it has some, or when
    it only called tools that run next)."""

    message_id: int
    status: str
    changes: dict[str, Any] = field(default_factory=dict)
    empty_sentence: str | None = None


@dataclass(frozen=True)
class ReplyFailed:
    """The reply ``message_id`` failed; ``sentence`` says why (the reply is kept, marked)."""

    message_id: int
    error: BaseException
    sentence: str


@dataclass(frozen=True)
class MessagesRemoved:
    """``message_id`` (and, with ``and_later``, every later message) left the conversation."""

    message_id: int
    and_later: bool = False


@dataclass(frozen=True)
class ToolCallRequested:
    """The reply ``message_id`` asks to run ``call``; ``spec`` is None for an unknown tool.
    The approver is asked (and the call runs) after this event."""

    message_id: int
    call: ToolCall
    spec: ToolSpec | None


@dataclass(frozen=True)
class ToolCallFinished:
    """A call of the reply ``message_id`` ended (ran, failed, was refused or denied);
    ``meta`` is the reply's stored meta with every finished call under ``"tool_calls"``."""

    message_id: int
    record: ToolCallRecord
    meta: dict[str, Any]


@dataclass(frozen=True)
class Notice:
    """Something the person should know that is not an error."""

    text: str


@dataclass(frozen=True)
class ToolRoundsUsedUp(Notice):
    """The model kept calling tools past the rounds allowed, so the reply was stopped there;
    ``text`` says so in one sentence."""

    rounds: int = 0


ChatEvent = (
    MessageAdded
    | ReplyDelta
    | MessageDone
    | ReplyFailed
    | MessagesRemoved
    | ToolCallRequested
    | ToolCallFinished
    | Notice
)
EventCallback = Callable[[ChatEvent], None]


@dataclass(frozen=True)
class PartialReply:
    """The reply that is streaming, as far as it arrived."""

    message_id: int
    content: str
    reasoning: str


class ChatSession:
    """Runs one conversation (see the module docstring).

    Args:
        services: the run's services (settings, chat service, worker pool, history).
        on_event: called with every ``ChatEvent``; may be set later as ``session.on_event``.
        history: the saved conversations (``services.chat_history`` when None).
        toolbox: the tools the model may call (None: no tools; see ``set_tools``).
        approver: asked before each call runs (None: calls run without asking).
    """

    def __init__(
        self,
        services: Services,
        on_event: EventCallback | None = None,
        *,
        history: ChatHistory | None = None,
        toolbox: ToolBox | None = None,
        approver: Approver | None = None,
    ) -> None:
        self.services = services
        self.on_event = on_event
        self._history = history  # None: the services' saved history, opened on first use
        self.conversation: Conversation | None = None
        self.tools: ToolCallRunner | None = None
        self._next_tools: bool | None = None  # the tools switch for a conversation to come
        self._next_knowledge: tuple[str, ...] | None = None  # knowledge bases for one to come
        if toolbox is not None:
            self.set_tools(toolbox, approver)
        self._recorder: ReplyRecorder | None = None
        self._task: asyncio.Task[Any] | None = None

    @property
    def history(self) -> ChatHistory:
        """The conversations this session reads and writes (the database opens on first use,
        so a window's session costs nothing before it is painted)."""
        return self._history if self._history is not None else self.services.chat_history

    # -- which conversation ------------------------------------------------------------------

    @property
    def conversation_id(self) -> int | None:
        return self.conversation.id if self.conversation is not None else None

    def open(self, conversation: Conversation | int) -> Conversation:
        """Continue a saved conversation (an id is read from the history; KeyError if none)."""
        if isinstance(conversation, int):
            conversation = self.history.conversation(conversation)
        self.conversation = conversation
        return conversation

    def new(self) -> None:
        """Forget the open conversation; the next message starts a new one."""
        self.conversation = None
        self._next_tools = None
        self._next_knowledge = None

    def start_conversation(self, title: str = "", **settings: Any) -> Conversation:
        """Create (and store) a new conversation with ``settings`` (model, mode, system
        prompt, temperature …) unless one is open; returns the open one."""
        if self.conversation is None:
            store = self.history.store
            self.conversation = _saved(
                "The conversation", lambda: store.create_conversation(title, **settings)
            )
            if self._next_tools is not None:
                self.switch_tools(self._next_tools)
                self._next_tools = None
            if self._next_knowledge is not None:
                self.use_knowledge_bases(self._next_knowledge)
                self._next_knowledge = None
        return self.conversation

    def update_settings(self, **values: Any) -> None:
        """Change settings of the open conversation (stored at once)."""
        if self.conversation is None:
            return
        self.history.update_settings(self.conversation.id, **values)
        for name, value in values.items():
            setattr(self.conversation, name, value)

    # -- knowledge bases ---------------------------------------------------------------------

    @property
    def knowledge_bases(self) -> tuple[str, ...]:
        """The knowledge bases each question of the open conversation (or the next one to
        start) is answered from."""
        if self.conversation is None:
            return self._next_knowledge or ()
        return knowledge_bases_of(self.conversation)

    def use_knowledge_bases(self, names: Sequence[str]) -> None:
        """Answer from these knowledge bases from now on (stored with the conversation; for
        a conversation not started yet, when it starts). No names: none."""
        chosen = tuple(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
        conversation = self.conversation
        if conversation is None:
            self._next_knowledge = chosen
            return
        settings = {k: v for k, v in conversation.settings.items() if k != KNOWLEDGE_KEY}
        if chosen:
            settings[KNOWLEDGE_KEY] = list(chosen)
        self.update_settings(settings=settings)

    # -- tools -------------------------------------------------------------------------------

    def set_tools(self, toolbox: ToolBox | None, approver: Approver | None = None) -> None:
        """The tools the model may call from now on (None: none) and who approves calls."""
        self.tools = ToolCallRunner(toolbox, approver) if toolbox is not None else None

    @property
    def max_rounds(self) -> int:
        """Model turns in a row that may call tools (Settings → Tools, default 10)."""
        value = self.services.settings.tool_max_rounds
        return value if isinstance(value, int) and value >= 1 else DEFAULT_MAX_ROUNDS

    def tools_on(self, model_id: str | None = None) -> bool:
        """Whether the next reply offers tools: the conversation's own switch
        (``settings["tools"]``) when set, else whether the model list says the model
        supports them."""
        if self.tools is None:
            return False
        conversation = self.conversation
        switch = (
            conversation.settings.get("tools") if conversation is not None else self._next_tools
        )
        if isinstance(switch, bool):
            return switch
        capabilities = self.services.models.capabilities_of(self._model(model_id))
        return capabilities is not None and "tools" in capabilities

    def switch_tools(self, on: bool | None) -> None:
        """Turn tools on or off for the open conversation, or the next one to start (None: as
        the model list says)."""
        conversation = self.conversation
        if conversation is None:
            self._next_tools = on
            return
        settings = {k: v for k, v in conversation.settings.items() if k != "tools"}
        if on is not None:
            settings["tools"] = on
        self.update_settings(settings=settings)

    async def _tool_specs(self, model_id: str) -> list[ToolSpec]:
        tools = self.tools
        if tools is None or not self.tools_on(model_id):
            return []
        try:
            return list(await tools.toolbox.list_tools())
        except Exception as exc:  # a broken toolbox must not stop the chat
            log.warning("tools could not be listed", exc_info=True)
            self._emit(
                Notice(f"The tools could not be started ({exc}); this reply comes without them.")
            )
            return []

    # -- state -------------------------------------------------------------------------------

    @property
    def replying(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def partial(self) -> PartialReply | None:
        recorder = self._recorder
        if recorder is None:
            return None
        return PartialReply(recorder.message_id, recorder.content, recorder.reasoning)

    def _emit(self, event: ChatEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    # -- the person's messages ---------------------------------------------------------------

    def add_user_message(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        *,
        documents: Sequence[MessageDocument] = (),
        replacing: Message | None = None,
        **new_settings: Any,
    ) -> Message:
        """Store the person's message (committed before anything is sent).

        ``documents``: attached documents, stored with the message (the file and its text).
        ``replacing``: a sent message that this one replaces, with every later message (edit
        and resend). ``new_settings`` are used when this message starts a new conversation.
        The first message names an untitled conversation.

        Raises:
            HistoryWriteError: the message could not be stored (nothing was changed).
        """
        from app.services.chat import auto_title

        conversation = self.start_conversation(**new_settings)
        store = self.history.store
        files, stored = stored_parts(documents)

        def write() -> Message:
            if replacing is not None:
                store.delete_from(conversation.id, replacing.position)
            meta = {"mode": "completion"} if conversation.mode == "completion" else {}
            meta.update(stored)
            return store.add_message(
                conversation.id, "user", text, attachments=[*attachments, *files], meta=meta
            )

        user = _saved("The message", write)
        if replacing is not None:
            self._emit(MessagesRemoved(replacing.id, and_later=True))
        self._emit(MessageAdded(user))
        if not conversation.title:
            first = documents[0].name if documents else "Image"
            conversation.title = auto_title(text or first)
            try:
                self.history.rename(conversation.id, conversation.title)
            except HistoryWriteError as exc:
                log.warning("%s", exc)
        return user

    async def send(
        self,
        text: str,
        attachments: Sequence[Attachment] = (),
        *,
        documents: Sequence[MessageDocument] = (),
        model: str | None = None,
        replacing: Message | None = None,
        stream: bool = True,
        **new_settings: Any,
    ) -> Message | None:
        """Store ``text`` as the person's message and get the reply; returns the reply as
        stored (whatever its status), or None when none was started."""
        self.add_user_message(
            text, attachments, documents=documents, replacing=replacing, **new_settings
        )
        return await self.reply(model, stream=stream)

    async def events(
        self, text: str, attachments: Sequence[Attachment] = (), **options: Any
    ) -> AsyncIterator[ChatEvent]:
        """``send(text, attachments, **options)`` as an async iterator of its events, ending
        when the reply has ended (an error ``send`` raises is raised here). ``on_event``, when
        set, still sees every event. Closing the iterator early (``contextlib.aclosing``)
        stops the reply; what arrived stays, marked stopped."""
        import asyncio

        queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
        previous = self.on_event

        def put(event: ChatEvent) -> None:
            queue.put_nowait(event)
            if previous is not None:
                previous(event)

        self.on_event = put
        task = asyncio.ensure_future(self.send(text, attachments, **options))
        task.add_done_callback(lambda _task: queue.put_nowait(None))
        try:
            while (event := await queue.get()) is not None:
                yield event
            task.result()
        finally:
            self.on_event = previous
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def delete_message(self, message: Message) -> None:
        """Delete one message (not the one that is streaming)."""
        self.history.delete_message(message.id)
        self._emit(MessagesRemoved(message.id))

    # -- replies -----------------------------------------------------------------------------

    def _model(self, model: str | None) -> str:
        conversation = self.conversation
        return (
            (conversation.model if conversation is not None else None)
            or model
            or self.services.default_model("chat", FALLBACK_MODEL)
        )

    async def reply(
        self, model: str | None = None, *, completion: bool | None = None, stream: bool = True
    ) -> Message | None:
        """Answer the conversation as it is stored: stream a chat reply, or (in completion
        mode) a legacy text completion of the last message. Returns the stored reply.

        ``model`` is used when the conversation names none; ``stream=False`` asks for the
        whole reply at once. The reply can be stopped with ``stop()``; what arrived stays,
        marked stopped.
        """
        import asyncio

        conversation = self.conversation
        if conversation is None or self.replying:
            return None
        if completion is None:
            completion = conversation.mode == "completion"
        self._task = asyncio.current_task()
        try:
            if completion:
                return await self._completion_reply(conversation, self._model(model))
            one_round = self._stream_round if stream else self._whole_round
            return await self._tool_loop(conversation, self._model(model), one_round)
        finally:
            self._task = None

    async def regenerate(self, message: Message, model: str | None = None) -> Message | None:
        """Replace the reply ``message`` by a new one."""
        if self.replying:
            return None
        self.delete_message(message)
        conversation = self.conversation
        completion = message.meta.get("mode") == "completion" or (
            conversation is not None and conversation.mode == "completion"
        )
        return await self.reply(model, completion=completion)

    def stop(self) -> None:
        """Stop the reply; what arrived so far stays, marked as stopped."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()

    def close(self) -> None:
        """Write a running reply as stopped (at once) and stop it."""
        recorder = self._recorder
        if recorder is not None:
            try:
                recorder.finish("stopped")
            except sqlite3.Error:
                log.exception("the partial reply could not be saved")
            self._recorder = None
        self.stop()

    def _history_for_request(self, conversation: Conversation) -> list[Message]:
        keep = conversation.context_messages if conversation.context_messages is not None else 20
        return self.history.store.messages(conversation.id, limit=max(keep, 1) * 2 + 10)

    async def _tool_loop(
        self, conversation: Conversation, model_id: str, one_round: _Round
    ) -> Message:
        """Get replies (streamed or whole, as ``one_round`` does) until one answers in text:
        a turn that calls tools has its calls run and their results sent back in the next
        turn. After ``max_rounds`` such turns the model is told to answer (``tool_choice:
        "none"``); calls it still makes are refused and the reply ends with a sentence."""
        from app.services.chat import request_params

        specs = await self._tool_specs(model_id)
        grounding = await self._grounding(conversation, model_id)
        limit, rounds = self.max_rounds, 0
        while True:
            params = request_params(conversation)
            if specs:
                params["tools"] = [spec.as_request_tool() for spec in specs]
                params["tool_choice"] = "none" if rounds >= limit else "auto"
            reply, parts = await one_round(
                conversation, model_id, params, runs_tools=bool(specs), grounding=grounding
            )
            if not parts or not specs or reply.status != "complete":
                return reply
            rounds += 1
            reply = await self._answer_tool_calls(reply, parts, specs, over_limit=rounds > limit)
            if rounds > limit:
                self._emit(
                    ToolRoundsUsedUp(
                        f"The model kept asking for tools after {limit} rounds of tool calls, "
                        "so it was stopped without an answer. Ask again, or raise “Tool "
                        "rounds per question” in Settings → Tools.",
                        rounds=limit,
                    )
                )
                return reply

    def _request(
        self, conversation: Conversation, grounding: Grounding | None
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The messages a turn sends, with its sources when it has any, and the meta its
        reply starts with (the sources it may cite)."""
        from app.services.chat import request_messages

        payload = request_messages(conversation, self._history_for_request(conversation))
        if grounding is None:
            return payload, {}
        return grounding.apply(payload), grounding.reply_meta()

    async def _stream_round(
        self,
        conversation: Conversation,
        model_id: str,
        params: dict[str, Any],
        *,
        runs_tools: bool = False,
        grounding: Grounding | None = None,
    ) -> tuple[Message, tuple[ToolCallPart, ...]]:
        import asyncio

        from app.services.chat import ReplyRecorder

        payload, meta = self._request(conversation, grounding)
        store = self.history.store
        reply = _saved(
            "The reply",
            lambda: store.add_message(
                conversation.id, "assistant", "", status="streaming", model=model_id, meta=meta
            ),
        )
        self._emit(MessageAdded(reply))
        recorder = ReplyRecorder(store, reply.id, meta=meta)
        self._recorder = recorder
        error: ApiError | None = None
        status = "complete"
        changes: dict[str, Any] = {}
        try:
            async for batch in self.services.chat.stream_batches(model_id, payload, **params):
                for chunk in batch:
                    recorder.add(chunk)
                if len(batch) == 1:
                    self._emit(ReplyDelta(reply.id, batch[0].content, batch[0].reasoning))
                else:
                    content = "".join(chunk.content for chunk in batch)
                    reasoning = "".join(chunk.reasoning for chunk in batch)
                    self._emit(ReplyDelta(reply.id, content, reasoning))
        except asyncio.CancelledError:
            status = "stopped"
            raise
        except ApiError as exc:
            status, error = "error", exc
        finally:
            changes = self._finish_reply(recorder, status, error, runs_tools=runs_tools)
        parts = recorder.result().tool_calls if status == "complete" else ()
        return _with_changes(reply, changes), parts

    async def _answer_tool_calls(
        self,
        reply: Message,
        parts: tuple[ToolCallPart, ...],
        specs: list[ToolSpec],
        *,
        over_limit: bool,
    ) -> Message:
        """Run (or refuse) each call of ``reply`` in turn, storing each outcome with it;
        returns the reply with every outcome in its meta."""
        runner = self.tools
        assert runner is not None
        by_name = {spec.name: spec for spec in specs}
        store = self.history.store
        meta = dict(reply.meta)
        records: list[dict[str, Any]] = []
        for position, part in enumerate(parts):
            call = tool_call_from(part, position)
            spec = by_name.get(call.name)
            self._emit(ToolCallRequested(reply.id, call, spec))
            if over_limit:
                record = runner.refused_for_limit(call, self.max_rounds)
            else:
                record = await runner.run(call, spec, by_name)
            records.append(record.as_dict())
            meta["tool_calls"] = list(records)
            _saved("The tool result", lambda: store.update_message(reply.id, meta=meta))
            self._emit(ToolCallFinished(reply.id, record, dict(meta)))
        return replace(reply, meta=meta)

    def _finish_reply(
        self,
        recorder: ReplyRecorder,
        status: str,
        error: ApiError | None,
        *,
        runs_tools: bool = False,
    ) -> dict[str, Any]:
        if self._recorder is not recorder:
            return {"status": "stopped"}  # closed meanwhile: written as stopped already
        self._recorder = None
        sentence = describe(error) if error is not None else None
        try:
            changes = recorder.finish(status, sentence)
        except sqlite3.Error as exc:
            log.warning("the reply could not be saved: %s", exc)
            changes = {"content": recorder.content, "status": status}
        empty = None
        tools_run_next = runs_tools and bool(recorder.result().tool_calls)
        if status == "complete" and is_empty(recorder.content) and not tools_run_next:
            empty = empty_reply_sentence(recorder.finish_reason)
        self._emit(MessageDone(recorder.message_id, status, changes, empty))
        if error is not None and sentence is not None:
            self._emit(ReplyFailed(recorder.message_id, error, sentence))
        return changes

    async def _grounding(self, conversation: Conversation, model_id: str) -> Grounding | None:
        """The knowledge-base passages and the documents of the question, as numbered
        sources (blocking work, on the worker pool); None when there are neither."""
        history = self._history_for_request(conversation)
        if not needs_grounding(conversation, history):
            return None
        grounding = await self.services.runner.run(
            build_grounding, self.services, conversation, history, model_id
        )
        if grounding is not None:
            for note in grounding.notes:
                self._emit(Notice(note))
        return grounding

    def _last_user_text(self, conversation: Conversation) -> str:
        for message in reversed(self.history.store.messages(conversation.id, limit=20)):
            if message.role == "user":
                return message.content
        return ""

    async def _completion_reply(self, conversation: Conversation, model_id: str) -> Message:
        from app.services.chat import request_params

        prompt = self._last_user_text(conversation)
        params = {
            key: value for key, value in request_params(conversation).items() if key != "max_tokens"
        }

        async def fetch() -> tuple[ChatCompletion, bool]:
            return await self.services.chat.completion(
                prompt, model_id, conversation.max_tokens or None, **params
            )

        reply, _calls = await self._whole_reply(
            conversation, model_id, fetch, {"mode": "completion"}
        )
        return reply

    async def _whole_round(
        self,
        conversation: Conversation,
        model_id: str,
        params: dict[str, Any],
        *,
        runs_tools: bool = False,
        grounding: Grounding | None = None,
    ) -> tuple[Message, tuple[ToolCallPart, ...]]:
        """One turn asked for in one piece (``stream: false``)."""
        payload, meta = self._request(conversation, grounding)

        async def fetch() -> tuple[ChatCompletion, bool]:
            reply = await self.services.chat.complete(model_id, payload, **params)
            return reply, False

        return await self._whole_reply(conversation, model_id, fetch, meta, runs_tools=runs_tools)

    async def _whole_reply(
        self,
        conversation: Conversation,
        model_id: str,
        fetch: Callable[[], Awaitable[tuple[ChatCompletion, bool]]],
        meta: dict[str, Any],
        *,
        runs_tools: bool = False,
    ) -> tuple[Message, tuple[ToolCallPart, ...]]:
        """A reply that arrives in one piece, stored once it is there (or failed), with the
        tool calls it makes (when tools were offered)."""
        from app.services.chat import completion_details

        store = self.history.store
        try:
            result, fell_back = await fetch()
        except ApiError as exc:
            sentence = describe(exc)
            failed = _saved(
                "The reply",
                lambda: store.add_message(
                    conversation.id,
                    "assistant",
                    "",
                    status="error",
                    model=model_id,
                    meta={**meta, "error": sentence},
                ),
            )
            self._emit(MessageAdded(failed))
            self._emit(MessageDone(failed.id, "error"))
            self._emit(ReplyFailed(failed.id, exc, sentence))
            return failed, ()
        details = completion_details(result)
        details["meta"].update(meta)
        if meta.get("mode") == "completion":
            details["meta"]["fallback"] = fell_back
        reply = _saved(
            "The reply",
            lambda: store.add_message(conversation.id, "assistant", result.content, **details),
        )
        self._emit(MessageAdded(reply))
        calls = result.tool_calls if runs_tools else ()
        empty = None
        if is_empty(result.content) and not calls:
            empty = empty_reply_sentence(result.finish_reason)
        self._emit(MessageDone(reply.id, "complete", empty_sentence=empty))
        if fell_back and empty is None:
            self._emit(Notice(FALLBACK_NOTICE))
        return reply, tuple(calls)


_Round = Callable[..., Awaitable[tuple[Message, tuple["ToolCallPart", ...]]]]


def _with_changes(message: Message, changes: dict[str, Any]) -> Message:
    known = {k: v for k, v in changes.items() if k in Message.__dataclass_fields__}
    return replace(message, **known)
