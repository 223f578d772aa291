"""Charts of a cost comparison and a seam map (Matplotlib, Agg backend, imported lazily).

The format follows the output file's suffix (.svg or .png); the file is written to a temporary name in
the same folder and renamed, so a failed run never leaves a partial chart.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from seamline.errors import InputFileError

if TYPE_CHECKING:
    from seamline.cost.seam_map import SeamMap
    from seamline.cost.simulate import CostComparison

FORMATS = (".svg", ".png")
IN_HOUSE_COLOUR = "#3b6ea8"
VENDOR_COLOUR = "#d98c2b"
SEAM_COLOUR = "#c0392b"


def check_chart_path(path: str | Path, option: str = "--chart") -> Path:
    """Refuse an output path with another suffix or a missing folder, before any work is done."""
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise InputFileError(f"{option}: {p}: expected a file name ending in .svg or .png")
    if not p.parent.is_dir():
        raise InputFileError(f"{option}: {p.parent}: no such folder")
    return p


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    import io

    from seamline.files import write_atomic

    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix.lower().lstrip("."), dpi=120, bbox_inches="tight")
    write_atomic(path, buffer.getvalue())


def cost_chart(result: CostComparison, path: str | Path) -> Path:
    """Stacked mean components per model, P10-P90 ranges, and cumulative cost by month."""
    from seamline.cost.components import COMPONENTS

    out = check_chart_path(path)
    plt = _pyplot()
    models = list(result.models.values())
    labels = [m.model_id.replace("_", "\n") for m in models]
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda v, _pos: f"${v / 1e6:.1f}M" if abs(v) >= 1e6 else f"${v / 1e3:.0f}k")
    fig, axes = plt.subplots(1, 3, figsize=(18, 6))
    axes[0].yaxis.set_major_formatter(money)
    axes[1].xaxis.set_major_formatter(money)
    axes[2].yaxis.set_major_formatter(money)
    ax = axes[0]
    bottom = [0.0] * len(models)
    colours = plt.get_cmap("tab10")
    for k, comp in enumerate(COMPONENTS):
        values = [m.components[comp] for m in models]
        if not any(values):
            continue
        ax.bar(labels, values, bottom=bottom, label=comp.replace("_", " "), color=colours(k % 10))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(f"Mean cost by component over {result.horizon_months} months")
    ax.set_ylabel("USD")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax = axes[1]
    for i, m in enumerate(models):
        ax.plot([m.p10, m.p90], [i, i], color="#555555", linewidth=6, solid_capstyle="butt", alpha=0.5)
        ax.plot([m.p50], [i], "k|", markersize=14)
        ax.plot([m.mean], [i], "o", color=SEAM_COLOUR)
    ax.set_yticks(range(len(models)), [m.model_id for m in models], fontsize=8)
    ax.invert_yaxis()
    ax.set_title(f"P10-P90 of total cost ({result.trials:,} trials; | P50, o mean)")
    ax.set_xlabel("USD")
    ax = axes[2]
    months = list(range(1, result.horizon_months + 1))
    for mid, series in result.cumulative.items():
        ax.plot(months, series, label=mid, marker="." if len(months) < 30 else None)
    ax.set_title("Cumulative cost at likely values")
    ax.set_xlabel("month")
    ax.set_ylabel("USD")
    ax.legend(fontsize=8)
    fig.tight_layout()
    _save(fig, out)
    plt.close(fig)
    return out


def seams_chart(
    seam_map: SeamMap, path: str | Path, roles: tuple[str, ...], links: tuple[tuple[str, str], ...] = ()
) -> Path:
    """One panel per model: in-house roles left, vendor roles right, coordination links grey, seams red."""
    out = check_chart_path(path)
    plt = _pyplot()
    models = list(seam_map.models.values())
    cols = 4
    rows = (len(models) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 4.2 * rows))
    flat_axes = list(axes.flat)
    for ax, m in zip(flat_axes, models, strict=False):
        pos = {}
        for i, role in enumerate(roles):
            side = m.placement.get(role, "none")
            if side == "none":
                continue
            x = 0.0 if side == "in_house" else 1.0
            pos[role] = (x, -i)
            colour = IN_HOUSE_COLOUR if side == "in_house" else VENDOR_COLOUR
            ax.text(
                x,
                -i,
                role.replace("_", " "),
                ha="center",
                va="center",
                fontsize=8,
                color="white",
                bbox={"boxstyle": "round", "facecolor": colour, "edgecolor": colour},
            )
        crossing = {(s.from_role, s.to_role) for s in m.seams}
        for a, b in links:
            if a in pos and b in pos and (a, b) not in crossing and pos[a][0] == pos[b][0]:
                (x0, y0), (x1, y1) = pos[a], pos[b]
                ax.annotate(
                    "",
                    xy=(x1 + 0.15, y1),
                    xytext=(x0 + 0.15, y0),
                    arrowprops={"arrowstyle": "->", "color": "#bbbbbb", "connectionstyle": "arc3,rad=-0.3"},
                )
        for s in m.seams:
            (x0, y0), (x1, y1) = pos[s.from_role], pos[s.to_role]
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={"arrowstyle": "->", "color": SEAM_COLOUR, "linewidth": 2},
            )
        ax.axvline(0.5, color="#999999", linestyle="--", linewidth=1)
        hours = seam_map.hours[m.model_id].total.likely
        ax.set_title(f"{m.model_id}\n{len(m.seams)} seam(s), ~{hours:.1f} h/week in-house", fontsize=9)
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylim(-len(roles) + 0.4, 0.8)
        ax.text(0.0, 0.6, "in-house", ha="center", fontsize=8, color=IN_HOUSE_COLOUR)
        ax.text(1.0, 0.6, "vendor", ha="center", fontsize=8, color=VENDOR_COLOUR)
        ax.axis("off")
    for ax in flat_axes[len(models) :]:
        ax.axis("off")
    fig.suptitle("Organisational seams (red arrows cross the company boundary)")
    fig.tight_layout()
    _save(fig, out)
    plt.close(fig)
    return out
