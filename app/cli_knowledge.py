"""``aiml-desktop kb …``: knowledge bases on the command line, on the same services as the
window (``chat --attach/--kb`` run on ``ChatSession``, see ``app.chat_cli``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from app.cli_shared import say as _say
from app.errors import AppError

if TYPE_CHECKING:
    from app.services.context import Services


class KbCommandFailed(AppError):
    """A kb command ran but could not do what was asked."""


def cmd_kb(services: Services, args: argparse.Namespace) -> int:
    knowledge = services.knowledge
    if args.action == "create":
        base = knowledge.create(args.name)
        _say(f'created knowledge base "{base.name}".')
    elif args.action == "embeddings":
        model = None if args.model == "off" else args.model
        base = knowledge.use_embeddings(args.name, model)
        state = f"on, with {model}" if model else "off"
        _say(f'vector search for "{base.name}" is {state}.')
    elif args.action == "add":
        _kb_add(services, args)
    elif args.action == "list":
        for base in knowledge.bases():
            vectors = f"\tvectors: {base.embedding_model}" if base.embedding_model else ""
            print(f"{base.name}\t{base.documents} documents\t{base.chunks} passages{vectors}")
    elif args.action == "remove":
        removed = knowledge.remove(args.name, args.document)
        if not removed:
            raise KbCommandFailed(f'"{args.document}" is not in knowledge base "{args.name}".')
        _say(f"removed {args.document}.")
    else:
        _kb_search(services, args)
    sys.stdout.flush()
    return 0


def _kb_add(services: Services, args: argparse.Namespace) -> None:
    def progress(name: str, done: int, total: int) -> None:
        if name:
            _say(f"[{done + 1}/{total}] {name}")

    report = services.knowledge.add(args.name, args.files, progress=progress)
    for problem in report.problems:
        _say(f"skipped: {problem}")
    _say(f"indexed {report.documents} documents ({report.chunks} passages).")
    if not report.documents and report.problems:
        raise KbCommandFailed("None of the files could be indexed.")


def _kb_search(services: Services, args: argparse.Namespace) -> None:
    from app.services.knowledge import citation_label

    passages = services.knowledge.search(args.name, args.query, limit=args.limit)
    if args.json:
        records = [
            {
                "document": p.document,
                "path": p.path,
                "page": p.page,
                "score": round(p.score, 4),
                "text": p.text,
            }
            for p in passages
        ]
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for number, passage in enumerate(passages, start=1):
        print(f"[{number}] {citation_label(passage)}\n{passage.text}\n")


def add_kb_command(commands: Any, subparser: Any) -> None:
    kb = subparser(commands, "kb", cmd_kb, "Knowledge bases: named sets of documents to search.")
    actions = kb.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("create", help="create an empty knowledge base").add_argument("name")
    add = actions.add_parser("add", help="index files and folders (progress on stderr)")
    add.add_argument("name")
    add.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")
    actions.add_parser("list", help="list the knowledge bases")
    embeddings = actions.add_parser(
        "embeddings", help="switch vector search (/v1/embeddings) on with a model, or off"
    )
    embeddings.add_argument("name")
    embeddings.add_argument("model", help="an embedding model id, or 'off'")
    remove = actions.add_parser("remove", help="remove a document (by name or path)")
    remove.add_argument("name")
    remove.add_argument("document")
    search = actions.add_parser("search", help="the passages that best match a query")
    search.add_argument("name")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true", help="print JSON")
