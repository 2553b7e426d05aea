"""``GET /files/<name>``: downloads of the image and audio URLs the gateway handed out."""

from __future__ import annotations

import re

from tests.fake_api.exchange import Exchange

CHUNK = 16 * 1024


def handle_file(ex: Exchange, match: re.Match[str]) -> None:
    stored = ex.state.files.get(match.group("name"))
    if stored is None or ex.options.image_expired:
        ex.send_error(404, "The requested file does not exist or its link has expired.")
        return
    data = stored.data
    if ex.drop_after is not None:
        pieces = (data[i : i + CHUNK] for i in range(0, len(data), CHUNK))
        ex.send_chunked(200, pieces, content_type=stored.content_type)
        return
    ex.send(200, data, content_type=stored.content_type)
