"""The one palette every chart and page uses: Okabe-Ito, a set of eight colours that stay distinct for the
common forms of colour blindness (Masataka Okabe and Kei Ito, "Color Universal Design", 2008). Presentation
only: no figure of the advice depends on it.

Each cost component has its own hue; the three opportunity components reuse a hue with a hatch pattern
(the palette has eight colours, the cost model eleven components), so no two components look alike and
none is told apart by colour alone (the legend names each, and every chart has a table beside it).
"""

from __future__ import annotations

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
OKABE_ITO = (BLACK, ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE)

INK = "#1d2430"  # text (15.6:1 on white)
MUTED = "#4f5968"  # axis text (7.1:1 on white, AA for small text)
GRID = "#d5dae1"
RANGE = "#6b7380"  # a range bar that is not highlighted (4.9:1 on white)

IN_HOUSE = BLUE  # white text on it: 5.0:1
VENDOR = ORANGE  # ink text on it: 8.6:1
SEAM = VERMILLION
HIGHLIGHT = BLUISH_GREEN  # the recommended model
MEAN = VERMILLION

# Lines and series (vendors, workstreams, models): yellow is left out, too light for a line on white.
SERIES = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, REDDISH_PURPLE, SKY_BLUE, BLACK)
DASHES = ("", "6 3", "2 3")  # a series past the seventh is told apart by its dash as well

# component -> (colour, hatched)
COMPONENT_COLOURS: dict[str, tuple[str, bool]] = {
    "vendor_fees": (ORANGE, False),
    "salaries": (BLUE, False),
    "hiring": (SKY_BLUE, False),
    "ramp_up": (YELLOW, False),
    "integration": (BLUISH_GREEN, False),
    "coordination": (REDDISH_PURPLE, False),
    "leadership": (VERMILLION, False),
    "change_requests": (BLACK, False),
    "capacity_gap": (SKY_BLUE, True),
    "churn": (VERMILLION, True),
    "knowledge_loss": (REDDISH_PURPLE, True),
}


def series_colour(index: int) -> str:
    return SERIES[index % len(SERIES)]


def series_dash(index: int) -> str:
    return DASHES[(index // len(SERIES)) % len(DASHES)]


def component_colour(component: str, index: int = 0) -> tuple[str, bool]:
    """A component's colour and whether it is hatched (an unknown component gets a series colour)."""
    return COMPONENT_COLOURS.get(component, (series_colour(index), False))


def text_on(fill: str) -> str:
    """White or ink text on a fill, whichever has the higher contrast."""
    return "#ffffff" if contrast("#ffffff", fill) >= contrast(INK, fill) else INK


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (#rrggbb)."""

    def lum(colour: str) -> float:
        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
