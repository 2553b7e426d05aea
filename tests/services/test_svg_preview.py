"""SVG blocks: a Preview link, and a picture with no scripts, no events and nothing remote."""

from __future__ import annotations

import re

import pytest

from app.services.markdown_render import MarkdownRenderer, preview_key
from app.services.svg_preview import UnsafeSvg, safe_svg

RED_BOX = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="200" height="100" onload="alert(1)">'
    "<script>alert(2)</script><style>@import url(https://evil.example/x.css);</style>"
    '<rect id="r" width="200" height="100" fill="red" onclick="steal()"/>'
    '<use xlink:href="#r"/><image href="https://evil.example/p.png" width="5" height="5"/>'
    "<foreignObject><div>html</div></foreignObject></svg>"
)


def test_scripts_events_and_remote_links_are_removed() -> None:
    svg = safe_svg(RED_BOX).svg.decode()

    assert "script" not in svg and "alert" not in svg and "onclick" not in svg
    assert "evil.example" not in svg and "foreignObject" not in svg
    assert 'href="#r"' in svg and 'fill="red"' in svg


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ('<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>', "declares a DOCTYPE or entities"),
        ("<svg><rect></svg>", "not well-formed XML"),
        ("<html/>", "not an SVG picture"),
    ],
)
def test_what_cannot_be_previewed_says_why(code: str, sentence: str) -> None:
    with pytest.raises(UnsafeSvg, match=sentence):
        safe_svg(code)


def test_a_big_picture_is_scaled_down_and_keeps_its_shape() -> None:
    picture = safe_svg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2000 1000"/>')

    assert (picture.width, picture.height) == (480, 240)
    assert 'viewBox="0 0 2000 1000"' in picture.svg.decode()


def test_an_svg_block_gets_a_preview_link_that_switches_it_to_a_picture() -> None:
    renderer = MarkdownRenderer()
    text = f"Here:\n\n```svg\n{RED_BOX}\n```\n"

    as_code = renderer.render(text)
    key = preview_key(re.search(r'href="(svg-preview:\w+)"', as_code).group(1))  # type: ignore[union-attr]
    assert ">Preview</a>" in as_code and "<img" not in as_code
    assert key is not None

    renderer.toggle_svg_preview(key)
    as_picture = renderer.render(text)

    found = re.search(r'<img src="svg:(\w+)" width="200" height="100" />', as_picture)
    assert found and ">Code</a>" in as_picture
    assert renderer.picture("svg", found.group(1)) is not None
    renderer.toggle_svg_preview(key)
    assert "<img" not in renderer.render(text)


def test_a_broken_block_in_preview_keeps_its_code_and_says_why() -> None:
    renderer = MarkdownRenderer()
    text = "```svg\n<svg><rect></svg>\n```\n"
    key = preview_key(re.search(r'href="(svg-preview:\w+)"', renderer.render(text)).group(1))  # type: ignore[union-attr]

    renderer.toggle_svg_preview(key or "")
    html = renderer.render(text)

    assert "not well-formed XML" in html and "&lt;rect&gt;" in html
