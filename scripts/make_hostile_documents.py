"""Write the hostile documents of issue 13 (and more) into a folder, the same bytes every time.

    .venv/bin/python scripts/make_hostile_documents.py OUT_DIR [NAME ...]

Each document in :data:`CASES` is built from the contract fixtures in tests/contracts/fixtures or from
nothing: a 19 MB text, a DOCX whose ZIP header understates its size, an honest DOCX ZIP bomb, a million
unclosed HTML spans, deep nesting, UTF-16 and UTF-32 text with a byte-order mark, AES-256 and RC4 encrypted
PDFs, truncated and corrupt PDF and DOCX files, a PDF with too many pages, a PDF stream bomb, binary junk
named .txt, an empty file. :data:`CASES` says what ``seamline check`` must do with each: read it
(``ok``, exit 0) or refuse it (``refused``, exit 2, with a message holding the given words).
tests/contracts/test_hostile_documents.py runs every case in a fresh process under a watchdog and checks
its answer and its peak memory. A FIFO and a link to /dev/zero are made by that test, not here.

Nothing here is committed: the files are big, and they are cheap to make again (a few seconds).
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "contracts" / "fixtures"
MB = 1_000_000


@dataclass(frozen=True)
class Case:
    expect: str  # "ok" (exit 0) or "refused" (exit 2)
    words: str  # for "refused": words the message must hold; for "ok": the fixture it must read like
    why: str


# --- text ----------------------------------------------------------------------------------------------


def _contract_text() -> str:
    """All the plain-text fixtures, joined: a long document with every kind of clause."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    return "\n\n".join(parts)


def _repeat_to(text: str, size: int) -> bytes:
    raw = (text + "\n\n").encode("utf-8")
    data = raw * (size // len(raw) + 1)
    cut = data[:size]
    return cut[: cut.rfind(b"\n") + 1]  # whole lines only


def text_19mb() -> bytes:
    return _repeat_to(_contract_text(), 19 * MB)


def text_19mb_wide() -> bytes:
    """Mostly ASCII with one character outside the Basic Multilingual Plane: Python holds such a string
    at four bytes a character."""
    return "Hostile input \U0001f600\n\n".encode() + _repeat_to(_contract_text(), 19 * MB - 30)


def short_sentences_19mb() -> bytes:
    """Nearly five million sentences of three characters: no clause long enough to stand alone."""
    return b"Ab. " * (19 * MB // 4)


def no_spaces_19mb() -> bytes:
    return b"a" * (19 * MB)


def _bom_text(codec: str, bom: bytes) -> Callable[[], bytes]:
    def make() -> bytes:
        text = (FIXTURES / "staff_augmentation.md").read_text(encoding="utf-8")
        return bom + text.encode(codec)

    return make


def utf16_no_bom() -> bytes:
    return (FIXTURES / "staff_augmentation.md").read_text(encoding="utf-8").encode("utf-16-le")


def binary_junk() -> bytes:
    rng = random.Random(13)
    return bytes(rng.getrandbits(8) for _ in range(200_000))


def empty() -> bytes:
    return b""


# --- HTML ----------------------------------------------------------------------------------------------


def spans_1m() -> bytes:
    return b"<html><body>" + b"<span>word " * 1_000_000 + b"</body></html>"


def nested_divs() -> bytes:
    text = (FIXTURES / "managed_services.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return ("<div>" * 500_000 + body + "</div>" * 500_000).encode()


def html_script_only() -> bytes:
    return b"<html><head><title>t</title></head><body><script>" + b"var a = 1;\n" * 100_000 + b"</script>"


# --- DOCX ----------------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOS_TIME, _DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1  # fixed: the same bytes every time


@dataclass(frozen=True)
class _Member:
    name: str
    compressed: bytes
    crc: int
    size: int  # the real uncompressed size
    claimed: int  # the size the headers state


def _deflate(chunks: list[bytes] | bytes, repeat: int = 1) -> tuple[bytes, int, int]:
    """Raw deflate of ``chunks`` (repeated), with its CRC and size, without holding the whole input."""
    pieces = [chunks] if isinstance(chunks, bytes) else chunks
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for _ in range(repeat):
        for piece in pieces:
            out.append(comp.compress(piece))
            crc = zlib.crc32(piece, crc)
            size += len(piece)
    out.append(comp.flush())
    return b"".join(out), crc, size


def _member(name: str, data: bytes, claimed: int | None = None) -> _Member:
    compressed, crc, size = _deflate(data)
    return _Member(name, compressed, crc, size, size if claimed is None else claimed)


def _zip(members: list[_Member]) -> bytes:
    """A ZIP archive written by hand, so that its headers can state any size."""
    out = io.BytesIO()
    central = io.BytesIO()
    for m in members:
        offset = out.tell()
        name = m.name.encode()
        fields = (20, 0, 8, _DOS_TIME, _DOS_DATE, m.crc, len(m.compressed), m.claimed, len(name))
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name + m.compressed)
        central.write(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + name
        )
    start = out.tell()
    out.write(central.getvalue())
    n = len(members)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central.getvalue()), start, 0))
    return out.getvalue()


def _docx(document: _Member) -> bytes:
    return _zip([_member("[Content_Types].xml", _CONTENT_TYPES), _member("_rels/.rels", _RELS), document])


def _document_xml(body: str) -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body>'
    return (head + body + "</w:body></w:document>").encode()


def _bomb_member(claimed: int | None) -> _Member:
    """word/document.xml: a paragraph of about 1 GB of spaces, deflated to about 1 MB."""
    head, tail = _document_xml("<w:p><w:r><w:t>|</w:t></w:r></w:p>").split(b"|")
    compressed, crc, size = _deflate_bomb(head, tail, 1000 * MB)
    return _Member("word/document.xml", compressed, crc, size, size if claimed is None else claimed)


@lru_cache(maxsize=4)
def _deflate_bomb(head: bytes, tail: bytes, size: int) -> tuple[bytes, int, int]:
    """Raw deflate of ``head``, ``size`` spaces and ``tail``. After a full flush deflate starts afresh, so
    one compressed megabyte of spaces is written once and repeated, and the CRC of the spaces is
    computed a megabyte at a time."""
    block = b" " * MB
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    one = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(size // MB):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return start + one * (size // MB) + end, crc, len(head) + size // MB * MB + len(tail)


def docx_lying_header() -> bytes:
    """About 1 GB of XML whose local and central headers both claim 5,000 bytes."""
    return _docx(_bomb_member(claimed=5_000))


def docx_lying_header_under_limit() -> bytes:
    """The same, claiming 90 MB: under the 100 MB limit, yet far less than the real size."""
    return _docx(_bomb_member(claimed=90 * MB))


def docx_bomb() -> bytes:
    """An honest ZIP bomb: its headers say 1 GB."""
    return _docx(_bomb_member(claimed=None))


def _fixture_docx() -> bytes:
    return (FIXTURES / "managed_services.docx").read_bytes()


def docx_truncated() -> bytes:
    raw = _fixture_docx()
    return raw[: len(raw) // 2]


def docx_not_a_zip() -> bytes:
    return b"PK\x03\x04" + binary_junk()[:50_000]


def docx_deep_nesting() -> bytes:
    body = "<w:p><w:r><w:t>The supplier shall deliver.</w:t></w:r></w:p>"
    return _docx(
        _member("word/document.xml", _document_xml("<w:sdt>" * 100_000 + body + "</w:sdt>" * 100_000))
    )


def docx_entity_bomb() -> bytes:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{lol}]><w:document xmlns:w="{_W_NS}"><w:body>'
        "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return _docx(_member("word/document.xml", xml.encode()))


def docx_merged_rows() -> bytes:
    """A table of 20,000 rows whose cells continue a vertical merge, and a cell spanning 2e9 columns:
    python-docx walked every merge back to its first row (quadratic) and repeated the wide cell 2e9 times."""
    text = (FIXTURES / "managed_services.txt").read_text(encoding="utf-8")
    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines() if line.strip())
    first = (
        "<w:tr><w:tc><w:p><w:r><w:t>Fees</w:t></w:r></w:p></w:tc>"
        '<w:tc><w:tcPr><w:gridSpan w:val="2000000000"/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc>'
        "</w:tr>"
    )
    cont = (
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
    )
    return _docx(
        _member("word/document.xml", _document_xml(paras + "<w:tbl>" + first + cont * 20_000 + "</w:tbl>"))
    )


# --- PDF -----------------------------------------------------------------------------------------------


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF written by hand: ``objects`` are numbered from 1; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _escape(line: str) -> bytes:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def _text_pdf(pages: list[list[str]]) -> bytes:
    """Pages of text lines in Helvetica: a real text layer pypdf reads back."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * k) for k in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for k, lines in enumerate(pages):
        ops = [b"BT /F1 9 Tf 11 TL 50 800 Td"]
        ops += [b"(" + _escape(line) + b") Tj T*" for line in lines]
        ops.append(b"ET")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (5 + 2 * k)
        )
        objects.append(_stream(b"\n".join(ops)))
    return _pdf(objects)


def _fixture_pages(name: str, per_page: int = 60) -> list[list[str]]:
    lines = [ln for ln in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if ln.strip()]
    wrapped: list[str] = []
    for line in lines:
        wrapped += [line[i : i + 100] for i in range(0, len(line), 100)]
    return [wrapped[i : i + per_page] for i in range(0, len(wrapped), per_page)]


def pdf_text() -> bytes:
    return _text_pdf(_fixture_pages("managed_services.txt"))


def _fixed_id(data: bytes) -> bytes:
    """pypdf draws the second file identifier at random; it plays no part in encryption, so fix it."""
    start = data.rindex(b"/ID [ <")
    first_end = data.index(b">", start) + 1
    second = data.index(b"<", first_end)
    end = data.index(b">", second)
    return data[: second + 1] + b"0" * (end - second - 1) + data[end:]


def _rc4(user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_text())))
    writer._ID = ArrayObject([ByteStringObject(b"seamline-hostile"), ByteStringObject(b"seamline-hostile")])
    writer.encrypt(user, owner, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return _fixed_id(buf.getvalue())


def pdf_rc4_password() -> bytes:
    return _rc4("secret", "owner-secret")


def pdf_rc4_owner_only() -> bytes:
    """Encrypted with an owner password only: any viewer opens it, and so does seamline."""
    return _rc4("", "owner-secret")


def pdf_aes256() -> bytes:
    """An AES-256 (revision 6) encrypted PDF, written by hand: opening it needs the password check of
    ISO 32000-2, which pypdf does only with the 'cryptography' package."""
    rng = random.Random(256)

    def hexstr(n: int) -> bytes:
        return b"<" + bytes(rng.getrandbits(8) for _ in range(n)).hex().encode() + b">"

    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 "
        b"/CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> /StmF /StdCF /StrF /StdCF "
        b"/O "
        + hexstr(48)
        + b" /U "
        + hexstr(48)
        + b" /OE "
        + hexstr(32)
        + b" /UE "
        + hexstr(32)
        + b" /Perms "
        + hexstr(16)
        + b" >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(bytes(rng.getrandbits(8) for _ in range(64))),
        encrypt,
    ]
    return _pdf(objects, b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (b"ab" * 16, b"ab" * 16))


def pdf_truncated() -> bytes:
    raw = pdf_text()
    return raw[: len(raw) // 3]


def pdf_not_a_pdf() -> bytes:
    return b"%PDF-1.7\n" + binary_junk()[:50_000]


def pdf_too_many_pages() -> bytes:
    return _text_pdf([["page"]] * 2001)


def pdf_many_text_pages() -> bytes:
    """1,500 pages of contract text: allowed, and read within the time limit."""
    pages = _fixture_pages("managed_services.txt")
    return _text_pdf((pages * (1500 // len(pages) + 1))[:1500])


def pdf_lying_page_count() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"BT ET"),
    ]
    return _pdf(objects)


def pdf_stream_bomb() -> bytes:
    """A page whose content stream inflates from about 1 MB to 1 GB."""
    compressed, _, _ = _deflate_bomb(b"BT ", b" ET", 1000 * MB)
    wrapped = b"\x78\xda" + compressed  # a zlib header; pypdf recovers the missing checksum
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(wrapped) + wrapped + b"\nendstream",
    ]
    return _pdf(objects)


def pdf_stream_tokens() -> bytes:
    """One page of two million text-showing operators, deflated to about 20 KB."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(b"BT /F1 9 Tf " + b"(ab) Tj " * 2_000_000 + b" ET", compress=True),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf(objects)


def pdf_deep_nesting() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"BT " + b"[" * 200_000 + b"(x)" + b"]" * 200_000 + b" TJ ET", compress=True),
    ]
    return _pdf(objects)


def pdf_empty() -> bytes:
    return b""


CASES: dict[str, tuple[Callable[[], bytes], Case]] = {
    "text_19mb.txt": (text_19mb, Case("ok", "", "a 19 MB text, inside the 20 MB limit")),
    "text_19mb_wide.txt": (text_19mb_wide, Case("ok", "", "19 MB held at 4 bytes a character")),
    "no_spaces_19mb.txt": (no_spaces_19mb, Case("ok", "", "19 MB without a space")),
    "short_sentences_19mb.txt": (short_sentences_19mb, Case("ok", "", "19 MB of three-letter sentences")),
    "utf16le_bom.txt": (
        _bom_text("utf-16-le", b"\xff\xfe"),
        Case("ok", "staff_augmentation.md", "UTF-16 text with a byte-order mark"),
    ),
    "utf16be_bom.txt": (
        _bom_text("utf-16-be", b"\xfe\xff"),
        Case("ok", "staff_augmentation.md", "UTF-16 big-endian"),
    ),
    "utf32le_bom.txt": (
        _bom_text("utf-32-le", b"\xff\xfe\x00\x00"),
        Case("ok", "staff_augmentation.md", "UTF-32 with a byte-order mark"),
    ),
    "utf32be_bom.txt": (
        _bom_text("utf-32-be", b"\x00\x00\xfe\xff"),
        Case("ok", "staff_augmentation.md", "UTF-32 big-endian"),
    ),
    "utf16_no_bom.txt": (utf16_no_bom, Case("refused", "binary", "UTF-16 without a mark cannot be told")),
    "binary_junk.txt": (binary_junk, Case("refused", "binary", "random bytes named .txt")),
    "empty.txt": (empty, Case("refused", "no text", "an empty file")),
    "spans_1m.html": (spans_1m, Case("ok", "", "a million unclosed <span> tags")),
    "nested_divs.html": (
        nested_divs,
        Case("ok", "managed_services.txt", "a contract inside 500,000 nested <div>s"),
    ),
    "script_only.html": (html_script_only, Case("refused", "no text", "nothing but a script")),
    "lying_header.docx": (
        docx_lying_header,
        Case("refused", "corrupt DOCX", "1 GB of XML whose ZIP headers claim 5,000 bytes"),
    ),
    "lying_header_under_limit.docx": (
        docx_lying_header_under_limit,
        Case("refused", "character limit", "1 GB of XML whose ZIP headers claim 90 MB"),
    ),
    "zip_bomb.docx": (docx_bomb, Case("refused", "decompresses to", "an honest 1 GB ZIP bomb")),
    "truncated.docx": (docx_truncated, Case("refused", "corrupt DOCX", "half a DOCX")),
    "not_a_zip.docx": (docx_not_a_zip, Case("refused", "corrupt DOCX", "junk named .docx")),
    "deep_nesting.docx": (
        docx_deep_nesting,
        Case("refused", "no text", "its text 100,000 content controls deep, where Word's body text is not"),
    ),
    "entity_bomb.docx": (docx_entity_bomb, Case("refused", "corrupt DOCX", "a billion laughs")),
    "merged_rows.docx": (
        docx_merged_rows,
        Case("ok", "managed_services.txt", "20,000 merged rows and a cell 2e9 columns wide"),
    ),
    "text.pdf": (pdf_text, Case("ok", "managed_services.txt", "a plain PDF, for comparison")),
    "aes256.pdf": (pdf_aes256, Case("refused", "encrypted (AES-256)", "the issue's AES-256 PDF")),
    "rc4_password.pdf": (pdf_rc4_password, Case("refused", "needs a password", "RC4 with a password")),
    "rc4_owner_only.pdf": (
        pdf_rc4_owner_only,
        Case("ok", "managed_services.txt", "RC4 with an owner password only: opens without one"),
    ),
    "truncated.pdf": (pdf_truncated, Case("refused", "PDF", "a third of a PDF")),
    "not_a_pdf.pdf": (pdf_not_a_pdf, Case("refused", "PDF", "junk named .pdf")),
    "empty.pdf": (pdf_empty, Case("refused", "PDF", "an empty file named .pdf")),
    "too_many_pages.pdf": (pdf_too_many_pages, Case("refused", "2000-page limit", "2,001 pages")),
    "many_text_pages.pdf": (
        pdf_many_text_pages,
        Case("ok", "", "1,500 pages of text: allowed, and read in time"),
    ),
    "lying_page_count.pdf": (
        pdf_lying_page_count,
        Case("refused", "no usable text layer", "/Count says a billion pages; one page, empty"),
    ),
    "stream_bomb.pdf": (pdf_stream_bomb, Case("refused", "safety limits", "a 1 GB content stream in 1 MB")),
    "stream_tokens.pdf": (
        pdf_stream_tokens,
        Case("refused", "safety limits", "a page of 2 million text operators"),
    ),
    "deep_nesting.pdf": (pdf_deep_nesting, Case("refused", "corrupt", "200,000 nested arrays")),
}


def write(out: Path, names: list[str] | None = None) -> list[Path]:
    """Write the named cases (all by default) into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or list(CASES):
        make, _ = CASES[name]
        path = out / name
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(make())
        tmp.replace(path)
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in write(Path(sys.argv[1]), sys.argv[2:] or None):
        print(f"{path}  {path.stat().st_size:,} bytes  {CASES[path.name][1].why}")
