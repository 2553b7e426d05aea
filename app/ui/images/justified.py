"""Justified rows: pictures of any shape laid out in rows of one height that fill the width.

Pure arithmetic (no Qt), so the gallery's layout can be checked with plain numbers.
"""

from __future__ import annotations

from collections.abc import Sequence


def justified_sizes(
    aspects: Sequence[float], width: int, row_height: int, gap: int = 0
) -> list[tuple[int, int]]:
    """Cell sizes (width, height) for pictures of the given aspect ratios (width / height).

    Pictures go into a row until the row at ``row_height`` would be wider than ``width``; the
    row is then scaled so that its cells (with ``gap`` between them) fill ``width`` exactly,
    never wider. The last row, when not full, keeps ``row_height``. Every cell is at least one
    pixel; widths are whole pixels whose sum per full row is ``width`` minus the gaps.
    """
    sizes: list[tuple[int, int]] = []
    row: list[float] = []
    width = max(width, 1)
    for aspect in aspects:
        row.append(aspect if aspect > 0 else 1.0)
        gaps = gap * (len(row) - 1)
        if sum(row) * row_height + gaps >= width:
            sizes.extend(_fill(row, width, gap))
            row = []
    sizes.extend((max(1, int(a * row_height)), row_height) for a in row)
    return sizes


def _fill(row: list[float], width: int, gap: int) -> list[tuple[int, int]]:
    room = width - gap * (len(row) - 1)
    height = max(1, int(room / sum(row)))
    widths = [max(1, int(a * room / sum(row))) for a in row]
    widths[-1] = max(1, room - sum(widths[:-1]))  # the rounding goes to the last cell
    return [(w, height) for w in widths]
