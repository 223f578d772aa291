"""The golden example in examples/golden/: the four files of one situation, as users get them.

The golden files pin the renderers' output for the knowledge base they were made with. When the knowledge
base changes (its version is printed in each file), the byte comparison is skipped and says how to
regenerate; the files are still opened and checked.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.report.conftest import EXAMPLES
from tests.report.helpers import DATA_URI, check_html, docx_text, pdf_page1_ink, pdf_text

from seamline.report import build_document, render
from seamline.situation import load_situation

GOLDEN = EXAMPLES / "golden"
NAME = "pre_seed_mvp"
REGENERATE = (
    "regenerate: for f in md html docx pdf; do .venv/bin/seamline report examples/pre_seed_mvp.yaml "
    "-o examples/golden/pre_seed_mvp.$f; done"
)


def _golden(fmt: str) -> bytes:
    return (GOLDEN / f"{NAME}.{fmt}").read_bytes()


def _version(md: str) -> str:
    match = re.search(r"Knowledge base ([0-9a-f]{12})", md)
    assert match, "the golden Markdown names its knowledge-base version"
    return match.group(1)


@pytest.fixture(scope="module")
def current(kb: Any) -> Any:
    return build_document(load_situation(EXAMPLES / f"{NAME}.yaml", kb.criterion_ids), kb)


def test_golden_files_open_and_agree(kb: Any) -> None:
    md = _golden("md").decode("utf-8")
    assert md.startswith("# Engagement decision: ") and len(DATA_URI.findall(md)) == 3
    html = _golden("html").decode("utf-8")
    assert check_html(html).errors == []
    docx_plain, d = docx_text(_golden("docx"))
    assert len(d.inline_shapes) == 3
    pdf_plain, pages = pdf_text(_golden("pdf"))
    assert pages >= 3 and pdf_page1_ink(_golden("pdf"))[0] > 0.02
    title = md.splitlines()[0].removeprefix("# ")
    for text in (html, docx_plain, " ".join(pdf_plain.split())):
        assert title in text and "Request for proposal: staff augmentation" in text


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_golden_matches_a_fresh_render(kb: Any, current: Any, fmt: str) -> None:
    golden_version = _version(_golden("md").decode("utf-8"))
    if golden_version != kb.version:
        pytest.skip(f"golden made with knowledge base {golden_version}, now {kb.version}; {REGENERATE}")
    fresh = render(current, fmt)
    if fmt in ("md", "html"):
        strip = lambda b: DATA_URI.sub("data:image/png;base64,…", b.decode("utf-8"))  # noqa: E731
        assert strip(fresh) == strip(_golden(fmt)), REGENERATE
    else:
        assert fresh == _golden(fmt), REGENERATE
