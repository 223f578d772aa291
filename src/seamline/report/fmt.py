"""Formatting shared by the renderers: numbers, citations, labels and section titles."""

from __future__ import annotations

from seamline.report.document import DecisionDocument

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
    "brief": "Vendor brief",
    "sources": "Sources",
}


COST_HEADER = ["Model", "Pricing", "Mean", "P10", "P50", "P90", "P(cheapest)", "Weeks to capacity"]


def cost_rows(doc: DecisionDocument) -> list[list[str]]:
    """The cost comparison as table rows (Markdown and DOCX share it)."""
    return [
        [
            r.name,
            r.pricing,
            money(r.mean),
            money(r.p10),
            money(r.p50),
            money(r.p90),
            pct(r.p_cheapest),
            f"{r.weeks_to_capacity:.1f}",
        ]
        for r in doc.cost.rows
    ]


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
