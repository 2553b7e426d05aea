"""A lighter check for PySide6's ``__feature__`` import hook.

Once PySide6 is imported, every later import asks the hook whether the new module uses PySide6
(a module may switch on ``from __feature__ import snake_case``). The hook answers by reading
the module's source with ``inspect.getsource``, which tokenizes nothing but keeps every line in
``linecache`` for the rest of the run: at start-up that was several megabytes of source text
and a tenth of the time spent importing. ``install()`` swaps in the same test ("PySide6" appears
in the source file) made by reading the file's bytes once and keeping nothing.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

_HOOK_MODULE = "shibokensupport.feature"


def source_mentions_pyside(module: ModuleType) -> bool:
    """True when ``module``'s source file contains "PySide6" (the hook's own test); False for
    modules without a source file (built in, extension, bytecode only)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def install() -> bool:
    """Use ``source_mentions_pyside`` in PySide6's hook; False (nothing changed) when this
    PySide6 has no such hook."""
    import PySide6  # noqa: F401  (installs the hook)

    hook = sys.modules.get(_HOOK_MODULE)
    if hook is None or not callable(getattr(hook, "_mod_uses_pyside", None)):
        log.debug("PySide6 has no feature hook to lighten")
        return False
    hook._mod_uses_pyside = source_mentions_pyside  # type: ignore[attr-defined]
    return True
