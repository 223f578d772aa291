"""The decision document and the vendor brief, rendered to Markdown, HTML, DOCX and PDF.

Public API (agreed with the web app)::

    from seamline.report import build_document, render
    doc = build_document(situation, kb, horizon_months=None, trials=None, seed=None, contract_report=None)
    data = render(doc, "pdf")          # bytes; fmt in FORMATS
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seamline.errors import SeamlineError

if TYPE_CHECKING:
    from seamline.report.brief import VendorBrief, build_brief
    from seamline.report.document import DecisionDocument, build_document

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "DecisionDocument",
    "VendorBrief",
    "build_brief",
    "build_document",
    "render",
]

FORMATS = ("md", "html", "docx", "pdf")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

_LAZY = {
    "DecisionDocument": "seamline.report.document",
    "build_document": "seamline.report.document",
    "VendorBrief": "seamline.report.brief",
    "build_brief": "seamline.report.brief",
}


def render(document: DecisionDocument, fmt: str) -> bytes:
    """Render ``document`` to ``fmt`` (md, html, docx or pdf); the same document gives the same bytes."""
    if fmt == "md":
        from seamline.report.render_md import render_md

        return render_md(document).encode("utf-8")
    if fmt == "html":
        from seamline.report.render_html import render_html

        return render_html(document).encode("utf-8")
    if fmt == "docx":
        from seamline.report.render_docx import render_docx

        return render_docx(document)
    if fmt == "pdf":
        from seamline.report.render_pdf import render_pdf

        return render_pdf(document)
    raise SeamlineError(f"format: unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
