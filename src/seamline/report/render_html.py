"""The decision document as one self-contained HTML page (inline CSS, charts as PNG data URIs).

The same page, with print styles, is what the PDF renderer lays out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seamline.report import fmt
from seamline.report.document import Chart, DecisionDocument

if TYPE_CHECKING:
    from jinja2 import Template
    from markupsafe import Markup

TEMPLATE = Path(__file__).with_name("templates") / "report.html.j2"
FILL_IN = re.compile(r"\[to fill in:[^\]]*\]")
HTML_FONT_STACK = '"DejaVu Sans", "Helvetica", "Arial", sans-serif'  # the reader's own fonts


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, StrictUndefined

    env = Environment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True
    )
    return env.from_string(TEMPLATE.read_text(encoding="utf-8"))


def _fill(text: str) -> Any:
    """Escape ``text`` and mark each "[to fill in: ...]" so the buyer sees what to complete."""
    from markupsafe import Markup, escape

    out = Markup("")
    pos = 0
    for m in FILL_IN.finditer(text):
        out += (
            escape(text[pos : m.start()])
            + Markup('<span class="fill">')
            + escape(m.group(0))
            + Markup("</span>")
        )
        pos = m.end()
    return out + escape(text[pos:])


def css_string(text: str) -> Any:
    """``text`` as a quoted CSS string that cannot end the string or the <style> element."""
    from markupsafe import Markup

    escaped = "".join(c if c.isalnum() or c in " .,:;!?()-_/" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def fonts(pdf: bool) -> tuple[list[Any], Markup, Markup]:
    """(font faces, family, CSS font stack) of a document page: for a PDF the fonts shipped with the
    package (byte-identical output whatever is installed, see :mod:`render_pdf`), else the reader's own."""
    from markupsafe import Markup

    if not pdf:
        return [], Markup(""), Markup(HTML_FONT_STACK)
    from seamline.report.render_pdf import FONT_FAMILY, font_faces

    family = css_string(FONT_FAMILY)
    return font_faces(), family, family + Markup(", sans-serif")


def render_html(doc: DecisionDocument, *, pdf: bool = False) -> str:
    """The page; with ``pdf``, print styles and the shipped fonts (see :mod:`render_pdf`) for WeasyPrint."""

    doc = fmt.as_text(doc)
    numbers = fmt.source_numbers(doc)
    faces, family, stack = fonts(pdf)

    def charts(ids: list[str]) -> list[Chart]:
        return [c for c in (doc.chart(i) for i in ids) if c is not None]

    return _template().render(
        doc=doc,
        pdf=pdf,
        S=fmt.SECTIONS,
        VERDICT=fmt.VERDICT,
        EFFECT=fmt.EFFECT,
        STATUS=fmt.STATUS,
        meta=fmt.meta_line(doc),
        checklist_heading=fmt.checklist_heading(doc),
        cost_note=fmt.cost_note(doc),
        cost_header=fmt.COST_HEADER,
        verdict_label=lambda v: fmt.VERDICT.get(v or "", "—"),
        cite=lambda sid: fmt.cite(numbers, sid),
        money=fmt.money,
        pct=fmt.pct,
        number=fmt.number,
        charts=charts,
        fill=_fill,
        footer=css_string(doc.situation_name),
        font_faces=faces,
        font_family=family,
        font_stack=stack,
        css_string=css_string,
        source_text=lambda i: fmt.source_text(doc, i),
        offers=fmt.offers,
    )
