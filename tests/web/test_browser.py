"""Browser tests: Playwright driving Debian's chromium against a real uvicorn server on loopback.

Screenshots of every page (desktop and phone width) go to test-output/screenshots/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIXTURES = ROOT / "tests" / "contracts" / "fixtures"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from seamline.settings import Settings
    from seamline.web.app import create_app

    db = tmp_path_factory.mktemp("web") / "browser.db"
    app = create_app(
        Settings(database_url=f"sqlite:///{db}", examples_dir=ROOT / "examples", cost_trials=2000)
    )
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
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


def fill_questionnaire(page: Any, name: str) -> None:
    page.get_by_label("Name of this decision").fill(name)
    page.get_by_label("Pre-seed / MVP").check()
    page.get_by_label("Product development (building software)").check()
    page.get_by_label("Yes, it differentiates us").check()
    page.get_by_label("Evolving (changes sprint by sprint)").check()
    page.get_by_label("Expected duration in months (1-120)").fill("6")
    page.get_by_label("Engineers needed (1-1000)").fill("2")
    page.get_by_label("Strong: a lead with time to direct external engineers daily").check()
    for group in ("team.product_manager", "preferences.ip_in_house", "preferences.share_business_context"):
        page.locator(f'input[name="{group}"][value="{"false" if "product" in group else "true"}"]').check()
    page.locator('input[name="preferences.involvement"][value="daily_direction"]').check()
    page.locator('input[name="preferences.pricing"][value="monthly_retainer"]').check()


def live_model(page: Any) -> str:
    return str(page.get_by_test_id("live-recommended").get_attribute("data-model"))


def test_questionnaire_live_update_save_reopen_compare_delete(page: Any, server: str) -> None:
    page.goto(server + "/")
    shot(page, "questionnaire-empty")
    fill_questionnaire(page, "Browser test MVP")
    page.get_by_test_id("live-recommended").wait_for()
    first = live_model(page)
    assert first, "a recommendation is shown once every question is answered"
    shot(page, "questionnaire-answered")
    # Change an answer: no technical leadership and a product manager; the panel updates by itself.
    page.get_by_label("None", exact=True).check()
    page.locator('input[name="team.product_manager"][value="true"]').check()
    page.wait_for_function(
        "m => document.querySelector('[data-testid=live-recommended]').dataset.model !== m", arg=first
    )
    second = live_model(page)
    assert second != first
    # Save, then the results page opens from the database.
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/decisions/*")
    assert page.get_by_test_id("recommended").get_attribute("data-model") == second
    for heading in ("Ranking", "The models by criterion", "Cumulative cost over time"):
        assert page.get_by_role("heading", name=heading).is_visible()
    shot(page, "results")
    saved_url = page.url
    # Duplicate and edit: back to the questionnaire, pre-filled; the copy is created when it is saved.
    page.get_by_role("link", name="Duplicate and edit").click()
    page.wait_for_url("**/copy")
    assert page.get_by_label("Name of this decision").input_value() == "Copy of Browser test MVP"
    page.get_by_label("Strong: a lead with time to direct external engineers daily").check()
    page.get_by_label("Name of this decision").fill("Browser test, strong lead")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/decisions/*")
    copy_url = page.url
    assert copy_url != saved_url
    # The list shows both; compare them side by side.
    page.goto(server + "/decisions")
    assert page.get_by_role("link", name="Browser test MVP").is_visible()
    shot(page, "decisions")
    page.goto(server + "/compare")
    page.get_by_label("First decision").select_option(label="Browser test MVP")
    page.get_by_label("Second decision").select_option(label="Browser test, strong lead")
    page.get_by_role("button", name="Compare").click()
    cells = page.get_by_test_id("compare-recommended")
    assert cells.count() == 2
    shot(page, "compare")
    # Rename from the list, then delete with confirmation.
    page.goto(server + "/decisions")
    row = page.locator("tr", has=page.get_by_role("link", name="Browser test MVP", exact=True))
    row.locator("summary", has_text="Rename").click()
    row.get_by_label("New name").fill("Browser test renamed")
    row.get_by_role("button", name="Rename").click()
    assert page.get_by_role("link", name="Browser test renamed").is_visible()
    page.goto(saved_url)
    page.get_by_role("link", name="Delete").click()
    shot(page, "confirm-delete")
    page.get_by_role("button", name="Move to the trash").click()
    page.wait_for_url("**/decisions?deleted=*")
    assert page.get_by_role("link", name="Browser test renamed").count() == 0
    assert page.get_by_role("link", name="Browser test, strong lead").is_visible()


def test_contract_upload_shows_a_finding_with_evidence(page: Any, server: str, tmp_path: Path) -> None:
    doc = tmp_path / "proposal.txt"
    doc.write_text(
        "MANAGED SERVICES AGREEMENT <script>window.__pwned = true</script>\n\n"
        "1. Services. The Provider operates and monitors the Client's cloud infrastructure and runs the "
        "support desk, against the service levels in Schedule 2.\n\n"
        "2. Service levels. The Provider guarantees 99.9% monthly uptime; if it misses a target the Client "
        "receives a service credit of 5% of the monthly fee.\n\n"
        "3. Fees. A monthly fee per managed server, invoiced in advance.\n\n"
        "4. Data. The Client keeps ownership of its data and configurations.\n",
        encoding="utf-8",
    )
    page.goto(server + "/contracts")
    shot(page, "contract-form")
    page.get_by_label("Document (PDF, DOCX, TXT, MD or HTML", exact=False).set_input_files(str(doc))
    page.get_by_role("button", name="Check the document").click()
    page.get_by_test_id("detected").wait_for()
    assert page.evaluate("window.__pwned === undefined")
    assert "Engagement" in page.get_by_test_id("document-type").inner_text()
    assert page.locator("table.alternatives tbody tr").count() == 6
    assert page.locator("blockquote.evidence[data-dimension] mark").first.is_visible()
    finding = page.locator("li.finding", has=page.locator("mark")).first
    assert finding.is_visible()
    assert finding.locator("mark").first.inner_text().strip()
    shot(page, "contract-report")


def test_phone_width_pages(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    pg.goto(server + "/")
    shot(pg, "phone-questionnaire")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 400, "the questionnaire scrolls sideways"
    pg.goto(server + "/decisions")
    shot(pg, "phone-decisions")
    pg.locator("table.decisions a").first.click()
    pg.get_by_test_id("recommended").wait_for()
    shot(pg, "phone-results")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the results page scrolls sideways on a phone ({width}px)"
    pg.goto(server + "/contracts")
    pg.get_by_label("Document (PDF, DOCX, TXT, MD or HTML", exact=False).set_input_files(
        str(FIXTURES / "dedicated_team.txt")
    )
    pg.get_by_role("button", name="Check the document").click()
    pg.get_by_test_id("document-type").wait_for()
    shot(pg, "phone-contract")
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the contract check scrolls sideways on a phone ({width}px)"
    context.close()
