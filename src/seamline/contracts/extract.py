"""Text out of HTML, DOCX and PDF within a budget of characters and time (used by ``contracts.ingest``).

Every reader streams. HTML and a DOCX's ``word/document.xml`` go through lxml's parser with a target that
keeps only the text it needs: no tree is built, so a million unclosed tags, or a million nested ones, cost
what their text costs. The DOCX part is decompressed a chunk at a time and its real size counted (a ZIP
header's sizes are claims, not facts). A PDF is read page by page under pypdf's own limits on decompressed
streams. A :class:`Budget` counts the characters kept and the time spent, and refuses past either limit,
naming it and how to raise it.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seamline.errors import DocumentError

if TYPE_CHECKING:
    from seamline.contracts.ingest import ReadLimits

WHERE = "in knowledge/contract_signals.yaml"
_CHUNK = 1 << 20  # bytes or characters handed to a parser at a time


class Budget:
    """Characters kept and time spent reading one document, each against its limit."""

    def __init__(self, path: Path, limits: ReadLimits) -> None:
        self.path = path
        self.max_chars = limits.max_text_chars
        self.seconds = limits.max_read_seconds
        self.deadline = time.monotonic() + limits.max_read_seconds
        self.chars = 0

    def add(self, n: int) -> None:
        self.chars += n
        if self.chars > self.max_chars:
            raise DocumentError(
                f"{self.path}: the document's text is over the {self.max_chars}-character limit "
                f"(limits.max_text_chars {WHERE}); split the document, or raise the limit in a knowledge "
                "folder of your own"
            )

    def check(self, pending: int) -> None:
        """Refuse already when the characters kept plus ``pending`` ones not yet kept pass the limit."""
        if self.chars + pending > self.max_chars:
            self.add(pending)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise DocumentError(
                f"{self.path}: reading the document took longer than the {self.seconds:g}-second limit "
                f"(limits.max_read_seconds {WHERE}); export a simpler copy (plain text), or raise the limit "
                "in a knowledge folder of your own"
            )


# --- HTML ----------------------------------------------------------------------------------------------

_SKIP = frozenset({"script", "style", "head"})
_KEEP_SPACE = frozenset({"pre", "textarea"})
_ASCII_SPACES = str.maketrans("", "", " \n\t\f\r")


class _HtmlText:
    """An lxml parser target that keeps the text outside ``script``, ``style`` and ``head``.

    Text between two tags is one string, a string of white space only becomes one newline or one space
    (outside ``pre`` and ``textarea``), and the strings are joined with newlines: the text BeautifulSoup's
    ``get_text("\\n")`` gave before, without its tree.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.out: list[str] = []
        self.pending: list[str] = []
        self.depth = 0
        self.skip_from = 0  # depth of the outermost skipped element, 0 when none is open
        self.keep_space = 0  # open pre / textarea elements

    def _flush(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending = []
        if not self.keep_space and not text.translate(_ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        self.budget.add(len(text) + 1)
        self.out.append(text)

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        self._flush()
        self.depth += 1
        name = tag.lower() if isinstance(tag, str) else ""
        if not self.skip_from and name in _SKIP:
            self.skip_from = self.depth
        if name in _KEEP_SPACE:
            self.keep_space += 1

    def end(self, tag: str) -> None:
        self._flush()
        name = tag.lower() if isinstance(tag, str) else ""
        if name in _KEEP_SPACE and self.keep_space:
            self.keep_space -= 1
        if self.skip_from == self.depth:
            self.skip_from = 0
        self.depth -= 1

    def data(self, data: str) -> None:
        if not self.skip_from:
            self.pending.append(data)

    def comment(self, text: str) -> None:
        self._flush()

    def pi(self, target: str, data: str | None = None) -> None:
        self._flush()

    def doctype(self, *args: Any) -> None:
        self._flush()

    def close(self) -> str:
        self._flush()
        return "\n".join(self.out)


def html_text(html: str, path: Path, budget: Budget) -> str:
    """The text of an HTML document, fed to the parser a chunk at a time."""
    from lxml import etree  # type: ignore[import-untyped]

    target = _HtmlText(budget)
    parser = etree.HTMLParser(target=target, recover=True, no_network=True)
    try:
        for start in range(0, len(html), _CHUNK):
            parser.feed(html[start : start + _CHUNK])
            budget.tick()
        text: str = parser.close()
    except etree.XMLSyntaxError:  # nothing but white space or comments: "Document is empty"
        text = target.close()
    except DocumentError:
        raise
    except (etree.LxmlError, ValueError) as exc:
        raise DocumentError(f"{path}: cannot parse HTML ({type(exc).__name__})") from None
    return text


# --- DOCX ----------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_SPAN = 63  # Word's largest table has 63 columns: a cell never spans more


class _DocxText:
    """An lxml parser target that keeps what python-docx's ``paragraphs`` and ``tables`` gave before.

    A body paragraph's text is its runs' text (directly or inside a hyperlink): ``w:t``, tabs, line breaks,
    non-breaking hyphens. A table row is its cells two spaces apart, a cell being its paragraphs one per
    line; a cell spanning columns is repeated, and a cell continuing a vertical merge repeats the one it
    continues. Only what a role needs is kept while parsing, never a tree.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.roles: list[str] = []  # the role of every open element ("" when it plays none)
        self.paragraphs: list[str] = []
        self.rows: list[str] = []
        self.text: list[str] = []  # the open paragraph's pieces
        self.pending = 0  # characters gathered for a paragraph or a row and not yet counted
        self.cell: list[str] = []  # the open cell's paragraphs
        self.cells: list[str] = []  # the open row's cells
        self.span = 1
        self.merge = False
        self.offset = 0  # grid column of the next cell
        self.here: dict[int, tuple[str, int]] = {}  # this row's cells by grid column: (text, span)
        self.above: dict[int, tuple[str, int]] = {}  # the same for the row above

    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        parent = self.roles[-1] if self.roles else "root"
        role = _ROLES.get((parent, tag), "")
        if parent == "r":
            if tag in (_W + "tab", _W + "ptab"):
                self.data("\t", True)
            elif tag == _W + "br":
                self.data("\n" if attrib.get(_W + "type", "textWrapping") == "textWrapping" else "", True)
            elif tag == _W + "cr":
                self.data("\n", True)
            elif tag == _W + "noBreakHyphen":
                self.data("-", True)
        elif role == "tr":
            self.cells, self.here, self.offset = [], {}, 0
        elif role == "tc":
            self.cell, self.span, self.merge = [], 1, False
        elif role == "gridBefore":
            self.offset = _int(attrib.get(_W + "val"), 0)
        elif role == "gridSpan":
            self.span = min(max(_int(attrib.get(_W + "val"), 1), 1), _MAX_SPAN)
        elif role == "vMerge":
            self.merge = attrib.get(_W + "val", "continue") == "continue"
        elif role == "tbl":
            self.above = {}
        self.roles.append(role)

    def data(self, data: str, in_run: bool = False) -> None:
        if in_run or (self.roles and self.roles[-1] == "t"):
            self.text.append(data)
            self.pending += len(data)
            self.budget.check(self.pending)

    def end(self, tag: str) -> None:
        role = self.roles.pop()
        if role == "p":
            text = "".join(self.text)
            self.text = []
            if self.roles[-1] == "body":
                self.paragraphs.append(text)
                self.budget.add(len(text) + 2)
                self.pending = 0
            else:  # counted with its row, where merged cells may repeat it
                self.cell.append(text)
        elif role == "tc":
            if self.merge:
                text, span = self.above.get(self.offset, ("", 1))
            else:
                text, span = "\n".join(self.cell), self.span
            self.here[self.offset] = (text, span)
            self.cells.extend([text] * span)
            self.offset += self.span
        elif role == "tr":
            self.above = self.here
            self.budget.check(sum(map(len, self.cells)))  # before joining: repeats can make a row huge
            self.rows.append("  ".join(self.cells))
            self.budget.add(len(self.rows[-1]) + 2)
            self.pending = 0

    def comment(self, text: str) -> None:
        pass

    def close(self) -> str:
        return "\n\n".join(self.paragraphs + self.rows)


def _int(raw: str | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


# (role of the parent, tag) -> role of the element; what plays no role is skipped with all it holds
_ROLES = {
    ("root", _W + "document"): "document",
    ("document", _W + "body"): "body",
    ("body", _W + "p"): "p",
    ("body", _W + "tbl"): "tbl",
    ("tbl", _W + "tr"): "tr",
    ("tr", _W + "trPr"): "trPr",
    ("trPr", _W + "gridBefore"): "gridBefore",
    ("tr", _W + "tc"): "tc",
    ("tc", _W + "tcPr"): "tcPr",
    ("tcPr", _W + "gridSpan"): "gridSpan",
    ("tcPr", _W + "vMerge"): "vMerge",
    ("tc", _W + "p"): "p",
    ("p", _W + "r"): "r",
    ("p", _W + "hyperlink"): "hyperlink",
    ("hyperlink", _W + "r"): "r",
    ("r", _W + "t"): "t",
}


def docx_text(raw: bytes, path: Path, limits: ReadLimits, budget: Budget) -> str:
    """The paragraphs of a DOCX body, then its tables row by row (cells two spaces apart)."""
    import io

    from lxml import etree

    limit = limits.max_docx_uncompressed_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            declared = sum(info.file_size for info in zf.infolist())
            if declared > limit:
                raise DocumentError(
                    f"{path}: the DOCX decompresses to {declared} bytes, over the {limit}-byte limit "
                    f"(limits.max_docx_uncompressed_bytes {WHERE})"
                )
            if "word/document.xml" not in zf.namelist():
                raise DocumentError(f"{path}: not a Word document (no word/document.xml inside)")
            target = _DocxText(budget)
            parser = etree.XMLParser(
                target=target, resolve_entities=False, no_network=True, huge_tree=False, recover=False
            )
            seen = 0
            with zf.open("word/document.xml") as member:
                while chunk := member.read(_CHUNK):  # never read() whole: a lying header is no bound
                    seen += len(chunk)
                    if seen > limit:
                        raise DocumentError(
                            f"{path}: word/document.xml decompresses to more than {limit} bytes, over the "
                            f"limit (limits.max_docx_uncompressed_bytes {WHERE}), whatever its ZIP "
                            "header claims"
                        )
                    parser.feed(chunk)
                    budget.tick()
            text: str = parser.close()
            return text
    except DocumentError:
        raise
    except (zipfile.BadZipFile, EOFError) as exc:  # a bad CRC: a part is damaged, or its header lies
        raise DocumentError(f"{path}: corrupt DOCX (not a valid ZIP archive: {exc})"[:300]) from None
    except Exception as exc:  # zlib and lxml raise assorted errors on damaged parts
        raise DocumentError(f"{path}: corrupt DOCX ({type(exc).__name__})") from None


# --- PDF -----------------------------------------------------------------------------------------------


def pdf_reader(raw: bytes, path: Path) -> Any:
    """An open pypdf reader, refusing an encrypted PDF with what would open it."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)  # tries the empty password itself
        if not reader.is_encrypted:
            return reader
        method = _encryption(reader)
        opened = reader.decrypt("")  # a PDF with only an owner password opens without one
    except DependencyError:  # pypdf needs the 'cryptography' package for AES, even to try a password
        method = "AES-256" if b"/AESV3" in raw else "AES"
        raise DocumentError(
            f"{path}: the PDF is encrypted ({method}); seamline cannot tell whether it opens without a "
            "password because the 'cryptography' package is not installed (pip install cryptography). "
            "Decrypt it (or export an unprotected copy) first"
        ) from None
    if not opened:
        raise DocumentError(
            f"{path}: the PDF is encrypted ({method}) and needs a password; decrypt it (or export an "
            "unprotected copy) first"
        )
    return reader


def _encryption(reader: Any) -> str:
    try:
        enc = reader.trailer["/Encrypt"].get_object()
        version = int(enc.get("/V", 0))
    except Exception:
        return "unknown method"
    return {1: "RC4 40-bit", 2: "RC4", 4: "RC4 or AES-128", 5: "AES-256"}.get(version, f"/V {version}")
