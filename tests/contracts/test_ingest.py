"""Reading documents: every bad input is refused with a clear message, never a crash."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.contracts.ingest import default_limits, normalise, read_document
from seamline.contracts.segment import segment
from seamline.errors import DocumentError

FIX = Path(__file__).parent / "fixtures"
BAD = FIX / "bad"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted.pdf", "encrypted"),
        ("scanned.pdf", "OCR"),
        ("corrupt.pdf", "corrupt"),
        ("corrupt.docx", "corrupt DOCX"),
    ],
)
def test_bad_files_are_refused(name: str, message: str) -> None:
    with pytest.raises(DocumentError) as err:
        read_document(BAD / name)
    assert message in str(err.value)
    assert name in str(err.value)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("The vendor shall provide engineers. " * 100, encoding="utf-8")
    limits = dataclasses.replace(default_limits(), max_file_bytes=1000)
    with pytest.raises(DocumentError, match="over the 1000-byte limit"):
        read_document(path, limits)


def test_default_size_limit_is_twenty_megabytes() -> None:
    assert default_limits().max_file_bytes == 20_000_000


def test_docx_that_decompresses_too_far(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>" + b" " * 3_000_000)
    assert path.stat().st_size < 100_000
    limits = dataclasses.replace(default_limits(), max_docx_uncompressed_bytes=1_000_000)
    with pytest.raises(DocumentError, match="decompresses to"):
        read_document(path, limits)


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(DocumentError, match="not a Word document"):
        read_document(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"\n\n  \n", "no text"),
        ("binary.txt", b"\x00\x01\x02abc", "binary"),
        ("contract.rtf", b"{\\rtf1}", "unsupported file type"),
    ],
)
def test_other_bad_inputs(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_document(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a directory"):
        read_document(tmp_path)


def test_html_and_markdown(tmp_path: Path) -> None:
    html = tmp_path / "a.html"
    html.write_text(
        "<html><head><title>x</title><script>var a=1;</script></head><body>"
        "<h1>Managed Services Agreement</h1>"
        "<p>Provider shall meet 99.9% uptime.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_document(html)
    assert doc.title == "Managed Services Agreement"
    assert "99.9% uptime" in doc.text and "var a" not in doc.text
    assert read_document(FIX / "staff_augmentation.md").title == "Staff Augmentation Agreement"


def test_pdf_and_docx_text_layers() -> None:
    for suffix in (".pdf", ".docx"):
        doc = read_document((FIX / "managed_services.txt").with_suffix(suffix))
        assert "service credits" in " ".join(doc.text.split())
        assert doc.kind == suffix[1:]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_segment_offsets_always_point_into_the_text(text: str) -> None:
    norm = normalise(text)
    for clause in segment(norm):
        assert norm[clause.start : clause.end] == clause.text
        assert 0 <= clause.start < clause.end <= len(norm)


def test_segment_keeps_sections() -> None:
    text = "1. DEFINITIONS\nTerms used in this agreement have these meanings.\n\n2. FEES\nThe client pays."
    clauses = segment(text)
    assert [c.section for c in clauses][-1].startswith("2. FEES")
    assert any("pays" in c.text for c in clauses)
