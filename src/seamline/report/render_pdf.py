"""The decision document as PDF: the HTML page laid out by WeasyPrint, fully offline.

Only ``data:`` URLs may be fetched (the charts are embedded that way), plus the font files shipped in
``report/fonts/``; any other URL is refused, so a render never touches the network or the user's files.
The PDF carries no creation date and a fixed identifier, and its text is set in the shipped DejaVu Sans
(regular, bold, oblique; licence in ``fonts/LICENSE``) under a family name no system font has, so the
same document gives the same bytes whatever fonts the machine has installed (fontconfig still supplies
glyphs DejaVu Sans lacks, such as CJK, from whatever the system has).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from seamline.report.document import DecisionDocument
from seamline.report.render_html import render_html

ALLOWED_PROTOCOLS = ("data",)
FONTS = Path(__file__).with_name("fonts")
FONT_FAMILY = "Seamline DejaVu Sans"  # unique: fontconfig cannot swap in an installed font of this name
# (file, CSS font-weight, CSS font-style): the faces the report's stylesheet uses
FONT_FACES = (
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
)


def font_faces() -> list[tuple[str, str, str]]:
    """(file URL, weight, style) of each shipped face, for the ``@font-face`` rules of the PDF page."""
    return [((FONTS / name).resolve().as_uri(), weight, style) for name, weight, style in FONT_FACES]


@lru_cache(maxsize=len(FONT_FACES))
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


def offline_fetcher() -> Any:
    """A WeasyPrint URL fetcher that reads ``data:`` URLs and the shipped font files, nothing else."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    fonts = {(FONTS / name).resolve() for name, _, _ in FONT_FACES}

    class Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file" and not parts.netloc and not parts.query:
                path = Path(url2pathname(parts.path))
                if path in fonts:
                    return URLFetcherResponse(url, body=_font_bytes(path))
            return super().fetch(url, headers)

    return Fetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False, timeout=1)


def render_pdf(doc: DecisionDocument) -> bytes:
    import logging

    from weasyprint import HTML  # type: ignore[import-untyped]

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    html = render_html(doc, pdf=True)
    data = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None).write_pdf(
        pdf_identifier=b"seamline-" + doc.knowledge_version.encode("utf-8")
    )
    return bytes(data or b"")
