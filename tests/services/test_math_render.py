"""Math in replies: TeX becomes an SVG formula; money, unfinished and broken TeX stay text."""

from __future__ import annotations

import os
import re
import sys
import threading

import pytest

from app.services.markdown_render import MarkdownRenderer
from app.services.math_render import (
    HELPER_NICENESS,
    InvalidMath,
    MathRenderer,
    math_request,
    render_math,
)

IMG = re.compile(r'<img src="math:(\w+)" width="(\d+)" height="(\d+)"')


def formulas(html: str) -> list[str]:
    return [match.group(1) for match in IMG.finditer(html)]


def test_a_formula_is_an_svg_in_the_text_colour() -> None:
    image = render_math(r"\frac{a}{b}", display=True, colour="#e6edf3", size=16)

    svg = image.svg.decode()
    assert svg.startswith("<svg") and "<path" in svg and "<symbol" not in svg
    assert "#e6edf3" in svg
    assert image.width > 0 and image.height > 0


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\notacommand x", "}", ""])
def test_tex_that_does_not_parse_is_invalid(tex: str) -> None:
    with pytest.raises(InvalidMath):
        render_math(tex, display=False, colour="#000000", size=16)


@pytest.mark.parametrize(
    "text",
    [
        "Euler: $e^{i\\pi}+1=0$.",
        "Euler: \\(e^{i\\pi}+1=0\\).",
        "$$\n\\int_0^1 x^2\\,dx\n$$\n",
        "\\[\n\\sum_k k\n\\]\n",
    ],
)
def test_every_delimiter_becomes_a_formula(text: str) -> None:
    renderer = MarkdownRenderer("light")

    html = renderer.render(text)

    assert len(formulas(html)) == 1
    assert "$" not in html and "\\(" not in html
    assert renderer.math_image(formulas(html)[0]) is not None


def test_bracket_display_math_in_the_middle_of_a_line_is_a_formula() -> None:
    html = MarkdownRenderer().render("The sum \\[ \\sum_k k \\] grows, and \\[x^2\\] too.")

    assert len(formulas(html)) == 2
    assert "\\sum" not in html and "[" not in html
    assert html.startswith("<p>The sum <img") and "grows, and <img" in html
    assert html.count("vertical-align:middle") == 2  # centred on the line it sits in


def test_escaped_or_empty_brackets_stay_text() -> None:
    html = MarkdownRenderer().render("A list \\\\[x\\\\] and \\[\\] and a\\[b, unclosed \\[ y")

    assert formulas(html) == []
    assert "[x" in html and "[]" in html and "unclosed [ y" in html


def test_display_math_is_centred_on_its_own_line() -> None:
    html = MarkdownRenderer().render("Before\n\n$$\nx^2\n$$\n\nAfter")

    assert re.search(r'<p align="center"><img src="math:', html)


def test_money_stays_text() -> None:
    html = MarkdownRenderer().render("It costs $5 and $10, or $ 3 $ at most.")

    assert formulas(html) == []
    assert "It costs $5 and $10, or $ 3 $ at most." in html


def test_unfinished_math_in_a_streaming_reply_stays_source_until_it_closes() -> None:
    renderer = MarkdownRenderer()
    growing = "So the area is $\\frac{r^2}{2"

    assert formulas(renderer.render(growing)) == []
    assert "$\\frac{r^2}{2" in renderer.render(growing)
    assert formulas(renderer.render("$$\n\\int_0^1 f")) == []
    assert len(formulas(renderer.render(growing + "}$ square units."))) == 1


def test_broken_tex_shows_its_source_with_a_quiet_mark() -> None:
    html = MarkdownRenderer("light").render("Bad: $\\frac{1}{$ here")

    assert formulas(html) == []
    assert (
        '<span style="color:#6e7781">$\\frac{1}{$</span><sup style="color:#6e7781">?</sup>' in html
    )


def test_formulas_follow_the_theme() -> None:
    light = MarkdownRenderer("light")
    dark = MarkdownRenderer("dark")
    text = "Area $\\pi r^2$"

    light_key = formulas(light.render(text))[0]
    dark_key = formulas(dark.render(text))[0]

    assert light_key != dark_key
    assert b"#1f2328" in light.math_image(light_key).svg  # type: ignore[union-attr]
    assert b"#e6edf3" in dark.math_image(dark_key).svg  # type: ignore[union-attr]


def test_math_inside_code_stays_code() -> None:
    html = MarkdownRenderer().render("Run `echo $HOME$` and\n\n```sh\necho $x$\n```\n")

    assert formulas(html) == []
    assert "$HOME$" in html


def test_in_the_background_a_formula_shows_its_source_until_it_is_drawn() -> None:
    renderer = MarkdownRenderer()
    renderer.math.background = True
    drawn = threading.Event()
    renderer.math.on_ready = drawn.set
    text = "Area $\\pi r^{7}$ here"

    first = renderer.render(text)
    assert formulas(first) == [] and "$\\pi r^{7}$" in first
    assert drawn.wait(10)
    assert len(formulas(renderer.render(text))) == 1
    renderer.math.close()


def test_in_the_background_the_newest_formulas_and_those_on_screen_are_drawn_first() -> None:
    math = MathRenderer(background=True, helpers=1)
    requests = [math_request(f"x^{{{n}}}", display=False, colour="#000", size=16) for n in range(8)]
    order: list[tuple[str, bool, str, float]] = []
    lock = threading.Lock()
    finished = threading.Event()

    def note_drawn() -> None:
        with lock:
            order.extend(r for r in requests if r not in order and math.any_settled([r]))
            if len(order) == len(requests):
                finished.set()

    math.on_ready = note_drawn
    for tex, display, colour, size in requests:
        assert math.lookup(tex, display=display, colour=colour, size=size) is None
    math.prefer([requests[3]])  # painted now: its text is on screen

    assert finished.wait(30)
    math.close()
    # The helper took two at once (which two depends on when its feeder thread woke up); of
    # those left waiting, the one on screen came first, then the newest first.
    taken = order[:2]
    waited = [r for r in [requests[3], *reversed(requests)] if r not in taken]
    assert order[2:] == list(dict.fromkeys(waited))
    assert not math.busy
    assert all(math.lookup(r[0], display=False, colour="#000", size=16) for r in requests)
    assert math.lookup("y^2", display=False, colour="#000", size=16) is None  # closed: source
    assert not math.busy


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's priority is Linux's")
def test_formula_helpers_run_below_the_window_and_the_window_keeps_its_priority() -> None:
    import multiprocessing

    window_priority = os.getpriority(os.PRIO_PROCESS, 0)
    math = MathRenderer(background=True, helpers=1)
    drawn = threading.Event()
    math.on_ready = drawn.set
    assert math.lookup("e^{i\\pi}", display=False, colour="#000", size=16) is None
    assert drawn.wait(30)
    helpers = multiprocessing.active_children()
    try:
        assert helpers
        assert {os.getpriority(os.PRIO_PROCESS, h.pid) for h in helpers} == {HELPER_NICENESS}
        assert os.getpriority(os.PRIO_PROCESS, 0) == window_priority  # this thread: unchanged
        # the thread that starts the helpers is lowered, so they start at that priority
        feeders = [t for t in threading.enumerate() if t.name == "formula feeder"]
        assert [os.getpriority(os.PRIO_PROCESS, t.native_id or 0) for t in feeders] == [
            HELPER_NICENESS
        ]
    finally:
        math.close()
