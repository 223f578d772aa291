"""``seamline knowledge validate|show``: check and browse the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from seamline.cli.app import app, console, plain, print_json
from seamline.errors import SeamlineError

knowledge_app = typer.Typer(
    help="Validate and browse the knowledge base (models, rules, sources).", no_args_is_help=True
)
app.add_typer(knowledge_app, name="knowledge")

KnowledgeDir = Annotated[
    Path | None,
    typer.Option(
        "--knowledge",
        help="A knowledge folder to use instead of the bundled one.",
        envvar="SEAMLINE_KNOWLEDGE",
    ),
]


@knowledge_app.command("validate")
def validate(knowledge: KnowledgeDir = None) -> None:
    """Load every knowledge file and check ids, keys, conditions and citations."""
    from seamline.knowledge import load_knowledge

    kb = load_knowledge(knowledge)
    rules = kb.rules
    counts = {
        "sources": len(kb.sources),
        "criteria": len(kb.criteria),
        "models": len(kb.models),
        "fit/misfit rules": sum(len(m.fit) + len(m.misfit) for m in kb.models.values()),
        "weight rules": len(rules.weights),
        "five-question test": len(rules.five_question_test),
        "stage rows": len(rules.stage_table),
        "mistakes": len(rules.mistakes),
        "mislabels": len(rules.mislabels),
        "contradictions": len(rules.contradictions),
        "questions": len(kb.questions),
    }
    for extra_name, count in _extra_counts(kb):
        counts[extra_name] = count
    console.print(f"knowledge base {kb.version} at {kb.root}: valid", markup=False)
    for name, count in counts.items():
        console.print(f"  {name}: {count}", markup=False)


def _extra_counts(kb: Any) -> list[tuple[str, int]]:
    """Other packages' knowledge files, validated through their own loaders."""
    from seamline.knowledge_extras import validate_extras

    return validate_extras(kb)


@knowledge_app.command("show")
def show(
    entry_id: Annotated[
        str, typer.Argument(metavar="ID", help="Any id: a model, rule, mistake, criterion or source.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the entry as JSON.")] = False,
    knowledge: KnowledgeDir = None,
) -> None:
    """Show one knowledge entry with its sources."""
    from seamline.knowledge import load_knowledge

    kb = load_knowledge(knowledge)
    found = kb.find(entry_id)
    if found is None:
        raise SeamlineError(f"no knowledge entry with id {entry_id!r}; try `seamline models` or a source id")
    kind, entry = found
    data = entry.model_dump(mode="json", exclude_none=True)
    if as_json:
        print_json({"kind": kind, **data})
        return
    console.print(f"[bold]{plain(entry_id)}[/] ({plain(kind)})")
    _print_tree(data, 1)
    cited = sorted({sid for _, sid in _cited(data)})
    if cited:
        console.print("sources:")
        for sid in cited:
            src = kb.sources[sid]
            line = f"  [{sid}] {src.publisher}, {src.title}" + (f" ({src.date})" if src.date else "")
            console.print(line, markup=False)


def _cited(data: Any) -> list[tuple[str, str]]:
    from seamline.knowledge import cited_sources

    return list(cited_sources(data))


def _print_tree(data: Any, depth: int) -> None:
    pad = "  " * depth
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list) and value:
                console.print(f"{pad}{key}:", markup=False)
                _print_tree(value, depth + 1)
            else:
                console.print(f"{pad}{key}: {value}", markup=False)
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                first, *rest = item.items()
                console.print(f"{pad}- {first[0]}: {first[1]}", markup=False)
                _print_tree(dict(rest), depth + 1)
            else:
                console.print(f"{pad}- {item}", markup=False)
