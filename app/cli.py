"""The command line: no arguments open the window; subcommands script the same services.

Errors print one line, ``aiml-desktop: error: <sentence>``, on stderr and exit non-zero:
1 for a refused or failed request, 2 for a usage mistake or unusable input, 130 on Ctrl+C.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import gc
import getpass
import inspect
import json
import logging
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from app import __version__
from app.api.kinds import ModelKind
from app.cli_shared import (
    PROG,
    CommandFailed,
    UsageError,
    printer,
    sampling_params,
    text_argument,
)
from app.cli_shared import say as _say
from app.errors import AuthenticationError, UserInputError, describe, is_expected
from app.services.defaults import DEFAULT_MODELS, key_source_phrase

if TYPE_CHECKING:
    from app.services.context import Services

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sentence = message[:1].upper() + message[1:].rstrip(".")
        raise UsageError(f"{sentence}. See '{self.prog} --help'.")


# -- small shared pieces ---------------------------------------------------------------------


def _error_line(sentence: str) -> None:
    from app.storage.logging_setup import redact

    _say("error: " + redact(" ".join(sentence.split())))


def _model(services: Services, args: argparse.Namespace, kind: str) -> str:
    return args.model or services.default_model(kind)


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _slug(text: str, limit: int = 40) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "image"


def _show_progress(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "progress", False)) or sys.stderr.isatty()


# -- chat and complete -----------------------------------------------------------------------


def _cmd_conversations(services: Services, args: argparse.Namespace) -> int:
    from app.chat_cli import cmd_conversations

    return cmd_conversations(services, args)


async def _cmd_chat(services: Services, args: argparse.Namespace) -> int:
    from app.services.assistants import request_for
    from app.services.chat import require_text

    prompt = require_text(text_argument(args.prompt))
    # tools, an assistant, documents and knowledge bases run on a session (with --no-history
    # it is kept in memory); only a plain --no-history chat is one bare request
    uses_session = args.tools or args.mcp or args.assistant or args.attach or args.kb
    if uses_session or not args.no_history:
        from app.chat_cli import cmd_chat

        return await cmd_chat(services, args, prompt)
    if args.conversation is not None:
        raise UsageError("--conversation cannot be used with --no-history.")
    assistant = (
        await services.runner.run(services.assistants.find, args.assistant)
        if args.assistant
        else None
    )
    model = args.model or (assistant.model if assistant else "") or _model(services, args, "chat")
    messages, params = request_for(assistant, prompt)
    if args.system:
        messages = [{"role": "system", "content": args.system}, *messages[-1:]]
    params.update(sampling_params(args))
    if args.no_stream:
        reply = await services.chat.complete(model, messages, **params)
        _refuse_empty(reply.content, reply.finish_reason)
        _write_out(printer(args).clean(reply.content))
        return EXIT_OK
    tail, written, finish_reason, cleaner = "", [], None, printer(args)
    try:
        async for chunk in services.chat.stream(model, messages, **params):
            finish_reason = chunk.finish_reason or finish_reason
            if chunk.content:
                sys.stdout.write(cleaner.feed(chunk.content))
                sys.stdout.flush()
                tail = chunk.content
                written.append(chunk.content)
    finally:
        sys.stdout.write(cleaner.finish())
        if tail and not tail.endswith("\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()
    _refuse_empty("".join(written), finish_reason)
    return EXIT_OK


def _refuse_empty(content: str, finish_reason: str | None) -> None:
    from app.services.empty_reply import empty_reply_sentence, is_empty

    if is_empty(content):
        raise CommandFailed(empty_reply_sentence(finish_reason))


def _write_out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _usage_line(completion: Any) -> str | None:
    usage, cost = completion.usage, completion.cost
    parts = [
        f"{label} {value}"
        for label, value in (
            ("prompt", usage.prompt_tokens),
            ("completion", usage.completion_tokens),
            ("total", usage.total_tokens),
        )
        if value is not None
    ]
    line = "tokens: " + ", ".join(parts) if parts else ""
    if cost.usd is not None:
        line += f"{'; ' if line else ''}cost: ${cost.usd:.6f}"
    elif cost.credits is not None:
        line += f"{'; ' if line else ''}cost: {cost.credits:g} credits"
    return line or None


async def _cmd_complete(services: Services, args: argparse.Namespace) -> int:
    prompt = text_argument(args.prompt)
    model = _model(services, args, "chat")
    completion, fell_back = await services.chat.completion(prompt, model, args.max_tokens)
    if fell_back:
        _say(
            "note: text completion is not available for this model or server; "
            "the prompt was sent as a chat message instead."
        )
    _refuse_empty(completion.content, completion.finish_reason)
    _write_out(printer(args).clean(completion.content))
    line = _usage_line(completion)
    if line:
        _say(line)
    return EXIT_OK


# -- image -----------------------------------------------------------------------------------


async def _cmd_image(services: Services, args: argparse.Namespace) -> int:
    from app.api.errors import ResponseFormatError
    from app.services.image_families import cli_body
    from app.services.images import save_image
    from app.storage.atomic import check_writable

    prompt = text_argument(args.prompt)
    inputs, source = await _edit_inputs(services, args)
    model = (
        args.model or (_source_model(source) if source else "") or _model(services, args, "image")
    )
    body = cli_body(model, prompt, count=args.n, size=args.size, seed=args.seed)
    folder = Path(args.output_dir).expanduser() if args.output_dir else Path.cwd()
    if source is None or args.output_dir:
        await services.runner.run(lambda: check_writable(folder, is_folder=True))
    done = await services.images.request(body, inputs=inputs)
    if not done.result.images:
        raise ResponseFormatError("The server answered without any image.")
    services.images.check(done.result)  # as the window keeps them: real images within the caps
    if source is not None:  # a version of a history image goes into the history beside it
        stored = await services.runner.run(services.images.keep, body, done.result, done.prepared)
        for record in stored.records:
            print(record.path, flush=True)
        numbers = ", ".join(str(r.id) for r in stored.records)
        _say(f"Kept in the history as image {numbers}, an edit of image {source.id}.")
        if not args.output_dir:
            return EXIT_OK
    stem = f"{_stamp()}-{_slug(prompt)}"
    edit = None
    if done.prepared is not None:
        from app.services.image_edits import keep_inputs

        edit = await services.runner.run(keep_inputs, done.prepared, folder, stem)
    for image in done.result.images:
        path = await services.runner.run(
            functools.partial(save_image, image, folder, stem, request=body, edit=edit)
        )
        print(path, flush=True)
    return EXIT_OK


def _source_model(record: Any) -> str:
    """The model that made a history image (if any), when it edits images too."""
    from app.services.image_families import family_for

    if record is None or not family_for(record.model).edit.max_references:
        return ""
    return str(record.model)


async def _edit_inputs(services: Services, args: argparse.Namespace) -> tuple[Any, Any]:
    """References (``--edit ID`` first, then each ``--image``) and the mask (``--mask``) of an
    edit, or None; and the history image edited, or None."""
    from app.api.errors import InvalidInputError
    from app.cli_images import find_image
    from app.services.image_edits import EditInputs, ReferenceImage

    source = None
    references = []
    if args.edit is not None:
        source = await services.runner.run(find_image, services, args.edit)
        references.append(ReferenceImage(Path(source.path), source.id))
    images = [Path(name).expanduser() for name in args.image or []]
    if args.mask and not references and not images:
        raise InvalidInputError(
            "A mask needs the image it goes with: add --image FILE or --edit ID."
        )
    for path in [*images, *([Path(args.mask).expanduser()] if args.mask else [])]:
        if not path.is_file():
            raise InvalidInputError(f"File not found: {path}.")
    references.extend(ReferenceImage(path) for path in images)
    if not references:
        return None, None
    mask = Path(args.mask).expanduser().read_bytes() if args.mask else None
    if services.images.codec is None:
        from app.media.image_files_as_is import AsIsImageCodec

        services.images.codec = AsIsImageCodec()
    return EditInputs(tuple(references), mask), source


# -- speech to text --------------------------------------------------------------------------


def _transcript_format(args: argparse.Namespace) -> str:
    from app.services.transcript_formats import FORMATS

    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
    return suffix if suffix in FORMATS else "txt"


def _progress_printer() -> Callable[[str, float | None], None]:
    last: list[str] = []

    def show(stage: str, fraction: float | None) -> None:
        text = stage if fraction is None else f"{stage} {fraction:.0%}"
        if not last or last[-1] != text:
            last.append(text)
            _say(f"{text}…")

    return show


async def _cmd_stt(services: Services, args: argparse.Namespace) -> int:
    from app.services.transcript_formats import render
    from app.services.transcription import stt_options
    from app.storage.atomic import check_writable, write_text_atomic

    model = _model(services, args, "stt")
    if args.output:  # before the paid request, so a bad path costs nothing
        await services.runner.run(check_writable, args.output)
    is_url = args.source.lower().startswith(("http://", "https://"))
    transcript = await services.transcription.transcribe(
        model,
        file=None if is_url else Path(args.source),
        url=args.source if is_url else None,
        options=stt_options(model, language=args.language),
        on_progress=_progress_printer() if _show_progress(args) else None,
    )
    text = render(transcript, _transcript_format(args))
    if args.output:
        path = await services.runner.run(write_text_atomic, Path(args.output).expanduser(), text)
        print(path, flush=True)
    else:
        sys.stdout.write(printer(args).clean(text))
        sys.stdout.flush()
    return EXIT_OK


# -- text to speech --------------------------------------------------------------------------


async def _cmd_tts(services: Services, args: argparse.Namespace) -> int:
    from app.media.playback import play_file
    from app.services.speech import audio_format_for, speech_body
    from app.storage.atomic import check_writable

    text = text_argument(args.text)
    model = _model(services, args, "tts")
    if args.output:  # before the paid request, so a bad path costs nothing
        await services.runner.run(check_writable, args.output)
    fmt = args.format or (audio_format_for(args.output) if args.output else None)
    audio = await services.speech.synthesize(speech_body(model, text, voice=args.voice, fmt=fmt))
    extension = fmt or (audio.format if audio.format not in ("unknown", "pcm") else "wav")
    if args.output:
        target = Path(args.output).expanduser()
    elif args.play:
        with tempfile.TemporaryDirectory(prefix=f"{PROG}-") as folder:
            played = await services.speech.save(audio, Path(folder) / f"speech.{extension}")
            await services.runner.run(play_file, played)
        return EXIT_OK
    else:
        target = Path.cwd() / f"speech-{_stamp()}.{extension}"
    path = await services.speech.save(audio, target, extension)
    print(path, flush=True)
    if args.play:
        await services.runner.run(play_file, path)
    return EXIT_OK


# -- models ----------------------------------------------------------------------------------


async def _cmd_models(services: Services, args: argparse.Namespace) -> int:
    from app.services.models import model_record

    result = await services.models.refresh()
    if result.failure is not None and not result.models:
        raise result.failure
    if result.error:
        _say(f"note: showing the saved list; the server could not be asked. {result.error}")
    models = result.of_kind(ModelKind(args.kind)) if args.kind else list(result.models)
    if args.json:
        print(json.dumps([model_record(m) for m in models], indent=2, ensure_ascii=False))
    else:
        for model in models:
            print(f"{model.id}\t{model.kind.value}\t{model.name}")
    sys.stdout.flush()
    return EXIT_OK


# -- key -------------------------------------------------------------------------------------


def _read_key() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("API key: ")
    return sys.stdin.readline() if sys.stdin is not None else ""


def _env_key_note(services: Services) -> None:
    if services.keystore.source == "env":
        _say("note: AIML_API_KEY is set in the environment and is used instead while it is set.")


def _cmd_key(services: Services, args: argparse.Namespace) -> int:
    keystore = services.keystore
    if args.action == "status":
        source = keystore.source
        state = "not set" if source == "none" else "set"
        print(f"API key: {state} (source: {source}; {key_source_phrase(source)})")
        notice = keystore.notice()
        if notice:
            _say(f"note: {notice}")
        return EXIT_OK
    if args.action == "clear":
        keystore.delete()
        print("The API key was removed from the system keyring.")
        _env_key_note(services)
        return EXIT_OK
    key = _read_key().strip()
    if not key:
        raise UsageError("No key was given: type it at the prompt or pipe it on standard input.")
    if not keystore.set(key):
        raise CommandFailed(keystore.notice() or "The key could not be stored.")
    print("The API key is stored in the system keyring.")
    _env_key_note(services)
    return EXIT_OK


# -- backup and restore ----------------------------------------------------------------------


def _percent_printer(stage: str) -> Callable[[int, int], None]:
    shown: list[int] = []

    def show(done: int, total: int) -> None:
        step = 100 if total <= 0 else min(100, done * 100 // total) // 10 * 10
        if not shown or step > shown[-1]:
            shown.append(step)
            _say(f"{stage} {step}%…")

    return show


def _cmd_backup(services: Services, args: argparse.Namespace) -> int:
    from app.services.backup import create_backup, default_backup_name

    target = Path(args.output).expanduser() if args.output else Path.cwd() / default_backup_name()
    if target.is_dir():
        target = target / default_backup_name()
    show = _percent_printer("backing up") if _show_progress(args) else None
    summary = create_backup(target, history=services.history, progress=show)
    print(summary.path, flush=True)
    _say(f"backed up {summary.amount}.")
    return EXIT_OK


def _confirm_restore(archive: Path) -> None:
    if sys.stdin is None or not sys.stdin.isatty():
        raise UsageError(
            "Restoring replaces the current history, media and settings; add --yes to confirm."
        )
    print(
        f"Replace the current history, media and settings with {archive.name}? "
        "The current data is kept in a safety folder. [y/N] ",
        end="",
        file=sys.stderr,
        flush=True,
    )
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CommandFailed("Nothing was restored.")


def _cmd_restore(services: Services, args: argparse.Namespace) -> int:
    from app.services.backup import restore_backup

    archive = Path(args.archive).expanduser()
    if not archive.is_file():
        raise UsageError(f"There is no backup file {archive}.")
    if not args.yes:
        _confirm_restore(archive)
    show = _percent_printer("checking and unpacking") if _show_progress(args) else None
    summary = restore_backup(archive, history=services.history, progress=show)
    made = f" made {summary.created}" if summary.created else ""
    print(f"Restored {summary.amount} from the backup{made}.")
    print(f"The data it replaced is kept in {summary.safety_copy}")
    return EXIT_OK


async def _doctor_routes(services: Services, as_json: bool) -> int:
    report = await services.routes.check()
    if as_json:
        tabs = [dataclasses.asdict(tab) for tab in report.tabs]
        print(json.dumps({"base_url": report.base_url, "dialect": report.dialect, "tabs": tabs}))
    else:
        print(f"{report.base_url} ({report.dialect} routes)")
        for tab in report.tabs:
            print(f"  {tab.sentence}")
        print(report.summary)
    return EXIT_OK


def _cmd_doctor(services: Services, args: argparse.Namespace) -> Any:
    from app.services.diagnostics import diagnose, report_lines

    if args.routes:
        return _doctor_routes(services, args.json)

    diagnosis = diagnose(keystore=services.keystore)
    if args.json:
        print(json.dumps(diagnosis.as_dict(), indent=2))
    else:
        print("\n".join(report_lines(diagnosis)))
    return EXIT_OK


# -- the parser ------------------------------------------------------------------------------


def _base_url_argument(value: str) -> str:
    from app.api.errors import InvalidInputError
    from app.api.transport import check_base_url

    try:
        check_base_url(value)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    return value


def _seconds_argument(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"give a number of seconds above 0, not '{value}'")
    return seconds


def _add_global_options(parser: argparse.ArgumentParser, *, in_subcommand: bool) -> None:
    unset = argparse.SUPPRESS if in_subcommand else None
    parser.add_argument(
        "--base-url",
        default=unset,
        type=_base_url_argument,
        metavar="URL",
        help="server root (default: $AIML_API_BASE_URL, the settings, or https://api.aimlapi.com)",
    )
    parser.add_argument(
        "--dialect",
        choices=("aimlapi", "openai"),
        default=unset,
        help="audio routes: aimlapi (/v1/stt, /v1/tts) or openai (/v1/audio/...)",
    )
    parser.add_argument(
        "--timeout",
        default=unset,
        type=_seconds_argument,
        metavar="SECONDS",
        help="give up when the server is silent this long (default: the settings' read timeout)",
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        default=argparse.SUPPRESS if in_subcommand else False,
        help="print replies exactly as sent, even terminal control sequences",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if in_subcommand else False,
        help="log progress to stderr",
    )


def _subparser(
    commands: Any, name: str, handler: Callable[..., Any], help_text: str
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    _add_global_options(parser, in_subcommand=True)
    parser.set_defaults(handler=handler)
    return parser


def _add_text_commands(commands: Any) -> None:
    chat = _subparser(commands, "chat", _cmd_chat, "Send one message and print the reply.")
    chat.add_argument("prompt", help="the message ('-' reads standard input)")
    chat.add_argument("--model", help=f"model id (default {DEFAULT_MODELS['chat']})")
    chat.add_argument("--system", help="a system prompt")
    chat.add_argument(
        "--assistant", metavar="NAME", help="use a saved assistant's prompt and model"
    )
    chat.add_argument("--temperature", type=float, help="0 to 2")
    chat.add_argument("--top-p", type=float, help="0 to 1")
    chat.add_argument("--max-tokens", type=int, help="at least 1")
    chat.add_argument("--no-stream", action="store_true", help="wait for the whole reply")
    chat.add_argument(
        "--attach",
        action="append",
        metavar="FILE",
        help="a document to send with the message (PDF, Word, text, Markdown, CSV, HTML, code)",
    )
    chat.add_argument(
        "--send-file",
        action="store_true",
        help="send attached PDFs as the file itself (for models that read PDFs), not their text",
    )
    chat.add_argument(
        "--kb",
        metavar="NAME",
        help="answer from this knowledge base, citing it (the conversation keeps using it)",
    )
    from app.chat_cli import add_chat_arguments, add_conversations_arguments

    add_chat_arguments(chat)
    listing = _subparser(
        commands, "conversations", _cmd_conversations, "List the saved conversations."
    )
    add_conversations_arguments(listing)

    complete = _subparser(
        commands, "complete", _cmd_complete, "Legacy text completion (falls back to chat)."
    )
    complete.add_argument("prompt", help="the prompt ('-' reads standard input)")
    complete.add_argument("--model", help=f"model id (default {DEFAULT_MODELS['chat']})")
    complete.add_argument("--max-tokens", type=int)


def _add_media_commands(commands: Any) -> None:
    from app.services.speech import AUDIO_FORMATS
    from app.services.transcript_formats import FORMATS

    image = _subparser(commands, "image", _cmd_image, "Generate images and save them.")
    image.add_argument("prompt", help="what to draw ('-' reads standard input)")
    image.add_argument("--model", help=f"model id (default {DEFAULT_MODELS['image']})")
    image.add_argument("-n", type=int, help="number of images")
    image.add_argument("--size", help="WIDTHxHEIGHT, a ratio such as 16:9, or a preset name")
    image.add_argument("--seed", type=int)
    image.add_argument("-o", "--output-dir", metavar="DIR", help="folder (default: current)")
    image.add_argument(
        "--image",
        action="append",
        metavar="FILE",
        help="a reference image to edit or work from (repeat for several; the first is the source)",
    )
    image.add_argument(
        "--mask",
        metavar="FILE",
        help="PNG mask for the source image: transparent where to edit, same size",
    )
    image.add_argument(
        "--edit",
        type=int,
        metavar="ID",
        help="edit the history image ID (see 'images list'); the result is kept beside it",
    )

    stt = _subparser(commands, "stt", _cmd_stt, "Transcribe an audio file or URL.")
    stt.add_argument("source", metavar="FILE_OR_URL")
    stt.add_argument("--model", help=f"model id (default {DEFAULT_MODELS['stt']})")
    stt.add_argument("--language", help="language code such as en")
    stt.add_argument("--format", choices=FORMATS, help="output format (default from -o, else txt)")
    stt.add_argument("-o", "--output", metavar="OUT", help="write to this file, not stdout")
    stt.add_argument("--progress", action="store_true", help="report progress on stderr")

    tts = _subparser(commands, "tts", _cmd_tts, "Speak text into an audio file.")
    tts.add_argument("text", help="the text ('-' reads standard input)")
    tts.add_argument("--model", help=f"model id (default {DEFAULT_MODELS['tts']})")
    tts.add_argument("--voice")
    tts.add_argument("--format", choices=AUDIO_FORMATS, help="audio format (default from -o)")
    tts.add_argument("-o", "--output", metavar="OUT", help="audio file to write")
    tts.add_argument("--play", action="store_true", help="play the audio (needs ffplay)")


def _add_account_commands(commands: Any) -> None:
    models = _subparser(commands, "models", _cmd_models, "List the models the server offers.")
    models.add_argument("--kind", choices=[k.value for k in ModelKind if k != ModelKind.OTHER])
    models.add_argument("--json", action="store_true", help="print JSON")

    backup = _subparser(
        commands, "backup", _cmd_backup, "Back up the history, media and settings to one .zip."
    )
    backup.add_argument(
        "-o", "--output", metavar="FILE", help="the .zip to write (default: a dated name here)"
    )
    backup.add_argument("--progress", action="store_true", help="report progress on stderr")

    restore = _subparser(
        commands, "restore", _cmd_restore, "Replace the history, media and settings from a backup."
    )
    restore.add_argument("archive", metavar="FILE", help="a .zip made by 'backup'")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.add_argument("--progress", action="store_true", help="report progress on stderr")

    key = _subparser(commands, "key", _cmd_key, "Store, remove or check the API key.")
    key.add_argument(
        "action",
        choices=("set", "clear", "status"),
        help="set reads the key from a hidden prompt or standard input",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="AIML Desktop. Without arguments the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="open the window, check it runs, exit"
    )
    _add_global_options(parser, in_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_text_commands(commands)
    _add_media_commands(commands)
    _add_account_commands(commands)
    from app.cli_images import add_images_command
    from app.cli_usage import add_usage_command

    add_usage_command(commands, _subparser)
    add_images_command(commands, _subparser)
    from app.cli_assistants import add_assistants_command
    from app.cli_compare import add_compare_command

    add_assistants_command(commands, _subparser)
    add_compare_command(commands, _subparser)
    from app.cli_knowledge import add_kb_command

    add_kb_command(commands, _subparser)
    doctor = _subparser(
        commands, "doctor", _cmd_doctor, "Show the ffmpeg, keyring, sound and folders found."
    )
    doctor.add_argument("--json", action="store_true", help="print JSON")
    doctor.add_argument(
        "--routes",
        action="store_true",
        help="try each tab's route on the server and say which tabs it supports",
    )
    return parser


# -- running ---------------------------------------------------------------------------------


def _window_arguments(arguments: list[str]) -> argparse.Namespace | None:
    """The parsed options when ``arguments`` only open the window (``--self-test`` and the
    global options), without building every command's parser (and importing its modules)
    first; None for anything else, which the full parser handles."""
    parser = _Parser(prog=PROG, add_help=False)
    parser.add_argument("--self-test", action="store_true")
    _add_global_options(parser, in_subcommand=False)
    try:
        args, rest = parser.parse_known_args(arguments)
    except UsageError:
        return None
    return None if rest else args


def connection_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The command line's flags that change the connection, for the window and every command."""
    return {"base_url": args.base_url, "dialect": args.dialect}


def _run_gui(*, self_test: bool = False, **connection: Any) -> int:
    # The window collects garbage on its UI thread from its first paint on
    # (app/ui/ui_thread_gc.py): until then, collecting would only walk the modules loading.
    gc.disable()
    from app.ui.app import run_gui

    return run_gui(self_test=self_test, **connection)


def _setup_logging(verbose: bool) -> None:
    try:
        from app.storage.logging_setup import setup_logging

        setup_logging(logging.INFO, console=verbose)
    except OSError:
        logging.getLogger().addHandler(logging.NullHandler())


def _error_sentence(exc: BaseException, services: Services | None) -> str:
    if isinstance(exc, AuthenticationError) and services is not None:
        with contextlib.suppress(Exception):
            if services.keystore.source == "none":
                return (
                    "No API key is set. Run 'aiml-desktop key set' or set the AIML_API_KEY "
                    "environment variable."
                )
    return describe(exc)


def _exit_code_for(exc: BaseException, services: Services | None) -> int:
    """Print the one error line for ``exc`` and return the exit code."""
    if isinstance(exc, UserInputError):
        _error_line(describe(exc))
        return EXIT_USAGE
    if is_expected(exc):
        _error_line(_error_sentence(exc, services))
        return EXIT_FAILED
    log.error("unexpected error", exc_info=exc)
    _error_line(f"Unexpected error ({type(exc).__name__}); details are in the log file.")
    return EXIT_FAILED


def _interrupt_on_ctrl_c() -> None:
    """Ctrl+C stops a command, even when the parent started us with SIGINT ignored."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread: leave it be
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _run_command(args: argparse.Namespace) -> int:
    import asyncio

    from app.services.context import Services

    _interrupt_on_ctrl_c()
    services: Services | None = None
    try:
        services = Services(**connection_overrides(args), origin="cli")
        if getattr(args, "timeout", None):
            services.settings = dataclasses.replace(services.settings, read_timeout=args.timeout)
        outcome = args.handler(services, args)
        if inspect.iscoroutine(outcome):
            outcome = asyncio.run(outcome)
        return int(outcome)
    except KeyboardInterrupt:
        _say("interrupted.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:
        return _exit_code_for(exc, services)
    finally:
        if services is not None:
            services.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # a bundled app's helper process (formulas) starts here
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        return _run_gui()
    window = _window_arguments(arguments)
    if window is not None:
        return _run_gui(self_test=window.self_test, **connection_overrides(window))
    try:
        args = build_parser().parse_args(arguments)
    except UsageError as exc:
        _error_line(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    if args.self_test or args.command is None:
        return _run_gui(self_test=args.self_test, **connection_overrides(args))
    _setup_logging(args.verbose)
    return _run_command(args)
