"""Uploads go through the same bounded reader as ``seamline check`` (issue 13)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "contracts" / "fixtures"

_spec = importlib.util.spec_from_file_location(
    "make_hostile_documents", ROOT / "scripts" / "make_hostile_documents.py"
)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hostile
_spec.loader.exec_module(hostile)


def _check(client: Any, name: str, data: bytes) -> Any:
    return client.post("/api/v1/check", files={"file": (name, data, "application/octet-stream")})


def test_utf16_text_upload_is_read(client: Any) -> None:
    text = (FIX / "staff_augmentation.md").read_text(encoding="utf-8")
    plain = _check(client, "c.md", text.encode("utf-8"))
    wide = _check(client, "c.md", b"\xff\xfe" + text.encode("utf-16-le"))
    assert plain.status_code == wide.status_code == 200, wide.text
    assert wide.json()["detected"] == plain.json()["detected"]


def test_a_docx_with_a_lying_header_is_refused_not_inflated(client: Any) -> None:
    r = _check(client, "liar.docx", hostile.docx_lying_header())
    assert r.status_code == 422 and r.json()["error"]["code"] == "unreadable_document", r.text
    assert "liar.docx: corrupt DOCX" in r.json()["message"]


def test_an_aes_pdf_upload_is_called_encrypted(client: Any) -> None:
    r = _check(client, "locked.pdf", hostile.pdf_aes256())
    assert r.status_code == 422 and r.json()["error"]["code"] == "unreadable_document", r.text
    assert "locked.pdf: the PDF is encrypted (AES-256)" in r.json()["message"]


def test_the_text_limit_applies_to_uploads(database: tuple[str, str | None], tmp_path: Path) -> None:
    """The limit comes from the server's knowledge folder, read in the worker process that does the check."""
    import re
    import shutil

    from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "src" / "seamline" / "knowledge", knowledge)
    signals = knowledge / "contract_signals.yaml"
    text = re.sub(r"max_text_chars: \{value: \d+", "max_text_chars: {value: 100000", signals.read_text())
    signals.write_text(text)
    url, schema = database
    app = create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, knowledge=knowledge)
    )
    with TestClient(app) as client:
        r = _check(client, "spans.html", b"<html><body>" + b"<span>word " * 200_000 + b"</body></html>")
    app.state.store.engine.dispose()
    assert r.status_code == 422 and r.json()["error"]["code"] == "unreadable_document", r.text
    assert "spans.html: the document's text is over the 100000-character limit" in r.json()["message"]
