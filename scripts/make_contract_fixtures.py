"""Generate the PDF and DOCX versions of the contract fixtures, and the bad-input files the tests refuse.

    .venv/bin/python scripts/make_contract_fixtures.py

Reads tests/contracts/fixtures/*.txt|*.md (hand-written) and writes, next to them:
- <name>.pdf (matplotlib's PDF backend: one text line per row, so the PDF has a real text layer) and
  <name>.docx (python-docx) for the documents listed in CONVERT;
- bad/scanned.pdf (an image only, no text layer), bad/encrypted.pdf (password-protected),
  bad/corrupt.pdf and bad/corrupt.docx (damaged bytes).
Outputs are committed; rerun after editing a fixture. Each file is written to a temporary name and renamed.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "contracts" / "fixtures"
CONVERT = ("staff_augmentation.md", "managed_services.txt", "mislabel_managed_named_engineers.txt")
LINES_PER_PAGE = 48


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        para = para.lstrip("#").strip()
        out.extend(textwrap.wrap(para, 90) or [""])
    return out


def pdf_bytes(text: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    lines = _lines(text)
    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Creator": "seamline fixtures", "CreationDate": None}) as pdf:
        for start in range(0, len(lines), LINES_PER_PAGE):
            fig = Figure(figsize=(8.27, 11.69))
            for row, line in enumerate(lines[start : start + LINES_PER_PAGE]):
                fig.text(0.08, 0.95 - row * 0.019, line, fontsize=8.5, family="DejaVu Sans")
            pdf.savefig(fig)
    return buf.getvalue()


def scanned_pdf_bytes() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buf = io.BytesIO()
    rng = np.random.default_rng(7)
    with PdfPages(buf, metadata={"Creator": "seamline fixtures", "CreationDate": None}) as pdf:
        fig = Figure(figsize=(8.27, 11.69))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.imshow(rng.random((60, 40)), cmap="gray")
        ax.axis("off")
        pdf.savefig(fig)
    return buf.getvalue()


def encrypted_pdf_bytes(plain: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(plain)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for para in text.split("\n"):
        if not para.strip():
            continue
        if para.startswith("#"):
            document.add_heading(para.lstrip("#").strip(), level=min(para.count("#", 0, 3), 3))
        else:
            document.add_paragraph(para)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def main() -> None:
    for name in CONVERT:
        src = FIXTURES / name
        text = src.read_text(encoding="utf-8")
        _atomic_write(src.with_suffix(".pdf"), pdf_bytes(text))
        _atomic_write(src.with_suffix(".docx"), docx_bytes(text))
        print(f"wrote {src.with_suffix('.pdf').name}, {src.with_suffix('.docx').name}")
    bad = FIXTURES / "bad"
    plain = pdf_bytes((FIXTURES / "nda.txt").read_text(encoding="utf-8"))
    _atomic_write(bad / "scanned.pdf", scanned_pdf_bytes())
    _atomic_write(bad / "encrypted.pdf", encrypted_pdf_bytes(plain))
    _atomic_write(bad / "corrupt.pdf", plain[: len(plain) // 3].replace(b"obj", b"jbo"))
    good_docx = docx_bytes("A short document.")
    _atomic_write(bad / "corrupt.docx", good_docx[:200] + b"\x00" * 64)
    print(f"wrote {', '.join(sorted(p.name for p in bad.iterdir()))} in {bad}")


if __name__ == "__main__":
    main()
