"""Start AIML Desktop: `python main.py` opens the window; subcommands as `aiml-desktop`."""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
