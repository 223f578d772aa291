"""Small inline SVG charts drawn from stored outputs (no JavaScript, no fetched assets).

Every label is escaped here; the templates mark the returned SVG safe. Each chart has a ``<title>`` and
the page shows the same figures in a table for screen readers.
"""

from __future__ import annotations

from html import escape
from typing import Any

PALETTE = ("#3b6ea8", "#d98c2b", "#5a9e6f", "#b5517a", "#7a68b3", "#c9a227", "#4fa3a5", "#8c6d4f", "#999999")
IN_HOUSE = "#3b6ea8"
VENDOR = "#d98c2b"
SEAM = "#c0392b"


def money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"${value / 1e6:.2f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:.0f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= value:
            return step * magnitude
    return value


def cost_chart(cost: dict[str, Any], names: dict[str, str], uid: str = "cost") -> str:
    """Per model: stacked mean components as a bar, with the P10-P90 range and P50 drawn over it."""
    models = list(cost["models"].items())
    comps: list[str] = []
    for _, m in models:
        for k, v in m["components"].items():
            if v and k not in comps:
                comps.append(k)
    label_w, width, row_h, top = 170, 720, 34, 30
    plot_w = width - label_w - 20
    xmax = _nice_max(max(max(m["p90"], sum(m["components"].values())) for _, m in models))
    parts = [
        f'<title id="{uid}-title">Total cost over {cost["horizon_months"]} months: mean by component, '
        "P10 to P90 range</title>",
    ]
    for i in range(5):
        x = label_w + plot_w * i / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{top + row_h * len(models)}" '
            'stroke="#e3e6ea"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 12}" class="axis" text-anchor="middle">'
            f"{escape(money(xmax * i / 4))}</text>"
        )
    for row, (mid, m) in enumerate(models):
        y = top + row * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" class="label">'
            f"{escape(names.get(mid, mid))}</text>"
        )
        x = float(label_w)
        for k, comp in enumerate(comps):
            v = m["components"].get(comp, 0.0)
            if v <= 0:
                continue
            w = plot_w * v / xmax
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 8}" width="{w:.1f}" height="{row_h - 16}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(comp.replace("_", " "))}: '
                f"{escape(money(v))}</title></rect>"
            )
            x += w
        x10, x90 = label_w + plot_w * m["p10"] / xmax, label_w + plot_w * m["p90"] / xmax
        x50 = label_w + plot_w * m["p50"] / xmax
        yc = y + row_h / 2
        parts.append(
            f'<line x1="{x10:.1f}" y1="{yc:.1f}" x2="{x90:.1f}" y2="{yc:.1f}" stroke="#222" '
            'stroke-width="2"/>'
        )
        for xx in (x10, x90):
            parts.append(
                f'<line x1="{xx:.1f}" y1="{yc - 7:.1f}" x2="{xx:.1f}" y2="{yc + 7:.1f}" stroke="#222" '
                'stroke-width="2"/>'
            )
        parts.append(
            f'<circle cx="{x50:.1f}" cy="{yc:.1f}" r="4" fill="#fff" stroke="#222" stroke-width="2">'
            f"<title>P10 {escape(money(m['p10']))}, P50 {escape(money(m['p50']))}, "
            f"P90 {escape(money(m['p90']))}</title></circle>"
        )
    ly = top + row_h * len(models) + 22
    lx = 10.0
    for k, comp in enumerate(comps):
        label = comp.replace("_", " ")
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
        )
        parts.append(f'<text x="{lx + 16:.1f}" y="{ly}" class="axis">{escape(label)}</text>')
        lx += 24 + 6.5 * len(label)
        if lx > width - 120:
            lx, ly = 10.0, ly + 18
    parts.append(
        f'<text x="10" y="{ly + 26}" class="axis">Bars: mean cost by component. '
        "Black line: P10 to P90; circle: P50.</text>"
    )
    height = ly + 36
    head = f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-title">'
    return head + "".join(parts) + "</svg>"


def cumulative_chart(cost: dict[str, Any], names: dict[str, str]) -> str:
    """Cumulative cost by month at the likely values, one line per model."""
    series = cost.get("cumulative") or {}
    if not series:
        return ""
    months = max(len(s) for s in series.values())
    width, height, left, top, bottom = 720, 320, 70, 20, 40
    plot_w, plot_h = width - left - 190, height - top - bottom
    ymax = _nice_max(max(max(s) if s else 0 for s in series.values()))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="cum-title">',
        '<title id="cum-title">Cumulative cost by month at the likely values</title>',
    ]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
            f"{escape(money(ymax * i / 4))}</text>"
        )

    def px(month: int) -> float:
        return left + (plot_w * (month - 1) / (months - 1) if months > 1 else plot_w / 2)

    for month in sorted({1, months, *range(1, months + 1, max(1, months // 6))}):
        parts.append(
            f'<text x="{px(month):.1f}" y="{top + plot_h + 18}" text-anchor="middle" class="axis">'
            f"{month}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" class="axis">month</text>'
    )
    for k, (mid, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        pts = " ".join(
            f"{px(i + 1):.1f},{top + plot_h - plot_h * v / ymax:.1f}" for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5">'
            f"<title>{escape(names.get(mid, mid))}</title></polyline>"
        )
        ly = top + 14 + k * 20
        parts.append(f'<rect x="{left + plot_w + 16}" y="{ly - 10}" width="14" height="4" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + plot_w + 36}" y="{ly - 4}" class="axis">{escape(names.get(mid, mid))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def seams_diagram(model_id: str, model: dict[str, Any], role_names: dict[str, str]) -> str:
    """One model's roles, in-house on the left and vendor on the right, seams as red arrows."""
    left_roles = list(model["roles_in_house"])
    right_roles = list(model["roles_vendor"])
    rows = max(len(left_roles), len(right_roles), 1)
    width, row_h, top = 340, 34, 34
    height = top + rows * row_h + 10
    pos: dict[str, tuple[float, float, str]] = {}
    label_id = f"seam-{escape(model_id)}"
    parts = [
        f'<svg class="seams" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{label_id}">',
        f'<title id="{label_id}">{len(model["seams"])} seam(s) cross the company boundary</title>',
        f'<text x="80" y="18" text-anchor="middle" class="axis" fill="{IN_HOUSE}">in-house</text>',
        f'<text x="260" y="18" text-anchor="middle" class="axis" fill="{VENDOR}">vendor</text>',
        f'<line x1="170" y1="24" x2="170" y2="{height - 4}" stroke="#999" stroke-dasharray="4 4"/>',
    ]
    for side, roles, x, colour in (("l", left_roles, 80, IN_HOUSE), ("r", right_roles, 260, VENDOR)):
        for i, role in enumerate(roles):
            y = top + i * row_h + row_h / 2
            pos[role] = (x, y, side)
            label = role_names.get(role, role.replace("_", " "))
            parts.append(
                f'<rect x="{x - 72}" y="{y - 12:.1f}" width="144" height="24" rx="6" fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x}" y="{y + 4:.1f}" text-anchor="middle" class="role">{escape(label[:22])}</text>'
            )
    for s in model["seams"]:
        a, b = pos.get(s["in_house_role"]), pos.get(s["vendor_role"])
        if a and b:
            parts.append(
                f'<line x1="{a[0] + 72}" y1="{a[1]:.1f}" x2="{b[0] - 72}" y2="{b[1]:.1f}" '
                f'stroke="{SEAM}" stroke-width="2.5"><title>{escape(s["link"].replace("_", " "))}'
                "</title></line>"
            )
    parts.append("</svg>")
    return "".join(parts)
