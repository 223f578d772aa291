"""``seamline advise``, ``seamline interview`` and ``seamline models``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seamline.cli.app import app, console, err_console, plain, print_json
from seamline.cli.knowledge_cmd import KnowledgeDir
from seamline.errors import InputFileError, UndeterminedError

if TYPE_CHECKING:
    from seamline.advisor import Recommendation
    from seamline.knowledge import KnowledgeBase

VERDICT_STYLE = {"recommended": "bold green", "viable": "yellow", "not_advised": "red"}
EFFECT_MARK = {"for": "+", "against": "-", "gate": "x", "info": "·"}
WIDE_TABLE = 110  # terminal columns needed to show the models side by side


@app.command()
def advise(
    file: Annotated[Path, typer.Argument(help="A situation file (YAML or JSON); see `seamline interview`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    all_reasons: Annotated[
        bool, typer.Option("--all", "-a", help="Show the reasons for every model, not only the top one.")
    ] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Rank the engagement models for a situation, with cited reasons, warnings and what would change it.

    Exit code 2 when the file is invalid or when the answers contradict each other so that no model fits.
    """
    from seamline.advisor import advise as run_advise
    from seamline.knowledge import load_knowledge
    from seamline.situation import load_situation

    kb = load_knowledge(knowledge)
    situation = load_situation(file, kb.criterion_ids)
    result = run_advise(situation, kb)
    if as_json:
        print_json(result.to_json())
    else:
        print_recommendation(result, kb, all_reasons=all_reasons)
    if result.recommended is None:
        raise UndeterminedError(_undetermined_message(result, file))


def _undetermined_message(result: Recommendation, file: Path) -> str:
    if result.contradictions:
        why = "; ".join(f"{c.text} [{c.id}]" for c in result.contradictions)
        return f"{file}: the answers contradict each other, so no model can be recommended: {why}"
    return f"{file}: every engagement model is ruled out by these answers; see the reasons above"


def print_recommendation(result: Recommendation, kb: KnowledgeBase, *, all_reasons: bool = False) -> None:
    from rich.table import Table

    top = result.ranking[0]
    if result.recommended:
        lead = f", {result.margin:.2f} ahead of the runner-up" if result.margin is not None else ""
        console.print(
            f"[bold]{plain(result.situation_name)}[/]: recommended [bold green]{plain(top.name)}[/] "
            f"(score {top.score:.2f}{lead})"
        )
    else:
        console.print(
            f"[bold]{plain(result.situation_name)}[/]: [bold red]undetermined[/] — "
            "no model can be recommended"
        )
    if result.ties:
        console.print(f"tied at the top: {', '.join(result.ties)}", markup=False)

    table = Table(title="Ranking", title_justify="left", show_edge=False)
    for col in ("#", "model", "score", "verdict", "pricing"):
        table.add_column(col, justify="right" if col in ("#", "score") else "left")
    for i, r in enumerate(result.ranking, 1):
        style = VERDICT_STYLE[r.verdict]
        table.add_row(
            str(i),
            plain(r.name),
            f"{r.score:.2f}",
            f"[{style}]{plain(r.verdict)}[/]",
            plain(r.pricing_variant or ""),
        )
    console.print(table)
    console.print(
        "Scores: 0-1 weighted fit plus rule bonuses. Order: verdict first, then score, so a not-advised "
        "model may score higher than a viable one (a gate rules it out).",
        style="dim",
    )
    if result.hire_path is not None:
        path = result.hire_path
        console.print(f"\n[bold]Hire-to-replace path[/] ({plain(path.now)} now, {plain(path.then)} after)")
        console.print(f"  {path.text} [{path.source}]", markup=False)
        for step in path.steps:
            console.print(f"  week {step.week:>4g}: {step.text} [{step.source}]", markup=False)

    shown = result.ranking if all_reasons else result.ranking[:1]
    cited: set[str] = set()
    for r in shown:
        console.print(f"\n[bold]Why {plain(r.name)} is {plain(r.verdict.replace('_', ' '))}[/]")
        for reason in r.reasons:
            cited.add(reason.source)
            console.print(
                f"  {EFFECT_MARK[reason.effect]} {reason.text} [{reason.rule} · {reason.source}]",
                markup=False,
            )
    if result.contradictions:
        console.print("\n[bold red]Contradictory answers[/]")
        for c in result.contradictions:
            cited.add(c.source)
            console.print(f"  x {c.text} [{c.id} · {c.source}]", markup=False)
    if result.warnings:
        console.print("\n[bold yellow]Warnings[/]")
        for w in result.warnings:
            cited.add(w.source)
            kind = "your answers" if w.kind == "preference" else "risk of the recommended model"
            console.print(f"  ! {w.title} ({kind}): {w.text} [{w.id} · {w.source}]", markup=False)
            if w.comment:
                console.print(f"    {w.comment}", markup=False)
    if result.would_change:
        console.print("\n[bold]What would change the answer[/]")
        for change in result.would_change:
            console.print(f"  ~ {change.text}", markup=False)
            if change.remedy:
                cited.add(change.remedy_source or "")
                console.print(f"    remedy: {change.remedy} [{change.remedy_source}]", markup=False)
    console.print("\nSources")
    for sid in kb.sources:
        if sid in cited:
            src = kb.sources[sid]
            console.print(
                f"  [{sid}] {src.publisher}, {src.title}" + (f" ({src.date})" if src.date else ""),
                markup=False,
            )
    if not all_reasons:
        console.print("(reasons for every model: --all; JSON: --json)", style="dim")


@app.command()
def models(
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Compare every engagement model on every criterion (1 low .. 5 high), with the source of each value."""
    from rich.table import Table

    from seamline.knowledge import load_knowledge

    kb = load_knowledge(knowledge)
    if as_json:
        data = {
            "criteria": {
                c.id: {"name": c.name, "objective": c.objective, "source": c.source}
                for c in kb.criteria.values()
            },
            "models": {
                m.id: {
                    "name": m.name,
                    "names": m.names,
                    "directs": m.directs.model_dump(exclude_none=True),
                    "owns_outcome": m.owns_outcome.model_dump(exclude_none=True),
                    "pricing": m.pricing.model_dump(exclude_none=True),
                    "profile": {k: v.model_dump(exclude_none=True) for k, v in m.profile.items()},
                }
                for m in kb.models.values()
            },
            "sources": {s.id: s.model_dump(exclude_none=True) for s in kb.sources.values()},
        }
        print_json(data)
        return
    number = {sid: i for i, sid in enumerate(kb.sources, 1)}
    rows: list[tuple[str, Any]] = [
        ("who directs", lambda m: m.directs),
        ("owns outcome", lambda m: m.owns_outcome),
    ]
    for crit in kb.criteria.values():
        label = f"{crit.id} (min)" if crit.objective == "min" else crit.id
        rows.append((label, lambda m, cid=crit.id: m.profile[cid]))

    def cell(cited: Any) -> str:
        value = f"{cited.value:g}" if isinstance(cited.value, float) else str(cited.value)
        return f"{plain(value)} \\[{number[cited.source]}]"

    console.print("Engagement models by criterion: 1 low .. 5 high, (min) = lower is better, \\[n] = source")
    if console.width >= WIDE_TABLE:
        table = Table(show_edge=False)
        table.add_column("criterion", no_wrap=True)
        for m in kb.models.values():
            table.add_column(plain(m.short_name), justify="center", no_wrap=True)
        for label, get in rows:
            table.add_row(plain(label), *(cell(get(m)) for m in kb.models.values()))
        console.print(table)
    else:  # a narrow terminal: one block per model, nothing truncated
        for m in kb.models.values():
            console.print(f"\n[bold]{plain(m.name)}[/] ({plain(m.short_name)})")
            for label, get in rows:
                console.print(f"  {plain(f'{label:<28}')} {cell(get(m))}")
    console.print("Sources")
    for sid, n in number.items():
        src = kb.sources[sid]
        console.print(
            f"  [{n}] {sid}: {src.publisher}, {src.title}" + (f" ({src.date})" if src.date else ""),
            markup=False,
        )


@app.command()
def interview(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the situation file.")] = Path(
        "situation.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the advice as JSON.")] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Ask the situation questions in the terminal, write the situation file, then advise on it."""
    from seamline.knowledge import load_knowledge

    kb = load_knowledge(knowledge)
    if out.exists() and not force:
        raise InputFileError(f"{out}: already exists; choose another --out or pass --force")
    err_console.print(
        "Answer each question; type the number of an option or its value. Ctrl-D stops (nothing is written)."
        " An empty answer skips an optional question."
    )
    answers: dict[str, Any] = {}
    for q in kb.questions.values():
        if not _applies(q.field, answers):
            continue
        value = _ask(q, kb)
        if value is not None:
            answers[q.field] = value
    from seamline.situation import nest_answers, parse_situation

    data = nest_answers(answers)
    situation = parse_situation(data, "interview", kb.criterion_ids)
    _write_yaml(out, data)
    err_console.print(f"wrote {out}", markup=False)
    from seamline.advisor import advise as run_advise

    result = run_advise(situation, kb)
    if as_json:
        print_json(result.to_json())
    else:
        print_recommendation(result, kb)
    if result.recommended is None:
        raise UndeterminedError(_undetermined_message(result, out))


YES_WORDS, NO_WORDS = ("yes", "y"), ("no", "n")


def _applies(field: str, answers: dict[str, Any]) -> bool:
    """Whether the interview asks ``field`` given the answers so far.

    Service units matter only for an IT function, and their count only once a unit is chosen; the vendor's
    market is asked once the in-house market is given (the two come as a pair).
    """
    if field.startswith("work.service_units."):
        if answers.get("work.type") != "it_function":
            return False
        return field.endswith(".kind") or "work.service_units.kind" in answers
    if field == "market.vendor":
        return "market.in_house" in answers
    return True


def _ask(q: Any, kb: KnowledgeBase) -> Any:
    """One answer, asked until valid; None when an optional question is skipped with an empty line."""
    from seamline.situation import FIELDS, int_bounds, is_optional

    typ = FIELDS[q.field][0]
    optional = is_optional(q.field) and q.field not in ("work.service_units.count", "market.vendor")
    src = kb.sources[q.source]
    err_console.print(f"\n[bold]{plain(q.label)}[/]")
    err_console.print(f"  {q.help} [{src.publisher}]", style="dim", markup=False)
    for i, opt in enumerate(q.options, 1):
        err_console.print(f"  {i}. {opt.label}", markup=False)
    while True:
        raw = _read_line("> ").strip()
        if not raw and optional:
            return None
        if typ == "bool":
            word = raw.lower()
            if word in YES_WORDS or word in NO_WORDS:
                return word in YES_WORDS
        if typ == "int":
            lo, hi = int_bounds(q.field)
            if raw.isdigit() and lo <= int(raw) <= hi:
                return int(raw)
            err_console.print(f"  expected a whole number from {lo} to {hi}", markup=False)
        elif q.options:
            for i, opt in enumerate(q.options, 1):
                if raw == str(i) or raw.lower() == str(opt.value).lower():
                    return opt.value
            values = ", ".join(str(o.value).lower() for o in q.options)
            if typ == "bool":
                values = "yes, no, y, n, " + values
            err_console.print(f"  expected 1-{len(q.options)} or one of: {values}", markup=False)
        elif raw:
            return raw
        else:
            err_console.print("  an answer is required")


def _read_line(prompt: str) -> str:
    err_console.print(prompt, end="")
    try:
        return input()
    except EOFError:
        err_console.print()
        raise InputFileError(
            "interview: input ended before every question was answered; nothing was written"
        ) from None


def _write_yaml(path: Path, data: dict[str, Any]) -> None:
    import yaml

    from seamline.files import write_atomic

    text = "# Written by `seamline interview`; edit freely and run `seamline advise` on it.\n"
    write_atomic(path, text + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
