"""What the command line's modules share: its two errors, reading a text argument, and the
sampling flags of a chat.

``app.cli`` and the subcommand modules beside it (``cli_assistants``, ``cli_compare``, …) all
import these from here, so no subcommand module imports ``app.cli``, which imports them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from app.errors import AppError, UserInputError

if TYPE_CHECKING:
    from app.services.terminal_text import TerminalText


PROG = "aiml-desktop"


def say(message: str) -> None:
    """One line on stderr, prefixed with the program name. Control sequences and bidirectional
    overrides are removed: the line can quote the model, a server or a tool (an error body, a
    tool's arguments or result), and stderr is where a person reads it."""
    from app.services.terminal_text import strip_controls

    print(f"{PROG}: {strip_controls(message)}", file=sys.stderr, flush=True)


class UsageError(UserInputError):
    """The command line cannot be carried out as written."""


class CommandFailed(AppError):
    """The command ran but could not do what was asked; the message is the sentence."""


def text_argument(value: str) -> str:
    """The text itself, or standard input when it is ``-``, which must be UTF-8."""
    if value != "-":
        return value
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream that is already decoded
        return sys.stdin.read() if sys.stdin is not None else ""
    data = raw.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"The text on standard input is not UTF-8: byte 0x{data[exc.start]:02x} at "
            f"position {exc.start} cannot be read. Convert it to UTF-8 and try again."
        ) from None


def sampling_params(args: argparse.Namespace) -> dict[str, Any]:
    """The sampling flags given (``--temperature``, ``--max-tokens``, ``--top-p``) by their
    request names; a flag left out is left out."""
    names = ("temperature", "max_tokens", "top_p")
    return {name: getattr(args, name) for name in names if getattr(args, name) is not None}


def printer(args: argparse.Namespace) -> TerminalText:
    """Cleans model and server text for a terminal on stdout; raw when piped or ``--raw``."""
    from app.services.terminal_text import TerminalText

    return TerminalText.for_stream(sys.stdout, raw=bool(getattr(args, "raw", False)))
