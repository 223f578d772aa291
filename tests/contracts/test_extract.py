"""The streamed HTML and DOCX readers give the text the tree-building libraries gave before (issue 13):
BeautifulSoup's ``get_text("\\n")`` without script, style and head, and python-docx's paragraphs then
table rows."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.contracts.extract import Budget, docx_text, html_text
from seamline.contracts.ingest import default_limits, normalise

FIX = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "make_hostile_documents", Path(__file__).resolve().parents[2] / "scripts" / "make_hostile_documents.py"
)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hostile
_spec.loader.exec_module(hostile)


def _bs4_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return str(soup.get_text("\n"))


_TAGS = ["p", "b", "div", "span", "script", "style", "head", "title", "pre", "br", "td", "table", "body"]
_BITS = ["<!-- c -->", "&amp;", "&bogus;", "<?pi x?>", "<!DOCTYPE html>", "\n", "  ", "<", ">", "&#0;"]
_WORDS = ["word", " text ", "\n\n", "a b", "  x  ", "é", "\t"]
_html = st.lists(
    st.one_of(
        st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(_BITS),
        st.sampled_from(_WORDS),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_html)
def test_html_text_matches_beautifulsoup(html: str) -> None:
    budget = Budget(Path("x.html"), default_limits())
    assert normalise(html_text(html, Path("x.html"), budget)) == normalise(_bs4_text(html))


def _python_docx_text(raw: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(raw))
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("  ".join(cell.text for cell in row.cells))
    return "\n\n".join(blocks)


def _docx_of(body: str) -> bytes:
    return hostile._docx(hostile._member("word/document.xml", hostile._document_xml(body)))


_RICH_BODY = (
    '<w:p><w:r><w:t xml:space="preserve">Fees </w:t><w:tab/><w:t>due</w:t><w:br/><w:t>now</w:t>'
    '<w:br w:type="page"/><w:cr/><w:noBreakHyphen/><w:ptab/></w:r>'
    "<w:hyperlink><w:r><w:t>linked</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>tracked</w:t></w:r></w:ins></w:p>"
    "<w:sdt><w:sdtContent><w:p><w:r><w:t>in a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    "<w:tbl><w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr>"
    "<w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge w:val='restart'/></w:tcPr>"
    "<w:p><w:r><w:t>merged</w:t></w:r></w:p><w:p><w:r><w:t>second line</w:t></w:r></w:p></w:tc>"
    "<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p>"
    "</w:tc></w:tr></w:tbl></w:tc></w:tr>"
    "<w:tr><w:trPr><w:gridBefore w:val='1'/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val='2'/><w:vMerge/>"
    "</w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    "<w:p><w:r><w:t>after the table</w:t></w:r></w:p>"
)


def test_docx_text_matches_python_docx() -> None:
    budget = Budget(Path("x.docx"), default_limits())
    raws = [_docx_of(_RICH_BODY)] + [p.read_bytes() for p in sorted(FIX.glob("*.docx"))]
    for raw in raws:
        assert docx_text(raw, Path("x.docx"), default_limits(), budget) == _python_docx_text(raw)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_docx_tables_match_python_docx(data: st.DataObject) -> None:
    """Random tables made by python-docx, with merged cells and nested tables."""
    import docx

    document = docx.Document()
    document.add_paragraph(data.draw(st.sampled_from(["Clause one.", "", "  spaced  "])))
    rows, cols = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    table = document.add_table(rows=rows, cols=cols)
    for i in range(rows):
        for j in range(cols):
            table.cell(i, j).text = f"c{i}{j}"
    for _ in range(data.draw(st.integers(0, 2))):
        i1, j1 = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
        i2, j2 = data.draw(st.integers(i1, rows - 1)), data.draw(st.integers(j1, cols - 1))
        with contextlib.suppress(Exception):  # python-docx refuses some merges of merged cells
            table.cell(i1, j1).merge(table.cell(i2, j2))
    if data.draw(st.booleans()):
        table.cell(0, 0).add_table(rows=1, cols=2).cell(0, 0).text = "nested"
    buf = io.BytesIO()
    document.save(buf)
    raw = buf.getvalue()
    budget = Budget(Path("x.docx"), default_limits())
    assert docx_text(raw, Path("x.docx"), default_limits(), budget) == _python_docx_text(raw)
