"""The portfolio document: a portfolio plan as Markdown, HTML, DOCX or PDF (the report machinery).

The same escaping as the decision document: every string goes through :func:`seamline.report.fmt.as_text`
(unsafe characters shown as escapes), then Markdown's :func:`~seamline.report.render_md.text`, HTML's
autoescaping, or python-docx's plain runs; the PDF is the HTML page laid out offline by WeasyPrint with the
shipped fonts. The chart is :func:`seamline.portfolio.portfolio_chart` as PNG.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from seamline.report import fmt

if TYPE_CHECKING:
    from seamline.knowledge import KnowledgeBase
    from seamline.portfolio import PortfolioPlan


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StreamRow(_Frozen):
    name: str
    vendor: str
    work: str
    engineers: int
    months: int
    recommended: str
    planned: str
    model: str
    mean: str
    range: str
    seams: tuple[str, ...]


class ModelRow(_Frozen):
    model: str
    workstreams: str
    engineers: int
    cost: str


class WarningRow(_Frozen):
    title: str
    text: str
    workstreams: str
    source: str


class SourceRow(_Frozen):
    id: str
    text: str


class PortfolioDocument(_Frozen):
    title: str
    meta: str
    summary: str
    streams: tuple[StreamRow, ...]
    models: tuple[ModelRow, ...]
    shares: tuple[str, ...]
    share_basis: str
    warnings: tuple[WarningRow, ...]
    sources: tuple[SourceRow, ...]
    chart_png: bytes

    def chart_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.chart_png).decode("ascii")


def build_portfolio_document(plan: PortfolioPlan, kb: KnowledgeBase) -> PortfolioDocument:
    from seamline.portfolio import portfolio_chart

    names = {m.id: m.name for m in kb.models.values()}

    def name(model: str | None) -> str:
        return names.get(model, model) if model else "—"

    streams = tuple(
        StreamRow(
            name=w.name,
            vendor=w.vendor or "—",
            work=f"{w.work_type.replace('_', ' ')}{', core' if w.core else ''}",
            engineers=w.engineers,
            months=w.duration_months,
            recommended=name(w.recommended),
            planned=name(w.planned),
            model=name(w.model),
            mean=fmt.money(w.cost.mean) if w.cost else "—",
            range=f"{fmt.money(w.cost.p10)} – {fmt.money(w.cost.p90)}" if w.cost else "—",
            seams=w.seams,
        )
        for w in plan.workstreams
    )
    models = tuple(
        ModelRow(
            model=name(m.model),
            workstreams=", ".join(m.workstreams),
            engineers=m.engineers,
            cost=fmt.money(m.cost_mean),
        )
        for m in plan.by_model
    )
    cited = list(dict.fromkeys(w.source for w in plan.warnings))
    sources = tuple(
        SourceRow(
            id=sid,
            text=(
                f"{kb.sources[sid].publisher}, “{kb.sources[sid].title}”" + f" — id {sid}"
                if sid in kb.sources
                else sid
            ),
        )
        for sid in cited
    )
    basis = "expected cost" if plan.share_basis == "cost_mean" else "engineer-months"
    total = fmt.money(plan.total_cost)
    summary = (
        f"{len(plan.workstreams)} workstream(s), {plan.total_engineers} engineer(s), expected cost {total} "
        f"over each workstream's own duration; {len(plan.by_model)} engagement model(s) and "
        f"{len(plan.warnings)} portfolio warning(s)."
    )
    return PortfolioDocument(
        title=f"Portfolio plan: {plan.name}",
        meta=f"Stage {plan.stage.replace('_', ' ')} · knowledge base {plan.knowledge_version}",
        summary=summary,
        streams=streams,
        models=models,
        shares=tuple(f"{v}: {s:.0%}" for v, s in plan.vendor_share.items()),
        share_basis=basis,
        warnings=tuple(
            WarningRow(title=w.title, text=w.text, workstreams=", ".join(w.workstreams), source=w.source)
            for w in plan.warnings
        ),
        sources=sources,
        chart_png=portfolio_chart(plan, ".png"),
    )


STREAM_HEADER = [
    "Workstream",
    "Vendor",
    "Work",
    "Engineers",
    "Months",
    "Recommended",
    "Planned",
    "Model",
    "Expected cost",
    "P10 – P90",
    "Seams",
]
CHART_ALT = "Headcount and expected cost by engagement model, split by workstream"


def _cite(doc: PortfolioDocument, source: str) -> str:
    numbers = {s.id: i for i, s in enumerate(doc.sources, 1)}
    return f"[{numbers[source]}]" if source in numbers else f"[{source}]"


def _md_cite(doc: PortfolioDocument, source: str) -> str:
    """``[n]`` for a listed source (live Markdown brackets), else the id as escaped text in brackets."""
    from seamline.report.render_md import text

    numbers = {s.id: i for i, s in enumerate(doc.sources, 1)}
    return f"[{numbers[source]}]" if source in numbers else f"[{text(source)}]"


def _stream_cells(r: StreamRow) -> list[str]:
    return [
        r.name,
        r.vendor,
        r.work,
        str(r.engineers),
        str(r.months),
        r.recommended,
        r.planned,
        r.model,
        r.mean,
        r.range,
        str(len(r.seams)),
    ]


def render_portfolio_md(doc: PortfolioDocument) -> str:
    from seamline.report.render_md import _table, text

    doc = fmt.as_text(doc)
    t = text
    out = [f"# {t(doc.title)}", "", f"*{t(doc.meta)}*", "", "## Summary", "", t(doc.summary), ""]
    out += ["## A model per workstream", ""]
    out += _table(STREAM_HEADER, [[t(c) for c in _stream_cells(r)] for r in doc.streams])
    out += [f"![{t(CHART_ALT)}]({doc.chart_uri()})", ""]
    out += ["## Headcount and cost by model", ""]
    out += _table(
        ["Model", "Workstreams", "Engineers", "Expected cost"],
        [[t(m.model), t(m.workstreams), str(m.engineers), t(m.cost)] for m in doc.models],
    )
    if doc.shares:
        out += [f"Vendor share of the spend (by {t(doc.share_basis)}): {t('; '.join(doc.shares))}", ""]
    out += ["## Portfolio warnings", ""]
    out += [
        f"- **{t(w.title)}** ({t(w.workstreams)}): {t(w.text)} {_md_cite(doc, w.source)}"
        for w in doc.warnings
    ] or ["No portfolio warnings."]
    out += ["", "## Seams per workstream", ""]
    for r in doc.streams:
        out += [f"**{t(r.name)}**", ""] + ([f"- {t(s)}" for s in r.seams] or ["- none"]) + [""]
    if doc.sources:
        out += ["## Sources", ""] + [f"{i}. {t(s.text)}" for i, s in enumerate(doc.sources, 1)]
    return "\n".join(out).rstrip() + "\n"


TEMPLATE = Path(__file__).with_name("templates") / "portfolio.html.j2"


def render_portfolio_html(doc: PortfolioDocument, *, pdf: bool = False) -> str:
    from jinja2 import Environment, StrictUndefined

    from seamline.report.render_html import css_string, fonts

    doc = fmt.as_text(doc)
    faces, family, stack = fonts(pdf)
    env = Environment(autoescape=True, undefined=StrictUndefined)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(
        doc=doc,
        pdf=pdf,
        header=STREAM_HEADER,
        cells=_stream_cells,
        alt=CHART_ALT,
        cite=lambda sid: _cite(doc, sid),
        font_faces=faces,
        font_family=family,
        font_stack=stack,
        css_string=css_string,
    )


def render_portfolio_docx(doc: PortfolioDocument) -> bytes:
    from docx import Document
    from docx.shared import Cm

    from seamline.report.render_docx import _bullets, _reproducible, _table

    doc = fmt.as_text(doc)
    d = Document()
    d.core_properties.title = doc.title[:255]
    d.add_heading(doc.title, level=0)
    d.add_paragraph(doc.meta)
    d.add_heading("Summary", level=1)
    d.add_paragraph(doc.summary)
    d.add_heading("A model per workstream", level=1)
    _table(d, STREAM_HEADER, [_stream_cells(r) for r in doc.streams])
    d.add_picture(io.BytesIO(doc.chart_png), width=Cm(16.5))
    d.add_paragraph(CHART_ALT + ".", style="Caption")
    d.add_heading("Headcount and cost by model", level=1)
    _table(
        d,
        ["Model", "Workstreams", "Engineers", "Expected cost"],
        [[m.model, m.workstreams, str(m.engineers), m.cost] for m in doc.models],
    )
    if doc.shares:
        d.add_paragraph(f"Vendor share of the spend (by {doc.share_basis}): {'; '.join(doc.shares)}")
    d.add_heading("Portfolio warnings", level=1)
    if doc.warnings:
        _bullets(d, [f"{w.title} ({w.workstreams}): {w.text} {_cite(doc, w.source)}" for w in doc.warnings])
    else:
        d.add_paragraph("No portfolio warnings.")
    d.add_heading("Seams per workstream", level=1)
    for r in doc.streams:
        d.add_heading(r.name, level=2)
        _bullets(d, list(r.seams) or ["none"])
    if doc.sources:
        d.add_heading("Sources", level=1)
        _bullets(d, [s.text for s in doc.sources], "List Number")
    return _reproducible(d)


def render_portfolio_pdf(doc: PortfolioDocument) -> bytes:
    import logging

    from weasyprint import HTML as WeasyHTML  # type: ignore[import-untyped]

    from seamline.report.render_pdf import offline_fetcher

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    html = render_portfolio_html(doc, pdf=True)
    data = WeasyHTML(string=html, url_fetcher=offline_fetcher(), base_url=None).write_pdf(
        pdf_identifier=b"seamline-portfolio"
    )
    return bytes(data or b"")


def render_portfolio(doc: PortfolioDocument, fmt_id: str) -> bytes:
    """``doc`` in ``fmt_id`` (md, html, docx, pdf)."""
    from seamline.errors import SeamlineError
    from seamline.report import FORMATS

    if fmt_id == "md":
        return render_portfolio_md(doc).encode("utf-8")
    if fmt_id == "html":
        return render_portfolio_html(doc).encode("utf-8")
    if fmt_id == "docx":
        return render_portfolio_docx(doc)
    if fmt_id == "pdf":
        return render_portfolio_pdf(doc)
    raise SeamlineError(f"format: unknown format {fmt_id!r}; expected one of: {', '.join(FORMATS)}")
