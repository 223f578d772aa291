"""``seamline cost`` and ``seamline seams``: the cost of every engagement model, and where its seams fall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seamline.cli.app import app, console, err_console

if TYPE_CHECKING:
    from seamline.cost.overrides import CostOverrides
    from seamline.cost.simulate import CostComparison
    from seamline.seams import SeamMap

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
    """Total cost of every engagement model over a horizon: hidden costs, uncertainty, sensitivity."""
    from seamline.cost.charts import check_chart_path, cost_chart
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
    if chart is not None:
        cost_chart(result, chart)
    if as_json:
        console.print_json(json.dumps(result.to_json()))
    else:
        _print_cost(result, situation.name)
    if chart is not None:
        err_console.print(f"chart written to {chart}", markup=False)


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


def _print_cost(result: CostComparison, name: str) -> None:
    from rich.table import Table

    from seamline.cost.components import COMPONENTS

    console.print(
        f"[bold]{name}[/]: cost over {result.horizon_months} months, {result.engineers} engineer(s), "
        f"{result.trials:,} trials, seed {result.seed}"
    )
    table = Table(show_edge=False, pad_edge=False, box=None)
    for col in ("model", "pricing", "mean", "P10", "P90", "$/eng-mo", "weeks", "P(min)", "seams"):
        table.add_column(col, justify="left" if col in ("model", "pricing") else "right", no_wrap=True)
    for m in sorted(result.models.values(), key=lambda m: m.mean):
        table.add_row(
            m.short_name,
            SHAPES.get(m.shape, m.shape),
            _money(m.mean),
            _money(m.p10),
            _money(m.p90),
            _money(m.cost_per_productive_engineer_month),
            f"{m.weeks_to_capacity:.1f}",
            f"{m.p_cheapest:.0%}",
            str(m.seams),
        )
    console.print(table)
    console.print(
        "[dim]pricing: "
        + "; ".join(f"{m.short_name} = {m.variant_name}" for m in result.models.values())
        + "[/]"
    )
    console.print(
        "[dim]$/eng-mo: cost per productive engineer-month; weeks: until the first productive capacity; "
        "P(min): probability of being the cheapest.[/]"
    )
    models = list(result.models.values())
    comp = Table(title="mean cost by component", show_edge=False, pad_edge=False, box=None)
    comp.add_column("component", no_wrap=True)
    for m in models:
        comp.add_column(m.short_name, justify="right", no_wrap=True)
    for c in COMPONENTS:
        if any(m.components[c] for m in models):
            comp.add_row(
                c.replace("_", " "), *(_money(m.components[c]) if m.components[c] else "-" for m in models)
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
    from seamline.cost.charts import check_chart_path, seams_chart
    from seamline.seams import load_seams, map_seams
    from seamline.situation import load_situation

    if chart is not None:
        check_chart_path(chart)
    situation = load_situation(file)
    seam_map = map_seams(situation, knowledge=knowledge, rates=_load_rates(rates), where=str(file))
    seams_kb = load_seams(knowledge)
    if chart is not None:
        links = tuple((link.from_role, link.to) for link in seams_kb.coordination)
        seams_chart(seam_map, chart, seams_kb.role_ids, links)
    if as_json:
        console.print_json(json.dumps(seam_map.to_json()))
    else:
        _print_seams(seam_map)
    if chart is not None:
        err_console.print(f"chart written to {chart}", markup=False)


def _print_seams(seam_map: SeamMap) -> None:
    console.print(
        f"[bold]Organisational seams[/] for {seam_map.engineers} engineer(s); "
        "a seam is a coordination link that crosses the company boundary."
    )
    for mid, m in seam_map.models.items():
        h = seam_map.hours[mid]
        source = "your placement" if m.user_placement else m.placement_source
        console.print(
            f"\n[bold]{mid}[/]: {len(m.seams)} seam(s); in-house hours/week {h.total.likely:.1f} "
            f"({h.total.low:.1f}-{h.total.high:.1f}: management {h.management.likely:.1f}, "
            f"seams {h.coordination.likely:.1f})  [dim]placement: {source}[/]"
        )
        width = max((len(r) for r in (*m.roles_in_house, *m.roles_vendor)), default=10)
        rows = max(len(m.roles_in_house), len(m.roles_vendor))
        console.print(f"  {'in-house':<{width}}  |  vendor", markup=False)
        for i in range(rows):
            left = m.roles_in_house[i] if i < len(m.roles_in_house) else ""
            right = m.roles_vendor[i] if i < len(m.roles_vendor) else ""
            console.print(f"  {left:<{width}}  |  {right}", markup=False)
        for s in m.seams:
            console.print(f"  [red]x[/] {s.from_role} -> {s.to_role}: {s.crosses}")
