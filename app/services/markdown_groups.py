"""Long Markdown as groups of whole blocks, each rendered and laid out on its own.

Blocks (``split_blocks``) are gathered into groups of at least ``GROUP_CHARS`` characters, so
a long message is shown group by group and a reply that grows while it streams re-renders only
its last group. A fenced code block longer than ``CODE_CHUNK_CHARS`` — a model writing out a
whole file — is cut at line ends into chunks of about ``GROUP_CHARS``: the first keeps the
opening fence line (and its Copy link), the others continue the same code block
(``SourceGroup.fence``), so even one huge block costs a frame only its last chunk.
"""

from __future__ import annotations

from typing import NamedTuple

from app.services.markdown_render import closing_fence_end, fence_opening, split_blocks

GROUP_CHARS = 1500
CODE_CHUNK_CHARS = 3000

Fence = tuple[str, str]  # (marker, language)


class SourceGroup(NamedTuple):
    """One group of a text; joined in order, the groups' sources give the text back.

    Attributes:
        source: the group's part of the text.
        fence: the cut code block this group continues, when it starts inside one.
        open_fence: the cut code block that goes on in the next group, if any.
        cut_fence_at: where in ``source`` the opening line of that block is, when this group
            holds it (its Copy link must copy the whole block, not just this chunk).
    """

    source: str
    fence: Fence | None = None
    open_fence: Fence | None = None
    cut_fence_at: int | None = None


def _chunks(
    code: str, fence: Fence, *, opens: bool, closed: bool, after: str, group_chars: int
) -> list[SourceGroup]:
    """The lines of one fenced block (from its opening line when ``opens``; to its closing
    line when ``closed``) cut at line ends into groups of at least ``group_chars`` characters;
    ``after`` (what follows the closing line in the same block) ends the last group."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in code.splitlines(keepends=True):
        current.append(line)
        size += len(line)
        if size >= group_chars:
            pieces.append("".join(current))
            current, size = [], 0
    if current or not pieces:
        pieces.append("".join(current))
    pieces[-1] += after
    groups = []
    for number, piece in enumerate(pieces):
        first, last = number == 0, number == len(pieces) - 1
        open_fence = None if last and closed else fence
        groups.append(
            SourceGroup(
                piece,
                fence=None if first and opens else fence,
                open_fence=open_fence,
                cut_fence_at=0 if first and opens and open_fence else None,
            )
        )
    return groups


def split_groups(
    text: str, group_chars: int = GROUP_CHARS, fence: Fence | None = None
) -> list[SourceGroup]:
    """``text`` as groups of whole blocks of at least ``group_chars`` characters each (the last
    may be shorter), long code blocks cut into chunks; ``fence`` when ``text`` starts inside a
    code block cut in an earlier group."""
    groups: list[SourceGroup] = []
    rest = text
    if fence is not None:
        end = closing_fence_end(text, fence[0])
        code, after = text, ""
        if end is not None:
            # the lines after the closing one, up to the next block, still belong to the block
            code, following = text[:end], split_blocks(text[end:])
            after = following[0] if following else ""
        rest = text[len(code) + len(after) :]
        groups.extend(
            _chunks(
                code,
                fence,
                opens=False,
                closed=end is not None,
                after=after,
                group_chars=group_chars,
            )
        )
    pending: list[str] = []
    chars = 0
    for block in split_blocks(rest):
        opened = fence_opening(block)
        if opened is not None and len(block) > CODE_CHUNK_CHARS:
            if pending:
                groups.append(SourceGroup("".join(pending)))
                pending, chars = [], 0
            end = closing_fence_end(block, opened[0], skip_first=True)
            code, after = (block, "") if end is None else (block[:end], block[end:])
            groups.extend(
                _chunks(
                    code,
                    opened,
                    opens=True,
                    closed=end is not None,
                    after=after,
                    group_chars=group_chars,
                )
            )
            continue
        pending.append(block)
        chars += len(block)
        if chars >= group_chars:
            groups.append(SourceGroup("".join(pending)))
            pending, chars = [], 0
    if pending or not groups:
        groups.append(SourceGroup("".join(pending)))
    return groups


class GrowingText:
    """The groups of a text that grows at its end (a streamed reply), splitting only what
    changed: a group followed by another group can no longer change and is kept.

    A text that no longer starts with the kept part (an edit) starts over.
    """

    def __init__(self, group_chars: int = GROUP_CHARS) -> None:
        self._group_chars = group_chars
        self._stable: list[SourceGroup] = []
        self._stable_source = ""

    def groups(self, text: str) -> list[SourceGroup]:
        if not text.startswith(self._stable_source):
            self._stable, self._stable_source = [], ""
        fence = self._stable[-1].open_fence if self._stable else None
        tail = text[len(self._stable_source) :]
        fresh = split_groups(tail, self._group_chars, fence)
        for group in fresh[:-1]:
            self._stable.append(group)
            self._stable_source += group.source
        return [*self._stable, fresh[-1]]
