"""A smaller ICU data library for the Linux bundle.

Qt Core links ICU (``libicudata.so.NN`` alone is 32 MB) and calls it for four things only:
collation (``QCollator``), time-zone names (``QTimeZone::displayName``), text codecs beyond
UTF/Latin-1 (``QStringDecoder``) and locale case mapping. The data library also carries items
that only other ICU services read: break-iterator dictionaries, unit, currency and language
names, transliteration rules, spelled-out number rules and Unicode character names. This
rebuilds the library without them (about 14 MB less) with ICU's own tools, ``icupkg`` and
``genccode`` (Debian's ``icu-devtools``), and ``gcc``.

    python packaging/pyinstaller/icu_data.py LIBICUDATA OUT_DIR
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DROPPED_FOLDERS = ("brkitr", "curr", "lang", "rbnf", "translit", "unit")
DROPPED_ITEMS = ("unames.icu",)
REQUIRED_TOOLS = ("readelf", "icupkg", "genccode", "gcc")
LIBRARY_NAME = re.compile(r"^libicudata\.so\.\d+$")
_SECTION = re.compile(r"\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)")


class IcuDataError(Exception):
    """The data library could not be read or rebuilt; the message says why."""


@dataclass(frozen=True)
class DataBlob:
    entry_point: str  # "icudt73": the library exports <entry_point>_dat
    offset: int  # where the data package starts in the file
    size: int


def missing_tools() -> list[str]:
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]


def _output(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise IcuDataError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result.stdout


def find_blob(library: Path) -> DataBlob:
    """Locate the exported ``icudtNN_dat`` data package inside ``library``."""
    symbols = _output(["readelf", "--dyn-syms", "-W", str(library)])
    value, size, section, entry_point = None, 0, "", ""
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) == 8 and fields[7].startswith("icudt") and fields[7].endswith("_dat"):
            value, size, section = int(fields[1], 16), int(fields[2], 0), fields[6]
            entry_point = fields[7].removesuffix("_dat")
    if value is None:
        raise IcuDataError(f"{library.name} exports no icudtNN_dat symbol")
    for match in _SECTION.finditer(_output(["readelf", "-S", "-W", str(library)])):
        if match.group(1) == section:
            address, offset = int(match.group(2), 16), int(match.group(3), 16)
            return DataBlob(entry_point, offset + value - address, size)
    raise IcuDataError(f"{library.name}: section {section} of the data symbol not found")


def is_dropped(item: str) -> bool:
    return item in DROPPED_ITEMS or item.split("/", 1)[0] in DROPPED_FOLDERS


def trimmed_library(library: Path, work_dir: Path) -> Path:
    """Build ``work_dir/<library name>``: the same library without the dropped items."""
    blob = find_blob(library)
    work_dir.mkdir(parents=True, exist_ok=True)
    package_name = f"{blob.entry_point}{'l' if sys.byteorder == 'little' else 'b'}"
    full = work_dir / "full" / f"{package_name}.dat"
    full.parent.mkdir(exist_ok=True)
    with library.open("rb") as source:
        source.seek(blob.offset)
        full.write_bytes(source.read(blob.size))
    items = _output(["icupkg", "-l", str(full)]).split()
    if not items:
        raise IcuDataError(f"no ICU data items found in {library.name}")
    remove_list = work_dir / "removed-items.txt"
    remove_list.write_text("\n".join(filter(is_dropped, items)) + "\n", encoding="utf-8")
    trimmed = work_dir / f"{package_name}.dat"
    _output(["icupkg", "-r", str(remove_list), str(full), str(trimmed)])
    _output(
        ["genccode", "-q", "-a", "gcc", "-e", blob.entry_point, "-d", str(work_dir), str(trimmed)]
    )
    assembly = work_dir / f"{package_name}_dat.S"
    output = work_dir / library.name
    _output(
        [
            "gcc",
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,{library.name}",
            "-o",
            str(output),
            str(assembly),
        ]
    )
    return output


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    missing = missing_tools()
    if missing:
        print(f"missing tools: {', '.join(missing)}", file=sys.stderr)
        return 1
    try:
        built = trimmed_library(Path(argv[0]), Path(argv[1]))
    except IcuDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(built)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
