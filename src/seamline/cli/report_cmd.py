"""``seamline report`` (the decision document) and ``seamline brief`` (the vendor brief as plain text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seamline.cli.app import app, console, err_console
from seamline.cli.knowledge_cmd import KnowledgeDir
from seamline.errors import InputFileError
from seamline.files import write_atomic

FORMAT_HELP = "md, html, docx or pdf (default: from OUT's suffix)."


def _format(fmt: str | None, out: Path) -> str:
    from seamline.report import FORMATS

    suffix = out.suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    chosen = (fmt or suffix).lower()
    if chosen not in FORMATS:
        if fmt is None:
            raise InputFileError(
                f"-o: {out}: cannot tell the format from the suffix; pass --format {'|'.join(FORMATS)}"
            )
        raise InputFileError(f"--format: got {fmt!r}; expected one of: {', '.join(FORMATS)}")
    return chosen


def _check_out(out: Path) -> None:
    if out.is_dir():
        raise InputFileError(f"-o: {out}: is a folder; expected a file name")
    if not out.parent.is_dir():
        raise InputFileError(f"-o: {out.parent}: no such folder")


@app.command()
def report(
    file: Annotated[Path, typer.Argument(help="A situation file (YAML or JSON); see `seamline interview`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the document.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=FORMAT_HELP)] = None,
    contract: Annotated[
        Path | None,
        typer.Option(
            "--contract", help="A contract or proposal to check and include (.pdf .docx .txt .md .html)."
        ),
    ] = None,
    claimed: Annotated[
        str | None,
        typer.Option("--claimed", help="The model the contract is sold as (a model id), if not in it."),
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", help="Cost horizon in months (default: the work's duration).")
    ] = None,
    trials: Annotated[
        int | None, typer.Option("--trials", help="Monte Carlo trials (default in knowledge/brief.yaml).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", help="Random seed (default in knowledge/brief.yaml): same seed, same document."
        ),
    ] = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Write the decision document: summary, situation, ranking, criteria, costs with charts, seams,
    warnings, what would change the answer, risk checklist, contract findings, vendor brief and sources.

    Exit code 2 when an input is invalid; the file at OUT is replaced only when the document is complete.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from seamline.knowledge import load_knowledge
    from seamline.report import build_document, render
    from seamline.situation import load_situation

    _check_out(out)
    chosen = _format(fmt, out)
    kb = load_knowledge(knowledge)
    situation = load_situation(file, kb.criterion_ids)
    contract_report = None
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as bar:
        if contract is not None:
            from seamline.contracts.check import check_contract

            task = bar.add_task("checking the contract", total=1)
            contract_report = check_contract(contract, claimed=claimed, knowledge=knowledge)
            bar.update(task, completed=1)
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = int(bar.add_task(stage, total=max(total, 1)))
            bar.update(tasks[stage], completed=done, total=max(total, 1))  # type: ignore[arg-type]

        doc = build_document(
            situation,
            kb,
            horizon_months=months,
            trials=trials,
            seed=seed,
            contract_report=contract_report,
            progress=progress,
        )
        task = bar.add_task(f"rendering {chosen}", total=1)
        data = render(doc, chosen)
        bar.update(task, completed=1)
    write_atomic(out, data)
    verdict = (
        f"recommended: {doc.recommended_name}"
        if doc.recommended_name
        else "undetermined: no model recommended"
    )
    console.print(f"wrote {out} ({chosen}, {len(data):,} bytes); {verdict}", markup=False)
    if doc.recommended is None:
        err_console.print(
            "note: the answers contradict each other; the document explains why and carries no vendor brief",
            markup=False,
        )


@app.command()
def brief(
    file: Annotated[Path, typer.Argument(help="A situation file (YAML or JSON).")],
    model: Annotated[
        str | None, typer.Option("--model", help="The model to brief for (default: the recommended one).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the brief here instead.")] = None,
    knowledge: KnowledgeDir = None,
) -> None:
    """Print the vendor brief: it names the engagement model, says what it needs and lists the questions."""
    from seamline.advisor import advise
    from seamline.cost.parameters import load_cost_knowledge
    from seamline.cost.plan import build_plan
    from seamline.errors import UndeterminedError
    from seamline.knowledge import load_knowledge
    from seamline.report import build_brief
    from seamline.situation import load_situation

    kb = load_knowledge(knowledge)
    situation = load_situation(file, kb.criterion_ids)
    if model is not None and model not in kb.models:
        raise InputFileError(f"--model: unknown model {model!r}; expected one of: {', '.join(kb.models)}")
    if model is None:
        model = advise(situation, kb).recommended
        if model is None:
            raise UndeterminedError(
                f"{file}: no model can be recommended, so the brief cannot name one; pass --model to choose"
            )
    if out is not None:
        _check_out(out)
    plan = build_plan(situation, knowledge=kb.root)
    role = load_cost_knowledge(kb.root).roles.get(plan.developer_role)
    text = build_brief(situation, model, kb, seniority=role.name if role else None).to_text()
    if out is None:
        console.print(text, markup=False, end="")
    else:
        write_atomic(out, text.encode("utf-8"))
        console.print(f"wrote {out}", markup=False)
