"""Chart specs as PNG through Matplotlib (Agg, imported only here and only when a raster is asked for).

Documents take PNG at 150 dpi, 7 inches wide (the text width of an A4 page); the CLI's ``--chart x.png``
the same at 10 inches. Mathtext is off, so a ``$`` in a name is a dollar sign; the PNG carries no
software or date metadata, so the same spec always gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from seamline.charts import palette
from seamline.charts.format import money_tick, nice_max, value
from seamline.charts.spec import BarChart, Chart, Figure, LineChart, SeamPanel, SeamsChart

DOCUMENT_WIDTH = 7.0  # inches
DOCUMENT_DPI = 150


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _formatter(unit: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    if unit == "money":
        return FuncFormatter(lambda v, _pos: money_tick(v))
    return FuncFormatter(lambda v, _pos: value(v, unit, tick=True))


def _dash(dash: str) -> Any:
    if not dash:
        return "-"
    on, off = (float(x) for x in dash.split())
    return (0, (on / 2, off / 2))


def _bars(ax: Any, chart: BarChart, legend: bool = True) -> None:
    n = len(chart.rows)
    ys = list(range(n))
    if chart.mode == "grouped":
        k = max(len(chart.series), 1)
        h = 0.8 / k
        for i, s in enumerate(chart.series):
            ax.barh(
                [y - 0.4 + h * (i + 0.5) for y in ys],
                [r.values[i] if i < len(r.values) else 0.0 for r in chart.rows],
                height=h,
                color=s.colour,
                label=s.label,
                hatch="///" if s.hatched else None,
                edgecolor="white" if s.hatched else None,
                linewidth=0,
            )
    elif chart.series:
        left = [0.0] * n
        for i, s in enumerate(chart.series):
            values = [r.values[i] if i < len(r.values) else 0.0 for r in chart.rows]
            if not any(values):
                continue
            ax.barh(
                [y - 0.12 for y in ys],
                values,
                left=left,
                height=0.46,
                color=s.colour,
                label=s.label,
                hatch="///" if s.hatched else None,
                edgecolor="white" if s.hatched else s.colour,
                linewidth=0,
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ranged = [(y + 0.25, r.range) for y, r in zip(ys, chart.rows, strict=True) if r.range]
        if ranged:
            yc = [y for y, _ in ranged]
            lows, mids, highs = ([getattr(r, k) for _, r in ranged] for k in ("low", "mid", "high"))
            ax.hlines(yc, lows, highs, color=palette.INK, linewidth=1.4)
            ax.plot(lows + highs, yc + yc, "|", color=palette.INK, markersize=7)
            ax.plot(mids, yc, "o", color="white", markeredgecolor=palette.INK, markersize=5)
    else:
        alone = [(y, r) for y, r in zip(ys, chart.rows, strict=True) if r.range]
        for highlight in (False, True):
            rows = [(y, r) for y, r in alone if r.highlight is highlight]
            if rows:
                colour = palette.HIGHLIGHT if highlight else palette.RANGE
                ax.hlines(
                    [y for y, _ in rows],
                    [r.range.low for _, r in rows if r.range],
                    [r.range.high for _, r in rows if r.range],
                    color=colour,
                    linewidth=9,
                )
        if alone:
            ax.plot(
                [r.range.mid for _, r in alone if r.range],
                [y for y, _ in alone],
                "|",
                color=palette.BLACK,
                markersize=15,
                markeredgewidth=2,
            )
            means = [(y, r.range.mean) for y, r in alone if r.range and r.range.mean is not None]
            if means:
                ax.plot([m for _, m in means], [y for y, _ in means], "o", color=palette.MEAN, markersize=5)
    labels = [f"{r.label}\n{r.note}" if r.note else r.label for r in chart.rows]
    ax.set_yticks(ys, labels, fontsize=8)
    for tick, r in zip(ax.get_yticklabels(), chart.rows, strict=True):
        if r.highlight:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    totals = [
        max(
            sum(r.values) if chart.mode == "stacked" else max(r.values, default=0.0),
            r.range.high if r.range else 0.0,
        )
        for r in chart.rows
    ]
    ax.set_xlim(0, chart.xmax or nice_max(max(totals, default=0.0)))
    ax.xaxis.set_major_formatter(_formatter(chart.unit))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color=palette.GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if chart.axis_label:
        ax.set_xlabel(chart.axis_label, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend and chart.series:
        ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)


def _line(ax: Any, chart: LineChart) -> None:
    for s, values in zip(chart.series, chart.values, strict=True):
        ax.plot(
            range(1, len(values) + 1),
            values,
            color=s.colour,
            linestyle=_dash(s.dash),
            linewidth=1.8,
            label=s.label,
        )
    ax.yaxis.set_major_formatter(_formatter(chart.unit))
    ax.set_xlabel(chart.x_label, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(color=palette.GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False)


def _seam_panel(ax: Any, panel: SeamPanel, rows: int) -> None:
    """The web drawing's layout in its own units (a 320-wide panel, 124-wide boxes), so the boxes fit their
    names and each seam runs from box edge to box edge."""
    import textwrap

    from matplotlib.patches import FancyBboxPatch

    left, right, box_w, row_h = 6.0, 190.0, 124.0, 44.0
    pos: dict[str, tuple[float, float]] = {}
    for x, roles, colour in ((left, panel.in_house, palette.IN_HOUSE), (right, panel.vendor, palette.VENDOR)):
        for i, role in enumerate(roles):
            lines = textwrap.wrap(role.name, 16)[:2] + (["(not in your team)"] if role.missing else [])
            y = -i * row_h
            ink = palette.INK if role.missing else palette.text_on(colour)
            ax.add_patch(
                FancyBboxPatch(
                    (x, y - 16),
                    box_w,
                    32,
                    boxstyle="round,pad=0,rounding_size=6",
                    facecolor="white" if role.missing else colour,
                    edgecolor=colour,
                    linestyle="--" if role.missing else "-",
                    linewidth=1.2 if role.missing else 0,
                )
            )
            ax.text(x + box_w / 2, y, "\n".join(lines), ha="center", va="center", fontsize=6.5, color=ink)
            pos[role.id] = (x + box_w if x == left else x, y)
    for a, b, _link in panel.seams:
        if a in pos and b in pos:
            (x0, y0), (x1, y1) = pos[a], pos[b]
            ax.plot([x0, x1], [y0, y1], color=palette.SEAM, linewidth=1.4, solid_capstyle="round")
    ax.plot([160, 160], [-(rows - 0.5) * row_h, 24], color=palette.RANGE, linestyle="--", linewidth=0.8)
    ax.set_title(f"{panel.title}\n{panel.subtitle}", fontsize=8)
    ax.set_xlim(0, 320)
    ax.set_ylim(-(rows - 0.5) * row_h, 40)
    ax.text(
        left + box_w / 2, 26, "in-house", ha="center", fontsize=7, color=palette.IN_HOUSE, fontweight="bold"
    )
    ax.text(right + box_w / 2, 26, "vendor", ha="center", fontsize=7, color=palette.INK, fontweight="bold")
    ax.axis("off")


def _figure(plt: Any, chart: Chart, width: float) -> Any:
    if isinstance(chart, SeamsChart):
        n = max(len(chart.panels), 1)
        rows = max((max(len(p.in_house), len(p.vendor)) for p in chart.panels), default=1)
        cols = min(n, 4)
        grid_rows = -(-n // cols)
        fig, axes = plt.subplots(
            grid_rows,
            cols,
            figsize=(width, (0.42 * rows + 1.2) * grid_rows * min(1.0, 4 / cols) + 0.4),
            squeeze=False,
        )
        flat = list(axes.flat)
        for ax, panel in zip(flat, chart.panels, strict=False):
            _seam_panel(ax, panel, rows)
        for ax in flat[len(chart.panels) :]:
            ax.axis("off")
        return fig
    if isinstance(chart, Figure):
        fig, axes = plt.subplots(
            1,
            len(chart.panels),
            figsize=(width, 0.5 * max(len(getattr(p, "rows", ())) for p in chart.panels) + 2.4),
            squeeze=False,
        )
        shared = len({p.series for p in chart.panels}) == 1
        for i, (ax, p) in enumerate(zip(axes[0], chart.panels, strict=True)):
            ax.set_title(p.title, fontsize=9)
            if isinstance(p, BarChart):
                _bars(ax, p, legend=not shared or i == len(chart.panels) - 1)
            else:
                _line(ax, p)
        fig.suptitle(chart.title, fontsize=10)
        return fig
    if isinstance(chart, BarChart):
        per_row = 0.36 + (0.16 * len(chart.series) if chart.mode == "grouped" else 0.16)
        legend_rows = -(-len(chart.series) // 3) if chart.series else 0
        fig, ax = plt.subplots(figsize=(width, per_row * len(chart.rows) + 1.1 + 0.18 * legend_rows))
        _bars(ax, chart)
    else:
        fig, ax = plt.subplots(figsize=(width, 3.4 + 0.18 * -(-len(chart.series) // 2)))
        _line(ax, chart)
    ax.set_title(chart.title, fontsize=9)
    return fig


def png(chart: Chart, width: float = DOCUMENT_WIDTH, dpi: int = DOCUMENT_DPI) -> bytes:
    """The chart as PNG bytes (the same spec gives the same bytes)."""
    plt = _pyplot()
    with plt.rc_context({"text.parse_math": False, "font.family": "DejaVu Sans"}):
        fig = _figure(plt, chart, width)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()
