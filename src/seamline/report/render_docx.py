"""The decision document as DOCX (python-docx), with the charts as PNG pictures.

Word files are zip archives stamped with the time of writing; the archive is rewritten with a fixed
timestamp and fixed core properties so the same document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from seamline.report import fmt
from seamline.report.document import DecisionDocument

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: "no date"
CHART_WIDTH_CM = 16.5
PROPERTY_CHARS = 255  # python-docx refuses longer core properties


def _table(document: Any, head: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(head))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8)
    if widths:
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=False):
                cell.width = Cm(w)
    document.add_paragraph()


def _chart(document: Any, doc: DecisionDocument, chart_id: str) -> None:
    from docx.shared import Cm

    chart = doc.chart(chart_id)
    if chart is None:
        return
    document.add_picture(io.BytesIO(chart.png), width=Cm(CHART_WIDTH_CM))
    document.add_paragraph(chart.caption, style="Caption")


def _bullets(document: Any, items: list[str], style: str = "List Bullet") -> None:
    for text in items:
        document.add_paragraph(text, style=style)


def render_docx(doc: DecisionDocument) -> bytes:
    import docx
    from docx.shared import Pt

    doc = fmt.as_text(doc)  # Word's XML cannot hold control characters: they are shown as \x01
    n = fmt.source_numbers(doc)
    S = fmt.SECTIONS
    d = docx.Document()
    d.styles["Normal"].font.name = "Calibri"
    d.styles["Normal"].font.size = Pt(10)
    props = d.core_properties
    props.title = _property(doc.title)
    props.subject = "Engagement model decision"
    props.author = "seamline"
    props.last_modified_by = "seamline"
    props.keywords = _property(f"knowledge {doc.knowledge_version}")
    props.created = props.modified = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    props.revision = 1

    d.add_heading(doc.title, level=0)
    d.add_paragraph(fmt.meta_line(doc)).runs[0].italic = True
    d.add_heading(S["summary"], level=1)
    d.add_paragraph(doc.summary)

    d.add_heading(S["situation"], level=1)
    _table(d, ["Question", "Answer"], [[r.label, r.value] for r in doc.situation], [9, 7.5])
    if doc.assumptions:
        d.add_heading("Your assumptions", level=1)
        d.add_paragraph("The figures you set for this decision, against the cited defaults.")
        rows = [[r.name, r.yours, r.default, fmt.cite(n, r.source)] for r in doc.assumptions]
        _table(d, ["Figure", "Yours", "Cited default", "Source"], rows, [6, 4, 4, 2.5])

    d.add_heading(S["ranking"], level=1)
    _table(
        d,
        ["#", "Model", "Score", "Verdict", "Pricing"],
        [
            [str(r.rank), r.name, f"{r.score:.2f}", fmt.VERDICT[r.verdict], r.pricing_name or ""]
            for r in doc.ranking
        ],
    )
    for r in doc.ranking:
        d.add_heading(f"{r.name} — {fmt.VERDICT[r.verdict]}", level=3)
        _bullets(d, [f"{fmt.EFFECT[x.effect]} {x.text} {fmt.cite(n, x.source)}" for x in r.reasons])

    d.add_heading(S["comparison"], level=1)
    d.add_paragraph("1 low … 5 high; (min) marks a criterion where lower is better.")
    _table(
        d,
        ["Criterion", *(name for _, name in doc.models)],
        [
            [f"{row.name}{' (min)' if row.objective == 'min' else ''}"]
            + [f"{fmt.number(c.value)} {fmt.cite(n, c.source)}" for c in row.cells]
            for row in doc.comparison
        ],
    )

    c = doc.cost
    d.add_heading(S["cost"], level=1)
    d.add_paragraph(fmt.cost_note(doc))
    _table(
        d,
        fmt.COST_HEADER,
        fmt.cost_rows(doc),
    )
    _chart(d, doc, "cost_range")
    _chart(d, doc, "cost_components")
    if c.sensitivity:
        d.add_paragraph("What moves the cost most (one input at its low and high end, the others likely):")
        _table(
            d,
            ["Input", "Model", "Total at low", "Total at high", "Source"],
            [
                [s.name, s.model_name, fmt.money(s.low_total), fmt.money(s.high_total), fmt.cite(n, s.source)]
                for s in c.sensitivity
            ],
        )

    d.add_heading(S["seams"], level=1)
    _chart(d, doc, "seams")
    _table(
        d,
        ["Model", "Seams", "In-house roles", "Vendor roles", "In-house h/week"],
        [
            [
                f"{r.name} {fmt.cite(n, r.source)}",
                str(r.seams),
                ", ".join(r.roles_in_house) or "—",
                ", ".join(r.roles_vendor) or "—",
                f"{r.hours_per_week:.0f}",
            ]
            for r in doc.seams
        ],
    )

    d.add_heading(S["warnings"], level=1)
    items = [f"Contradiction: {x.text} {fmt.cite(n, x.source)}" for x in doc.contradictions]
    items += [f"{x.text} {fmt.cite(n, x.source)}" for x in doc.warnings]
    if items:
        _bullets(d, items)
    else:
        d.add_paragraph("No warnings for these answers.")

    d.add_heading(S["would_change"], level=1)
    if doc.would_change:
        _bullets(d, list(doc.would_change))
    else:
        d.add_paragraph("No single answer change alters the recommendation.")

    d.add_heading(fmt.checklist_heading(doc), level=1)
    if doc.checklist:
        _table(
            d,
            ["Severity", "Item", "Why"],
            [[r.severity, r.name, f"{r.why} {fmt.cite(n, r.source)}"] for r in doc.checklist],
            [2, 5, 9.5],
        )
    else:
        d.add_paragraph("No model is recommended, so there is no checklist yet.")

    if doc.contract is not None:
        _contract(d, doc, n)
    if doc.vendors is not None:
        _vendors(d, doc, n)
    _brief(d, doc, n)

    d.add_heading(S["sources"], level=1)
    _bullets(d, [fmt.source_text(doc, i) for i in range(len(doc.sources))], "List Number")
    return _reproducible(d)


def _contract(d: Any, doc: DecisionDocument, n: dict[str, int]) -> None:
    k = doc.contract
    assert k is not None
    d.add_heading(f"{fmt.SECTIONS['contract']}: {k.title}", level=1)
    lines = [
        f"Document type: {k.document_type_name}",
        f"Claimed model: {k.claimed_name or k.claimed or 'not stated'}",
        f"Detected model: {k.detected_name or k.detected or 'none'} "
        f"(confidence {k.confidence:.2f}; {k.reason})",
    ]
    if k.ranked:
        margin = f" (margin {k.margin:.2f})" if k.margin is not None else ""
        lines.append(
            "Every model, ranked: " + ", ".join(f"{r.name} {r.score:.2f}" for r in k.ranked) + margin
        )
    lines += [f"{c.dimension_name}: {c.quote}" for c in k.clues]
    if k.mislabel:
        lines.append(f"Mislabel: {k.mislabel.text} {fmt.cite(n, k.mislabel.source)}")
    if k.missing:
        lines.append(f"Lacking for the detected model: {', '.join(k.missing)}")
    _bullets(d, lines)
    for f in k.findings:
        p = d.add_paragraph()
        p.add_run(fmt.STATUS[f.status]).bold = True
        need = " (required)" if f.required else ""
        p.add_run(f" — {f.name}{need}, {f.severity} {fmt.cite(n, f.source)}")
        if f.note and f.status != "present":
            p.add_run(f". {f.note}")
        for q in f.quotes:
            d.add_paragraph(f"“{q}”", style="Quote")


def _vendors(d: Any, doc: DecisionDocument, n: dict[str, int]) -> None:
    v = doc.vendors
    assert v is not None
    d.add_heading(fmt.SECTIONS["vendors"], level=1)
    model = f" for {v.model_name}" if v.model_name else " (every question weighted equally)"
    d.add_paragraph(f"Scored{model}; best: {v.best or '—'}.")
    _table(
        d,
        ["Vendor", "Score /100", "Offers the model", "Red flags"],
        [[r.vendor, f"{r.score:g}", fmt.offers(r.offers_model), str(len(r.red_flags))] for r in v.vendors],
    )
    _table(
        d,
        ["Question", *(r.vendor for r in v.vendors), "Source"],
        [[q.question, *q.grades, fmt.cite(n, q.source)] for q in v.questions],
    )
    _chart(d, doc, "vendors")
    for r in v.vendors:
        if r.red_flags:
            d.add_paragraph().add_run(f"Red flags of {r.vendor}:").bold = True
            _bullets(d, [f"{f.text} {fmt.cite(n, f.source)}" for f in r.red_flags])


def _brief(d: Any, doc: DecisionDocument, n: dict[str, int]) -> None:
    d.add_heading(fmt.SECTIONS["brief"], level=1)
    b = doc.brief
    if b is None:
        d.add_paragraph(
            "No model is recommended, so no brief can name one. Resolve the contradictions first."
        )
        return
    d.add_heading(b.title, level=2)
    d.add_paragraph(b.ask)
    if b.also_called:
        d.add_paragraph(f"Also called: {', '.join(b.also_called)}.")
    facts = [f"Who directs the work: {b.directs}", f"Who owns the outcome: {b.owns_outcome}"]
    _bullets(d, facts + [f"{label}: {value}" for label, value in b.facts])
    for x in b.not_this:
        d.add_paragraph(f"This is not {x.name.lower()}: {x.consequence} {fmt.cite(n, x.source)}")
    for item in b.needs:
        p = d.add_paragraph()
        p.add_run(f"{item.heading}. ").bold = True
        p.add_run(f"{item.text} {fmt.cite(n, item.source)}")
    if b.questions:
        d.add_paragraph().add_run("Questions to answer, with figures where you can:").bold = True
        _bullets(d, [f"{q.question} — {q.why} {fmt.cite(n, q.source)}" for q in b.questions], "List Number 2")
    if b.contract_terms:
        p = d.add_paragraph()
        p.add_run("The contract will need to cover: ").bold = True
        p.add_run("; ".join(b.contract_terms) + ".")


def _property(value: str) -> str:
    """``value`` within the 255 characters Word allows in a core property (the heading keeps it whole)."""
    return value if len(value) <= PROPERTY_CHARS else value[: PROPERTY_CHARS - 1] + "…"


def _reproducible(d: Any) -> bytes:
    raw = io.BytesIO()
    d.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
