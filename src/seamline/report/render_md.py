"""The decision document as Markdown: one self-contained file (charts embedded as PNG data URIs)."""

from __future__ import annotations

from collections.abc import Sequence

from seamline.report import fmt
from seamline.report.document import DecisionDocument


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def render_md(doc: DecisionDocument) -> str:
    n = fmt.source_numbers(doc)
    S = fmt.SECTIONS
    out = [f"# {doc.title}", "", f"*{fmt.meta_line(doc)}*", ""]
    out += [f"## {S['summary']}", "", doc.summary, ""]

    out += [f"## {S['situation']}", ""]
    out += _table(["Question", "Answer"], [[r.label, r.value] for r in doc.situation])

    out += [f"## {S['ranking']}", ""]
    out += _table(
        ["#", "Model", "Score", "Verdict", "Pricing"],
        [
            [r.rank, r.name, f"{r.score:.2f}", fmt.VERDICT[r.verdict], r.pricing_name or ""]
            for r in doc.ranking
        ],
    )
    for r in doc.ranking:
        out += [f"**{r.name}** — {fmt.VERDICT[r.verdict]}", ""]
        out += [f"- {fmt.EFFECT[x.effect]} {x.text} {fmt.cite(n, x.source)}" for x in r.reasons]
        out.append("")

    out += [f"## {S['comparison']}", "", "1 low … 5 high; (min) marks a criterion where lower is better.", ""]
    out += _table(
        ["Criterion", *(name for _, name in doc.models)],
        [
            [f"{row.name}{' (min)' if row.objective == 'min' else ''}"]
            + [f"{fmt.number(c.value)} {fmt.cite(n, c.source)}" for c in row.cells]
            for row in doc.comparison
        ],
    )

    c = doc.cost
    out += [f"## {S['cost']}", ""]
    out += [fmt.cost_note(doc), ""]
    out += _table(
        fmt.COST_HEADER,
        fmt.cost_rows(doc),
    )
    for chart_id in ("cost_range", "cost_components"):
        out += _chart(doc, chart_id)
    if c.sensitivity:
        out += ["What moves the cost most (one input at its low and high end, the others likely):", ""]
        out += _table(
            ["Input", "Model", "Total at low", "Total at high", "Source"],
            [
                [s.name, s.model_name, fmt.money(s.low_total), fmt.money(s.high_total), fmt.cite(n, s.source)]
                for s in c.sensitivity
            ],
        )

    out += [f"## {S['seams']}", ""]
    out += _chart(doc, "seams")
    out += _table(
        ["Model", "Seams", "In-house roles", "Vendor roles", "In-house h/week", "Source"],
        [
            [
                r.name,
                r.seams,
                ", ".join(r.roles_in_house) or "—",
                ", ".join(r.roles_vendor) or "—",
                f"{r.hours_per_week:.0f}",
                fmt.cite(n, r.source),
            ]
            for r in doc.seams
        ],
    )

    out += [f"## {S['warnings']}", ""]
    items = [f"- **Contradiction**: {x.text} {fmt.cite(n, x.source)}" for x in doc.contradictions]
    items += [f"- {x.text} {fmt.cite(n, x.source)}" for x in doc.warnings]
    out += (items or ["No warnings for these answers."]) + [""]

    out += [f"## {S['would_change']}", ""]
    out += [f"- {t}" for t in doc.would_change] or ["No single answer change alters the recommendation."]
    out.append("")

    out += [f"## {fmt.checklist_heading(doc)}", ""]
    if doc.checklist:
        out += _table(
            ["Severity", "Item", "Why", "Source"],
            [[r.severity, r.name, r.why, fmt.cite(n, r.source)] for r in doc.checklist],
        )
    else:
        out += ["No model is recommended, so there is no checklist yet.", ""]

    if doc.contract is not None:
        out += _contract(doc, n)

    out += [f"## {S['brief']}", ""]
    out += _brief(doc, n)

    out += [f"## {S['sources']}", ""]
    out += [f"{i}. {fmt.source_text(doc, i - 1)}" for i in range(1, len(doc.sources) + 1)]
    return "\n".join(out).rstrip() + "\n"


def _chart(doc: DecisionDocument, chart_id: str) -> list[str]:
    chart = doc.chart(chart_id)
    if chart is None:
        return []
    return [f"![{chart.title}]({chart.data_uri()})", "", f"*{chart.caption}*", ""]


def _contract(doc: DecisionDocument, n: dict[str, int]) -> list[str]:
    k = doc.contract
    assert k is not None
    out = [f"## {fmt.SECTIONS['contract']}: {k.title}", ""]
    out.append(f"- Document type: {k.document_type_name}")
    out.append(f"- Claimed model: {k.claimed_name or k.claimed or 'not stated'}")
    out.append(
        f"- Detected model: {k.detected_name or k.detected or 'none'} "
        f"(confidence {k.confidence:.2f}; {k.reason})"
    )
    if k.ranked:
        ranked = ", ".join(f"{r.name} {r.score:.2f}" for r in k.ranked)
        margin = f" (margin {k.margin:.2f})" if k.margin is not None else ""
        out.append(f"- Every model, ranked: {ranked}{margin}")
    if k.mislabel:
        out.append(f"- **Mislabel**: {k.mislabel.text} {fmt.cite(n, k.mislabel.source)}")
    if k.missing:
        out.append(f"- Lacking for the detected model: {', '.join(k.missing)}")
    out.append("")
    if k.clues:
        out += ["Decisive clauses, by dimension:", ""]
        for c in k.clues:
            out.append(f"- *{c.dimension_name}*: {c.quote}")
        out.append("")
    for f in k.findings:
        need = " (required)" if f.required else ""
        out.append(f"- **{fmt.STATUS[f.status]}** — {f.name}{need}, {f.severity} {fmt.cite(n, f.source)}")
        out += [f"  > {q}" for q in f.quotes]
        if f.note and f.status != "present":
            out.append(f"  {f.note}")
    return [*out, ""]


def _brief(doc: DecisionDocument, n: dict[str, int]) -> list[str]:
    b = doc.brief
    if b is None:
        return ["No model is recommended, so no brief can name one. Resolve the contradictions first.", ""]
    out = [f"### {b.title}", "", b.ask, ""]
    if b.also_called:
        out += [f"Also called: {', '.join(b.also_called)}.", ""]
    out += [f"- Who directs the work: {b.directs}", f"- Who owns the outcome: {b.owns_outcome}"]
    out += [f"- {label}: {value}" for label, value in b.facts] + [""]
    for x in b.not_this:
        out += [f"This is not {x.name.lower()}: {x.consequence} {fmt.cite(n, x.source)}", ""]
    for item in b.needs:
        out += [f"**{item.heading}.** {item.text} {fmt.cite(n, item.source)}", ""]
    if b.questions:
        out += ["**Questions to answer, with figures where you can:**", ""]
        out += [
            f"{i}. {q.question} — *{q.why}* {fmt.cite(n, q.source)}" for i, q in enumerate(b.questions, 1)
        ]
        out.append("")
    if b.contract_terms:
        out += ["**The contract will need to cover:** " + "; ".join(b.contract_terms) + ".", ""]
    return out
