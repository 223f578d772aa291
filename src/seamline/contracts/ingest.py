"""Read a contract or proposal file into plain text: ``.txt``, ``.md``, ``.html``, ``.pdf``, ``.docx``.

Every refusal is a :class:`~seamline.errors.DocumentError` naming the file and what was expected:
a file over the size limit, an encrypted PDF, a PDF without a text layer (OCR needed), a DOCX whose
parts decompress beyond the limit, a corrupt file, an unsupported extension. The limits live in
``knowledge/contract_signals.yaml`` (``limits``) and can be overridden by the caller.

Normalisation keeps offsets simple: the returned text is the document's text after line-ending and
whitespace clean-up, and every evidence offset refers to this text (the same text ``seamline check`` shows).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from seamline.errors import DocumentError

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+\n")
_MANY_BLANKS = re.compile(r"\n{3,}")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int
    max_docx_uncompressed_bytes: int
    max_pdf_pages: int
    min_text_chars_per_page: int


@dataclass(frozen=True)
class Document:
    """A document's normalised text, its title (first non-empty line) and where it came from."""

    path: str
    text: str
    title: str
    kind: str


def default_limits(knowledge: Path | str | None = None) -> ReadLimits:
    """The reading limits of ``knowledge/contract_signals.yaml`` (bundled, or the given knowledge folder)."""
    from seamline.contracts.catalogue import load_signals

    lim = load_signals(knowledge).limits
    return ReadLimits(
        max_file_bytes=int(lim.max_file_bytes.value),
        max_docx_uncompressed_bytes=int(lim.max_docx_uncompressed_bytes.value),
        max_pdf_pages=int(lim.max_pdf_pages.value),
        min_text_chars_per_page=int(lim.min_text_chars_per_page.value),
    )


def normalise(text: str) -> str:
    """Unify line endings, drop trailing spaces on lines and collapse long runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _SPACES.sub("\n", text)
    return _MANY_BLANKS.sub("\n\n", text).strip("\n")


def title_of(text: str) -> str:
    for line in text.split("\n", 20)[:20]:
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


def read_document(path: str | Path, limits: ReadLimits | None = None) -> Document:
    """Read and normalise one file; refuses with a :class:`DocumentError` instead of crashing."""
    p = Path(path)
    limits = limits or default_limits()
    if not p.exists():
        raise DocumentError(f"{p}: no such file")
    if p.is_dir():
        raise DocumentError(f"{p}: is a directory, expected a document ({', '.join(SUPPORTED)})")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError(
            f"{p}: unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(SUPPORTED)}"
        )
    try:
        size = p.stat().st_size
        if size > limits.max_file_bytes:
            raise DocumentError(
                f"{p}: file is {size} bytes, over the {limits.max_file_bytes}-byte limit "
                "(limits.max_file_bytes in knowledge/contract_signals.yaml)"
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{p}: cannot read ({exc.strerror})") from None
    if suffix == ".pdf":
        text = _pdf_text(raw, p, limits)
    elif suffix == ".docx":
        text = _docx_text(raw, p, limits)
    else:
        decoded = _decode(raw, p)
        text = _html_text(decoded, p) if suffix in (".html", ".htm") else decoded
    text = normalise(text)
    if not text.strip():
        raise DocumentError(f"{p}: the document holds no text")
    if not _LETTER.search(text):
        raise DocumentError(
            f"{p}: the document holds no words (only numbers, symbols or spaces); expected text"
        )
    return Document(path=str(p), text=text, title=title_of(text), kind=suffix.lstrip("."))


def _decode(raw: bytes, p: Path) -> str:
    if b"\x00" in raw[:4096]:
        raise DocumentError(f"{p}: looks like a binary file, expected text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{p}: not UTF-8 or Windows-1252 text (byte {exc.start})") from None


def _html_text(html: str, p: Path) -> str:
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(html, "lxml")
    except Exception as exc:  # bs4/lxml raise assorted errors on broken input
        raise DocumentError(f"{p}: cannot parse HTML ({type(exc).__name__})") from None
    for tag in soup(["script", "style", "head"]):
        tag.decompose()
    return soup.get_text("\n")


def _pdf_text(raw: bytes, p: Path, limits: ReadLimits) -> str:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            raise DocumentError(
                f"{p}: the PDF is encrypted; decrypt it (or export an unprotected copy) first"
            )
        pages = reader.pages
        if len(pages) > limits.max_pdf_pages:
            raise DocumentError(
                f"{p}: the PDF has {len(pages)} pages, over the {limits.max_pdf_pages}-page limit "
                "(limits.max_pdf_pages in knowledge/contract_signals.yaml)"
            )
        texts = [page.extract_text() or "" for page in pages]
    except DocumentError:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ) as exc:
        raise DocumentError(f"{p}: corrupt or unreadable PDF ({type(exc).__name__}: {exc})"[:300]) from None
    except Exception as exc:  # pypdf raises many internal types on damaged files
        raise DocumentError(f"{p}: corrupt or unreadable PDF ({type(exc).__name__})") from None
    if not pages:
        raise DocumentError(f"{p}: the PDF has no pages")
    chars = sum(len(t.strip()) for t in texts)
    if chars < limits.min_text_chars_per_page * len(pages):
        raise DocumentError(
            f"{p}: the PDF has no usable text layer ({chars} characters on {len(pages)} pages); "
            "it is probably scanned: run OCR on it first, then check the result"
        )
    return "\n\n".join(texts)


def _docx_text(raw: bytes, p: Path, limits: ReadLimits) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > limits.max_docx_uncompressed_bytes:
                raise DocumentError(
                    f"{p}: the DOCX decompresses to {total} bytes, over the "
                    f"{limits.max_docx_uncompressed_bytes}-byte "
                    "limit (limits.max_docx_uncompressed_bytes in knowledge/contract_signals.yaml)"
                )
            if "word/document.xml" not in zf.namelist():
                raise DocumentError(f"{p}: not a Word document (no word/document.xml inside)")
    except zipfile.BadZipFile:
        raise DocumentError(f"{p}: corrupt DOCX (not a valid ZIP archive)") from None
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises assorted errors on damaged parts
        raise DocumentError(f"{p}: corrupt DOCX ({type(exc).__name__})") from None
    blocks = [para.text for para in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append("  ".join(cell.text for cell in row.cells))
    return "\n\n".join(blocks)
