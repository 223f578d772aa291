"""Reading documents: every bad input is refused with a clear message, never a crash."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import signal
import sys
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
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


@pytest.mark.parametrize("text", ["Ab. " * 5000, "1. SUPPLIER SHALL\n" * 2000, "x\n\n\n\n" * 3000])
def test_segment_cuts_a_tail_of_short_fragments(text: str) -> None:
    """Short fragments to the end of a text were one clause, however long (a 19 MB text of short
    sentences took 750 MB to check)."""
    norm = normalise(text)
    clauses = segment(norm)
    assert clauses and max(len(c.text) for c in clauses) <= 2000
    for clause in clauses:
        assert norm[clause.start : clause.end] == clause.text


def test_segment_keeps_sections() -> None:
    text = "1. DEFINITIONS\nTerms used in this agreement have these meanings.\n\n2. FEES\nThe client pays."
    clauses = segment(text)
    assert [c.section for c in clauses][-1].startswith("2. FEES")
    assert any("pays" in c.text for c in clauses)


# --- issue 13: bounded reading -------------------------------------------------------------------------

_spec = importlib.util.spec_from_file_location(
    "make_hostile_documents", Path(__file__).resolve().parents[2] / "scripts" / "make_hostile_documents.py"
)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hostile
_spec.loader.exec_module(hostile)


def _peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory traced while ``fn`` runs (Python allocations only: what a document costs us)."""
    tracemalloc.start()
    try:
        fn()
    except DocumentError:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 1e6


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail a test that would hang (a FIFO read blocks for ever) instead of waiting for ever."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("still reading after 10 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_is_refused_without_waiting(tmp_path: Path, alarm: None) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match=r"pipe.txt: is a named pipe \(FIFO\), not a regular file"):
        read_document(fifo)


def test_a_link_to_a_device_is_refused(tmp_path: Path, alarm: None) -> None:
    """/dev/null here: reading /dev/zero without the check would fill the memory of the test run itself
    (test_hostile_documents.py tries /dev/zero in a child process with a memory cap)."""
    link = tmp_path / "contract.txt"
    link.symlink_to("/dev/null")
    with pytest.raises(DocumentError, match=r"contract.txt: is a device, not a regular file"):
        read_document(link)
    with pytest.raises(DocumentError, match="/dev/null: is a device"):
        read_document("/dev/null")


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path: Path, codec: str, bom: bytes) -> None:
    source = FIX / "staff_augmentation.md"
    path = tmp_path / "contract.md"
    path.write_bytes(bom + source.read_text(encoding="utf-8").encode(codec))
    assert read_document(path).text == read_document(source).text


def test_a_bad_utf16_text_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a lone surrogate
    with pytest.raises(DocumentError, match=r"not valid UTF-16 text .*\(byte 4\)"):
        read_document(path)


def test_an_aes256_pdf_is_called_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(hostile.pdf_aes256())
    with pytest.raises(DocumentError) as err:
        read_document(path)
    message = str(err.value)
    assert "locked.pdf: the PDF is encrypted (AES-256)" in message
    assert "corrupt" not in message and "Dependency" not in message
    try:
        import cryptography  # noqa: F401
    except ImportError:
        assert "'cryptography' package is not installed" in message


def test_an_rc4_pdf_with_an_owner_password_only_is_read(tmp_path: Path) -> None:
    path = tmp_path / "owner.pdf"
    path.write_bytes(hostile.pdf_rc4_owner_only())
    assert "service credits" in " ".join(read_document(path).text.split())
    path.write_bytes(hostile.pdf_rc4_password())
    with pytest.raises(DocumentError, match=r"encrypted \(RC4\) and needs a password"):
        read_document(path)


def test_a_docx_whose_header_understates_its_size_stays_small(tmp_path: Path) -> None:
    """200 MB of XML in 200 KB, its headers claiming 5,000 bytes: refused, and never held in memory."""
    head, tail = hostile._document_xml("<w:p><w:r><w:t>|</w:t></w:r></w:p>").split(b"|")
    compressed, crc, size = hostile._deflate_bomb(head, tail, 200 * hostile.MB)
    member = hostile._Member("word/document.xml", compressed, crc, size, 5_000)
    path = tmp_path / "liar.docx"
    path.write_bytes(hostile._docx(member))
    with pytest.raises(DocumentError, match=r"liar.docx: corrupt DOCX .*Bad CRC-32"):
        read_document(path)
    assert _peak_mb(lambda: read_document(path)) < 30


def test_a_docx_past_the_decompressed_limit_is_refused_while_reading(tmp_path: Path) -> None:
    head, tail = hostile._document_xml("<w:p><w:r><w:t>|</w:t></w:r></w:p>").split(b"|")
    compressed, crc, size = hostile._deflate_bomb(head, tail, 5 * hostile.MB)
    path = tmp_path / "big.docx"
    path.write_bytes(hostile._docx(hostile._Member("word/document.xml", compressed, crc, size, size)))
    limits = dataclasses.replace(default_limits(), max_docx_uncompressed_bytes=10 * hostile.MB)
    limits = dataclasses.replace(limits, max_text_chars=1_000_000)
    with pytest.raises(DocumentError, match=r"big.docx: the document's text is over the 1000000-character"):
        read_document(path, limits)


def test_a_million_unclosed_html_tags_cost_their_text(tmp_path: Path) -> None:
    path = tmp_path / "spans.html"
    path.write_bytes(b"<html><body>" + b"<span>word " * 200_000 + b"</body></html>")
    assert read_document(path).text.count("word") == 200_000
    assert _peak_mb(lambda: read_document(path)) < 80  # BeautifulSoup's tree took 212 MB


def test_deeply_nested_html_keeps_its_text(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 100_000 + "<p>The supplier shall deliver.</p>" + "</div>" * 100_000)
    assert read_document(path).text == "The supplier shall deliver."


@pytest.mark.parametrize("suffix", [".txt", ".html", ".docx", ".pdf"])
def test_text_over_the_character_limit_is_refused(suffix: str) -> None:
    source = (FIX / "managed_services.txt").with_suffix(suffix)
    if suffix == ".html":
        source = FIX / "managed_services.txt"  # any text file reads as HTML too
    limits = dataclasses.replace(default_limits(), max_text_chars=500)
    path = source
    if suffix == ".html":
        path = Path(tempfile.mkdtemp()) / "ms.html"
        path.write_bytes(source.read_bytes())
    with pytest.raises(DocumentError, match=r"over the 500-character limit \(limits.max_text_chars"):
        read_document(path, limits)


@pytest.mark.parametrize("name", ["managed_services.pdf", "managed_services.docx", "spans.html"])
def test_reading_past_the_time_limit_is_refused(tmp_path: Path, name: str) -> None:
    path = FIX / name
    if name == "spans.html":
        path = tmp_path / name
        path.write_bytes(b"<span>word " * 300_000)  # more than one chunk
    limits = dataclasses.replace(default_limits(), max_read_seconds=-1)  # past before it starts
    with pytest.raises(DocumentError, match=r"longer than the -1-second limit \(limits.max_read_seconds"):
        read_document(path, limits)


def test_pdf_streams_past_pypdf_limits_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "tokens.pdf"
    path.write_bytes(hostile.pdf_stream_tokens())
    with pytest.raises(DocumentError, match=r"tokens.pdf: the PDF goes past one of pypdf's safety limits"):
        read_document(path)
    path.write_bytes(hostile.pdf_stream_bomb())
    with pytest.raises(DocumentError, match=r"safety limits .*decompressing"):
        read_document(path)
    path.write_bytes(hostile.pdf_deep_nesting())
    with pytest.raises(DocumentError, match="corrupt or unreadable PDF"):
        read_document(path)


def test_a_knowledge_folder_without_the_new_limits_keeps_the_bundled_ones(tmp_path: Path) -> None:
    import shutil

    from seamline.knowledge import BUNDLED

    root = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, root)
    path = root / "contract_signals.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.lstrip().startswith(("max_text_chars:", "max_read_seconds:"))]
    path.write_text("".join(kept), encoding="utf-8")
    assert default_limits(root) == default_limits()
