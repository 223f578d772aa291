"""``seamline check | scan | eval-contracts | eval-engagements``: which model a contract describes, what it
lacks, and how well both are measured."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from seamline.cli.app import app, console, err_console, plain, print_json

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
        print_json(report.to_json())
        return
    _print_report(report.to_json(), show_all)


def _print_report(r: dict[str, Any], show_all: bool) -> None:
    from seamline.contracts.catalogue import DIMENSION_NAMES

    det = r["detected"]
    console.print(f"[bold]{plain(r['title'] or r['path'] or '')}[/]")
    console.print(
        f"document type:  {det['document_type'].replace('_', ' ')} "
        f"(confidence {det['document_type_confidence']:.2f})",
        markup=False,
    )
    parties = det.get("parties") or {}
    if parties.get("buyer") or parties.get("supplier"):
        console.print(
            f"parties:        buyer {', '.join(parties.get('buyer', [])[:4]) or '?'}; "
            f"supplier {', '.join(parties.get('supplier', [])[:4]) or '?'}",
            markup=False,
        )
    claimed = r["claimed"] or "(none stated)"
    source = f" (from the {r['claimed_from']})" if r["claimed_from"] else ""
    console.print(f"claimed model:  {claimed}{source}", markup=False)
    if det["model"]:
        console.print(f"detected model: [bold]{plain(det['model'])}[/] (confidence {det['confidence']:.2f})")
    else:
        console.print("detected model: none")
    console.print(f"                {det['reason']}", markup=False)
    if det["alternatives"]:
        console.print("models, ranked:")
        for alt in det["alternatives"]:
            bar = "█" * round(alt["score"] * 20)
            console.print(f"  {alt['model']:20s} {alt['score']:5.2f} {bar}", markup=False)
    for ev in det["evidence"]:
        dim = DIMENSION_NAMES.get(ev.get("dimension", ""), ev.get("dimension", "")).lower()
        console.print(f"  [dim]@{ev['start']}-{ev['end']} {plain(dim)}:[/] {plain(_short(ev['text']))}")
    if r["mislabel"]:
        mislabel = r["mislabel"]
        console.print(f"[bold red]mislabel[/] {plain(mislabel['pattern'])}: {plain(mislabel['text'])}")
    console.print("findings:")
    for f in r["findings"]:
        if not show_all and not f["required_for_detected_model"] and f["status"] == "missing":
            continue
        need = " [bold](required)[/]" if f["required_for_detected_model"] else ""
        cuad = f" [dim]CUAD: {plain(f['cuad'])}[/]" if f["cuad"] else ""
        console.print(f"  {_MARK[f['status']]:>8} {plain(f['item'])}{need}{cuad}")
        for ev in f["evidence"][:1]:
            console.print(f"           [dim]@{ev['start']}-{ev['end']}[/] {plain(_short(ev['text']))}")
        if f["status"] != "present" and f["required_for_detected_model"] and f["note"]:
            console.print(f"           {f['note']}", markup=False)
    if r["missing_for_detected_model"]:
        console.print(
            f"lacking for {det['model']}: {', '.join(r['missing_for_detected_model'])}", markup=False
        )


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr; yields the callback that long work calls with (done, total)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err_console) as progress:
        task = progress.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield tick


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
    worker_memory: Annotated[
        int,
        typer.Option(
            "--worker-memory",
            min=0,
            metavar="MB",
            envvar="SEAMLINE_SCAN_WORKER_MEMORY_MB",
            help="Memory (MB) a worker may add while checking one file; a file that needs more is "
            "recorded as out of memory. 0: no bound.",
        ),
    ] = 4096,  # seamline.contracts.scan.DEFAULT_WORKER_MEMORY_MB (not imported: start-up stays fast)
) -> None:
    """Check every document in a folder in parallel; resumable, and one bad file never stops the batch.

    A killed worker costs only its file: checked once more, then recorded as an error."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from seamline.contracts.scan import scan_folder

    with Progress(
        TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err_console
    ) as progress:
        task = progress.add_task("scan", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = scan_folder(
            directory, out, workers=workers, claimed=claimed, on_progress=tick, worker_memory_mb=worker_memory
        )
    console.print(
        f"{summary.checked} checked, {summary.errors} errors, {summary.skipped} already in {out}; "
        f"results in {out}",
        markup=False,
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
    from seamline.contracts.evaluate import evaluate_corpus

    with _progress("evaluating") as tick:
        result = evaluate_corpus(
            directory, include_training=include_training, workers=workers, on_progress=tick
        )
    if as_json:
        print_json(result)
        return
    console.print(
        f"{result['documents']} contracts ({result['skipped_training']} training contracts left out), "
        f"{result['workers']} worker(s)",
        markup=False,
    )
    console.print(f"{'category':32s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'support':>7s}")
    for name, c in result["categories"].items():
        console.print(
            f"{name:32s} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} {c['support']:7d}",
            markup=False,
        )
    console.print(f"macro-F1: {result['macro_f1']:.3f}")
    console.print(
        f"throughput: {result['docs_per_second']:.1f} contracts/second (whole pipeline, .txt to findings)"
    )


@app.command("eval-engagements")
def eval_engagements(
    directory: Annotated[
        Path,
        typer.Argument(help="A labelled folder in the engagement corpus layout: texts/ + labels.yaml."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parallel worker processes.")] = 1,
) -> None:
    """How often the detected engagement model is right, and how often a non-engagement is called one."""
    from seamline.contracts.engagements import evaluate_engagements

    with _progress("evaluating") as tick:
        result = evaluate_engagements(directory, workers=workers, on_progress=tick)
    if as_json:
        print_json(result)
        return

    def pct(value: float | None) -> str:
        return "  n/a" if value is None else f"{value:5.3f}"

    console.print(
        f"{result['documents']} documents: {result['engagements']} engagements, "
        f"{result['non_engagements']} non-engagements, {result['master_terms']} master terms"
    )
    console.print(f"accuracy on engagements:           {pct(result['accuracy'])}")
    console.print(
        f"precision when naming a model:     {pct(result['precision_committed'])} "
        f"({result['committed']} named)"
    )
    console.print(f"non-engagements called engagement: {pct(result['false_engagement_rate'])}")
    console.print(f"{'source':16s} {'docs':>5s} {'accuracy':>9s} {'precision':>9s} {'false eng.':>10s}")
    for name, row in result["per_source"].items():
        console.print(
            f"{name:16s} {row['documents']:5d} {pct(row['accuracy']):>9s} "
            f"{pct(row['precision_committed']):>9s} {pct(row['false_engagement_rate']):>10s}",
            markup=False,
        )
    console.print("confusion (label -> detected):")
    for label, row in result["confusion"].items():
        console.print(f"  {label:20s} " + ", ".join(f"{k} {v}" for k, v in row.items()), markup=False)
    console.print(f"throughput: {result['docs_per_second']:.1f} documents/second (whole check pipeline)")
