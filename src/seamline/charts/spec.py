"""What a chart shows, described once: small frozen values that every renderer reads.

A builder (:mod:`seamline.charts.build`) turns domain data into one of these; :mod:`seamline.charts.svg`
draws it as responsive inline SVG for pages (or a standalone SVG file), :mod:`seamline.charts.raster` as
PNG through Matplotlib for documents and the CLI. Nothing here knows about pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["money", "count", "points"]


@dataclass(frozen=True)
class Series:
    """One colour in a chart: a cost component, a vendor, a workstream or a model's line."""

    key: str
    label: str
    colour: str
    hatched: bool = False
    dash: str = ""  # SVG dash array ("" = solid)


@dataclass(frozen=True)
class Range:
    """P10 to P90 with the median and, when known, the mean."""

    low: float
    mid: float
    high: float
    mean: float | None = None


@dataclass(frozen=True)
class Row:
    """One horizontal bar (stacked) or group of bars (grouped): a value per series, and a range."""

    label: str
    values: tuple[float, ...] = ()
    range: Range | None = None
    highlight: bool = False
    note: str = ""  # shown after the label, e.g. the total


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one row per item: stacked components, grouped series, or ranges alone."""

    id: str
    title: str
    unit: Unit
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    mode: Literal["stacked", "grouped"] = "stacked"
    xmax: float | None = None  # fixed scale end (points: 1.0); otherwise from the data
    axis_label: str = ""
    key: str = ""  # one sentence on how to read the marks


@dataclass(frozen=True)
class LineChart:
    """One line per series over a whole-number x axis starting at 1 (months)."""

    id: str
    title: str
    unit: Unit
    series: tuple[Series, ...]
    values: tuple[tuple[float, ...], ...]  # per series
    x_label: str = "month"
    key: str = ""


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    missing: bool = False  # drawn in-house, but the client has no one in it


@dataclass(frozen=True)
class SeamPanel:
    """One model: in-house roles on the left, vendor roles on the right, seams crossing between."""

    id: str
    title: str
    subtitle: str
    in_house: tuple[Role, ...]
    vendor: tuple[Role, ...]
    seams: tuple[tuple[str, str, str], ...]  # (in-house role id, vendor role id, link name)


@dataclass(frozen=True)
class SeamsChart:
    id: str
    title: str
    panels: tuple[SeamPanel, ...]
    key: str = "In-house roles left (blue), vendor roles right (orange); each red line is a seam."


@dataclass(frozen=True)
class Figure:
    """Several charts drawn one under the other (a page) or side by side (a wide image)."""

    id: str
    title: str
    panels: tuple[BarChart | LineChart, ...]


Chart = BarChart | LineChart | SeamsChart | Figure
