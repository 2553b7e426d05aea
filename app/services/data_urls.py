"""Files inside a request: bytes as a base64 ``data:`` URL, as image and file parts take them."""

from __future__ import annotations

import base64


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
