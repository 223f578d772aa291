"""The decision document as PDF: the HTML page laid out by WeasyPrint, fully offline.

Only ``data:`` URLs may be fetched (the charts are embedded that way); any other URL is refused, so a
render never touches the network or the file system. The PDF carries no creation date and a fixed
identifier, so the same document gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from seamline.report.document import DecisionDocument
from seamline.report.render_html import render_html

ALLOWED_PROTOCOLS = ("data",)


def offline_fetcher() -> Any:
    """A WeasyPrint URL fetcher that only reads ``data:`` URLs."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False, timeout=1)


def render_pdf(doc: DecisionDocument) -> bytes:
    import logging

    from weasyprint import HTML  # type: ignore[import-untyped]

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    html = render_html(doc, pdf=True)
    data = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None).write_pdf(
        pdf_identifier=b"seamline-" + doc.knowledge_version.encode("ascii")
    )
    return bytes(data or b"")
