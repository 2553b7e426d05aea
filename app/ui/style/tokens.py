"""The design tokens of the window: spacing, corner radii, type sizes and colours per scheme.

Every colour and pixel size the widgets use comes from here; the palette and the stylesheet
are both built from these tables, so a change here changes the whole app at once.
"""

from __future__ import annotations

from dataclasses import dataclass

# Spacing scale in device-independent pixels: xs, s, m, l, xl, xxl.
SPACE = {"xs": 2, "s": 4, "m": 8, "l": 12, "xl": 16, "xxl": 24}
# Corner radii.
RADIUS = {"s": 4, "m": 6, "l": 10, "pill": 999}
# Type sizes in points, relative to nothing: the app's base font stays the system's.
TYPE = {"small": 8.5, "body": 10.0, "title": 12.0, "heading": 15.0, "display": 20.0}
# Icon sizes in device-independent pixels.
ICON = {"s": 16, "m": 20, "l": 24, "xl": 40}


@dataclass(frozen=True)
class Scheme:
    """The colours of one scheme, by what they are for.

    ``text`` on ``base`` / ``window`` / ``surface`` and ``muted`` on the same are kept at a
    contrast of at least 4.5:1 (a test measures it); so are ``on_accent`` on ``accent`` and the
    state colours on ``window``.
    """

    name: str
    window: str  # the window's background
    surface: str  # raised areas: cards, message bubbles, panels
    surface_alt: str  # hover, alternating rows, the sidebar
    base: str  # text fields and lists
    border: str  # hairlines between areas
    border_strong: str  # control outlines
    text: str
    muted: str  # secondary text, placeholders, hints
    disabled: str
    accent: str  # the one colour that means "act here"
    accent_hover: str
    on_accent: str  # text and icons on the accent colour
    accent_soft: str  # a quiet tint of the accent (selection in lists, chips)
    link: str
    success: str
    warning: str
    danger: str
    danger_soft: str
    warning_soft: str
    info_soft: str


LIGHT = Scheme(
    name="light",
    window="#f6f7f9",
    surface="#ffffff",
    surface_alt="#eef0f4",
    base="#ffffff",
    border="#e1e4ea",
    border_strong="#c9ced6",
    text="#1c2025",
    muted="#5f6672",
    disabled="#9aa1ab",
    accent="#3a63e0",
    accent_hover="#2f55c8",
    on_accent="#ffffff",
    accent_soft="#e3eafc",
    link="#2a56d0",
    success="#1f7a42",
    warning="#8a5300",
    danger="#c0271d",
    danger_soft="#fdecea",
    warning_soft="#fff4dc",
    info_soft="#e8effd",
)

DARK = Scheme(
    name="dark",
    window="#1b1d21",
    surface="#24272c",
    surface_alt="#2c3036",
    base="#16181b",
    border="#33373e",
    border_strong="#454a53",
    text="#e6e8eb",
    muted="#a2a8b1",
    disabled="#666c75",
    accent="#5b82ff",
    accent_hover="#7295ff",
    on_accent="#0d1220",
    accent_soft="#27334f",
    link="#8cadff",
    success="#6fcf8e",
    warning="#f0b458",
    danger="#ff8a7f",
    danger_soft="#472321",
    warning_soft="#43371c",
    info_soft="#1f2d48",
)

SCHEMES = {"light": LIGHT, "dark": DARK}


def scheme(name: str) -> Scheme:
    """The scheme called ``name``; light for anything else."""
    return SCHEMES.get(name, LIGHT)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        value = colour.lstrip("#")
        channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
