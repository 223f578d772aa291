"""Chromium, at a phone's and a desktop's width: forms people can fix and results people can read. A bad
questionnaire: the error summary takes focus and its links move focus to each question; duplicate and
edit then abandon: no copy left behind; a contract check's summary links to its highlighted evidence and
the check is removed (and the removal undone); axe-core finds nothing serious. Screenshot:
docs/screenshots/form-errors.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web.browser_kit import (
    CHROMIUM,
    ROOT,
    browser,  # noqa: F401  (a fixture)
    create_decision,
    example,
    no_serious_axe_findings,
    no_sideways_scroll,
    page,  # noqa: F401  (a fixture)
    server,  # noqa: F401  (a fixture)
    shot,
    width_of,
)

pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

CONTRACT = ROOT / "tests" / "contracts" / "fixtures" / "dedicated_team.txt"


def _active(pg: Any) -> str:
    return str(
        pg.evaluate(
            "document.activeElement ? (document.activeElement.id || document.activeElement.name || '') : ''"
        )
    )


def test_a_bad_form_focuses_the_summary_whose_links_reach_each_field(page: Any, server: str) -> None:  # noqa: F811
    page.goto(server + "/")
    page.get_by_label("Name of this decision").fill("Form errors")
    page.get_by_label("Expected duration in months (1-120)").fill("0")
    page.get_by_label("Engineers needed (1-1000)").fill("2")
    page.get_by_role("button", name="Save decision").click()
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    text = summary.inner_text()
    assert "Expected duration in months (1-120) — Type a whole number from 1 to 120" in text
    assert "Kind of work — Answer this question." in text
    assert "work.duration_months" not in text  # the questionnaire's words, not field paths
    field = page.locator("#f-work-duration-months")
    assert field.get_attribute("aria-invalid") == "true"
    assert "f-work-duration-months-error" in str(field.get_attribute("aria-describedby"))
    if width_of(page) >= 800:
        shot(page, "form-errors", docs=True)
    no_serious_axe_findings(page)
    no_sideways_scroll(page)
    # a link moves focus to its field: a text field, then the first option of a group of radio buttons
    summary.get_by_role("link", name="Expected duration in months (1-120)", exact=False).click()
    assert _active(page) == "f-work-duration-months"
    page.locator("#error-summary").focus()
    summary.get_by_role("link", name="Kind of work", exact=False).click()
    assert _active(page) == "work.type"  # a radio button of that question
    assert page.locator("#f-work-type").get_attribute("aria-invalid") == "true"


def test_duplicate_and_edit_then_abandon_leaves_no_copy(page: Any, server: str) -> None:  # noqa: F811
    name = f"Original at {width_of(page)}px"
    did = create_decision(server, {**example(), "name": name})
    total = httpx.get(server + "/api/v1/decisions").json()["total"]
    page.goto(f"{server}/decisions/{did}")
    page.get_by_role("link", name="Duplicate and edit").click()
    page.wait_for_url(f"**/decisions/{did}/copy")
    assert page.get_by_label("Name of this decision").input_value() == f"Copy of {name}"
    assert page.get_by_test_id("copy-note").is_visible()
    no_serious_axe_findings(page)
    page.goto(server + "/decisions")  # abandoned
    assert httpx.get(server + "/api/v1/decisions").json()["total"] == total
    # saved this time: one copy
    page.goto(f"{server}/decisions/{did}/copy")
    page.get_by_label("Name of this decision").fill(f"Edited copy at {width_of(page)}px")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url("**/decisions/*")
    assert httpx.get(server + "/api/v1/decisions").json()["total"] == total + 1


def test_the_contract_summary_links_to_evidence_and_the_check_is_removed(page: Any, server: str) -> None:  # noqa: F811
    did = create_decision(server, {**example(), "name": f"With a contract at {width_of(page)}px"})
    r = httpx.post(
        f"{server}/api/v1/decisions/{did}/contract",
        files={"file": (CONTRACT.name, CONTRACT.read_bytes(), "text/plain")},
        timeout=120,
    )
    assert r.status_code == 200, r.text
    page.goto(f"{server}/decisions/{did}")
    items = page.get_by_test_id("contract-items")
    assert items.is_visible()
    assert "_" not in items.locator("a").first.inner_text()  # names, not item codes
    assert page.get_by_test_id("score-scale").is_visible()
    assert page.locator("#sources ol li").count() >= 3
    citation = page.locator("cite a[href^='#src-']").first
    target = str(citation.get_attribute("href"))
    assert page.locator(target).count() == 1  # a citation links to an entry of the sources list
    no_serious_axe_findings(page)
    # the item's link opens the contract page at its entry, the evidence highlighted
    link = items.locator("a").first
    anchor = str(link.get_attribute("href")).split("#", 1)[1]
    link.click()
    page.wait_for_url(f"**/decisions/{did}/contract#{anchor}")
    assert page.locator(f"#{anchor}").is_visible()
    assert (
        page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == anchor
    )
    assert page.locator("li.finding mark").count() >= 1
    no_serious_axe_findings(page)
    no_sideways_scroll(page)
    # remove the check: confirm, then undo from the notice
    page.goto(f"{server}/decisions/{did}")
    page.get_by_test_id("remove-contract").click()
    page.get_by_test_id("confirm-remove-contract").click()
    page.get_by_test_id("notice").wait_for()
    assert page.get_by_test_id("contract-summary").count() == 0
    assert httpx.get(f"{server}/api/v1/decisions/{did}").json()["contract"] is None
    page.get_by_test_id("notice").get_by_role("button", name="Undo").click()
    page.get_by_test_id("contract-summary").wait_for()
    assert httpx.get(f"{server}/api/v1/decisions/{did}").json()["contract"] is not None
