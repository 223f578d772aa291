"""The decision document as Markdown: one self-contained file (charts embedded as PNG data URIs).

Every string from the document (names, answers, contract titles and quotes, file names, knowledge-base
text that an override may have changed) goes through :func:`text`, so it is shown as written and never
read as Markdown or HTML:

- ``<``, ``>`` and an ``&`` that would start an entity become character references (inert in every
  Markdown flavour, unlike backslashes);
- the characters that make code, emphasis, links, images, tables or strikethrough
  (``\\ ` * _ [ ] | ~``) are backslash-escaped;
- what would open a heading, list item or thematic break at the start (``# ``, ``- ``, ``1. ``, ``---``)
  is escaped, and line breaks become spaces, so no text starts a block of its own.

``(``, ``)`` and ``!`` stay as they are: without an unescaped ``[`` they cannot make a link or an image,
and the report stays readable as plain text. An underscore inside a word (``staff_augmentation``) is left
alone because it cannot start emphasis there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from seamline.report import fmt
from seamline.report.document import DecisionDocument

_INLINE = re.compile(r"[\\`*\[\]|~<>]|&(?=#?[0-9A-Za-z]+;)|(?<![^\W_])_|_(?![^\W_])")
_REFERENCES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
# what opens a heading, list item or thematic break at the start of a line
_BLOCK_START = re.compile(r"(?:#{1,6}|[+-]|(\d{1,9})([.)]))(?=\s|$)|-(?=-)")
_LINE_BREAKS = re.compile(r"\s*[\n\t]\s*")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _REFERENCES.get(char, "\\" + char)


def text(value: object) -> str:
    """``value`` as Markdown that renders as exactly its text: one line, nothing live."""
    out = _LINE_BREAKS.sub(" ", str(value)).strip()
    out = _INLINE.sub(_escape, out)
    start = _BLOCK_START.match(out)
    if start:
        out = f"{start.group(1)}\\{start.group(2)}{out[start.end() :]}" if start.group(1) else "\\" + out
    return out


def _cite(numbers: dict[str, int], source: str) -> str:
    """``[n]`` for a listed source, else the source id as text in brackets."""
    return f"[{numbers[source]}]" if source in numbers else f"[{text(source)}]"


def _table(head: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A table whose cells are already Markdown (each user string passed through :func:`text`)."""
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def render_md(doc: DecisionDocument) -> str:
    doc = fmt.as_text(doc)
    n = fmt.source_numbers(doc)
    S = fmt.SECTIONS
    t = text
    out = [f"# {t(doc.title)}", "", f"*{t(fmt.meta_line(doc))}*", ""]
    out += [f"## {S['summary']}", "", t(doc.summary), ""]

    out += [f"## {S['situation']}", ""]
    out += _table(["Question", "Answer"], [[t(r.label), t(r.value)] for r in doc.situation])
    if doc.assumptions:
        note = "The figures you set for this decision, against the cited defaults."
        out += ["## Your assumptions", "", note, ""]
        out += _table(
            ["Figure", "Yours", "Cited default", "Source"],
            [[t(r.name), t(r.yours), t(r.default), _cite(n, r.source)] for r in doc.assumptions],
        )

    out += [f"## {S['ranking']}", ""]
    out += _table(
        ["#", "Model", "Score", "Verdict", "Pricing"],
        [
            [r.rank, t(r.name), f"{r.score:.2f}", fmt.VERDICT[r.verdict], t(r.pricing_name or "")]
            for r in doc.ranking
        ],
    )
    for r in doc.ranking:
        out += [f"**{t(r.name)}** — {fmt.VERDICT[r.verdict]}", ""]
        out += [f"- {fmt.EFFECT[x.effect]} {t(x.text)} {_cite(n, x.source)}" for x in r.reasons]
        out.append("")

    out += [f"## {S['comparison']}", "", "1 low … 5 high; (min) marks a criterion where lower is better.", ""]
    out += _table(
        ["Criterion", *(t(name) for _, name in doc.models)],
        [
            [f"{t(row.name)}{' (min)' if row.objective == 'min' else ''}"]
            + [f"{fmt.number(c.value)} {_cite(n, c.source)}" for c in row.cells]
            for row in doc.comparison
        ],
    )

    c = doc.cost
    out += [f"## {S['cost']}", ""]
    out += [t(fmt.cost_note(doc)), ""]
    out += _table(
        fmt.COST_HEADER,
        [[t(cell) for cell in row] for row in fmt.cost_rows(doc)],
    )
    for chart_id in ("cost_range", "cost_components"):
        out += _chart(doc, chart_id)
    if c.sensitivity:
        out += ["What moves the cost most (one input at its low and high end, the others likely):", ""]
        out += _table(
            ["Input", "Model", "Total at low", "Total at high", "Source"],
            [
                [
                    t(s.name),
                    t(s.model_name),
                    fmt.money(s.low_total),
                    fmt.money(s.high_total),
                    _cite(n, s.source),
                ]
                for s in c.sensitivity
            ],
        )

    out += [f"## {S['seams']}", ""]
    out += _chart(doc, "seams")
    out += _table(
        ["Model", "Seams", "In-house roles", "Vendor roles", "In-house h/week", "Source"],
        [
            [
                t(r.name),
                r.seams,
                t(", ".join(r.roles_in_house) or "—"),
                t(", ".join(r.roles_vendor) or "—"),
                f"{r.hours_per_week:.0f}",
                _cite(n, r.source),
            ]
            for r in doc.seams
        ],
    )

    out += [f"## {S['warnings']}", ""]
    items = [f"- **Contradiction**: {t(x.text)} {_cite(n, x.source)}" for x in doc.contradictions]
    items += [f"- {t(x.text)} {_cite(n, x.source)}" for x in doc.warnings]
    out += (items or ["No warnings for these answers."]) + [""]

    out += [f"## {S['would_change']}", ""]
    out += [f"- {t(x)}" for x in doc.would_change] or ["No single answer change alters the recommendation."]
    out.append("")

    out += [f"## {t(fmt.checklist_heading(doc))}", ""]
    if doc.checklist:
        out += _table(
            ["Severity", "Item", "Why", "Source"],
            [[t(r.severity), t(r.name), t(r.why), _cite(n, r.source)] for r in doc.checklist],
        )
    else:
        out += ["No model is recommended, so there is no checklist yet.", ""]

    if doc.contract is not None:
        out += _contract(doc, n)
    if doc.vendors is not None:
        out += _vendors(doc, n)

    out += [f"## {S['brief']}", ""]
    out += _brief(doc, n)

    out += [f"## {S['sources']}", ""]
    out += [f"{i}. {t(fmt.source_text(doc, i - 1))}" for i in range(1, len(doc.sources) + 1)]
    return "\n".join(out).rstrip() + "\n"


def _chart(doc: DecisionDocument, chart_id: str) -> list[str]:
    chart = doc.chart(chart_id)
    if chart is None:
        return []
    return [f"![{text(chart.title)}]({chart.data_uri()})", "", f"*{text(chart.caption)}*", ""]


def _contract(doc: DecisionDocument, n: dict[str, int]) -> list[str]:
    k = doc.contract
    assert k is not None
    t = text
    out = [f"## {fmt.SECTIONS['contract']}: {t(k.title)}", ""]
    out.append(f"- Document type: {t(k.document_type_name)}")
    out.append(f"- Claimed model: {t(k.claimed_name or k.claimed or 'not stated')}")
    out.append(
        f"- Detected model: {t(k.detected_name or k.detected or 'none')} "
        f"(confidence {k.confidence:.2f}; {t(k.reason)})"
    )
    if k.ranked:
        ranked = ", ".join(f"{t(r.name)} {r.score:.2f}" for r in k.ranked)
        margin = f" (margin {k.margin:.2f})" if k.margin is not None else ""
        out.append(f"- Every model, ranked: {ranked}{margin}")
    if k.mislabel:
        out.append(f"- **Mislabel**: {t(k.mislabel.text)} {_cite(n, k.mislabel.source)}")
    if k.missing:
        out.append(f"- Lacking for the detected model: {t(', '.join(k.missing))}")
    out.append("")
    if k.clues:
        out += ["Decisive clauses, by dimension:", ""]
        for c in k.clues:
            out.append(f"- *{t(c.dimension_name)}*: {t(c.quote)}")
        out.append("")
    for f in k.findings:
        need = " (required)" if f.required else ""
        out.append(f"- **{fmt.STATUS[f.status]}** — {t(f.name)}{need}, {t(f.severity)} {_cite(n, f.source)}")
        out += [f"  > {t(q)}" for q in f.quotes]
        if f.note and f.status != "present":
            out.append(f"  {t(f.note)}")
    return [*out, ""]


def _vendors(doc: DecisionDocument, n: dict[str, int]) -> list[str]:
    v = doc.vendors
    assert v is not None
    t = text
    model = f" for {t(v.model_name)}" if v.model_name else " (every question weighted equally)"
    out = [f"## {fmt.SECTIONS['vendors']}", "", f"Scored{model}; best: {t(v.best or '—')}.", ""]
    out += _table(
        ["Vendor", "Score /100", "Offers the model", "Red flags"],
        [
            [
                t(r.vendor),
                f"{r.score:g}",
                fmt.offers(r.offers_model),
                str(len(r.red_flags)),
            ]
            for r in v.vendors
        ],
    )
    out += _table(
        ["Question", *(t(r.vendor) for r in v.vendors), "Source"],
        [[t(q.question), *(t(g) for g in q.grades), _cite(n, q.source)] for q in v.questions],
    )
    out += _chart(doc, "vendors")
    for r in v.vendors:
        if r.red_flags:
            out += [f"Red flags of **{t(r.vendor)}**:", ""]
            out += [f"- {t(f.text)} {_cite(n, f.source)}" for f in r.red_flags] + [""]
    return out


def _brief(doc: DecisionDocument, n: dict[str, int]) -> list[str]:
    b = doc.brief
    if b is None:
        return ["No model is recommended, so no brief can name one. Resolve the contradictions first.", ""]
    t = text
    out = [f"### {t(b.title)}", "", t(b.ask), ""]
    if b.also_called:
        out += [f"Also called: {t(', '.join(b.also_called))}.", ""]
    out += [f"- Who directs the work: {t(b.directs)}", f"- Who owns the outcome: {t(b.owns_outcome)}"]
    out += [f"- {t(label)}: {t(value)}" for label, value in b.facts] + [""]
    for x in b.not_this:
        out += [f"This is not {t(x.name.lower())}: {t(x.consequence)} {_cite(n, x.source)}", ""]
    for item in b.needs:
        out += [f"**{t(item.heading)}.** {t(item.text)} {_cite(n, item.source)}", ""]
    if b.questions:
        out += ["**Questions to answer, with figures where you can:**", ""]
        out += [
            f"{i}. {t(q.question)} — *{t(q.why)}* {_cite(n, q.source)}" for i, q in enumerate(b.questions, 1)
        ]
        out.append("")
    if b.contract_terms:
        out += ["**The contract will need to cover:** " + t("; ".join(b.contract_terms)) + ".", ""]
    return out
