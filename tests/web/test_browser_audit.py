"""Chromium: a stored audit in the web app, at a phone's and a desktop's width. A small audit (six
documents of the engagement corpus behind a manifest) is run by the engine and stored in the server's
database; /audits/{id} shows its figures and charts; the documents are filtered by vendor and by detected
model on the server; a row leads to the document's check with its evidence highlighted; axe-core finds
nothing serious and nothing scrolls sideways. Screenshots: docs/screenshots/audit.png and audit-390.png."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web.audit_kit import make_audit
from tests.web.browser_kit import (
    CHROMIUM,
    browser,  # noqa: F401  (a fixture)
    no_serious_axe_findings,
    no_sideways_scroll,
    page,  # noqa: F401  (a fixture)
    shot,
    width_of,
)

pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(server URL, audit id): a live server on a fresh SQLite file holding one stored audit."""
    import uvicorn

    from seamline.audit import read_audit
    from seamline.settings import Settings
    from seamline.store.audits import AuditStore
    from seamline.web.app import create_app

    folder = tmp_path_factory.mktemp("audit")
    out = make_audit(folder)
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'web.db'}", load_examples=False))
    audit, documents = read_audit(out)
    saved = AuditStore.of(app.state.store).save_audit(audit, documents, name="Engineering vendors, Q4")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", saved.id
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.store.engine.dispose()


def _documents(server: str, audit_id: int, **filters: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{server}/api/v1/audits/{audit_id}/documents", params=filters, timeout=30)
    assert r.status_code == 200, r.text
    return list(r.json()["documents"])


def _rows(pg: Any) -> list[dict[str, str]]:
    return [
        {"vendor": r.get_attribute("data-vendor") or "", "detected": r.get_attribute("data-detected") or ""}
        for r in pg.locator("[data-testid=documents] tbody tr").all()
    ]


def test_an_audit_filtered_by_vendor_and_model_down_to_a_highlighted_document(
    page: Any,  # noqa: F811
    stored: tuple[str, int],
) -> None:
    server, audit_id = stored
    everything = _documents(server, audit_id)
    assert len(everything) == 7
    page.goto(f"{server}/audits")
    no_sideways_scroll(page)
    no_serious_axe_findings(page)
    page.get_by_role("link", name="Engineering vendors, Q4").click()
    page.wait_for_url(f"**/audits/{audit_id}")
    assert page.locator("[data-testid=mislabels] tbody tr").count() >= 1
    # the charts drawn inline (seamline.charts): the drawing that fits the width is the one shown
    assert page.locator("figure.chart svg.chart").count() >= 4
    shown = [s for s in page.locator("figure.chart svg.chart").all() if s.is_visible()]
    assert len(shown) >= 2
    for svg in shown:
        box = svg.bounding_box()
        assert box and box["width"] > 0 and box["x"] + box["width"] <= width_of(page) + 1
    no_sideways_scroll(page)
    no_serious_axe_findings(page)
    shot(page, "audit-390" if width_of(page) < 800 else "audit", docs=True)

    # by vendor: the server answers with that vendor's documents only
    northwind = [d for d in everything if d["vendor"] == "Northwind"]
    assert 0 < len(northwind) < len(everything)
    page.locator("#f-vendor").fill("Northwind")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**vendor=Northwind**")
    rows = _rows(page)
    assert len(rows) == len(northwind) and {r["vendor"] for r in rows} == {"Northwind"}
    assert f"{len(northwind)} documents match" in page.get_by_test_id("documents-count").inner_text()

    # and by detected model (the vendor kept): the model of Northwind's first document
    model = next(d["detected"] for d in northwind if d["detected"])
    expected = [d for d in northwind if d["detected"] == model]
    page.locator("#f-model").select_option(model)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**model={model}**")
    rows = _rows(page)
    assert len(rows) == len(expected)
    assert {(r["vendor"], r["detected"]) for r in rows} == {("Northwind", model)}
    no_sideways_scroll(page)
    no_serious_axe_findings(page)

    # a row leads to the document: its check, the deciding clauses highlighted, and back to the filters
    first = page.locator("[data-testid=documents] tbody tr a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(f"**/audits/{audit_id}/documents/**")
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_test_id("detected").inner_text().strip() != ""
    assert page.locator("blockquote.evidence mark").count() >= 1
    assert "full text is not stored" in page.locator(".lead").inner_text()
    no_sideways_scroll(page)
    no_serious_axe_findings(page)
    page.get_by_role("link", name="← Engineering vendors, Q4").click()
    page.wait_for_url(f"**model={model}**")
    assert len(_rows(page)) == len(expected)
