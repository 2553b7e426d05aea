"""``aiml-desktop images list|versions``: the Images tab's history from the command line, and
the history image an ``image --edit ID`` starts from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.errors import InvalidInputError

if TYPE_CHECKING:
    from app.services.context import Services
    from app.storage.image_store import ImageRecord

EXIT_OK = 0
HOW_TO_FIND = "'aiml-desktop images list' shows their numbers"


def add_images_command(commands: Any, subparser: Any) -> None:
    images = subparser(commands, "images", cmd_images, "List the image history and its versions.")
    actions = images.add_subparsers(dest="images_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the newest images, with their numbers")
    listing.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    versions = actions.add_parser(
        "versions", help="the versions of an image: what it was edited from, and its edits"
    )
    versions.add_argument("id", type=int, metavar="ID", help="an image number from 'images list'")
    versions.add_argument("--json", action="store_true", help="print JSON")


def find_image(services: Services, image_id: int) -> ImageRecord:
    """The history image ``image_id`` whose file is still there (blocking)."""
    record = services.images.store.get(image_id)
    if record is None:
        raise InvalidInputError(f"There is no image {image_id} in the history: {HOW_TO_FIND}.")
    if not Path(record.path).is_file():
        raise InvalidInputError(f"The file of image {image_id} is missing: {record.path}.")
    return record


def describe_record(record: ImageRecord) -> dict[str, Any]:
    from app.services.image_edits import edit_of, parent_id

    return {
        "id": record.id,
        "model": record.model,
        "prompt": record.prompt,
        "path": record.path,
        "width": record.width,
        "height": record.height,
        "source_id": parent_id(record),
        "edit": edit_of(record),
    }


def _line(record: ImageRecord, marker: str = " ") -> str:
    from app.services.image_edits import how_made

    size = f"{record.width} × {record.height}" if record.width else "?"
    how = how_made(record).removeprefix(" · ")
    prompt = " ".join(record.prompt.split())
    return (
        f"{marker}{record.id:>6}  {size:<13} {record.model}  ({how})  {prompt}\n{'':8}{record.path}"
    )


async def cmd_images(services: Services, args: argparse.Namespace) -> int:
    if args.images_action == "list":
        if args.limit < 1:
            raise InvalidInputError("--limit must be at least 1.")
        records = await services.runner.run(services.images.store.page, 0, args.limit)
        _print(records, args.json, current=None)
        return EXIT_OK
    from app.services.image_edits import version_chain

    record = await services.runner.run(find_image, services, args.id)
    chain = await services.runner.run(version_chain, services.images.store, record)
    _print(chain, args.json, current=record.id)
    return EXIT_OK


def _print(records: list[ImageRecord], as_json: bool, current: int | None) -> None:
    if as_json:
        print(json.dumps([describe_record(r) for r in records], indent=2, ensure_ascii=False))
        return
    if not records:
        print("No images in the history yet.")
        return
    for number, record in enumerate(records, start=1):
        marker = ">" if record.id == current else " "
        if current is not None:
            print(f"Version {number} of {len(records)}:")
        print(_line(record, marker))
