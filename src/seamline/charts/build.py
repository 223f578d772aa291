"""Domain data to chart specs: each chart of seamline described once, for every surface.

The cost and seams builders read the public JSON shapes (``CostComparison.to_json()`` with
``cumulative``, ``SeamMap.to_json()`` with ``roles``), which is what a saved decision stores, so a page
drawn from a stored decision and a document drawn from a fresh run give the same chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from seamline.charts import palette
from seamline.charts.format import money
from seamline.charts.spec import (
    BarChart,
    Figure,
    LineChart,
    Range,
    Role,
    Row,
    SeamPanel,
    SeamsChart,
    Series,
    Unit,
)

if TYPE_CHECKING:
    from seamline.portfolio import PortfolioPlan
    from seamline.vendors import Comparison


def _label(key: str) -> str:
    return key.replace("_", " ")


def _order(models: Mapping[str, Any], order: Sequence[str] | None) -> list[str]:
    if order is None:
        return sorted(models, key=lambda mid: (models[mid]["mean"], mid))
    return [mid for mid in order if mid in models] + [mid for mid in models if mid not in order]


def _name(mid: str, names: Mapping[str, str], m: Mapping[str, Any]) -> str:
    return names.get(mid) or m.get("name") or _label(mid)


def cost_components(
    cost: Mapping[str, Any],
    names: Mapping[str, str],
    order: Sequence[str] | None = None,
    highlight: str | None = None,
) -> BarChart:
    """Mean cost per model split into components (stacked), with the P10-P90 range under each bar."""
    models = cost["models"]
    ids = _order(models, order)
    keys = [k for k in palette.COMPONENT_COLOURS if any(models[mid]["components"].get(k) for mid in ids)]
    keys += sorted({k for mid in ids for k, v in models[mid]["components"].items() if v} - set(keys))
    series = []
    for i, k in enumerate(keys):
        colour, hatched = palette.component_colour(k, i)
        series.append(Series(k, _label(k) + (" (opportunity)" if hatched else ""), colour, hatched))
    rows = tuple(
        Row(
            label=_name(mid, names, models[mid]),
            values=tuple(float(models[mid]["components"].get(k, 0.0)) for k in keys),
            range=Range(models[mid]["p10"], models[mid]["p50"], models[mid]["p90"], models[mid]["mean"]),
            highlight=mid == highlight,
            note=f"mean {money(models[mid]['mean'])}",
        )
        for mid in ids
    )
    return BarChart(
        id="cost_components",
        title=f"Total cost over {cost['horizon_months']} months: mean by component, P10 to P90",
        unit="money",
        series=tuple(series),
        rows=rows,
        axis_label="total cost over the horizon (USD)",
        key="Bars: mean cost by component (hatched: opportunity cost). Line under each bar: P10 to P90; "
        "circle: P50.",
    )


def cost_range(
    cost: Mapping[str, Any],
    names: Mapping[str, str],
    order: Sequence[str] | None = None,
    highlight: str | None = None,
) -> BarChart:
    """P10-P90 of total cost per model, the median and the mean; the recommended model highlighted."""
    models = cost["models"]
    rows = tuple(
        Row(
            label=_name(mid, names, models[mid]),
            range=Range(models[mid]["p10"], models[mid]["p50"], models[mid]["p90"], models[mid]["mean"]),
            highlight=mid == highlight,
            note=f"P50 {money(models[mid]['p50'])}",
        )
        for mid in _order(models, order)
    )
    return BarChart(
        id="cost_range",
        title=f"P10 to P90 of total cost over {cost['horizon_months']} months "
        f"({cost['trials']:,} trials, seed {cost['seed']})",
        unit="money",
        series=(),
        rows=rows,
        axis_label="total cost over the horizon (USD)",
        key="Bar: P10 to P90 (green: the recommended model); black tick: P50; red dot: mean.",
    )


def cumulative(cost: Mapping[str, Any], names: Mapping[str, str]) -> LineChart | None:
    """Cumulative cost by month at the likely values, one line per model (None without the series)."""
    data = cost.get("cumulative") or {}
    if not data:
        return None
    models = cost.get("models", {})
    series = tuple(
        Series(
            mid, _name(mid, names, models.get(mid, {})), palette.series_colour(i), dash=palette.series_dash(i)
        )
        for i, mid in enumerate(data)
    )
    return LineChart(
        id="cumulative",
        title="Cumulative cost by month at the likely values",
        unit="money",
        series=series,
        values=tuple(tuple(float(v) for v in data[mid]) for mid in data),
        key="One line per model; the cost paid up to each month at the likely value of every input.",
    )


def cost_json(result: Any) -> dict[str, Any]:
    """A ``CostComparison`` in the shape the builders read (its JSON with the cumulative series)."""
    out: dict[str, Any] = result.to_json()
    out["cumulative"] = {mid: list(s) for mid, s in result.cumulative.items()}
    return out


def seam_panel(
    model_id: str, model: Mapping[str, Any], role_names: Mapping[str, str], name: str | None = None
) -> SeamPanel:
    """One model of a seam map's JSON: its roles on each side and the seams between them."""
    missing = set(model.get("roles_missing", ()))
    count = len(model["seams"])
    hours = model.get("management_hours_per_week", {}).get("total", {}).get("likely")
    subtitle = f"{count} seam{'s' if count != 1 else ''}"
    if hours is not None:
        subtitle += f", about {hours:.1f} h/week in-house"

    def role(r: str) -> Role:
        return Role(r, role_names.get(r, _label(r)), r in missing)

    return SeamPanel(
        id=model_id,
        title=name or _label(model_id),
        subtitle=subtitle,
        in_house=tuple(role(r) for r in model["roles_in_house"]),
        vendor=tuple(role(r) for r in model["roles_vendor"]),
        seams=tuple((s["in_house_role"], s["vendor_role"], _label(s["link"])) for s in model["seams"]),
    )


def seams(
    seam_json: Mapping[str, Any],
    model_ids: Iterable[str],
    names: Mapping[str, str],
    role_names: Mapping[str, str] | None = None,
) -> SeamsChart:
    """A seam map's JSON (with ``roles``) as one panel per model in ``model_ids``."""
    roles = role_names or {r["id"]: r["name"] for r in seam_json.get("roles", [])}
    panels = tuple(
        seam_panel(mid, seam_json["models"][mid], roles, names.get(mid))
        for mid in model_ids
        if mid in seam_json["models"]
    )
    return SeamsChart(
        id="seams",
        title="Organisational seams: coordination that crosses the company boundary",
        panels=panels,
    )


def vendor_comparison(comparison: Comparison) -> BarChart:
    """Grade points per due-diligence question, one bar per vendor; the weighted score in the legend."""
    cards = comparison.cards
    questions = cards[0].questions if cards else ()
    series = tuple(
        Series(
            card.vendor,
            f"{card.vendor} ({card.score:g}/100, {len(card.red_flags)} red flag"
            f"{'s' if len(card.red_flags) != 1 else ''})",
            palette.series_colour(i),
            dash=palette.series_dash(i),
        )
        for i, card in enumerate(cards)
    )
    rows = tuple(
        Row(
            label=_label(q.id),
            values=tuple(
                float(next((p.points for p in card.questions if p.id == q.id), 0.0)) for card in cards
            ),
        )
        for q in questions
    )
    model = f" for {_label(comparison.model)}" if comparison.model else ""
    return BarChart(
        id="vendor_comparison",
        title=f"Vendor due diligence{model}",
        unit="points",
        series=series,
        rows=rows,
        mode="grouped",
        xmax=1.0,
        axis_label="grade points (1 = figure and process, 0 = no answer)",
        key="One bar per vendor for each question; longer is better.",
    )


def portfolio(plan: PortfolioPlan) -> Figure:
    """Headcount by model and expected cost by model, each bar split by workstream."""
    models = [m.model for m in plan.by_model]
    streams = [w for w in plan.workstreams if w.model is not None]
    series = tuple(
        Series(w.name, w.name, palette.series_colour(i), dash=palette.series_dash(i))
        for i, w in enumerate(streams)
    )

    def panel(what: str) -> BarChart:
        rows = []
        for mid in models:
            values = tuple(
                (float(w.engineers) if what == "engineers" else (w.cost.mean if w.cost else 0.0))
                if w.model == mid
                else 0.0
                for w in streams
            )
            total = sum(values)
            rows.append(
                Row(
                    label=_label(mid),
                    values=values,
                    note=f"{total:g} engineer{'s' if total != 1 else ''}"
                    if what == "engineers"
                    else money(total),
                )
            )
        return BarChart(
            id=f"portfolio_{what}",
            title="Engineers by model" if what == "engineers" else "Expected cost by model",
            unit="count" if what == "engineers" else "money",
            series=series,
            rows=tuple(rows),
            axis_label="engineers" if what == "engineers" else "expected cost (USD)",
            key="Each bar is split by workstream.",
        )

    return Figure(
        id="portfolio",
        title=f"{plan.name} ({_label(plan.stage)}): a model per workstream",
        panels=(panel("engineers"), panel("cost")),
    )


def bars(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float]],
    unit: str = "count",
    axis_label: str = "",
    colour: str = palette.BLUE,
) -> BarChart:
    """One plain bar per (label, value), in the order given: counts of documents, vendors by exposure."""
    series = (Series(chart_id, axis_label or title, colour),)
    kind: Unit = "money" if unit == "money" else "count"
    return BarChart(
        id=chart_id,
        title=title,
        unit=kind,
        series=series,
        rows=tuple(
            Row(label=label, values=(float(v),), note=f"{v:,.0f}" if kind == "count" else money(v))
            for label, v in rows
        ),
        axis_label=axis_label,
    )
