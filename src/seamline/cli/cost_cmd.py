"""``seamline cost`` and ``seamline seams``: the cost of every engagement model, and where its seams fall."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seamline.cli.app import app, console, err_console, make_console, plain, print_json

if TYPE_CHECKING:
    from seamline.cost.overrides import CostOverrides
    from seamline.cost.seam_map import SeamMap
    from seamline.cost.simulate import CostComparison

SituationFile = Annotated[Path, typer.Argument(metavar="FILE", help="A situation file (YAML or JSON).")]
RatesFile = Annotated[
    Path | None,
    typer.Option(
        "--rates",
        help="A YAML/JSON file of overrides (rates, parameters, placement, pricing) on top "
        "of the situation's `costs:` block.",
    ),
]
KnowledgeDir = Annotated[
    Path | None,
    typer.Option(
        "--knowledge",
        help="A knowledge folder to use instead of the bundled one.",
        envvar="SEAMLINE_KNOWLEDGE",
    ),
]
ChartFile = Annotated[Path | None, typer.Option("--chart", help="Write a chart to OUT.svg or OUT.png.")]


def _load_rates(path: Path | None) -> CostOverrides | None:
    if path is None:
        return None
    from pydantic import ValidationError

    from seamline.cost.overrides import CostOverrides
    from seamline.errors import InputFileError, Problem
    from seamline.yamlio import read_data_file

    data = read_data_file(path)
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a mapping with keys such as rates, parameters, placement")
    data = data.get("costs", data) if set(data) == {"costs"} else data
    try:
        return CostOverrides.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                f"{path}: " + ".".join(str(p) for p in e["loc"]),
                "unknown key" if e["type"] == "extra_forbidden" else str(e["msg"]),
            )
            for e in exc.errors()
        ]
        raise InputFileError(f"{path}: invalid rates file", problems) from None


@app.command("cost")
def cost(
    file: SituationFile,
    months: Annotated[
        int | None,
        typer.Option(
            "--months",
            help="Horizon in months (default: the situation's "
            "costs.horizon_months, else work.duration_months).",
        ),
    ] = None,
    trials: Annotated[int, typer.Option("--trials", help="Monte Carlo trials.")] = 20_000,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed; the same seed gives the same figures.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    chart: ChartFile = None,
    rates: RatesFile = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Total cost of every engagement model over a horizon (cash paid and opportunity cost), next to each
    model's advice verdict: hidden costs, uncertainty, sensitivity."""
    from seamline.charts import check_path as check_chart_path
    from seamline.cost.plan import build_plan
    from seamline.cost.simulate import compare_costs
    from seamline.situation import load_situation

    if chart is not None:
        check_chart_path(chart)
    situation = load_situation(file)
    overrides = _load_rates(rates)
    plan = build_plan(
        situation,
        horizon_months=months,
        knowledge=knowledge,
        rates=overrides,
        where=str(file),
        rates_where=str(rates),
    )
    result = _simulate(plan, trials, seed, compare_costs)
    verdicts = model_verdicts(situation, knowledge)
    if chart is not None:
        _cost_chart(result, chart)
    if as_json:
        out = result.to_json()
        for mid, m in out["models"].items():
            m["verdict"] = verdicts.get(mid)
        print_json(out)
    else:
        _print_cost(result, situation.name, verdicts)
    if chart is not None:
        err_console.print(f"chart written to {chart}", markup=False)


def model_verdicts(situation: Any, knowledge: Path | None) -> dict[str, str]:
    """Each model's advice verdict (recommended, viable, not_advised) for the situation."""
    from seamline.advisor import advise
    from seamline.knowledge import load_knowledge

    rec = advise(situation, load_knowledge(knowledge), explain_changes=False)
    return {r.model: r.verdict for r in rec.ranking}


TABLE_WIDTH = 110  # the cost table needs this many columns; narrower terminals wrap it
VERDICT_STYLE = {"recommended": "bold green", "viable": "", "not_advised": "red"}


def _verdict(v: str | None) -> str:
    return (v or "-").replace("_", " ")


def _simulate(plan: Any, trials: int, seed: int | None, compare: Any) -> CostComparison:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} trials"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("simulate", total=trials)
        result: CostComparison = compare(
            plan, trials=trials, seed=seed, progress=lambda done, _total: bar.update(task, completed=done)
        )
        return result


SHAPES = {
    "time_and_materials": "T&M",
    "per_seat": "per seat",
    "fixed_bid": "fixed bids",
    "salary": "salaries",
    "subscription": "subscription",
    "retainer": "retainer",
}


def _money(v: float | None) -> str:
    if v is None:
        return "n/a"
    if abs(v) >= 1_000_000:
        return f"${v / 1_000_000:.2f}M"
    if abs(v) >= 1_000:
        return f"${v / 1_000:.1f}k"
    return f"${v:.0f}"


def _print_wide(renderable: Any) -> None:
    """Print a table at least TABLE_WIDTH wide, so no figure is cut short in a pipe or a narrow terminal."""
    if console.width >= TABLE_WIDTH:
        console.print(renderable)
        return
    wide = make_console(file=console.file, width=TABLE_WIDTH, no_color=console.no_color)
    wide.print(renderable)


def _print_cost(result: CostComparison, name: str, verdicts: dict[str, str]) -> None:
    from rich.table import Table

    from seamline.cost.components import COMPONENTS

    console.print(
        f"[bold]{plain(name)}[/]: cost over {result.horizon_months} months, {result.engineers} engineer(s), "
        f"{result.trials:,} trials, seed {result.seed}"
    )
    mk = result.markets
    origin = "your answer" if mk.given else f"defaults, {mk.source}; answer `market` to change them"
    console.print(f"markets: in-house {mk.in_house_name}, vendor {mk.vendor_name} ({origin})", markup=False)
    table = Table(show_edge=False, pad_edge=False, box=None)
    cols = ("model", "verdict", "pricing", "mean", "P10", "P90", "cash P50", "opport.", "$/eng-mo", "weeks")
    for col in (*cols, "P(min)"):
        table.add_column(col, justify="left" if col in cols[:3] else "right", no_wrap=True)
    for m in sorted(result.models.values(), key=lambda m: m.mean):
        verdict = verdicts.get(m.model_id)
        table.add_row(
            plain(m.short_name),
            f"[{VERDICT_STYLE.get(verdict or '', '')}]{plain(_verdict(verdict))}[/]"
            if VERDICT_STYLE.get(verdict or "")
            else plain(_verdict(verdict)),
            plain(SHAPES.get(m.shape, m.shape)),
            _money(m.mean),
            _money(m.p10),
            _money(m.p90),
            _money(m.cash.p50),
            _money(m.opportunity_mean),
            _money(m.cost_per_productive_engineer_month),
            f"{m.weeks_to_capacity:.1f}",
            f"{m.p_cheapest:.0%}",
        )
    _print_wide(table)
    console.print(cheapest_sentence(result, verdicts), markup=False)
    console.print(
        "[dim]pricing: "
        + "; ".join(f"{plain(m.short_name)} = {plain(m.variant_name)}" for m in result.models.values())
        + "[/]"
    )
    if result.service_units:
        u = result.service_units
        console.print(f"[dim]managed services priced per unit: {u['count']:,} {plain(u['kind'])}[/]")
    console.print(
        "[dim]verdict: the advice for this situation (seamline advise); cash: money paid (fees or salaries, "
        "hiring, ramp-up, coordination and leadership time, change requests); opport.: capacity missing or "
        "lost (start gap, churn, knowledge lost at the end); mean = cash + opportunity; $/eng-mo: cost per "
        "productive engineer-month; weeks: until the first productive capacity; P(min): probability of "
        "being the cheapest; seams per model: seamline seams.[/]"
    )
    models = list(result.models.values())
    comp = Table(title="mean cost by component", show_edge=False, pad_edge=False, box=None)
    comp.add_column("component", no_wrap=True)
    for m in models:
        comp.add_column(plain(m.short_name), justify="right", no_wrap=True)
    for c in COMPONENTS:
        if any(m.components[c] for m in models):
            comp.add_row(
                plain(c.replace("_", " ")),
                *(_money(m.components[c]) if m.components[c] else "-" for m in models),
            )
    console.print(comp)
    console.print("[bold]what moves the total most[/] (each input from low to high, others at likely):")
    for s in result.sensitivity[:8]:
        flag = " (your override)" if s.override else ""
        console.print(f"  {s.input:<34} {_money(s.swing):>8}  {s.model}  [{s.source}]{flag}", markup=False)
    if result.overrides:
        console.print("[bold]your overrides[/]:")
        for o in result.overrides:
            default = "new" if o.default is None else "/".join(f"{v:g}" for v in o.default)
            value = "/".join(f"{v:g}" for v in o.value)
            console.print(f"  {o.where}: {default} -> {value}", markup=False)
    console.print(
        "Figures are cited defaults (vendor claims or seamline assumptions); see "
        "`seamline knowledge validate` and docs/costs.md to override them.",
        style="dim",
    )


@app.command("seams")
def seams(
    file: SituationFile,
    chart: ChartFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the seam map as JSON.")] = False,
    rates: RatesFile = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Which roles sit in-house or at the vendor under each model, and the seams between them."""
    from seamline import charts
    from seamline.charts import check_path as check_chart_path
    from seamline.cost.seam_map import map_seams
    from seamline.seams import load_seams
    from seamline.situation import load_situation

    if chart is not None:
        check_chart_path(chart)
    situation = load_situation(file)
    seam_map = map_seams(situation, knowledge=knowledge, rates=_load_rates(rates), where=str(file))
    template = load_seams(knowledge).template(seam_map.template)
    if chart is not None:
        data = seam_map.to_json()
        data["roles"] = [{"id": r.id, "name": r.name} for r in template.roles]
        charts.to_file(charts.build.seams(data, list(seam_map.models), {}), chart)
    if as_json:
        print_json(seam_map.to_json())
    else:
        _print_seams(seam_map, template.name)
    if chart is not None:
        err_console.print(f"chart written to {chart}", markup=False)


def _cost_chart(result: CostComparison, path: Path) -> None:
    """Mean cost by component with each model's P10-P90 range, and the cumulative cost by month."""
    from seamline import charts

    data = charts.build.cost_json(result)
    names = {mid: m.name for mid, m in result.models.items()}
    bars = charts.build.cost_components(data, names)
    line = charts.build.cumulative(data, names)
    panels = (bars, line) if line is not None else (bars,)
    title = f"Cost of every engagement model over {result.horizon_months} months ({result.trials:,} trials)"
    charts.to_file(charts.Figure(id="cost", title=title, panels=panels), path)


def _print_seams(seam_map: SeamMap, template_name: str) -> None:
    console.print(
        f"[bold]Organisational seams[/] for {seam_map.engineers} engineer(s), roles of "
        f"{plain(template_name.lower())}; a seam is a coordination link that crosses the company boundary."
    )
    for mid, m in seam_map.models.items():
        h = seam_map.hours[mid]
        source = "your placement" if m.user_placement else m.placement_source
        console.print(
            f"\n[bold]{plain(mid)}[/]: {len(m.seams)} seam(s); in-house hours/week {h.total.likely:.1f} "
            f"({h.total.low:.1f}-{h.total.high:.1f}: management {h.management.likely:.1f}, "
            f"seams {h.coordination.likely:.1f})  [dim]placement: {plain(source)}[/]"
        )
        width = max((len(r) for r in (*m.roles_in_house, *m.roles_vendor)), default=10)
        rows = max(len(m.roles_in_house), len(m.roles_vendor))
        console.print(f"  {'in-house':<{width}}  |  vendor", markup=False)
        for i in range(rows):
            left = m.roles_in_house[i] if i < len(m.roles_in_house) else ""
            right = m.roles_vendor[i] if i < len(m.roles_vendor) else ""
            console.print(f"  {left:<{width}}  |  {right}", markup=False)
        if m.roles_missing:
            console.print(
                f"  [dim]not in your team, so not drawn in-house: {plain(', '.join(m.roles_missing))}[/]",
            )
        for s in m.seams:
            console.print(f"  [red]x[/] {plain(f'{s.from_role} -> {s.to_role}: {s.crosses}')}")


def cheapest_sentence(result: CostComparison, verdicts: dict[str, str]) -> str:
    """Which model is cheapest on average, never calling a not-advised model the best buy unqualified."""
    cheapest = result.models[result.cheapest()]
    advised = {mid for mid, v in verdicts.items() if v != "not_advised"}
    text = f"cheapest on average: {cheapest.name} ({_money(cheapest.mean)})"
    if verdicts.get(cheapest.model_id) == "not_advised":
        text += ", but it is not advised for this situation"
        if advised:
            best = result.models[result.cheapest(advised)]
            text += (
                f"; cheapest advised: {best.name} ({_money(best.mean)}, {_verdict(verdicts[best.model_id])})"
            )
    elif cheapest.model_id in verdicts:
        text += f", {_verdict(verdicts[cheapest.model_id])}"
    return text + "."
