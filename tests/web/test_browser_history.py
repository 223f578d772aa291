"""Browser test of the history flow: edit a decision, open its history, view the earlier version and
restore it (its answer comes back); delete a decision and undo; restore from the trash. Playwright with
Debian's chromium against a real uvicorn server, on SQLite and on PostgreSQL (a fresh schema; skipped when
SEAMLINE_TEST_DATABASE_URL is unset). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(database: tuple[str, str | None]) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port, on a fresh SQLite file or PostgreSQL schema."""
    import uvicorn

    from seamline.settings import Settings
    from seamline.web.app import create_app

    url, schema = database
    app = create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=2000)
    )
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.store.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _save(server: str, name: str) -> dict[str, Any]:
    situation = yaml.safe_load((ROOT / "examples" / "pre_seed_mvp.yaml").read_text())
    r = httpx.post(f"{server}/api/v1/decisions", json={"situation": situation, "name": name}, timeout=60)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _recommended(page: Any) -> str:
    return str(page.get_by_test_id("recommended").get_attribute("data-model"))


def test_edit_view_history_restore_an_earlier_version(page: Any, server: str) -> None:
    saved = _save(server, "History in the browser")
    first = saved["top_model"]
    assert first
    page.goto(f"{server}/decisions/{saved['id']}")
    assert _recommended(page) == first

    # Edit: no technical leadership and a product manager; the saved answer changes.
    page.get_by_role("link", name="Edit answers").click()
    page.wait_for_url("**/edit")
    page.get_by_label("None", exact=True).check()
    page.locator('input[name="team.product_manager"][value="true"]').check()
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/decisions/{saved['id']}")
    second = _recommended(page)
    assert second != first
    assert "version 2" in page.locator("main").inner_text()

    # Its history: the current version and the one it replaced, with what each recommended.
    page.get_by_role("link", name="History").click()
    page.wait_for_url("**/history")
    rows = page.locator("table.history tbody tr")
    assert rows.count() == 2
    assert "current" in rows.nth(0).inner_text().lower() and "edited" in rows.nth(0).inner_text()
    assert "created" in rows.nth(1).inner_text()
    shot(page, "history")

    # View version 1 read-only: its own answer, and a way to restore it.
    page.get_by_role("link", name="View version 1").click()
    page.wait_for_url("**/history/1")
    assert _recommended(page) == first
    assert "read only" in page.get_by_test_id("old-version").inner_text()
    shot(page, "history-version")
    page.get_by_role("button", name="Restore this version").click()
    page.wait_for_url(f"**/decisions/{saved['id']}")
    assert _recommended(page) == first  # the earlier answer is back
    assert "version 3" in page.locator("main").inner_text()

    # The restore is itself in the history: version 2 can come back too.
    page.goto(f"{server}/decisions/{saved['id']}/history")
    assert page.locator("table.history tbody tr").count() == 3
    assert "restored version 1" in page.locator("table.history tbody tr").nth(0).inner_text()
    page.get_by_role("button", name="Restore version 2").click()
    page.wait_for_url(f"**/decisions/{saved['id']}")
    assert _recommended(page) == second


def test_delete_then_undo_and_restore_from_the_trash(page: Any, server: str) -> None:
    saved = _save(server, "Deleted, then back")
    _save(server, "Stays in the list")
    page.goto(f"{server}/decisions/{saved['id']}")
    page.get_by_role("link", name="Delete").click()
    assert "trash" in page.locator("main").inner_text()
    page.get_by_role("button", name="Move to the trash").click()
    page.wait_for_url(f"**/decisions?deleted={saved['id']}")
    notice = page.get_by_test_id("deleted-notice")
    assert "Deleted “Deleted, then back”." in notice.inner_text()
    assert page.get_by_role("link", name="Deleted, then back", exact=True).count() == 0
    shot(page, "deleted-undo")
    notice.get_by_role("button", name="Undo").click()
    page.wait_for_url(f"**/decisions?restored={saved['id']}")
    assert "is back" in page.get_by_test_id("restored-notice").inner_text()
    assert page.locator("table.decisions").get_by_role("link", name="Deleted, then back").is_visible()

    # Delete again; the trash page lists it with the day it is deleted for good, and restores it.
    page.goto(f"{server}/decisions/{saved['id']}/delete")
    page.get_by_role("button", name="Move to the trash").click()
    page.wait_for_url("**/decisions?deleted=*")
    page.get_by_role("link", name="trash").first.click()
    page.wait_for_url("**/trash")
    row = page.locator("table.trash tbody tr", has_text="Deleted, then back")
    assert row.count() == 1
    purge = httpx.get(f"{server}/api/v1/trash", timeout=30).json()["decisions"][0]["purge_after"][:10]
    assert purge in row.inner_text()
    shot(page, "trash")
    row.get_by_role("button", name="Restore Deleted, then back").click()
    page.wait_for_url("**/decisions?restored=*")
    page.goto(f"{server}/decisions/{saved['id']}")
    assert page.get_by_role("heading", name="Deleted, then back").is_visible()
