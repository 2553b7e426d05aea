"""Every file the app writes is replaced in one step (``app/storage/atomic.py``), so a kill
never leaves a truncated file under a real name.

The test reads the app's source and lists every call that writes a file directly (``open`` for
writing, ``Path.write_text/write_bytes``, ``os.fdopen``, ``shutil.copy*``, an image or writer
saving to a path). Each must be one of the places below, where the bytes go to a temporary
name that is renamed into place afterwards, or to a file that is not the app's data. A new
direct writer makes this test fail until it uses ``write_bytes_atomic`` (or is added here with
its reason).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

# (module, function): why its direct write cannot leave a truncated file under a real name
ALLOWED = {
    ("storage/atomic.py", "write_bytes_atomic"): "the atomic writer itself (temp + os.replace)",
    ("storage/atomic.py", "check_writable"): "an empty scratch file, removed at once",
    ("services/backup.py", "_settings_copy"): "into the backup's private work folder",
    ("services/backup.py", "_write_archive"): "the archive, to a temp name, then os.replace",
    ("services/backup.py", "_extract_member"): "into the restore's staging folder",
    ("services/backup.py", "keep_current"): "into the restore's new safety folder",
    ("services/mcp_servers.py", "__init__"): "an MCP server's stderr log in the temp folder",
    ("media/audio.py", "audio_track_of"): "ffmpeg writes a .part name, then os.replace",
    ("ui/images/decode.py", "load_thumbnail"): "a .part name in the cache, then replace",
    ("ui/images/export.py", "save_record_as"): "a .part name, then os.replace",
    ("ui/self_test.py", "report"): "the self-test's report file that a benchmark asked for",
}
_MAY_WRITE = re.compile(
    r"write_text|write_bytes|fdopen|copy|mkstemp|open\(|save\(|QImageWriter|write\("
)
WRITERS = {"write_text", "write_bytes", "fdopen", "copy", "copy2", "copyfile", "mkstemp"}


def _writes(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "copy":  # shutil.copy, not image.copy() or dict.copy()
        owner = func.value if isinstance(func, ast.Attribute) else None
        return isinstance(owner, ast.Name) and owner.id == "shutil"
    if name in WRITERS:
        return True
    if name == "open":
        # open(path, mode) and Path.open(mode)
        position = 0 if isinstance(func, ast.Attribute) and func.attr == "open" else 1
        modes = [a.value for a in call.args[position : position + 1] if isinstance(a, ast.Constant)]
        modes += [
            k.value.value
            for k in call.keywords
            if k.arg == "mode" and isinstance(k.value, ast.Constant)
        ]
        return any(isinstance(m, str) and bool(set(m) & set("wax+")) for m in modes)
    if name in ("save", "write") and call.args:  # QImage.save(path) / QImageWriter(path)
        first = call.args[0]
        return isinstance(first, ast.Call) and getattr(first.func, "id", "") == "str"
    return name == "QImageWriter"


def _calls_by_function(node: ast.AST, function: str) -> Iterator[tuple[str, ast.Call]]:
    """Every call under ``node``, with the name of the innermost function around it."""
    for child in ast.iter_child_nodes(node):
        inner = function
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = child.name
        if isinstance(child, ast.Call):
            yield inner, child
        yield from _calls_by_function(child, inner)


@functools.cache
def direct_writers() -> frozenset[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted(APP.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if not _MAY_WRITE.search(text):
            continue
        tree = ast.parse(text)
        module = path.relative_to(APP).as_posix()
        found |= {(module, name) for name, call in _calls_by_function(tree, "") if _writes(call)}
    return frozenset(found)


def test_every_direct_file_write_is_a_known_safe_one() -> None:
    unexpected = sorted(direct_writers() - set(ALLOWED))
    assert unexpected == [], (
        f"these write files directly; use app.storage.atomic.write_bytes_atomic: {unexpected}"
    )


def test_the_list_names_only_places_that_still_write() -> None:
    assert sorted(set(ALLOWED) - direct_writers()) == []


def test_the_scan_sees_a_direct_write() -> None:
    source = "def save(p):\n    p.write_text('x')\n    open(p, 'w')\n    p.open('ab')\n"
    calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
    assert sum(_writes(c) for c in calls) == 3
