"""Chromium: vendor due diligence and portfolio planning at a phone's and a desktop's width.

Vendors: upload a profile and fill in the form (a bad figure named next to its field), see each answer
graded, compare two side by side with the chart, keep both with a decision. Portfolio: upload a CSV, see
the plan (table and chart), save it, reopen it. Nothing scrolls sideways; axe-core finds nothing serious
or critical. Screenshots: docs/screenshots/vendors.png, vendor-compare.png, portfolio.png and their
-390 phone versions (viewport shots, under 300 KB)."""

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

CSV = (
    "name,vendor,work.type,work.core,work.scope,work.duration_months,work.engineers,"
    "team.technical_leadership,team.product_manager,preferences.involvement,preferences.pricing,"
    "preferences.ip_in_house,preferences.share_business_context\n"
    "Core product,Northwind Engineering,product_development,true,evolving,18,6,strong,true,daily_direction,"
    "time_and_materials,true,true\n"
    "Cloud operations,OpsGuard Managed Services,it_function,false,partly_defined,24,4,strong,true,"
    "service_levels,subscription,false,false\n"
    "Data migration,Northwind Engineering,product_development,false,fully_defined,4,3,strong,true,"
    "milestones,fixed_price,false,false\n"
)


def _name(base: str, pg: Any) -> str:
    return base if width_of(pg) > 800 else f"{base}-390"


def _check(pg: Any) -> None:
    no_sideways_scroll(pg)
    no_serious_axe_findings(pg)


def test_vendors_enter_grade_compare_and_keep_with_a_decision(page: Any, server: str) -> None:  # noqa: F811
    width = width_of(page)
    did = create_decision(server, {**example(), "name": f"Vendors at {width}px"})
    top = httpx.get(f"{server}/api/v1/decisions/{did}").json()["top_model"]
    page.goto(f"{server}/vendors?decision={did}")
    _check(page)
    # upload the profile the CLI reads
    page.set_input_files("#vendor-file", str(ROOT / "examples" / "vendor_northwind_data_backed.yaml"))
    page.get_by_role("button", name="Upload, grade and save").click()
    page.get_by_test_id("vendor-score").wait_for()
    assert page.locator(".graded-item").count() == 8
    assert page.locator("#model").input_value() == top  # scored for the decision's recommended model
    # fill in the form: a bad figure is named next to its field, linked from the summary
    page.goto(f"{server}/vendors?decision={did}")
    quick = f"Quick answers {width}"
    page.get_by_label("Vendor name").fill(quick)
    page.get_by_label("Hourly rate, low").fill("cheap")
    page.get_by_label("Hourly rate, high").fill("40")
    page.get_by_label("What is your staff attrition rate?").fill("Low, people like working here.")
    page.get_by_label("Can I see three references from similar-scale projects?").fill(
        "Yes, three clients of 10 engineers each; we run a reference call process."
    )
    page.get_by_role("button", name="Grade and save", exact=True).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'form-errors'")
    error = page.locator("#v-rates-hourly-low-error")
    assert "expected a number" in error.inner_text()
    assert page.locator("#v-rates-hourly-low").get_attribute("aria-invalid") == "true"
    page.locator('#form-errors a[href="#v-rates-hourly-low"]').click()
    assert page.evaluate("document.activeElement.id") == "v-rates-hourly-low"  # the link moves focus
    _check(page)
    page.get_by_label("Hourly rate, low").fill("25")
    page.get_by_role("button", name="Grade and save", exact=True).click()
    page.get_by_test_id("vendor-score").wait_for()
    grades = page.locator(".graded-item .grade").all_inner_texts()
    assert "MISSING" in [g.upper() for g in grades] and len(grades) == 8
    assert page.get_by_test_id("red-flags").is_visible()
    _check(page)
    page.locator("#card-h").scroll_into_view_if_needed()
    shot(page, _name("vendors", page), docs=True)
    # compare the two side by side, with the chart
    page.goto(f"{server}/vendors?decision={did}")
    for row in page.get_by_test_id("vendor-list").locator("tbody tr").all():
        if "Northwind" in row.inner_text() or quick in row.inner_text():
            row.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Compare the ticked vendors").click()
    page.get_by_test_id("vendor-chart").wait_for()
    assert page.get_by_test_id("best-vendor").inner_text() == "Northwind Engineering"
    _check(page)
    page.get_by_test_id("vendor-ranking").evaluate("e => e.scrollIntoView({block: 'start'})")
    shot(page, _name("vendor-compare", page), docs=True)
    # keep both with the decision; its document includes them
    page.goto(f"{server}/decisions/{did}/vendors")
    for _ in range(2):
        page.get_by_role("button", name="Keep with this decision").click()
        page.wait_for_load_state()
    kept = httpx.get(f"{server}/api/v1/decisions/{did}/vendors").json()
    assert {v["name"] for v in kept["vendors"]} >= {"Northwind Engineering", quick}
    assert page.get_by_test_id("vendor-ranking").is_visible()
    _check(page)
    report = httpx.get(f"{server}/decisions/{did}/report.md", timeout=120).text
    assert "## Vendors" in report and quick in report


def test_portfolio_upload_plan_save_and_reopen(page: Any, server: str, tmp_path: Path) -> None:  # noqa: F811
    width = width_of(page)
    csv = tmp_path / "portfolio.csv"
    csv.write_text(CSV)
    page.goto(f"{server}/portfolios")
    _check(page)
    # the form with nothing typed: every problem next to its field, the summary focused
    page.get_by_role("button", name="Plan", exact=True).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'form-errors'")
    assert "required" in page.locator("#ws-0-name-error").inner_text()
    assert page.locator("#ws-0-work-engineers").get_attribute("aria-invalid") == "true"
    _check(page)
    page.set_input_files("#up-file", str(csv))
    page.locator("#up-name").fill(f"Q3 plan at {width}px")
    page.get_by_role("button", name="Upload and plan").click()
    page.get_by_test_id("plan-table").wait_for()
    assert page.get_by_test_id("plan-table").locator("tbody tr").count() == 3
    assert page.get_by_test_id("portfolio-chart").is_visible()
    assert page.get_by_test_id("workstream").count() == 3  # the rows, ready to change
    _check(page)
    page.locator("#plan-h").scroll_into_view_if_needed()
    shot(page, _name("portfolio", page), docs=True)
    # add a row and remove it again, then save
    page.get_by_role("button", name="Add a workstream").click()
    assert page.get_by_test_id("workstream").count() == 4
    page.get_by_role("button", name="Remove workstream 4").click()
    assert page.get_by_test_id("workstream").count() == 3
    page.get_by_role("button", name="Plan and save").click()
    page.get_by_test_id("plan-table").wait_for()
    saved_url = page.url
    assert "/portfolios/" in saved_url
    # reopen from the list
    page.goto(f"{server}/portfolios")
    page.get_by_role("link", name=f"Q3 plan at {width}px").click()
    page.get_by_test_id("portfolio-chart").wait_for()
    assert page.url == saved_url
    assert page.get_by_test_id("plan-warnings").is_visible()  # Northwind holds most of the spend
    _check(page)
