"""Read a contract or proposal file into plain text: ``.txt``, ``.md``, ``.html``, ``.pdf``, ``.docx``.

Every refusal is a :class:`~seamline.errors.DocumentError` naming the file and what was expected:
something other than a regular file (a FIFO, a device, a link to one), a file over the size limit, an
encrypted PDF, a PDF without a text layer (OCR needed), a DOCX whose parts decompress beyond the limit
(counted while decompressing, whatever the ZIP header claims), a document whose text is over the character
limit or that takes longer than the time limit to read, a corrupt file, an unsupported extension. The
limits live in ``knowledge/contract_signals.yaml`` (``limits``) and can be overridden by the caller.

Text files may be UTF-8, Windows-1252, or UTF-16 / UTF-32 with a byte-order mark.

Normalisation keeps offsets simple: the returned text is the document's text after line-ending and
whitespace clean-up, and every evidence offset refers to this text (the same text ``seamline check`` shows).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from seamline.contracts.extract import WHERE, Budget, docx_text, html_text, pdf_reader
from seamline.errors import DocumentError
from seamline.files import read_regular_bytes

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+\n")
_MANY_BLANKS = re.compile(r"\n{3,}")
_LETTER = re.compile(r"[^\W\d_]")
# byte-order marks, longest first (a UTF-32 little-endian mark starts like a UTF-16 one)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class ReadLimits:
    max_file_bytes: int
    max_docx_uncompressed_bytes: int
    max_pdf_pages: int
    min_text_chars_per_page: int
    max_text_chars: int
    max_read_seconds: float
    max_pdf_stream_tokens: int


@dataclass(frozen=True)
class Document:
    """A document's normalised text, its title (first non-empty line) and where it came from."""

    path: str
    text: str
    title: str
    kind: str


def default_limits(knowledge: Path | str | None = None) -> ReadLimits:
    """The reading limits of ``knowledge/contract_signals.yaml`` (bundled, or the given knowledge folder;
    a limit the folder does not set keeps the bundled value)."""
    from seamline.contracts.catalogue import load_signals

    lim = load_signals(knowledge).limits
    bundled = load_signals(None).limits
    text_chars = lim.max_text_chars or bundled.max_text_chars
    read_seconds = lim.max_read_seconds or bundled.max_read_seconds
    stream_tokens = lim.max_pdf_stream_tokens or bundled.max_pdf_stream_tokens
    assert text_chars and read_seconds and stream_tokens  # the bundled file sets them
    return ReadLimits(
        max_file_bytes=int(lim.max_file_bytes.value),
        max_docx_uncompressed_bytes=int(lim.max_docx_uncompressed_bytes.value),
        max_pdf_pages=int(lim.max_pdf_pages.value),
        min_text_chars_per_page=int(lim.min_text_chars_per_page.value),
        max_text_chars=int(text_chars.value),
        max_read_seconds=float(read_seconds.value),
        max_pdf_stream_tokens=int(stream_tokens.value),
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
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED and p.is_file():  # anything else is named for what it is, below
        raise DocumentError(
            f"{p}: unsupported file type {suffix or '(none)'!r}; expected one of {', '.join(SUPPORTED)}"
        )
    raw = read_regular_bytes(
        p,
        limits.max_file_bytes,
        error=DocumentError,
        limit_name=f"limits.max_file_bytes {WHERE}",
        expected=f"a document ({', '.join(SUPPORTED)})",
    )
    budget = Budget(p, limits)
    if suffix == ".pdf":
        text = _pdf_text(raw, p, limits, budget)
    elif suffix == ".docx":
        text = docx_text(raw, p, limits, budget)
    else:
        decoded = decode(raw, p)
        del raw
        if suffix in (".html", ".htm"):
            text = html_text(decoded, p, budget)
        else:
            budget.add(len(decoded))
            text = decoded
        del decoded
    text = normalise(text)
    if not text.strip():
        raise DocumentError(f"{p}: the document holds no text")
    if not _LETTER.search(text):
        raise DocumentError(
            f"{p}: the document holds no words (only numbers, symbols or spaces); expected text"
        )
    return Document(path=str(p), text=text, title=title_of(text), kind=suffix.lstrip("."))


def decode(raw: bytes, p: Path | str) -> str:
    """Text from bytes: by its byte-order mark (UTF-8, UTF-16 or UTF-32), else UTF-8, else Windows-1252."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise DocumentError(
                    f"{p}: not valid {name} text although it starts with a {name} byte-order mark "
                    f"(byte {exc.start + len(bom)})"
                ) from None
    if b"\x00" in raw[:4096]:
        raise DocumentError(
            f"{p}: looks like a binary file, expected text (UTF-8, Windows-1252, or UTF-16 / UTF-32 "
            "with a byte-order mark)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{p}: not UTF-8 or Windows-1252 text (byte {exc.start})") from None


def _pdf_text(raw: bytes, p: Path, limits: ReadLimits, budget: Budget) -> str:
    import logging

    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    texts: list[str] = []
    try:
        with apply_configuration(  # text only: never run an image decoder
            jbig2dec_binary=None, stream_parsing_work_maximum_count=limits.max_pdf_stream_tokens
        ):
            reader = pdf_reader(raw, p)
            pages = reader.pages
            if len(pages) > limits.max_pdf_pages:
                raise DocumentError(
                    f"{p}: the PDF has {len(pages)} pages, over the {limits.max_pdf_pages}-page limit "
                    f"(limits.max_pdf_pages {WHERE})"
                )
            for page in pages:
                text = page.extract_text() or ""
                if not text.strip():  # pypdf gives "" for a page it could not read: a bomb, not a scan
                    contents = page.get_contents()
                    if contents is not None:
                        len(contents.operations)
                budget.add(len(text) + 2)
                texts.append(text)
                budget.tick()
    except DocumentError:
        raise
    except LimitReachedError as exc:
        raise DocumentError(
            f"{p}: the PDF goes past one of pypdf's safety limits ({exc}); it is damaged or hostile"[:300]
        ) from None
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
    if not texts:
        raise DocumentError(f"{p}: the PDF has no pages")
    chars = sum(len(t.strip()) for t in texts)
    if chars < limits.min_text_chars_per_page * len(texts):
        raise DocumentError(
            f"{p}: the PDF has no usable text layer ({chars} characters on {len(texts)} pages); "
            "it is probably scanned: run OCR on it first, then check the result"
        )
    return "\n\n".join(texts)
