"""Script, event-handler, link and Markdown payloads in every string of a decision document come out of
every format as text: nothing live in the Markdown (rendered with markdown-it, raw HTML on and every link
allowed, as a permissive viewer would), nothing live in the HTML, and the literal text in the DOCX and PDF.

Two ways in: every string field of a real document (with a contract section and a brief) is prefixed with
the payloads, and the real path, where the payloads come from a situation file's name and a contract's
title, clauses and file name."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from tests.report.conftest import EXAMPLES, FIXTURES
from tests.report.helpers import check_html, docx_text, pdf_text

from seamline.report import render
from seamline.report.document import Chart
from seamline.report.fmt import visible
from seamline.report.render_md import text as md_text

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](http://evil/x.png)",
    "`code`",
    "a | b | c",
    "<javascript:alert(3)>",
    "<b onclick=alert(5)>bold</b>",
    "&lt;script&gt;alert(2)&lt;/script&gt;",
    "**strong** _em_ ~~gone~~ \\*",
    "[ref]: javascript:alert(4)",
    "# heading",
    "- item",
    "1. ordered",
    "---",
    '"><svg onload=alert(6)>',
    "\x01\x1b[31m\u202eevil",
]
# newlines between the payloads, so each could start a line of its own (a heading, a list, a definition)
HOSTILE = "\n".join(PAYLOADS)
KEPT = {"verdict", "effect", "status", "objective", "kind"}  # closed sets the renderers look up
LIVE_ATTRIBUTES = re.compile(r"^on|^(href|src|srcset|action|formaction|xlink:href|style)$")


def _prefixed(value: Any, key: str | None = None) -> Any:
    """``value`` with HOSTILE before every string, except the closed-set keys and the charts' ids."""
    if isinstance(value, str):
        return value if key in KEPT else f"{HOSTILE} {value}"
    if isinstance(value, tuple):
        return tuple(_prefixed(v, key) for v in value)
    if isinstance(value, BaseModel):
        keep = {"id"} if isinstance(value, Chart) else set()
        return value.model_copy(
            update={
                name: _prefixed(getattr(value, name), name)
                for name in type(value).model_fields
                if name not in keep
            }
        )
    return value


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, tuple((k, v or "") for k, v in attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def _markdown_to_html(md: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    renderer.validateLink = lambda url: True  # as permissive as the worst viewer: javascript: links too
    return str(renderer.render(md))


def _live(elements: _Elements) -> list[tuple[str, str, str]]:
    """Script elements, and attributes that run code or fetch something other than an embedded chart."""
    found = [(tag, "", "") for tag, _ in elements.elements if tag in ("script", "iframe", "object", "embed")]
    for tag, attrs in elements.elements:
        for name, value in attrs:
            if LIVE_ATTRIBUTES.match(name) and not (
                name == "src" and value.startswith("data:image/png;base64,")
            ):
                found.append((tag, name, value[:60]))
    return found


def _structure(elements: _Elements) -> list[str]:
    return [tag for tag, _ in elements.elements]


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module", params=["recommended", "undetermined"])
def clean(request: pytest.FixtureRequest, kb: Any) -> Any:
    """Documents with every section between them: a recommendation with a warning, a brief and a checked
    contract; and an undetermined one (a contradiction, no brief)."""
    from seamline.contracts.check import check_contract
    from seamline.report import build_document
    from seamline.situation import load_situation

    if request.param == "recommended":
        report = check_contract(FIXTURES / "mislabelled_managed_services.txt")
        situation = load_situation(EXAMPLES / "core_platform_needed_now.yaml", kb.criterion_ids)
        doc = build_document(situation, kb, trials=200, seed=1, contract_report=report)
        assert doc.contract and doc.contract.findings and doc.contract.clues and doc.contract.mislabel
        assert doc.brief and doc.warnings and doc.cost.sensitivity and doc.checklist and doc.would_change
    else:
        situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
        situation = situation.with_answer("team.technical_leadership", "none")
        doc = build_document(situation, kb, trials=200, seed=1)
        assert doc.contradictions and doc.brief is None
    return doc


@pytest.fixture(scope="module")
def hostile(clean: Any) -> Any:
    return _prefixed(clean)


def test_markdown_text_renders_as_exactly_its_text() -> None:
    for payload in [*PAYLOADS, HOSTILE, "staff_augmentation", "R&D", "1.5", "-5%", "#1 priority"]:
        html = _markdown_to_html(md_text(payload))
        parsed = _elements(html)
        assert _structure(parsed) == ["p"], (payload, html)
        assert "".join(parsed.text).strip() == " ".join(payload.split()), (payload, html)


def test_markdown_stays_readable() -> None:
    assert md_text("staff_augmentation for R&D, 1.5 engineers (about -5%)") == (
        "staff_augmentation for R&D, 1.5 engineers (about -5%)"
    )
    assert md_text("<b>") == "&lt;b&gt;" and md_text("[x](y)") == "\\[x\\](y)"


def test_markdown_report_has_nothing_live(clean: Any, hostile: Any) -> None:
    md = render(hostile, "md").decode("utf-8")
    rendered = _elements(_markdown_to_html(md))
    assert _live(rendered) == []
    # the payloads made no element: the same elements as the document without them
    assert _structure(rendered) == _structure(_elements(_markdown_to_html(render(clean, "md").decode())))
    shown = _squeezed("".join(rendered.text))
    for payload in PAYLOADS:
        assert _squeezed(visible(payload)) in shown, payload


def test_html_report_has_nothing_live(clean: Any, hostile: Any) -> None:
    html = render(hostile, "html").decode("utf-8")
    assert check_html(html).errors == []
    parsed = _elements(html)
    assert _live(parsed) == []
    assert _structure(parsed) == _structure(_elements(render(clean, "html").decode("utf-8")))
    shown = _squeezed("".join(parsed.text))
    for payload in PAYLOADS:
        assert _squeezed(visible(payload)) in shown, payload


def test_docx_report_carries_the_payloads_as_text(hostile: Any) -> None:
    data = render(hostile, "docx")
    text, _ = docx_text(data)
    assert visible(HOSTILE) in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "<w:hyperlink" not in body and "HYPERLINK" not in body and "fldSimple" not in body
    assert "/hyperlink" not in rels and "TargetMode=" not in rels  # no link leaves the file


def test_pdf_report_carries_the_payloads_as_text(hostile: Any) -> None:
    data = render(hostile, "pdf")
    text, _ = pdf_text(data)
    shown = _squeezed(text)
    for payload in PAYLOADS:
        assert _squeezed(visible(payload)) in shown, payload
    for action in (b"/JavaScript", b"/JS ", b"/URI", b"/Launch", b"/SubmitForm"):
        assert action not in data, action


def test_hostile_situation_name_and_contract_in_every_format(kb: Any, tmp_path: Path) -> None:
    """The real path: a situation file named with the payloads, a contract whose title and clauses carry
    them, in a file whose name does too."""
    import yaml

    from seamline.contracts.check import check_contract
    from seamline.report import build_document
    from seamline.situation import load_situation

    name = "<script>alert(1)</script> [click](javascript:alert(1)) `x` | y"
    data = yaml.safe_load((EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8"))
    data["name"] = name
    situation_file = tmp_path / "situation.yaml"
    situation_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    contract_text = (FIXTURES / "mislabelled_managed_services.txt").read_text(encoding="utf-8")
    evil = "<img src=x onerror=alert(1)> ![x](http://evil/x.png)"
    lines = contract_text.splitlines()
    contract_text = "\n".join(
        [f"{lines[0]} {evil}", *(f"{line} {evil}" if line.strip() else line for line in lines[1:])]
    )
    contract_file = tmp_path / "<img src=x onerror=alert(1)>.txt"
    contract_file.write_text(contract_text, encoding="utf-8")
    report = check_contract(contract_file)
    doc = build_document(
        load_situation(situation_file, kb.criterion_ids), kb, trials=200, seed=1, contract_report=report
    )
    assert doc.contract is not None and any(evil in q for f in doc.contract.findings for q in f.quotes)

    md_html = _markdown_to_html(render(doc, "md").decode("utf-8"))
    for parsed in (_elements(md_html), _elements(render(doc, "html").decode("utf-8"))):
        assert _live(parsed) == []
        shown = _squeezed("".join(parsed.text))
        assert _squeezed(name) in shown and _squeezed(evil) in shown
    docx_plain, _ = docx_text(render(doc, "docx"))
    assert name in docx_plain and evil in docx_plain
    pdf_plain = _squeezed(pdf_text(render(doc, "pdf"))[0])
    assert _squeezed(name) in pdf_plain and _squeezed(evil) in pdf_plain


def test_control_characters_do_not_break_docx(kb: Any) -> None:
    """Word's XML cannot hold control characters: they are shown as escapes instead of failing."""
    from seamline.report import build_document
    from seamline.situation import load_situation

    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    name = "Bell\x07 null\x00 \ufffe rlo\u202e end"
    doc = build_document(situation.model_copy(update={"name": name}), kb, trials=100, seed=1)
    text, _ = docx_text(render(doc, "docx"))
    assert "Bell\\x07 null\\x00 \\ufffe rlo\\u202e end" in text
    for fmt in ("md", "html"):
        out = render(doc, fmt).decode("utf-8")
        assert "\x00" not in out and "\u202e" not in out and "\x07" not in out


def test_chart_labels_are_text_not_mathtext(kb: Any) -> None:
    """A ``$`` in a model or role name (a knowledge-base override) is a dollar sign in the charts, not a
    formula that fails to parse and stops the document."""
    from seamline.charts import build
    from seamline.charts.raster import png as draw
    from seamline.cost import build_plan
    from seamline.cost.seam_map import SeamMap
    from seamline.seams import load_seams
    from seamline.situation import load_situation

    situation = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    seam_map = SeamMap.from_plan(build_plan(situation, knowledge=kb.root))
    shown = list(seam_map.models)[:3]
    roles = {r.id: f"{r.name} $\\frac{{ $" for r in load_seams(kb.root).template(seam_map.template).roles}
    chart = build.seams(seam_map.to_json(), shown, {m: "Pay $5 \\frac{ to $10" for m in shown}, roles)
    png = draw(chart)
    assert png.startswith(b"\x89PNG")
