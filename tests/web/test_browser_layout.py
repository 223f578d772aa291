"""Every page at a phone's width (390 px) and a desktop's (1440 px), in Chromium: axe-core finds no serious
or critical violation, nothing scrolls sideways, chart text is readable; the questionnaire, results and
save flow done with the keyboard alone. The pages are read from ``app.routes``, so a page added later is
checked without a change here. Screenshots for the docs go to docs/screenshots/ when
SEAMLINE_DOC_SCREENSHOTS=1, else to test-output/screenshots/ (browser_kit.doc_shots).
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.web.browser_kit import doc_shots
from tests.web.routes_of import fill, get_routes, known_ids

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (390, 1440)
CONTRACT = ROOT / "tests" / "contracts" / "fixtures" / "mislabel_managed_named_engineers.txt"

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    import uvicorn

    from seamline.settings import Settings
    from seamline.web.app import create_app

    db = tmp_path_factory.mktemp("layout") / "layout.db"
    app = create_app(
        Settings(database_url=f"sqlite:///{db}", examples_dir=ROOT / "examples", cost_trials=500)
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
    yield app, f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    app.state.store.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _get_json(base: str, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as r:
            return r.status, json.loads(r.read())
    except Exception:  # a collection this build does not have yet: no id from it
        return 0, None


def _upload_first_file_form(page: Any, url: str, file: Path) -> None:
    """Send ``file`` through the first upload form of a page, whatever its fields are called (vendors and
    portfolios have their own pages; this gives their detail pages a real record to show)."""
    page.goto(url)
    form = page.locator("form:has(input[type=file])").first
    if form.count() == 0:
        return
    try:
        form.locator("input[type=file]").first.set_input_files(str(file))
        form.locator("button[type=submit], button:not([type])").last.click(timeout=5_000)
        page.wait_for_load_state("networkidle")
        save = page.get_by_role("button", name="Save", exact=False)
        if save.count():  # a plan is shown first and saved on request
            save.first.click(timeout=5_000)
            page.wait_for_load_state("networkidle")
    except sync_api.Error:
        pass  # the form wants more than a file: the pages are still checked, with the ids there are


@pytest.fixture(scope="module")
def pages(app_server: tuple[Any, str], browser: Any) -> list[str]:
    """Every HTML page to visit, with real ids: a saved decision with a contract check, a vendor and a
    portfolio where the app has them."""
    app, base = app_server
    ctx = browser.new_context()
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    status, listing = _get_json(base, "/api/v1/decisions")
    assert status == 200 and listing["decisions"], "the examples are loaded"
    decision = listing["decisions"][0]["id"]
    page.goto(f"{base}/contracts?decision={decision}")
    page.locator("input[type=file]").first.set_input_files(str(CONTRACT))
    page.get_by_role("button", name="Check the document").click()
    page.get_by_test_id("detected").wait_for()
    _upload_first_file_form(page, base + "/vendors", ROOT / "examples" / "vendor_northwind_data_backed.yaml")
    _upload_first_file_form(page, base + "/portfolios", ROOT / "examples" / "portfolio_scale_up.yaml")
    ctx.close()
    ids = known_ids(lambda p: _get_json(base, p), get_routes(app))
    ids["decision_id"] = decision
    out = []
    for template in get_routes(app):
        if template.startswith("/api/") or "{fmt}" in template or template.endswith(".csv"):
            continue  # JSON, documents and downloads: no page to lay out
        out.append(fill(template, ids))
    first, second = (d["id"] for d in listing["decisions"][:2])
    out.append(f"/compare?a={first}&b={second}")  # two results side by side: each chart in half the width
    return out


CHART_TEXT = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;  // the drawing for the other width
    const scale = box.width / svg.viewBox.baseVal.width;
    for (const t of svg.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      out.push({text: t.textContent, px: parseFloat(t.getAttribute('font-size')) * scale,
                left: r.left, right: r.right});
    }
  }
  return out;
}"""


SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_every_page_passes_axe_and_fits_at_phone_and_desktop_width(
    browser: Any, app_server: tuple[Any, str], pages: list[str]
) -> None:
    _, base = app_server
    assert {"/", "/decisions", "/docs", "/compare", "/contracts"} <= set(pages)
    axe = axe_sync.Axe()
    problems: list[str] = []
    charts = 0
    for width in WIDTHS:
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        for path in pages:
            response = page.goto(base + path)
            assert response is not None
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            page.wait_for_load_state("networkidle")
            if not page.evaluate(SCROLL):
                wide = page.evaluate(
                    "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
                    " > window.innerWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)"
                )
                problems.append(f"{width}px {path}: scrolls sideways ({wide})")
            texts = page.evaluate(CHART_TEXT)
            small = [t["text"] for t in texts if t["px"] < 11]
            outside = [t["text"] for t in texts if t["left"] < 0 or t["right"] > width]
            if small or outside:
                problems.append(f"{width}px {path}: chart text small {small[:3]} or off screen {outside[:3]}")
            charts += bool(texts)
            result = axe.run(page)
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    where = [n["target"] for n in v["nodes"][:3]]
                    problems.append(f"{width}px {path}: {v['id']} ({v['impact']}): {v['help']} at {where}")
        ctx.close()
    assert not problems, "\n".join(problems)
    assert charts >= 4, "charts were drawn on the pages visited"


def _viewport_shot(page: Any, name: str) -> None:
    folder = doc_shots()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size < 300_000, f"{name}.png is {path.stat().st_size} bytes"


def test_results_charts_are_readable_and_inside_the_screen_at_390(
    browser: Any, app_server: tuple[Any, str]
) -> None:
    _, base = app_server
    _, listing = _get_json(base, "/api/v1/decisions")
    decision = listing["decisions"][0]["id"]
    for width in WIDTHS:
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        page.goto(f"{base}/decisions/{decision}")
        texts = page.evaluate(CHART_TEXT)
        assert len(texts) > 20
        small = [t for t in texts if t["px"] < 11]
        assert not small, f"{width}px: chart text under 11 px: {small[:5]}"
        outside = [t for t in texts if t["left"] < 0 or t["right"] > width]
        assert not outside, f"{width}px: chart text off the screen: {outside[:5]}"
        legend = [t["text"] for t in texts]
        assert any("vendor fees" in t or "salaries" in t for t in legend), "the legend is drawn"
        page.evaluate("document.getElementById('cost-h').scrollIntoView()")
        if width == 390:
            _viewport_shot(page, "results-390")
            page.goto(base + "/")
            _viewport_shot(page, "questionnaire-390")
            page.goto(base + "/decisions")
            _viewport_shot(page, "decisions-390")
            for name in ("Rename", "Duplicate and edit", "Delete"):  # a row's actions, whole, on screen
                box = (
                    page.locator("table.decisions tr[data-id]")
                    .first.get_by_text(name, exact=True)
                    .first.bounding_box()
                )
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
        else:
            _viewport_shot(page, "results")
        ctx.close()


# ------------------------------------------------------------------------------------------ keyboard only
ANSWERS: dict[str, str] = {
    "stage": "pre_seed",
    "work.type": "product_development",
    "work.core": "true",
    "work.scope": "evolving",
    "work.duration_months": "6",
    "work.engineers": "2",
    "team.technical_leadership": "strong",
    "team.product_manager": "false",
    "preferences.ip_in_house": "true",
    "preferences.share_business_context": "true",
    "preferences.involvement": "daily_direction",
    "preferences.pricing": "monthly_retainer",
}

ACTIVE = """() => {
  const e = document.activeElement;
  if (!e) return null;
  const s = getComputedStyle(e);
  return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
          checked: !!e.checked, text: (e.innerText || '').trim().slice(0, 40),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def test_questionnaire_to_results_and_save_with_the_keyboard_only(
    browser: Any, app_server: tuple[Any, str]
) -> None:
    _, base = app_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/")
    kb = page.keyboard
    name_field = page.get_by_label("Name of this decision")
    name_attr = name_field.get_attribute("name")
    wanted = {**ANSWERS, str(name_attr): "Keyboard only"}
    done: set[str] = set()
    unfocused_style = []
    for _ in range(400):
        kb.press("Tab")
        el = page.evaluate(ACTIVE)
        if el is None:
            continue
        if not el["outline"]:
            unfocused_style.append(el)
        name = el["name"]
        if name in wanted and name not in done:
            if el["type"] == "radio":
                for _ in range(12):
                    el = page.evaluate(ACTIVE)
                    if el["value"] == wanted[name] and el["checked"]:
                        break
                    if el["value"] == wanted[name]:
                        kb.press("Space")
                    else:
                        kb.press("ArrowDown")
                assert el["value"] == wanted[name] and el["checked"], (name, el)
            else:
                kb.press("Control+A")
                kb.type(wanted[name])
            done.add(name)
        if done >= set(wanted) and el["tag"] == "BUTTON" and el["text"].startswith("See full results"):
            break
    assert done >= set(wanted), f"not reached with Tab: {set(wanted) - done}"
    assert page.evaluate(ACTIVE)["text"].startswith("See full results"), "Tab reaches the results button"
    live = page.get_by_test_id("live-recommended")
    try:
        live.wait_for(timeout=45_000)  # the live panel answers after the last change; the machine may be busy
    except sync_api.Error:
        raise AssertionError(page.locator("#live").inner_text()) from None
    kb.press("Enter")  # the full results, not saved yet
    page.wait_for_url("**/results")
    assert page.get_by_test_id("recommended").is_visible()
    for _ in range(200):
        kb.press("Tab")
        el = page.evaluate(ACTIVE)
        if el and not el["outline"]:
            unfocused_style.append(el)
        if el and el["tag"] == "BUTTON" and el["text"].startswith("Save this decision"):
            break
    assert page.evaluate(ACTIVE)["text"].startswith("Save this decision"), "Tab reaches the save button"
    assert not unfocused_style, f"focused without a visible focus style: {unfocused_style[:3]}"
    kb.press("Enter")
    page.wait_for_url("**/decisions/*")
    assert page.get_by_test_id("recommended").is_visible()
    assert "Keyboard only" in page.locator("h1").inner_text()
    ctx.close()


# ------------------------------------------------------------------------------------------ progress
def test_slow_actions_say_they_are_busy(browser: Any, app_server: tuple[Any, str]) -> None:
    """A form's busy state is recorded as it is shown (the next page replaces it); a download's answer is
    held back (Playwright routing) so the link can be read while it is awaited."""
    _, base = app_server
    _, listing = _get_json(base, "/api/v1/decisions")
    decision = listing["decisions"][0]["id"]
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    held: list[Any] = []
    page.goto(base + "/contracts")
    # What the page shows once the form is sent, kept in sessionStorage: it outlives the navigation.
    page.evaluate(
        """() => document.addEventListener('submit', () => setTimeout(() => {
            const b = document.querySelector('button.is-busy');
            sessionStorage.setItem('busy', JSON.stringify({
              text: b && b.textContent, disabled: b && b.disabled,
              form: document.querySelector('form.upload').getAttribute('aria-busy'),
              status: document.getElementById('busy-status').textContent}));
          }, 0))"""
    )
    page.locator("input[type=file]").first.set_input_files(str(CONTRACT))
    page.get_by_role("button", name="Check the document").click()
    page.get_by_test_id("detected").wait_for()
    seen = json.loads(page.evaluate("sessionStorage.getItem('busy')"))
    assert seen == {
        "text": "Reading the document…",
        "disabled": True,
        "form": "true",
        "status": "Reading the document…",
    }

    page.route("**/report.md", lambda route: held.append(route))
    page.goto(f"{base}/decisions/{decision}")
    link = page.locator('a[download][href$="/report.md"]')
    link.click()
    page.wait_for_function("() => document.querySelector('a[download].is-busy') !== null")
    assert link.inner_text() == "Rendering MD…" and link.get_attribute("aria-busy") == "true"
    with page.expect_download() as download:
        held.pop().continue_()
    assert download.value.suggested_filename.endswith(".md")
    page.wait_for_function("() => document.querySelector('a[download].is-busy') === null")
    assert link.inner_text() == "MD"
    ctx.close()
