"""Shared pieces of the Chromium tests of issue 15 (assumptions, forms): a live server on a fresh SQLite
file, a browser, viewport pages at a phone's and a desktop's width, and axe-core's serious findings."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DOC_SHOTS = ROOT / "docs" / "screenshots"
SHOTS = ROOT / "test-output" / "screenshots"
WIDTHS = (390, 1440)  # a phone and a desktop


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
    app = create_app(Settings(database_url=f"sqlite:///{db}", load_examples=False, cost_trials=2000))
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    width = int(request.param)
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 800 else 900}, is_mobile=width < 800
    )
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def width_of(page: Any) -> int:
    return int(page.viewport_size["width"])


def doc_shots() -> Path:
    """Where the screenshots the docs show are written: docs/screenshots/ when SEAMLINE_DOC_SCREENSHOTS=1
    (to redraw them: `SEAMLINE_DOC_SCREENSHOTS=1 .venv/bin/python -m pytest tests/web -k browser`), else
    test-output/screenshots/, so an ordinary test run leaves the working tree as it was."""
    return DOC_SHOTS if os.environ.get("SEAMLINE_DOC_SCREENSHOTS") == "1" else SHOTS


def shot(page: Any, name: str, *, docs: bool = False) -> None:
    """A viewport screenshot (small: under 300 KB) to test-output/, or for the docs (see doc_shots)."""
    folder = doc_shots() if docs else SHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))
    assert (folder / f"{name}.png").stat().st_size < 300_000


def no_serious_axe_findings(page: Any) -> None:
    """axe-core on the page as it is: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"axe-core on {page.url}:\n{report}"


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= width_of(page) + 10, f"{page.url} scrolls sideways at {width_of(page)}px ({width}px)"


def create_decision(server: str, situation: dict[str, Any]) -> int:
    import httpx

    r = httpx.post(server + "/api/v1/decisions", json={"situation": situation}, timeout=60)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def example(name: str = "pre_seed_mvp") -> dict[str, Any]:
    import yaml

    return dict(yaml.safe_load((ROOT / "examples" / f"{name}.yaml").read_text()))
