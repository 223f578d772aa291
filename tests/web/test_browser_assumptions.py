"""Chromium: your own assumptions on a saved decision, at a phone's and a desktop's width. Edit a rate and
the cost changes (live, nothing saved); save it; reset it; a bad figure is named next to its field;
axe-core finds nothing serious. Screenshots: docs/screenshots/assumptions.png and assumptions-390.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web.browser_kit import (
    CHROMIUM,
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

RATE_LABEL = "Mid-level developer, per month (vendor, Eastern Europe)"
FIELD = "#a-rates-developer-mid-month"
MEAN = "[data-testid=outcome-mean-staff_augmentation]"


def _mean(pg: Any) -> int:
    return int(pg.locator(MEAN).get_attribute("data-value"))


def test_edit_a_rate_see_the_cost_change_save_and_reset(page: Any, server: str) -> None:  # noqa: F811
    did = create_decision(server, {**example(), "name": f"Assumptions at {width_of(page)}px"})
    saved = httpx.get(f"{server}/api/v1/decisions/{did}").json()
    saved_mean = round(saved["outputs"]["cost"]["models"]["staff_augmentation"]["mean"])
    page.goto(f"{server}/decisions/{did}")
    field = page.get_by_label(RATE_LABEL)
    assert field.input_value() == "7200"
    no_serious_axe_findings(page)
    # a dearer monthly seat: the staff-augmentation cost goes up in the outcome panel, nothing is saved
    field.fill("12000")
    page.locator(MEAN).wait_for()
    dearer = _mean(page)
    assert dearer > saved_mean
    assert page.locator("#results-live [data-testid=sensitivity]").is_visible()
    assert httpx.get(f"{server}/api/v1/decisions/{did}").json()["version"] == 1
    no_sideways_scroll(page)
    field.evaluate("e => e.scrollIntoView({block: 'start'})")  # the edited figure at the top
    page.evaluate("window.scrollBy(0, -90)")
    name = "assumptions-390" if width_of(page) < 800 else "assumptions"
    shot(page, name, docs=True)
    no_serious_axe_findings(page)
    # save: the page comes back with the figure as yours and an undo
    page.get_by_role("button", name="Save my assumptions").click()
    page.get_by_test_id("notice").wait_for()
    stored = httpx.get(f"{server}/api/v1/decisions/{did}").json()
    assert stored["situation"]["costs"]["rates"]["developer_mid"]["month"]["likely"] == 12000
    assert page.get_by_label(RATE_LABEL).input_value() == "12000"
    assert "Yours: $12,000 per month" in page.locator("#a-rates-developer-mid-month-d").inner_text()
    # reset the field: the cited default comes back and the cost with it (previewed), then saved
    page.get_by_role("button", name=f"Reset {RATE_LABEL} to the cited default").click()
    assert page.get_by_label(RATE_LABEL).input_value() == "7200"
    page.wait_for_function(
        "([sel, v]) => { const e = document.querySelector(sel); return e && +e.dataset.value === v; }",
        arg=[MEAN, saved_mean],
    )
    page.get_by_role("button", name="Save my assumptions").click()
    page.get_by_test_id("notice").wait_for()
    after = httpx.get(f"{server}/api/v1/decisions/{did}").json()["situation"]
    assert not (after.get("costs") or {}).get("rates")


def test_a_bad_figure_is_named_next_to_its_field(page: Any, server: str) -> None:  # noqa: F811
    did = create_decision(server, {**example(), "name": f"Bad figure at {width_of(page)}px"})
    page.goto(f"{server}/decisions/{did}")
    page.get_by_label(RATE_LABEL).fill("lots")
    error = page.locator("#a-rates-developer-mid-month-e")
    error.wait_for()
    assert "is not a number" in error.inner_text()
    page.wait_for_function(
        "s => document.querySelector(s).getAttribute('aria-invalid') === 'true'", arg=FIELD
    )
    # saving it anyway: nothing saved, a summary that takes focus and links to the field
    page.get_by_role("button", name="Save my assumptions").click()
    summary = page.get_by_test_id("error-summary")
    summary.wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.dataset.testid === 'error-summary'"
    )
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == FIELD[1:]
    assert httpx.get(f"{server}/api/v1/decisions/{did}").json()["version"] == 1
    no_serious_axe_findings(page)
