"""Open each rendered format and read its content back (used by the render and CLI tests)."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

PDFTOPPM = "/usr/bin/pdftoppm"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


class _Checker(HTMLParser):
    """Well-formedness (every non-void element closed in order) and every external reference."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "poster", "action") and value is not None:
                self.refs.append((tag, name, value))
            if name == "style" and value and "url(" in value:
                self.refs.append((tag, name, value))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    if checker.stack:
        checker.errors.append(f"unclosed elements: {checker.stack}")
    return checker


def docx_text(data: bytes) -> tuple[str, Any]:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts), d


def pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages), len(reader.pages)


def pdf_page1_ink(data: bytes) -> tuple[float, int]:
    """Render page 1 with pdftoppm; (share of non-white pixels, number of distinct colours)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "doc.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            [
                PDFTOPPM,
                "-png",
                "-r",
                "40",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(Path(tmp) / "p1"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        image = Image.open(Path(tmp) / "p1.png").convert("RGB")
    import numpy as np

    pixels = np.asarray(image).reshape(-1, 3)
    ink = float((pixels.min(axis=1) < 235).mean())
    return ink, len(np.unique(pixels, axis=0))


def normalised(text: str) -> str:
    """Whitespace-collapsed text, for searching across line breaks in PDF text."""
    return " ".join(text.split()).replace("- ", "-")
