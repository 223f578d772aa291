"""Text from the user never escapes its place in the HTML page or in the PDF's CSS footer."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from tests.report.helpers import check_html

from seamline.report.render_html import _fill, css_string

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


@given(TEXT)
def test_css_string_is_one_closed_string(text: str) -> None:
    out = str(css_string(text))
    assert out.startswith('"') and out.endswith('"')
    inner = out[1:-1]
    assert '"' not in inner and "'" not in inner and "<" not in inner and "\n" not in inner
    # every escape is a backslash, hex digits and one space: decode it back
    decoded = re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), inner)
    assert decoded == text


@given(TEXT, TEXT)
def test_fill_marks_placeholders_and_escapes_the_rest(before: str, after: str) -> None:
    text = f"{before}[to fill in: the stack]{after}"
    html = f"<p>{_fill(text)}</p>"
    checker = check_html(html)
    assert checker.errors == []
    assert checker.tags.count("span") == text.count("[to fill in:") and checker.tags.count("p") == 1
    assert "".join(checker.text) == text
