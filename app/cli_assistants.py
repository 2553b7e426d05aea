"""``aiml-desktop assistants list|export|import``: the saved chat presets."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.context import Services


def add_assistants_command(commands: Any, subparser: Any) -> None:
    assistants = subparser(
        commands, "assistants", cmd_assistants, "List, export or import saved assistants."
    )
    assistants.add_argument("action", choices=("list", "export", "import"))
    assistants.add_argument(
        "paths",
        nargs="*",
        metavar="FILE",
        help="import: JSON files (each with one or many); export: the file (or folder with --each)",
    )
    assistants.add_argument("--name", action="append", help="export only this assistant")
    assistants.add_argument(
        "--each", action="store_true", help="export one file per assistant into a folder"
    )
    assistants.add_argument("--json", action="store_true", help="list: print JSON")


def _chosen(services: Services, names: list[str] | None) -> list[Any]:
    if not names:
        return services.assistants.all()
    return [services.assistants.find(name) for name in names]


def _export(services: Services, args: argparse.Namespace) -> int:
    from app.cli_shared import UsageError

    chosen = _chosen(services, args.name)
    if not args.paths:
        print(json.dumps([a.as_dict() for a in chosen], indent=2, ensure_ascii=False))
        return 0
    if len(args.paths) != 1:
        raise UsageError("Give one file (or one folder with --each) to export to.")
    target = Path(args.paths[0]).expanduser()
    if args.each:
        for path in services.assistants.export_each(chosen, target):
            print(path)
    else:
        print(services.assistants.export_file(chosen, target))
    return 0


def cmd_assistants(services: Services, args: argparse.Namespace) -> int:
    from app.cli_shared import CommandFailed, UsageError
    from app.storage.assistants import AssistantFileError

    try:
        if args.action == "list":
            assistants = services.assistants.all()
            if args.json:
                print(json.dumps([a.as_dict() for a in assistants], indent=2, ensure_ascii=False))
            for assistant in [] if args.json else assistants:
                model = assistant.model or "default model"
                print(f"{assistant.label}\t{model}\t{assistant.description}")
            return 0
        if args.action == "export":
            return _export(services, args)
        if not args.paths:
            raise UsageError("Name the JSON files to import.")
        added = services.assistants.import_files([Path(p).expanduser() for p in args.paths])
    except AssistantFileError as exc:
        raise CommandFailed(str(exc)) from exc
    for assistant in added:
        print(f"imported {assistant.label}", file=sys.stdout)
    return 0
