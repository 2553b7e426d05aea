"""Pictures of a chat message handed to the Images tab, as references that remember which
message they came from ("Edit in Images", "Use as image reference" on the message)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.media.images import image_header
from app.services.image_edits import ChatSource, ReferenceImage
from app.storage.atomic import write_bytes_atomic
from app.storage.chat_store import Attachment, Message

_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "gif": "gif"}


@dataclass(frozen=True, slots=True)
class ChatPicture:
    """One picture of a message: its bytes and where it came from."""

    data: bytes
    source: ChatSource


@dataclass(frozen=True, slots=True)
class ChatPictures:
    """The pictures of one message, and whether they are to be edited (they replace the
    references) or added as references."""

    pictures: tuple[ChatPicture, ...]
    edit: bool = False


def pictures_of(message: Message) -> tuple[ChatPicture, ...]:
    """The image attachments of ``message`` (documents and other files are left out)."""
    return tuple(
        ChatPicture(a.data, _source(message, a))
        for a in message.attachments
        if a.mime.startswith("image/") and a.data
    )


def _source(message: Message, attachment: Attachment) -> ChatSource:
    return ChatSource(message.conversation_id, message.id, attachment.name, message.role)


def write_references(pictures: Sequence[ChatPicture], folder: Path) -> list[ReferenceImage]:
    """Write each picture under ``folder`` and return it as a reference (blocking).

    A picture whose bytes are not a PNG, JPEG, WebP or GIF image is left out.
    """
    folder.mkdir(parents=True, exist_ok=True)
    references = []
    for number, picture in enumerate(pictures, start=1):
        header = image_header(picture.data)
        if header is None:
            continue
        source = picture.source
        stem = Path(source.name).stem if source.name else "image"
        stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.")[:40] or "image"
        name = f"chat-{source.message_id}-{number}-{stem}.{_EXTENSIONS[header.format]}"
        path = folder / name
        write_bytes_atomic(path, picture.data)
        references.append(ReferenceImage(path, chat=source))
    return references
