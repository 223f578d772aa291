"""Formatting shared by the renderers: numbers, citations, labels and section titles."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from seamline.report.document import DecisionDocument
from seamline.textsafe import show_escaped

T = TypeVar("T")

VERDICT = {"recommended": "recommended", "viable": "viable", "not_advised": "not advised"}
EFFECT = {"for": "+", "against": "−", "gate": "✗", "info": "·"}
STATUS = {"present": "present", "weak": "weak", "missing": "missing"}
SECTIONS = {
    "summary": "Summary",
    "situation": "The situation",
    "ranking": "Ranking of the engagement models",
    "comparison": "Comparison of models by criterion",
    "cost": "Cost comparison",
    "seams": "Organisational seams",
    "warnings": "Warnings",
    "would_change": "What would change the answer",
    "checklist": "Risk checklist",
    "contract": "Contract check",
    "vendors": "Vendors",
    "brief": "Vendor brief",
    "sources": "Sources",
}


COST_HEADER = [
    "Model",
    "Verdict",
    "Pricing",
    "Mean",
    "P10",
    "P90",
    "Cash P50",
    "Opportunity",
    "P(cheapest)",
    "Weeks to capacity",
]
COST_NOTE = (
    "Cash is the money paid (fees or salaries, hiring, ramp-up, coordination and leadership time, change "
    "requests); opportunity is capacity missing or lost (the start gap, churn, knowledge lost at the end); "
    "the mean total is both. The verdict is the advice for this situation."
)


def cost_rows(doc: DecisionDocument) -> list[list[str]]:
    """The cost comparison as table rows (Markdown and DOCX share it)."""
    return [
        [
            r.name,
            VERDICT.get(r.verdict or "", "—"),
            r.pricing,
            money(r.mean),
            money(r.p10),
            money(r.p90),
            money(r.cash_p50),
            money(r.opportunity_mean),
            pct(r.p_cheapest),
            f"{r.weeks_to_capacity:.1f}",
        ]
        for r in doc.cost.rows
    ]


def cost_note(doc: DecisionDocument) -> str:
    """Which markets priced the costs, what cash and opportunity mean, and the cheapest advised model."""
    c = doc.cost
    names = dict(doc.models)
    text = f"{c.markets} {COST_NOTE}".strip()
    if c.cheapest_advised and c.cheapest_advised != c.cheapest:
        text += (
            f" {names.get(c.cheapest, c.cheapest)} costs least on average but is not advised; the cheapest "
            f"advised model is {names.get(c.cheapest_advised, c.cheapest_advised)}."
        )
    return text


def offers(value: bool | None) -> str:
    """Whether a vendor offers the engagement model scored for, in words."""
    return "not stated" if value is None else "yes" if value else "no"


def money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def number(value: float) -> str:
    return f"{value:g}"


def source_numbers(doc: DecisionDocument) -> dict[str, int]:
    return {s.id: i for i, s in enumerate(doc.sources, 1)}


def cite(numbers: dict[str, int], source: str) -> str:
    """``[n]`` for a listed source, else ``[id]``."""
    return f"[{numbers[source]}]" if source in numbers else f"[{source}]"


def meta_line(doc: DecisionDocument) -> str:
    c = doc.cost
    return (
        f"Knowledge base {doc.knowledge_version} · cost horizon {c.horizon_months} months · "
        f"{c.trials:,} Monte Carlo trials, seed {c.seed} · {c.engineers} engineer(s)"
    )


def checklist_heading(doc: DecisionDocument) -> str:
    model = dict(doc.models).get(doc.checklist_model or "", "")
    return f"{SECTIONS['checklist']} for {model.lower()}" if model else SECTIONS["checklist"]


def source_text(doc: DecisionDocument, index: int) -> str:
    s = doc.sources[index]
    return f"{s.publisher}, “{s.title}”" + (f" ({s.date})" if s.date else "") + f" — id {s.id}"


def visible(text: str) -> str:
    """``text`` with line breaks made ``\\n`` and every unsafe character shown as an escape (``\\x01``,
    ``\\u202e``; :mod:`seamline.textsafe`), so a name or a contract's text reads the same in every format
    and none can break a DOCX (XML) file or reorder a line."""
    return show_escaped(text, carriage_returns_are_breaks=True)


def as_text(doc: T) -> T:
    """``doc`` (a document or any frozen value) with :func:`visible` applied to every string in it.

    Renderers call it first, so whatever a user, a document or a knowledge-base override put in a field
    reaches the output as text; values without such characters are returned as they are (no copy)."""
    cleaned: T = _clean(doc)
    return cleaned


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, tuple):
        items = tuple(_clean(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _clean(old)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    return value
