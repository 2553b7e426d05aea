"""Short random ids for stored records (servers, assistants)."""

from __future__ import annotations

import os


def random_id() -> str:
    """Twelve random hex digits: 48 bits, plenty for a person's own lists (``uuid`` would load
    ``platform`` at start-up for the same)."""
    return os.urandom(6).hex()
