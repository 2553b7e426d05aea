"""Model and server text made safe to print on a terminal.

A reply can carry terminal control sequences: an OSC that sets the window title or a
hyperlink, a CSI that clears the screen or moves the cursor, a bell, a carriage return that
overwrites the line, or a bidirectional override that shows the rest of a line reversed (so a
command or file name reads differently from what it is). On a terminal they are removed before
printing; newlines and tabs stay, and right-to-left text itself is kept.
Piped output (or ``--raw``) keeps the text exactly as it came.

Streams arrive in pieces, and a sequence can be split between two of them, so
:class:`TerminalText` holds back an unfinished sequence until the next piece completes it.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

_SEQUENCE = re.compile(
    r"\x1b\](?:[^\x07\x1b]|\x1b(?!\\))*(?:\x07|\x1b\\)"  # OSC: title, hyperlink, clipboard
    r"|\x1b[PX^_](?:[^\x1b]|\x1b(?!\\))*\x1b\\"  # DCS, SOS, PM, APC strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor, screen clear
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI in its 8-bit form
    r"|\x1b[ -/]*[0-~]"  # any other escape
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # other C0 and C1 controls (not \t, \n)
    r"|[\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings, overrides and isolates
)
_UNFINISHED = re.compile(
    r"(?:\x1b(?:\](?:[^\x07\x1b]|\x1b(?!\\))*|[PX^_](?:[^\x1b]|\x1b(?!\\))*"
    r"|\[[0-?]*[ -/]*|[ -/]*)|\x9b[0-?]*[ -/]*)\Z"
)
# An unfinished sequence longer than this is not held back any more: it is cleaned as it is.
MAX_HELD = 4096


def strip_controls(text: str) -> str:
    """``text`` without control sequences, bidirectional overrides or control characters
    other than newline and tab."""
    return _SEQUENCE.sub("", text)


class TerminalText:
    """Cleans text piece by piece for printing; passes it through unchanged when disabled."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._held = ""

    @classmethod
    def for_stream(cls, stream: TextIO | None = None, *, raw: bool = False) -> TerminalText:
        """Cleaning on when ``stream`` (stdout by default) is a terminal and ``raw`` is off."""
        target = sys.stdout if stream is None else stream
        try:
            is_terminal = bool(target.isatty())
        except (AttributeError, ValueError):
            is_terminal = False
        return cls(enabled=is_terminal and not raw)

    def feed(self, piece: str) -> str:
        """What can be printed of ``piece`` now; an unfinished sequence waits for the next."""
        if not self.enabled:
            return piece
        text = self._held + piece
        unfinished = _UNFINISHED.search(text)
        if unfinished is not None and len(text) - unfinished.start() <= MAX_HELD:
            self._held = text[unfinished.start() :]
            text = text[: unfinished.start()]
        else:
            self._held = ""
        return strip_controls(text)

    def finish(self) -> str:
        """The rest, at the end of the text: an unfinished sequence loses its controls."""
        rest, self._held = self._held, ""
        return strip_controls(rest) if self.enabled else rest

    def clean(self, text: str) -> str:
        """A whole text at once."""
        return self.feed(text) + self.finish()
