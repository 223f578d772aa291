"""``seamline check | scan | eval-contracts``: which model a contract describes and what it lacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from seamline.cli.app import app, console, err_console

KnowledgeDir = Annotated[
    Path | None,
    typer.Option(
        "--knowledge",
        help="A knowledge folder to use instead of the bundled one.",
        envvar="SEAMLINE_KNOWLEDGE",
    ),
]
_MARK = {"present": "[green]present[/]", "weak": "[yellow]weak[/]", "missing": "[red]missing[/]"}


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="A contract or proposal: .pdf, .docx, .txt, .md or .html.")],
    claimed: Annotated[
        str | None,
        typer.Option(
            "--claimed", help="The model the document is sold as (a model id), if not in its title."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every checklist item, not only the ones that matter.")
    ] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Check which engagement model a document really describes, and which protections it has or lacks."""
    from seamline.contracts.check import check_contract

    report = check_contract(file, claimed=claimed, knowledge=knowledge)
    if as_json:
        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    _print_report(report.to_json(), show_all)


def _print_report(r: dict[str, Any], show_all: bool) -> None:
    det = r["detected"]
    console.print(f"[bold]{r['title'] or r['path']}[/]")
    claimed = r["claimed"] or "(none stated)"
    source = f" (from the {r['claimed_from']})" if r["claimed_from"] else ""
    console.print(f"claimed model:  {claimed}{source}")
    if det["model"]:
        console.print(
            f"detected model: [bold]{det['model']}[/] (confidence {det['confidence']:.2f}; {det['reason']})"
        )
        for ev in det["evidence"]:
            console.print(f"  [dim]@{ev['start']}-{ev['end']}[/] {_short(ev['text'])}", markup=True)
    else:
        console.print(f"detected model: none — {det['reason']}")
    if r["mislabel"]:
        console.print(f"[bold red]mislabel[/] {r['mislabel']['pattern']}: {r['mislabel']['text']}")
    console.print("findings:")
    for f in r["findings"]:
        if not show_all and not f["required_for_detected_model"] and f["status"] == "missing":
            continue
        need = " [bold](required)[/]" if f["required_for_detected_model"] else ""
        cuad = f" [dim]CUAD: {f['cuad']}[/]" if f["cuad"] else ""
        console.print(f"  {_MARK[f['status']]:>8} {f['item']}{need}{cuad}")
        for ev in f["evidence"][:1]:
            console.print(f"           [dim]@{ev['start']}-{ev['end']}[/] {_short(ev['text'])}")
        if f["status"] != "present" and f["required_for_detected_model"] and f["note"]:
            console.print(f"           {f['note']}", markup=False)
    if r["missing_for_detected_model"]:
        console.print(f"lacking for {det['model']}: {', '.join(r['missing_for_detected_model'])}")


def _short(text: str, n: int = 110) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


@app.command("scan")
def scan(
    directory: Annotated[Path, typer.Argument(help="A folder of documents (searched recursively).")],
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parallel worker processes.")] = 2,
    out: Annotated[
        Path, typer.Option("--out", help="JSON Lines output; files already in it are skipped.")
    ] = Path("results.jsonl"),
    claimed: Annotated[
        str | None, typer.Option("--claimed", help="Claimed model id for every document.")
    ] = None,
) -> None:
    """Check every document in a folder in parallel; resumable, and one bad file never stops the batch."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from seamline.contracts.scan import scan_folder

    with Progress(
        TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err_console
    ) as progress:
        task = progress.add_task("scan", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = scan_folder(directory, out, workers=workers, claimed=claimed, on_progress=tick)
    console.print(
        f"{summary.checked} checked, {summary.errors} errors, {summary.skipped} already in {out}; "
        f"results in {out}"
    )


@app.command("eval-contracts")
def eval_contracts(
    directory: Annotated[
        Path, typer.Argument(help="A labelled corpus with CUAD's layout: texts/ + labels.jsonl.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    include_training: Annotated[
        bool, typer.Option("--include-training", help="Also score contracts the classifier was trained on.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parallel worker processes.")] = 1,
) -> None:
    """Precision, recall and F1 of document-level presence per CUAD category, macro-F1 and throughput."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from seamline.contracts.evaluate import evaluate_corpus

    with Progress(
        TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), console=err_console
    ) as progress:
        task = progress.add_task("eval", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = evaluate_corpus(
            directory, include_training=include_training, workers=workers, on_progress=tick
        )
    if as_json:
        print(json.dumps(result, indent=2))
        return
    console.print(
        f"{result['documents']} contracts ({result['skipped_training']} training contracts left out), "
        f"{result['workers']} worker(s)"
    )
    console.print(f"{'category':32s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'support':>7s}")
    for name, c in result["categories"].items():
        console.print(f"{name:32s} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} {c['support']:7d}")
    console.print(f"macro-F1: {result['macro_f1']:.3f}")
    console.print(
        f"throughput: {result['docs_per_second']:.1f} contracts/second (whole pipeline, .txt to findings)"
    )
