"""The audit report: one self-contained HTML page (inline CSS, charts as PNG data URIs) and the same page
as PDF, laid out offline by WeasyPrint the way the decision document is (:mod:`seamline.report.render_pdf`:
only ``data:`` URLs and the shipped fonts may be fetched; no creation date, so the same audit gives the
same bytes).

Every string from a document or a manifest (paths, vendors, clauses, error messages) is escaped by the
template (Jinja autoescape); chart labels are drawn as text with mathtext off.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Template

    from seamline.charts.spec import BarChart

TEMPLATE = Path(__file__).with_name("templates") / "audit.html.j2"
ROWS_SHOWN = 100  # rows of each list the HTML report shows; audit.json and documents.jsonl hold them all
PDF_ROWS_SHOWN = 30  # and the PDF (WeasyPrint lays out a long table slowly: about 0.1 s a row)
PDF_CLAUSES_SHOWN = 1  # deciding clauses quoted per row in the PDF


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def _bars(
    chart_id: str, title: str, rows: list[tuple[str, float]], colour: str, unit: str
) -> BarChart | None:
    """A plain bar chart (seamline.charts: the same layer as every other chart), None when empty."""
    if not rows:
        return None
    from seamline.charts.build import bars

    labels = [(label if len(label) <= 48 else label[:47] + "…") for label, _ in rows]
    return bars(chart_id, title, list(zip(labels, (v for _, v in rows), strict=True)), "count", unit, colour)


def chart_specs(audit: dict[str, Any]) -> list[tuple[BarChart, str]]:
    """(chart, caption) of each chart the audit has data for: drawn as PNG for the report (:func:`charts`)
    and as responsive SVG on the web page."""
    from seamline.charts import palette

    out: list[tuple[BarChart, str]] = []

    def add(chart: BarChart | None, caption: str) -> None:
        if chart is not None:
            out.append((chart, caption))

    by_type = sorted(audit["by_type"].items(), key=lambda kv: (-kv[1], kv[0]))
    add(
        _bars(
            "audit-types",
            "Documents by type",
            [(k.replace("_", " "), float(v)) for k, v in by_type],
            palette.BLUE,
            "documents",
        ),
        "How many documents of each type the audit found (unreadable: could not be read).",
    )
    detected: dict[str, int] = {}
    for row in audit["detected_vs_claimed"].values():
        for model, n in row.items():
            detected[model] = detected.get(model, 0) + n
    rows = sorted(detected.items(), key=lambda kv: (-kv[1], kv[0]))
    add(
        _bars(
            "audit-detected",
            "Detected engagement model",
            [(k.replace("_", " "), float(v)) for k, v in rows],
            palette.BLUE,
            "documents",
        ),
        "The model each checked document's terms describe (none: no engagement model named).",
    )
    exposed = [v for v in audit["vendors"] if v["exposed_documents"]]
    currencies = {c for v in exposed for c in v["exposure"]}
    if len(currencies) == 1:  # one currency: rank by the money (the vendor table's order)
        (currency,) = currencies
        rows_v = [(v["vendor"], float(v["exposure"].get(currency, 0.0))) for v in exposed[:15]]
        title = "Vendors by exposure"
        unit = "annual value of exposed documents" + ("" if currency == "(none)" else f" ({currency})")
    else:  # none or several currencies: amounts cannot be added up, so count documents
        exposed.sort(key=lambda v: (-v["exposed_documents"], v["vendor"]))
        rows_v = [(v["vendor"], float(v["exposed_documents"])) for v in exposed[:15]]
        title, unit = "Vendors by documents with a mislabel or a missing protection", "documents"
    add(
        _bars("audit-vendors", title, rows_v, palette.VERMILLION, unit),
        "Exposure: documents that are mislabel candidates or lack a protection their model needs.",
    )
    missing: dict[str, int] = {}
    for row in audit["missing_protections"]["by_model"].values():
        for item, n in row.items():
            missing[item] = missing.get(item, 0) + n
    items = audit["missing_protections"]["items"]
    rows_m = sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    add(
        _bars(
            "audit-missing",
            "Protections missing where the detected model needs them",
            [(items.get(k, {}).get("name", k), float(v)) for k, v in rows_m],
            palette.VERMILLION,
            "documents",
        ),
        "How many documents lack each protection their detected model needs.",
    )
    return out


def charts(audit: dict[str, Any]) -> list[tuple[str, str]]:
    """(PNG data URI, caption) of each chart the audit has data for (the report's drawings)."""
    from seamline.charts.raster import png

    return [
        ("data:image/png;base64," + base64.b64encode(png(chart)).decode("ascii"), caption)
        for chart, caption in chart_specs(audit)
    ]


def _money(values: dict[str, float]) -> str:
    if not values:
        return "—"
    return "; ".join(
        f"{amount:,.0f} {currency}".replace(" (none)", "") for currency, amount in values.items()
    )


def _value(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,.0f} {currency or ''}".strip()


def render_audit_html(audit: dict[str, Any], *, pdf: bool = False) -> str:
    """The audit as one HTML page; with ``pdf``, print styles and the shipped fonts for WeasyPrint."""
    from seamline.report.render_html import css_string, fonts

    faces, family, stack = fonts(pdf)
    return _template().render(
        a=audit,
        pdf=pdf,
        charts=charts(audit),
        rows=PDF_ROWS_SHOWN if pdf else ROWS_SHOWN,
        clauses=PDF_CLAUSES_SHOWN if pdf else 99,
        money=_money,
        value=_value,
        label=lambda s: (s or "none").replace("_", " "),
        font_faces=faces,
        font_family=family,
        font_stack=stack,
        css_string=css_string,
        footer=css_string(f"seamline audit of {audit.get('source') or ''}, as of {audit['as_of']}"),
    )


def render_audit_pdf(audit: dict[str, Any]) -> bytes:
    import logging

    from weasyprint import HTML  # type: ignore[import-untyped]

    from seamline.report.render_pdf import offline_fetcher

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    html = render_audit_html(audit, pdf=True)
    ident = "seamline-audit-" + ",".join(audit.get("knowledge_version") or [])
    data = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None).write_pdf(
        pdf_identifier=ident.encode("utf-8")
    )
    return bytes(data or b"")
