"""A fenced ``svg`` block made safe to preview: no scripts, no events, nothing remote.

``safe_svg(code)`` parses the SVG with the standard library, refuses a DOCTYPE or entities
(no entity tricks), drops ``<script>``, ``<foreignObject>`` and embedded documents, every
``on…`` attribute, any link that is not to a part of the same picture (``#id``) or an embedded
``data:image/…``, and CSS that loads a URL. The picture's size comes from its width and height
or its viewBox, scaled down to at most ``MAX_WIDTH`` pixels wide.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.services.digests import blake2s_hex

if TYPE_CHECKING:
    import xml.etree.ElementTree as ElementTree

MAX_WIDTH = 480.0
MAX_HEIGHT = 480.0
DEFAULT_SIZE = (300.0, 150.0)
MAX_SVG_CHARS = 200_000
SVG_NS = "http://www.w3.org/2000/svg"
_DROPPED = frozenset(
    {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler"}
)
_LINK_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href", "src")
_REMOTE_CSS = re.compile(r"@import|url\(\s*['\"]?(?!#)", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


class UnsafeSvg(ValueError):
    """The block cannot be previewed; the message says why in one sentence."""


@dataclass(frozen=True)
class SvgPicture:
    """A sanitised SVG to draw ``width`` × ``height`` layout pixels; ``key`` names it."""

    key: str
    svg: bytes
    width: float
    height: float


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _clean(element: ElementTree.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local_name(child.tag) in _DROPPED:
            element.remove(child)
            continue
        if _local_name(child.tag) == "style" and _REMOTE_CSS.search(child.text or ""):
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _local_name(name).lower()
        scripted = local.startswith("on") or (local == "style" and _REMOTE_CSS.search(value))
        remote = name in _LINK_ATTRIBUTES and not (
            value.startswith("#") or value.lower().startswith("data:image/")
        )
        if scripted or remote:
            del element.attrib[name]


def _length(value: str | None) -> float | None:
    match = _NUMBER.match(value or "")
    return float(match.group(1)) if match else None


def _size(root: ElementTree.Element) -> tuple[float, float]:
    """The picture's layout size; gives it a viewBox first so that resizing scales it."""
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v][:4]
    if (width is None or height is None) and len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width is None and height is None:
            width, height = box[2], box[3]
        elif width is None:
            width = height * box[2] / box[3]  # type: ignore[operator]
        else:
            height = width * box[3] / box[2]
    width, height = width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]
    if len(box) != 4:
        root.set("viewBox", f"0 0 {width:g} {height:g}")
    scale = min(1.0, MAX_WIDTH / width, MAX_HEIGHT / height)
    return width * scale, height * scale


@functools.lru_cache(maxsize=64)
def safe_svg(code: str) -> SvgPicture:
    """The SVG of a code block, made safe and sized, or :class:`UnsafeSvg`."""
    if len(code) > MAX_SVG_CHARS:
        raise UnsafeSvg("This SVG is too large to preview.")
    if re.search(r"<!DOCTYPE|<!ENTITY", code, re.IGNORECASE):
        raise UnsafeSvg("This SVG declares a DOCTYPE or entities, so it is not previewed.")
    import xml.etree.ElementTree as ElementTree  # loaded with the first SVG, not at start-up

    try:
        root = ElementTree.fromstring(code.strip())
    except ElementTree.ParseError:
        raise UnsafeSvg("This SVG could not be read: it is not well-formed XML.") from None
    if _local_name(root.tag) != "svg":
        raise UnsafeSvg("This block is not an SVG picture.")
    _clean(root)
    width, height = _size(root)
    root.set("width", f"{width:g}")
    root.set("height", f"{height:g}")
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    svg = ElementTree.tostring(root, encoding="utf-8")
    key = blake2s_hex(svg, 10)
    return SvgPicture(key=key, svg=svg, width=width, height=height)


def code_key(code: str) -> str:
    """A short name for a code block's text (what its Preview link toggles)."""
    return blake2s_hex(code.strip().encode("utf-8"), 8)
