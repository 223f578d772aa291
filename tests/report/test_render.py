"""Every format of every example situation is opened and its content checked."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

import pytest
from tests.report.conftest import SITUATIONS
from tests.report.helpers import DATA_URI, check_html, docx_text, normalised, pdf_page1_ink, pdf_text

from seamline.errors import SeamlineError
from seamline.report import FORMATS, render

IDS = [p.stem for p in SITUATIONS]
HEADINGS = [
    "Summary",
    "The situation",
    "Ranking of the engagement models",
    "Comparison of models by criterion",
    "Cost comparison",
    "Organisational seams",
    "Warnings",
    "What would change the answer",
    "Risk checklist for",
    "Vendor brief",
    "Sources",
]


def _must_say(doc: Any) -> list[str]:
    """Facts of this document that every format has to carry."""
    assert doc.brief is not None
    cheapest = doc.cost.rows[0]
    return [
        doc.title,
        *HEADINGS,
        doc.brief.title,
        doc.brief.questions[0].question,
        doc.checklist[0].name,
        f"${cheapest.p10:,.0f}",
        f"${cheapest.p90:,.0f}",
        doc.sources[0].publisher,
    ]


@pytest.mark.parametrize("name", IDS)
def test_markdown(documents: dict[str, Any], name: str) -> None:
    doc = documents[name]
    md = render(doc, "md").decode("utf-8")
    for phrase in _must_say(doc):
        assert phrase in md, phrase
    assert len(DATA_URI.findall(md)) == len(doc.charts) == 3
    for r in doc.ranking:
        assert f"| {r.rank} | {r.name} | {r.score:.2f} |" in md


@pytest.mark.parametrize("name", IDS)
def test_html_is_valid_and_self_contained(documents: dict[str, Any], name: str) -> None:
    doc = documents[name]
    html = render(doc, "html").decode("utf-8")
    checker = check_html(html)
    assert checker.errors == []
    assert html.startswith("<!DOCTYPE html>")
    assert all(value.startswith("data:image/png;base64,") for _, _, value in checker.refs), checker.refs
    assert checker.tags.count("img") == 3
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"url\((?!data:)", html)
    text = normalised(" ".join(checker.text))
    for phrase in _must_say(doc):
        assert normalised(phrase) in text, phrase


@pytest.mark.parametrize("name", IDS)
def test_docx_opens_with_python_docx(documents: dict[str, Any], name: str) -> None:
    doc = documents[name]
    data = render(doc, "docx")
    text, d = docx_text(data)
    for phrase in _must_say(doc):
        assert phrase in text, phrase
    assert len(d.inline_shapes) == 3  # the charts are real pictures
    with zipfile.ZipFile(BytesIO(data)) as z:
        pngs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        assert sorted(z.read(n) for n in pngs) == sorted(c.png for c in doc.charts)
    assert d.core_properties.title == doc.title


@pytest.mark.parametrize("name", IDS)
def test_pdf_text_and_page_one_is_not_blank(documents: dict[str, Any], name: str) -> None:
    doc = documents[name]
    data = render(doc, "pdf")
    assert data.startswith(b"%PDF-")
    text, pages = pdf_text(data)
    flat = normalised(text)
    assert pages >= 3
    for phrase in _must_say(doc):
        assert normalised(phrase) in flat, phrase
    assert data.count(b"/Subtype /Image") >= 3
    ink, colours = pdf_page1_ink(data)
    assert ink > 0.02 and colours > 20, (ink, colours)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering_is_reproducible(documents: dict[str, Any], fmt: str) -> None:
    doc = documents[IDS[0]]
    assert render(doc, fmt) == render(doc, fmt)


def test_pdf_has_no_dates(documents: dict[str, Any]) -> None:
    from pypdf import PdfReader

    doc = documents[IDS[0]]
    meta = PdfReader(BytesIO(render(doc, "pdf"))).metadata or {}
    assert "/CreationDate" not in meta and "/ModDate" not in meta
    assert meta.get("/Title") == doc.title


def test_pdf_never_fetches_anything_but_data_urls() -> None:
    from seamline.report.render_pdf import offline_fetcher

    fetcher = offline_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("https://example.com/logo.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("file:///etc/passwd")
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"


def test_unknown_format_is_refused(documents: dict[str, Any]) -> None:
    with pytest.raises(SeamlineError, match="unknown format 'rtf'"):
        render(documents[IDS[0]], "rtf")


def test_contract_section_renders_quotes(kb: Any) -> None:
    from tests.report.conftest import EXAMPLES, FIXTURES

    from seamline.contracts.check import check_contract
    from seamline.report import build_document
    from seamline.situation import load_situation

    report = check_contract(FIXTURES / "mislabelled_managed_services.txt")
    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    doc = build_document(situation, kb, trials=200, seed=1, contract_report=report)
    assert doc.contract is not None
    quote = next(f.quotes[0] for f in doc.contract.findings if f.status == "present")
    md = render(doc, "md").decode()
    from seamline.report.render_md import text

    # "3. CONFIDENTIALITY ..." is escaped ("3\\. ...") so it is not read as a list inside the quote
    assert "## Contract check" in md and f"> {text(quote)}" in md
    html_text = normalised(" ".join(check_html(render(doc, "html").decode()).text))
    assert normalised(quote) in html_text
    docx_plain, _ = docx_text(render(doc, "docx"))
    assert quote in docx_plain
    if doc.contract.mislabel:
        assert text(doc.contract.mislabel.text) in md


def test_awkward_names_are_escaped_everywhere(kb: Any) -> None:
    from seamline.report import build_document
    from seamline.situation import load_situation

    situation = load_situation(SITUATIONS[0], kb.criterion_ids)
    name = 'Bob\'s "MVP" </style><script>x</script> & co'
    doc = build_document(situation.model_copy(update={"name": name}), kb, trials=200, seed=1)
    html = render(doc, "html").decode()
    checker = check_html(html)
    assert checker.errors == [] and "script" not in checker.tags
    assert name in " ".join(checker.text)
    text, _ = pdf_text(render(doc, "pdf"))
    squeezed = "".join(text.split())
    assert "".join(f"Engagement decision: {name}".split()) in squeezed  # the title
    assert "".join(f"{name} page 1 of".split()) in squeezed  # the footer (a CSS string)
    assert name in docx_text(render(doc, "docx"))[0]
