"""Browser test of accounts: log in (a wrong password first), see only your workspace's decisions, switch
workspace, a viewer sees no edit buttons, log out. Playwright with Debian's chromium against a real
uvicorn server, on SQLite and on PostgreSQL (a fresh schema; skipped when SEAMLINE_TEST_DATABASE_URL is
unset). Screenshots go to test-output/screenshots/.
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
PASSWORD = "correct horse battery staple"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _save(server: str, token: str, workspace: int, name: str) -> None:
    situation = yaml.safe_load((ROOT / "examples" / "pre_seed_mvp.yaml").read_text())
    r = httpx.post(
        f"{server}/api/v1/decisions",
        json={"situation": situation, "name": name},
        headers={"Authorization": f"Bearer {token}", "X-Seamline-Workspace": str(workspace)},
        timeout=60,
    )
    assert r.status_code == 201, r.text


@pytest.fixture
def server(database: tuple[str, str | None]) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port, on a fresh database with accounts: alice owns
    "Alpha" and is a viewer in "Beta"; bob owns "Beta"; each workspace holds one decision."""
    import uvicorn

    from seamline.settings import Settings
    from seamline.store import AccountStore
    from seamline.web.app import create_app

    url, schema = database
    app = create_app(
        Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=2000)
    )
    accounts = AccountStore(app.state.store.engine)
    alice = accounts.add_user("alice", PASSWORD, "Alice Liddell")
    bob = accounts.add_user("bob", PASSWORD)
    alpha = accounts.add_workspace("Alpha", owner=alice.id).id
    beta = accounts.add_workspace("Beta", owner=bob.id).id
    accounts.grant(beta, "alice", "viewer")
    token = accounts.create_token("bob", "browser test")[1]
    accounts.grant(alpha, "bob", "editor")  # so bob's token can save into Alpha too
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    _save(base, token, alpha, "Alpha hiring plan")
    _save(base, token, beta, "Beta vendor plan")
    accounts.revoke(alpha, "bob")
    app.state.auth.forget()
    yield base
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


def test_login_workspaces_viewer_and_logout(page: Any, server: str, database: tuple[str, str | None]) -> None:
    backend = "postgres" if database[1] else "sqlite"
    page.goto(f"{server}/decisions")
    page.wait_for_url("**/login?next=%2Fdecisions")
    shot(page, f"accounts-login-{backend}")

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().count("wrong username or password") >= 1
    assert page.get_by_label("Username").input_value() == "alice"

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/decisions")
    body = page.locator("main").inner_text()
    assert "Alpha hiring plan" in body and "Beta vendor plan" not in body
    assert page.get_by_test_id("account").inner_text() == "Alice Liddell"
    assert page.get_by_text("Rename").count() >= 1  # an editor's row actions
    shot(page, f"accounts-alpha-{backend}")

    # The owner's decision page has its edit buttons.
    page.get_by_role("link", name="Alpha hiring plan").click()
    page.get_by_role("link", name="Edit answers").wait_for()
    assert page.get_by_role("link", name="Delete").count() == 1

    # Switch to Beta, where alice is a viewer: Beta's decision only, and no button that changes it.
    page.get_by_label("Workspace").select_option(label="Beta (viewer)")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_url("**/decisions")
    body = page.locator("main").inner_text()
    assert "Beta vendor plan" in body and "Alpha hiring plan" not in body
    assert "view only" in body
    assert page.get_by_text("Rename").count() == 0
    page.get_by_role("link", name="Beta vendor plan").click()
    page.get_by_test_id("recommended").wait_for()
    for name in ("Edit answers", "Delete"):
        assert page.get_by_role("link", name=name).count() == 0, name
    assert page.get_by_role("button", name="Duplicate and edit").count() == 0
    shot(page, f"accounts-viewer-{backend}")
    page.goto(f"{server}/")
    assert page.get_by_role("button", name="Save decision").count() == 0
    assert page.get_by_role("button", name="See full results").count() == 1

    # Your account lists both workspaces with your role in each.
    page.get_by_test_id("account").click()
    rows = page.locator("table.workspaces tbody tr")
    assert rows.count() == 2
    assert "owner" in rows.nth(0).inner_text() and "viewer" in rows.nth(1).inner_text()
    shot(page, f"accounts-account-{backend}")

    # Log out: the pages ask for a login again.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    page.goto(f"{server}/decisions")
    page.wait_for_url("**/login?next=%2Fdecisions")
    assert page.get_by_role("button", name="Log in").count() == 1
