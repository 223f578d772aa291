"""``seamline vendors score|compare``: vendor due diligence from vendor profiles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seamline.cli.app import app, console, plain, print_json
from seamline.cli.knowledge_cmd import KnowledgeDir
from seamline.files import write_atomic

if TYPE_CHECKING:
    from seamline.vendors import Comparison, Scorecard

vendors_app = typer.Typer(
    help="Score vendor profiles on the due-diligence questions and compare them side by side.",
    no_args_is_help=True,
)
app.add_typer(vendors_app, name="vendors")

GRADE_STYLE = {"strong": "green", "partial": "yellow", "weak": "red", "missing": "bold red"}
ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="The engagement model being bought (weights the questions)."),
]


def check_chart_path(chart: Path | None) -> None:
    from seamline.errors import InputFileError
    from seamline.vendors import CHART_SUFFIXES

    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise InputFileError(f"--chart {chart}: expected a file ending in {' or '.join(CHART_SUFFIXES)}")


@vendors_app.command("score")
def score(
    file: Annotated[Path, typer.Argument(help="A vendor profile (YAML or JSON).")],
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scorecard as JSON.")] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Grade one vendor's answers question by question, with the evidence used and the red flags."""
    from seamline.vendors import load_vendor, load_vendor_knowledge, score_vendor

    vk = load_vendor_knowledge(knowledge)
    card = score_vendor(load_vendor(file, vk), model, vk)
    if as_json:
        print_json(card.to_json())
        return
    print_scorecard(card)


def print_scorecard(card: Scorecard) -> None:
    from rich.table import Table

    target = f" for {plain(card.model)}" if card.model else ""
    console.print(f"[bold]{plain(card.vendor)}[/]{target}: score [bold]{card.score:g}[/]/100")
    table = Table(show_edge=False)
    for col in ("question", "grade", "weight", "evidence"):
        table.add_column(col)
    for q in card.questions:
        style = GRADE_STYLE[q.grade]
        table.add_row(
            plain(q.question),
            f"[{style}]{plain(q.grade)}[/]",
            f"{q.weight:g}",
            plain("; ".join(q.evidence) or "-"),
        )
    console.print(table)
    print_flags([card])


def print_flags(cards: list[Scorecard]) -> None:
    flagged = [c for c in cards if c.red_flags]
    if not flagged:
        console.print("no red flags")
        return
    console.print("[bold red]Red flags[/]")
    for c in flagged:
        for f in c.red_flags:
            console.print(f"  ! {c.vendor}: {f.text} [{f.source}]", markup=False)


@vendors_app.command("compare")
def compare(
    files: Annotated[list[Path], typer.Argument(help="Two or more vendor profiles.")],
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a chart (.svg or .png).")] = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Compare vendors side by side: grade per question, weighted score, red flags and a chart."""
    from seamline.vendors import compare_vendors, comparison_chart, load_vendor, load_vendor_knowledge

    check_chart_path(chart)
    vk = load_vendor_knowledge(knowledge)
    result = compare_vendors([load_vendor(f, vk) for f in files], model, vk)
    if chart is not None:
        write_atomic(chart, comparison_chart(result, chart.suffix.lower()))
    if as_json:
        print_json(result.to_json())
        return
    print_comparison(result)
    if chart is not None:
        console.print(f"chart written to {chart}", markup=False)


def print_comparison(result: Comparison) -> None:
    from rich.table import Table

    cards = list(result.cards)
    target = f" for {plain(result.model)}" if result.model else " (equal weights; --model to weigh by model)"
    console.print(f"[bold]Vendor comparison{target}[/]")
    table = Table(show_edge=False)
    table.add_column("question")
    for c in cards:
        table.add_column(plain(c.vendor))
    for i, q in enumerate(cards[0].questions):
        cells = [f"[{GRADE_STYLE[c.questions[i].grade]}]{plain(c.questions[i].grade)}[/]" for c in cards]
        table.add_row(plain(f"{q.id.replace('_', ' ')} (x{q.weight:g})"), *cells)
    table.add_row("[bold]score /100[/]", *(f"[bold]{c.score:g}[/]" for c in cards))
    table.add_row(
        "offers the model",
        *("-" if c.offers_model is None else "yes" if c.offers_model else "no" for c in cards),
    )
    table.add_row("red flags", *(str(len(c.red_flags)) for c in cards))
    console.print(table)
    ranking = result.ranking
    console.print(f"best: [bold]{plain(ranking[0].vendor)}[/] ({ranking[0].score:g}/100)")
    print_flags(ranking)
