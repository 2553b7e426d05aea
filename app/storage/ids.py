"""Short random ids for stored records and files (servers, assistants, speech files, work
folders)."""

from __future__ import annotations

import os


def random_id(size: int = 6) -> str:
    """``size`` random bytes as hex digits; the default twelve (48 bits) are plenty for a
    person's own lists. (``uuid`` would load ``platform`` at start-up for the same.)"""
    return os.urandom(size).hex()
