"""One chart layer for every surface: pages, documents and the CLI.

A chart is described once (:mod:`~seamline.charts.build` turns domain data into a small spec from
:mod:`~seamline.charts.spec`) and drawn by a renderer: :func:`responsive` (inline SVG for pages, a wide
and a narrow drawing), :func:`to_file` (a CLI ``--chart`` path: standalone SVG or PNG) and
:func:`seamline.charts.raster.png` (documents). The colours come from :mod:`~seamline.charts.palette`
(Okabe-Ito). Matplotlib is imported only when a PNG is drawn.
"""

from __future__ import annotations

from pathlib import Path

from seamline.charts import build, palette
from seamline.charts.format import money
from seamline.charts.spec import BarChart, Chart, Figure, LineChart, SeamsChart
from seamline.charts.svg import responsive, standalone
from seamline.errors import InputFileError

FORMATS = (".svg", ".png")
CLI_WIDTH = 10.0  # inches
CLI_DPI = 120

__all__ = [
    "FORMATS",
    "BarChart",
    "Chart",
    "Figure",
    "LineChart",
    "SeamsChart",
    "build",
    "check_path",
    "image",
    "money",
    "palette",
    "responsive",
    "standalone",
    "to_file",
]


def check_path(path: str | Path, option: str = "--chart") -> Path:
    """Refuse an output path with another suffix or a missing folder, before any work is done."""
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise InputFileError(f"{option}: {p}: expected a file name ending in .svg or .png")
    if not p.parent.is_dir():
        raise InputFileError(f"{option}: {p.parent}: no such folder")
    return p


def image(chart: Chart, suffix: str, option: str = "--chart") -> bytes:
    """The chart as a file's bytes: ``.svg`` a standalone SVG (the pages' drawing), ``.png`` a PNG."""
    suffix = suffix.lower()
    if suffix == ".svg":
        return standalone(chart)
    if suffix == ".png":
        from seamline.charts.raster import png

        return png(chart, width=CLI_WIDTH, dpi=CLI_DPI)
    raise InputFileError(f"{option}: unsupported suffix {suffix!r}; expected one of: {', '.join(FORMATS)}")


def to_file(chart: Chart, path: str | Path, option: str = "--chart") -> Path:
    """Write the chart to ``path`` in the format of its suffix (atomically: never a partial file)."""
    from seamline.files import write_atomic

    out = check_path(path, option)
    write_atomic(out, image(chart, out.suffix, option))
    return out
