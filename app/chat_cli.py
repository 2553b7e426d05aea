"""``aiml-desktop chat`` and ``aiml-desktop conversations``: the window's chat on the command
line, on the same ``ChatSession``.

``chat`` records the exchange in the history like the window does (``--no-history`` turns that
off), continues a saved conversation with ``--conversation ID`` or names a new one with
``--new-title``. The answer goes to standard output; notes, tool calls and their results go
to standard error. Before a tool call runs the terminal asks (``--approve-tools`` allows
every call, for scripts).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.cli_shared import PROG, CommandFailed, UsageError, printer, sampling_params
from app.cli_shared import say as _say
from app.errors import UserInputError

if TYPE_CHECKING:
    from app.services.chat_history import ChatHistory, Conversation
    from app.services.context import Services
    from app.services.conversation import ChatEvent, ChatSession
    from app.services.tool_calls import ToolCallRecord
    from app.services.tool_settings import ToolChoice
    from app.services.tool_types import ApprovalDecision, ToolBox, ToolCall, ToolSpec

EXIT_OK = 0
RESULT_PREVIEW = 300


def _write_out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def add_chat_arguments(chat: argparse.ArgumentParser) -> None:
    """The history and tool options of the ``chat`` command."""
    chat.add_argument(
        "--no-history", action="store_true", help="do not record the exchange in the history"
    )
    chat.add_argument(
        "--conversation",
        type=int,
        metavar="ID",
        help="continue this saved conversation (see 'conversations')",
    )
    chat.add_argument("--new-title", metavar="TEXT", help="the title of the new conversation")
    chat.add_argument(
        "--approve-tools", action="store_true", help="run every tool call without asking"
    )
    chat.add_argument(
        "--tools",
        action="store_true",
        help="offer the tools switched on in Settings → Tools (MCP servers, built-in tools)",
    )
    chat.add_argument(
        "--mcp",
        action="append",
        default=[],
        metavar="'COMMAND ARGS…'",
        help="also run this MCP server (stdio) for this run; may be repeated",
    )


def add_conversations_arguments(listing: argparse.ArgumentParser) -> None:
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--limit", type=int, help="at most this many, newest first")


# -- chat ------------------------------------------------------------------------------------


async def cmd_chat(services: Services, args: argparse.Namespace, prompt: str) -> int:
    """``chat`` with the history on (``app.cli`` hands it over)."""
    from app.api.sampling import check_sampling

    check_sampling(sampling_params(args))  # before anything is stored or sent
    if args.conversation is not None and args.no_history:
        raise UsageError("--conversation cannot be used with --no-history.")
    if args.conversation is not None and args.assistant:
        raise UsageError("--assistant starts a new conversation; leave out --conversation.")
    assistant = (
        await services.runner.run(services.assistants.find, args.assistant)
        if args.assistant
        else None
    )
    return await _chat_in_history(services, args, prompt, assistant)


def _model(services: Services, args: argparse.Namespace) -> str:
    return str(args.model or services.default_model("chat"))


class _AnswerOutput:
    """The answer on standard output as it arrives, ended by exactly one newline."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.tail = ""
        self.cleaner = printer(args)

    def write(self, text: str) -> None:
        if text:
            sys.stdout.write(self.cleaner.feed(text))
            sys.stdout.flush()
            self.tail = text

    def end(self) -> None:
        sys.stdout.write(self.cleaner.finish())
        if self.tail and not self.tail.endswith("\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()
        self.tail = ""


def _conversation_settings(args: argparse.Namespace, model: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"model": model}
    if args.system:
        settings["system_prompt"] = args.system
    settings.update(sampling_params(args))
    return settings


def _open_session(services: Services, args: argparse.Namespace, assistant: Any) -> ChatSession:
    from app.services.conversation import ChatSession

    session = ChatSession(services, history=_throwaway_history() if args.no_history else None)
    if args.conversation is None and assistant is not None:
        default_model = _model(services, args)
        store = session.history.store
        session.open(services.assistants.start_conversation(assistant, default_model, store))
        _apply_options(session, args)
        return session
    if args.conversation is None:
        settings = _conversation_settings(args, _model(services, args))
        session.start_conversation(args.new_title or "", **settings)
        return session
    try:
        session.open(args.conversation)
    except KeyError:
        raise UsageError(
            f"There is no saved conversation {args.conversation}. See 'aiml-desktop conversations'."
        ) from None
    _apply_options(session, args)
    return session


def _throwaway_history() -> ChatHistory:
    """A history in memory, for ``--no-history``: the tool loop keeps its turns there and
    nothing is written to the history file."""
    from app.services.chat_history import ChatHistory
    from app.storage.history import HistoryDatabase

    return ChatHistory(HistoryDatabase(":memory:"))


def _apply_options(session: ChatSession, args: argparse.Namespace) -> None:
    """Options given on the command line change the conversation that is continued."""
    changes = _conversation_settings(args, args.model or "")
    if not args.model:
        changes.pop("model")
    if args.new_title:
        changes["title"] = args.new_title
    if changes:
        session.update_settings(**changes)


def build_toolbox(
    services: Services,
    args: argparse.Namespace,
    conversation_choice: Callable[[], ToolChoice] | None = None,
) -> ToolBox | None:
    """The tools this run may call: ``conversation_choice`` when the conversation chose its
    own (an assistant's tools), else with ``--tools`` those switched on in Settings → Tools;
    plus a stdio server for each ``--mcp``. None: the reply comes without tools."""
    from app.services.tool_settings import ChosenToolBox, ToolChoice, command_line_server

    commands = getattr(args, "mcp", None) or []
    if conversation_choice is None and not getattr(args, "tools", False) and not commands:
        return None
    extra = []
    names: set[str] = set()
    for text in commands:
        try:
            server = command_line_server(text)
        except UserInputError as exc:
            raise UsageError(str(exc)) from None
        name, number = server.name, 2
        while name in names:
            name, number = f"{server.name} {number}", number + 1
        names.add(name)
        extra.append(dataclasses.replace(server, name=name))
    choice = ToolChoice() if args.tools else ToolChoice(servers=(), builtins=())
    return ChosenToolBox(
        services.tool_settings,
        conversation_choice or (lambda: choice),
        extra_servers=extra,
        on_problem=lambda sentence: _say(f"note: {sentence}"),
    )


def _tool_result_line(record: ToolCallRecord) -> str:
    from app.services.chat_history import tool_call_summary

    text = " ".join(record.result.split())
    if len(text) > RESULT_PREVIEW:
        text = text[: RESULT_PREVIEW - 1] + "…"
    return f"tool result ({tool_call_summary(record.as_dict())}): {text}"


class TerminalApprover:
    """Asks on the terminal before a tool call runs: y (once), a (always), anything else no.

    The answer is read from standard input, or from the terminal itself when standard input
    held the prompt; with neither the call is denied.
    """

    def __init__(self, services: Services, *, approve_all: bool, stdin_is_prompt: bool) -> None:
        self._services = services
        self.approve_all = approve_all
        self.stdin_is_prompt = stdin_is_prompt

    def _read_answer(self, question: str) -> str | None:
        from app.services.terminal_text import strip_controls

        sys.stderr.write(strip_controls(question))  # it shows the model's arguments
        sys.stderr.flush()
        if not self.stdin_is_prompt:
            line = sys.stdin.readline()
            if not sys.stdin.isatty():  # a typed answer ends the line; a piped one does not
                sys.stderr.write("\n")
            return line if line else None
        try:
            with open("/dev/tty", encoding="utf-8") as terminal:
                return terminal.readline() or None
        except OSError:
            return None

    async def __call__(self, call: ToolCall, spec: ToolSpec | None) -> ApprovalDecision:
        from app.services.tool_types import ApprovalDecision

        if self.approve_all:
            return ApprovalDecision.ALWAYS_ALLOW
        note = self._services.tool_settings.restart_note(spec)
        if note is not None:
            _say(f"note: {note}")
        where = f" from {spec.source}" if spec is not None and spec.source != "builtin" else ""
        question = (
            f"{PROG}: allow the tool {call.name}{where} with {call.arguments_json or '{}'}? "
            "[y]es once, [a]lways, [N]o: "
        )
        answer = await self._services.runner.run(self._read_answer, question)
        if answer is None:
            _say("no answer could be read, so the call was denied (--approve-tools allows all).")
            return ApprovalDecision.DENY
        word = answer.strip().lower()
        if word in ("a", "always"):
            return ApprovalDecision.ALWAYS_ALLOW
        if word in ("y", "yes"):
            return ApprovalDecision.ALLOW_ONCE
        return ApprovalDecision.DENY


def _use_tools(session: ChatSession, services: Services, args: argparse.Namespace) -> None:
    from app.services.tool_settings import TOOL_CHOICE_KEY, ToolChoice

    conversation = session.conversation
    own_choice = conversation is not None and TOOL_CHOICE_KEY in conversation.settings
    if conversation is not None and own_choice:
        settings = conversation.settings  # its own tool switch says whether they are on
        toolbox = build_toolbox(services, args, lambda: ToolChoice.from_settings(settings))
    else:
        toolbox = build_toolbox(services, args)
    if toolbox is None:
        return
    from app.services.tool_settings import RememberingApprover

    terminal = TerminalApprover(
        services, approve_all=args.approve_tools, stdin_is_prompt=args.prompt == "-"
    )
    approver = RememberingApprover(
        terminal, services.tool_settings, remember=not args.approve_tools
    )
    session.set_tools(toolbox, approver)
    if not own_choice or args.tools or args.mcp:
        session.switch_tools(True)


class _TerminalEvents:
    """Shows a session's events on the terminal: the answer on stdout (as it streams, unless
    ``--no-stream``), tool calls, their results and notes on stderr; keeps what decides the
    exit status."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.output = _AnswerOutput(args)
        self.stream = not args.no_stream
        self.failures: list[BaseException] = []
        self.empty_sentence: str | None = None
        self.stopped_sentence: str | None = None

    def __call__(self, event: ChatEvent) -> None:
        from app.services import conversation as chat

        if isinstance(event, chat.ReplyDelta) and self.stream:
            self.output.write(event.content)
        elif isinstance(event, chat.ReplyFailed):
            self.failures.append(event.error)
        elif isinstance(event, chat.MessageDone):
            self.empty_sentence = event.empty_sentence
        elif isinstance(event, chat.ToolCallRequested):
            self.output.end()
            _say(f"tool call: {event.call.name} {event.call.arguments_json or '{}'}")
        elif isinstance(event, chat.ToolCallFinished):
            _say(_tool_result_line(event.record))
        elif isinstance(event, chat.ToolRoundsUsedUp):
            self.stopped_sentence = self.stopped_sentence or event.text
        elif isinstance(event, chat.Notice):
            _say(f"note: {event.text}")

    def check(self) -> None:
        """Raises what makes the command fail: an error, tools that never stopped, no text."""
        if self.failures:
            raise self.failures[0]
        if self.stopped_sentence is not None:
            raise CommandFailed(self.stopped_sentence)
        if self.empty_sentence is not None:
            raise CommandFailed(self.empty_sentence)


def _use_knowledge(session: ChatSession, args: argparse.Namespace) -> None:
    """--kb turns a knowledge base on for the conversation (it stays on when continued)."""
    if args.kb and args.kb not in session.knowledge_bases:
        session.use_knowledge_bases([*session.knowledge_bases, args.kb])


async def _chat_in_history(
    services: Services, args: argparse.Namespace, prompt: str, assistant: Any
) -> int:
    from app.services.chat_history import HistoryWriteError

    documents = await _attached_documents(services, args)
    events = _TerminalEvents(args)
    try:
        session = _open_session(services, args, assistant)
        _use_tools(session, services, args)
        _use_knowledge(session, args)
        session.on_event = events
        try:
            reply = await session.send(prompt, documents=documents, stream=events.stream)
        finally:
            events.output.end()
    except HistoryWriteError as exc:
        raise CommandFailed(str(exc)) from exc
    events.check()
    if reply is not None and not events.stream:
        _write_out(printer(args).clean(reply.content))
    _print_sources(reply)
    return EXIT_OK


async def _attached_documents(services: Services, args: argparse.Namespace) -> list[Any]:
    """The --attach files, read and checked before anything is stored or sent (a file that
    cannot be used is an error sentence); --send-file sends PDFs as the file itself."""
    if args.kb:
        await services.runner.run(services.knowledge.store.get, args.kb)  # it must exist
    if not args.attach:
        return []
    from app.services.documents import extract
    from app.services.message_documents import SEND_FILE, MessageDocument

    documents = []
    for path in args.attach:
        document = MessageDocument.from_extracted(await services.runner.run(extract, path))
        if args.send_file and document.can_send_file:
            document.send = SEND_FILE
        documents.append(document)
    return documents


def _print_sources(reply: Any) -> None:
    """The sources the reply cites (all of them when it cites none) after the answer."""
    from app.services.message_documents import cited_sources

    sources = cited_sources(reply.content, reply.meta) if reply is not None else []
    if sources:
        lines = "\n".join(f"[{source.number}] {source.label}" for source in sources)
        sys.stdout.write(f"\nSources:\n{lines}\n")
        sys.stdout.flush()


# -- conversations ---------------------------------------------------------------------------


def _conversation_row(conversation: Conversation, messages: int) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "model": conversation.model,
        "messages": messages,
        "created": conversation.created,
        "updated": conversation.updated,
    }


def cmd_conversations(services: Services, args: argparse.Namespace) -> int:
    history = services.chat_history
    rows = [
        _conversation_row(c, history.store.message_count(c.id))
        for c in history.conversations(args.limit)
    ]
    if args.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    if not rows:
        _say("no saved conversations yet.")
        return EXIT_OK
    for row in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row["updated"]))
        title = row["title"] or "New conversation"
        plural = "" if row["messages"] == 1 else "s"
        sys.stdout.write(f"{row['id']:>6}  {when}  {title}  ({row['messages']} message{plural})\n")
    sys.stdout.flush()
    return EXIT_OK
