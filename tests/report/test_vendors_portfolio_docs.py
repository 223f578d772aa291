"""The vendors kept with a decision in its document, and the portfolio document: every format says the
same, and a hostile name stays text (escaped as the rest of the report)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from seamline.knowledge import load_knowledge
from seamline.portfolio import load_portfolio, parse_portfolio, plan_portfolio
from seamline.report import build_document, render
from seamline.report.portfolio_doc import build_portfolio_document, render_portfolio
from seamline.situation import load_situation
from seamline.vendors import load_vendor, parse_vendor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOSTILE = "<script>alert(1)</script> *bold* | [x](javascript:1)"


def _docx_text(data: bytes) -> str:
    from docx import Document

    d = Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_the_decision_document_lists_the_vendors_kept_with_it() -> None:
    kb = load_knowledge()
    vendors = [
        load_vendor(EXAMPLES / "vendor_northwind_data_backed.yaml"),
        parse_vendor({"name": HOSTILE, "answers": {"references": "three clients, 10 engineers"}}, "x"),
    ]
    doc = build_document(load_situation(EXAMPLES / "pre_seed_mvp.yaml"), kb, trials=300, vendors=vendors)
    assert doc.vendors is not None and doc.vendors.model == doc.recommended
    assert doc.vendors.best == "Northwind Engineering"
    assert doc.chart("vendors") is not None
    md = render(doc, "md").decode()
    assert "## Vendors" in md and "&lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\*" in md
    html = render(doc, "html").decode()
    assert 'id="vendors"' in html and "<script>alert" not in html and "&lt;script&gt;" in html
    text = _docx_text(render(doc, "docx"))
    assert HOSTILE in text and "Northwind Engineering" in text
    without = build_document(load_situation(EXAMPLES / "pre_seed_mvp.yaml"), kb, trials=300)
    assert without.vendors is None and "## Vendors" not in render(without, "md").decode()


@pytest.fixture(scope="module")
def plan() -> object:
    from seamline.yamlio import read_data_file

    data = read_data_file(EXAMPLES / "portfolio_scale_up.yaml")
    data["workstreams"][0]["name"] = HOSTILE
    return plan_portfolio(parse_portfolio(data, "p"), trials=300)


def test_the_portfolio_document_in_every_format(plan: object) -> None:
    kb = load_knowledge()
    doc = build_portfolio_document(plan, kb)  # type: ignore[arg-type]
    md = render_portfolio(doc, "md").decode()
    assert md.startswith("# Portfolio plan: Scale-up, product and operations")
    assert "&lt;script&gt;" in md and "<script>" not in md
    assert "Vendor concentration" in md and "[1]" in md  # the warning cites its numbered source
    html = render_portfolio(doc, "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE in _docx_text(render_portfolio(doc, "docx"))
    assert render_portfolio(doc, "pdf").startswith(b"%PDF")
    again = build_portfolio_document(plan, kb)  # type: ignore[arg-type]
    assert render_portfolio(again, "md") == render_portfolio(doc, "md")  # the same plan, the same bytes


def test_the_examples_plan() -> None:
    assert load_portfolio(EXAMPLES / "portfolio_enterprise.yaml").workstreams
