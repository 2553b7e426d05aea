"""How much of a streamed reply each frame of the transcript lays out.

Laying out Markdown costs time in proportion to the new text. A reply that arrives faster than
one frame can lay out is shown in steps that each fit in ``frame_seconds``, so the window keeps
answering input; the step size follows the measured speed of the last frames.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RevealPacer:
    """Characters of new text per frame, learnt from how long earlier frames took.

    Attributes:
        frame_seconds: the layout time one frame may take.
        chars_per_frame: the current step.
        min_chars / max_chars: bounds of the step.
    """

    frame_seconds: float = 0.012
    chars_per_frame: int = 4000
    min_chars: int = 1000
    max_chars: int = 200_000

    def next_limit(self, shown: int, text: str) -> int | None:
        """How much of ``text`` the next frame shows, given ``shown`` characters so far; None
        for all of it. A step ends at a line break where there is one, so the Markdown blocks
        before it are final."""
        if len(text) - shown <= self.chars_per_frame:
            return None
        limit = shown + self.chars_per_frame
        line_end = text.rfind("\n", shown, limit)
        return line_end + 1 if line_end > shown else limit

    def learn(self, chars: int, seconds: float) -> None:
        """The last frame laid out ``chars`` new characters in ``seconds``."""
        if chars < self.min_chars or seconds <= 0:
            return
        fitting = int(chars * self.frame_seconds / seconds)
        step = (self.chars_per_frame + fitting) // 2
        self.chars_per_frame = max(self.min_chars, min(self.max_chars, step))
