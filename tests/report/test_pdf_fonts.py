"""A PDF's bytes do not depend on the fonts a machine has: the text is set in the DejaVu Sans faces shipped
in seamline/report/fonts, under a family name no installed font carries, so fontconfig has nothing to
choose. Rendered in separate processes, each with its own fontconfig configuration."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from seamline.report import render
from seamline.report.render_pdf import FONT_FACES, FONTS

NAME = "Zoë’s café — Ελληνικά, Кириллица & <co>"
RENDER = (
    "import pickle, sys\n"
    "from seamline.report import render\n"
    "doc = pickle.load(open(sys.argv[1], 'rb'))\n"
    "open(sys.argv[2], 'wb').write(render(doc, 'pdf'))\n"
)
MATPLOTLIB_FONTS = Path(__import__("matplotlib").get_data_path()) / "fonts" / "ttf"


def _config(folder: Path, body: str) -> Path:
    folder.mkdir()
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{folder / 'cache'}</cachedir>{body}</fontconfig>\n"
    )
    return path


def _render_elsewhere(pickled: Path, out: Path, fontconfig_file: Path) -> bytes:
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file), "XDG_CACHE_HOME": str(out.parent)}
    result = subprocess.run(
        [sys.executable, "-c", RENDER, str(pickled), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return out.read_bytes()


@pytest.fixture(scope="module")
def document(documents: dict[str, Any]) -> Any:
    doc = documents["pre_seed_mvp"]
    return doc.model_copy(update={"title": f"Engagement decision: {NAME}", "situation_name": NAME})


def test_pdf_bytes_are_the_same_with_no_fonts_or_other_fonts_installed(document: Any, tmp_path: Path) -> None:
    pickled = tmp_path / "doc.pickle"
    pickled.write_bytes(pickle.dumps(document))
    here = render(document, "pdf")
    # no system fonts at all (before the fonts were shipped, WeasyPrint crashed here)
    empty = _config(tmp_path / "empty", "")
    # other fonts only, and "DejaVu Sans" and sans-serif both resolved to a serif face
    other_fonts = tmp_path / "other-fonts"
    other_fonts.mkdir()
    for name in ("DejaVuSerif.ttf", "DejaVuSansMono.ttf"):
        (other_fonts / name).write_bytes((MATPLOTLIB_FONTS / name).read_bytes())
    other = _config(
        tmp_path / "other",
        f"<dir>{other_fonts}</dir>"
        + "".join(
            f"<alias><family>{family}</family><prefer><family>DejaVu Serif</family></prefer></alias>"
            for family in ("DejaVu Sans", "sans-serif")
        ),
    )
    assert _render_elsewhere(pickled, tmp_path / "empty.pdf", empty) == here
    assert _render_elsewhere(pickled, tmp_path / "other.pdf", other) == here


def test_pdf_embeds_only_the_shipped_faces(document: Any) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render(document, "pdf")))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[1])
    assert fonts == {"Seamline-DejaVu-Sans", "Seamline-DejaVu-Sans-Bold", "Seamline-DejaVu-Sans-Italic"}


def test_the_shipped_fonts_are_only_those_used_and_carry_their_licence() -> None:
    shipped = {p.name for p in FONTS.iterdir() if p.suffix == ".ttf"}
    assert shipped == {name for name, _, _ in FONT_FACES}
    licence = (FONTS / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera" in licence and "DejaVu changes are in public domain" in licence
