"""The document's charts as PNG bytes, sized for a page (Matplotlib, Agg backend, imported lazily).

Every chart is drawn from the document's own values, so the same document always gives the same bytes.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec

if TYPE_CHECKING:
    from seamline.cost.seam_map import SeamMap
    from seamline.cost.simulate import CostComparison

DPI = 150
WIDTH = 7.0  # inches: the text width of an A4 page with 2 cm margins, a little less
IN_HOUSE_COLOUR = "#3b6ea8"
VENDOR_COLOUR = "#d98c2b"
SEAM_COLOUR = "#c0392b"
HIGHLIGHT = "#2e7d32"
RANGE_COLOUR = "#8a8a8a"
P = ParamSpec("P")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _as_written(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Draw with mathtext off, so a ``$`` in a model or role name is a dollar sign, never a formula (nor
    a parse error that would stop the document)."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with _pyplot().rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


def _png(fig: Any) -> bytes:
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _money(value: float, _pos: Any = None) -> str:
    if abs(value) >= 1e6:
        return f"${value / 1e6:.1f}M"
    return f"${value / 1e3:.0f}k"


@_as_written
def cost_range_png(result: CostComparison, highlight: str | None) -> bytes:
    """P10-P90 bar of total cost per model, P50 tick and mean dot; the recommended model in green."""
    from matplotlib.ticker import FuncFormatter

    plt = _pyplot()
    models = sorted(result.models.values(), key=lambda m: m.mean)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(models) + 1.2))
    for i, m in enumerate(models):
        colour = HIGHLIGHT if m.model_id == highlight else RANGE_COLOUR
        ax.plot([m.p10, m.p90], [i, i], color=colour, linewidth=9, solid_capstyle="butt", alpha=0.55)
        ax.plot([m.p50], [i], "|", color="black", markersize=15)
        ax.plot([m.mean], [i], "o", color=SEAM_COLOUR, markersize=5)
    ax.set_yticks(range(len(models)), [m.name for m in models], fontsize=9)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_xlabel("total cost over the horizon (USD)", fontsize=9)
    ax.set_title(
        f"P10-P90 of total cost over {result.horizon_months} months "
        f"({result.trials:,} trials, seed {result.seed}; | P50, o mean)",
        fontsize=9,
    )
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    fig.tight_layout()
    return _png(fig)


@_as_written
def cost_components_png(result: CostComparison) -> bytes:
    """Mean cost per model split into its components (stacked horizontal bars)."""
    from matplotlib.ticker import FuncFormatter

    from seamline.cost.components import COMPONENTS

    plt = _pyplot()
    models = sorted(result.models.values(), key=lambda m: m.mean)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(models) + 1.6))
    left = [0.0] * len(models)
    colours = plt.get_cmap("tab10")
    ys = list(range(len(models)))
    for k, comp in enumerate(COMPONENTS):
        values = [m.components.get(comp, 0.0) for m in models]
        if not any(values):
            continue
        ax.barh(ys, values, left=left, color=colours(k % 10), label=comp.replace("_", " "), height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(ys, [m.name for m in models], fontsize=9)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(_money))
    ax.set_title(f"Mean cost by component over {result.horizon_months} months", fontsize=9)
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    fig.tight_layout()
    return _png(fig)


@_as_written
def seams_png(
    seam_map: SeamMap, model_ids: Sequence[str], roles: Sequence[tuple[str, str]], names: dict[str, str]
) -> bytes:
    """One panel per model: in-house roles left, vendor roles right, seams as red arrows across."""
    plt = _pyplot()
    panels = [seam_map.models[mid] for mid in model_ids if mid in seam_map.models]
    fig, axes = plt.subplots(1, len(panels), figsize=(WIDTH, 3.4), squeeze=False)
    for ax, m in zip(axes[0], panels, strict=True):
        pos: dict[str, tuple[float, float]] = {}
        for i, (role, role_name) in enumerate(roles):
            side = m.placement.get(role, "none")
            if side == "none":
                continue
            x = 0.0 if side == "in_house" else 1.0
            pos[role] = (x, -i)
            colour = IN_HOUSE_COLOUR if side == "in_house" else VENDOR_COLOUR
            box = {"boxstyle": "round", "facecolor": colour, "edgecolor": colour}
            ax.text(x, -i, role_name, ha="center", va="center", fontsize=6.5, color="white", bbox=box)
        for s in m.seams:
            if s.from_role in pos and s.to_role in pos:
                (x0, y0), (x1, y1) = pos[s.from_role], pos[s.to_role]
                arrow = {
                    "arrowstyle": "->",
                    "color": SEAM_COLOUR,
                    "linewidth": 1.4,
                    "shrinkA": 14,
                    "shrinkB": 14,
                }
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=arrow)
        ax.axvline(0.5, color="#999999", linestyle="--", linewidth=0.8)
        hours = seam_map.hours[m.model_id].total.likely
        ax.set_title(
            f"{names.get(m.model_id, m.model_id)}\n{len(m.seams)} seam(s), ~{hours:.0f} h/week in-house",
            fontsize=8,
        )
        ax.set_xlim(-0.75, 1.75)
        ax.set_ylim(-len(roles) + 0.4, 0.9)
        ax.text(0.0, 0.7, "in-house", ha="center", fontsize=7, color=IN_HOUSE_COLOUR)
        ax.text(1.0, 0.7, "vendor", ha="center", fontsize=7, color=VENDOR_COLOUR)
        ax.axis("off")
    fig.tight_layout()
    return _png(fig)
