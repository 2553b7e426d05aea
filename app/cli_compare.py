"""``aiml-desktop compare PROMPT --models A,B,C``: each answer with its timing and cost."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.context import Services


def add_compare_command(commands: Any, subparser: Any) -> None:
    compare = subparser(
        commands, "compare", cmd_compare, "Send one prompt to 2–4 chat models side by side."
    )
    compare.add_argument("prompt", help="the message ('-' reads standard input)")
    compare.add_argument(
        "--models", required=True, metavar="A,B,C", help="2 to 4 model ids, separated by commas"
    )
    compare.add_argument("--system", help="a system prompt for every model")
    compare.add_argument("--temperature", type=float)
    compare.add_argument("--max-tokens", type=int)
    compare.add_argument("--json", action="store_true", help="print JSON")


async def cmd_compare(services: Services, args: argparse.Namespace) -> int:
    from app.cli_shared import CommandFailed, printer, text_argument
    from app.services.compare import compare_prompt

    params: dict[str, Any] = {}
    if args.temperature is not None:
        params["temperature"] = args.temperature
    if args.max_tokens is not None:
        params["max_tokens"] = args.max_tokens
    columns = await compare_prompt(
        services,
        text_argument(args.prompt),
        args.models.split(","),
        system=args.system,
        params=params,
    )
    if args.json:
        print(json.dumps([c.as_dict() for c in columns], indent=2, ensure_ascii=False))
    else:
        clean = printer(args).clean
        for index, column in enumerate(columns):
            if index:
                print()
            print(f"== {column.model} ({column.meter.summary()})")
            if column.error:
                print(f"error: {clean(column.error)}")
            else:
                print(clean(column.content).rstrip("\n"))
    if all(column.error for column in columns):
        raise CommandFailed("Every model failed; see each one's error above.")
    return 0
