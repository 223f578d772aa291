"""``seamline portfolio``: a model per workstream, cost and headcount by model, seams and warnings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seamline.cli.app import app, console, err_console, plain, print_json
from seamline.cli.knowledge_cmd import KnowledgeDir
from seamline.cli.vendors_cmd import check_chart_path
from seamline.files import write_atomic

if TYPE_CHECKING:
    from seamline.portfolio import PortfolioPlan


@app.command()
def portfolio(
    file: Annotated[Path, typer.Argument(help="A portfolio file: shared company facts and workstreams.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a chart (.svg or .png).")] = None,
    trials: Annotated[int | None, typer.Option("--trials", help="Monte Carlo draws per workstream.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed for the cost simulation.")] = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Give each workstream its own engagement model, total cost and headcount by model, show the seams
    per workstream and warn about the portfolio (one model for everything, core work under a fixed bid,
    managed services on product decisions, vendor concentration)."""
    from rich.progress import Progress

    from seamline.knowledge import load_knowledge
    from seamline.portfolio import load_portfolio, plan_portfolio, portfolio_chart

    check_chart_path(chart)
    kb = load_knowledge(knowledge)
    pf = load_portfolio(file, kb)
    with Progress(
        console=err_console, transient=True, disable=as_json and not err_console.is_terminal
    ) as bar:
        task = bar.add_task("planning workstreams", total=len(pf.workstreams))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"costing {plain(name)}")

        plan = plan_portfolio(pf, kb, trials=trials, seed=seed, on_step=step)
    if chart is not None:
        write_atomic(chart, portfolio_chart(plan, chart.suffix.lower()))
    if as_json:
        print_json(plan.to_json())
        return
    print_plan(plan)
    if chart is not None:
        console.print(f"chart written to {chart}", markup=False)


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def print_plan(plan: PortfolioPlan) -> None:
    from rich.table import Table

    console.print(f"[bold]{plain(plan.name)}[/] ({plain(plan.stage)}): {len(plan.workstreams)} workstreams")
    table = Table(show_edge=False)
    for col in ("workstream", "model", "engineers", "months", "expected cost", "seams"):
        table.add_column(col, justify="left" if col in ("workstream", "model") else "right")
    notes = []
    for w in plan.workstreams:
        if w.planned and w.planned != w.recommended:
            notes.append(
                f"{w.name}: planned {w.planned}; the advisor recommends {w.recommended or 'nothing'}"
            )
        table.add_row(
            plain(w.name),
            plain(w.model) if w.model else "[red]undetermined[/]",
            str(w.engineers),
            str(w.duration_months),
            _money(w.cost.mean if w.cost else None),
            str(len(w.seams)),
        )
    console.print(table)
    for note in notes:
        console.print(f"  ~ {note}", markup=False)

    totals = Table(title="By model", title_justify="left", show_edge=False)
    for col in ("model", "workstreams", "engineers", "expected cost"):
        totals.add_column(col, justify="right" if col in ("engineers", "expected cost") else "left")
    for m in plan.by_model:
        totals.add_row(plain(m.model), plain(", ".join(m.workstreams)), str(m.engineers), _money(m.cost_mean))
    totals.add_row("[bold]total[/]", "", str(plan.total_engineers), _money(plan.total_cost))
    console.print(totals)
    console.print("(costs: mean of the Monte Carlo totals over each workstream's duration)", style="dim")

    console.print("\n[bold]Seams per workstream[/]")
    for w in plan.workstreams:
        console.print(f"  {w.name} ({w.model or 'undetermined'}): {len(w.seams)}", markup=False)
        for s in w.seams:
            console.print(f"    - {s}", markup=False)
    if plan.vendor_share:
        basis = "expected cost" if plan.share_basis == "cost_mean" else "engineer-months"
        shares = ", ".join(f"{v} {s:.0%}" for v, s in plan.vendor_share.items())
        console.print(f"\nVendor share of spend ({basis}): {shares}", markup=False)
    if plan.warnings:
        console.print("\n[bold yellow]Warnings[/]")
        for x in plan.warnings:
            console.print(
                f"  ! {x.title} [{', '.join(x.workstreams)}]: {x.text} [{x.id} · {x.source}]", markup=False
            )
    else:
        console.print("\nno warnings")
