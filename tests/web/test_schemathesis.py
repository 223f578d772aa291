"""schemathesis over the live OpenAPI spec: every operation, every standard check, zero failures.

A real server on loopback (as the browser tests start one) with the example decisions loaded; the
schemathesis CLI runs every phase (examples, coverage, fuzzing, stateful) with a fixed seed and a bounded
number of examples per operation, and its JSON report must list no failure and no error. The settings
that differ from schemathesis's defaults, and why, are in ``schemathesis.toml`` next to this file.

Reproduce by hand (against ``seamline serve``)::

    schemathesis --config-file tests/web/schemathesis.toml run http://127.0.0.1:8000/api/v1/openapi.json \\
        --checks all --max-examples 25 --seed 1 --generation-database none --workers 1
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("schemathesis")

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES_PER_OPERATION = 25
SEED = 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(database: tuple[str, str | None]) -> Iterator[str]:
    import uvicorn

    from seamline.settings import Settings
    from seamline.web.app import create_app

    url, schema = database
    app = create_app(
        Settings(database_url=url, database_schema=schema, examples_dir=ROOT / "examples", cost_trials=500)
    )
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)
    app.state.store.engine.dispose()


def test_the_api_matches_its_spec(server: str, tmp_path: Path) -> None:
    report = tmp_path / "schemathesis.json"
    command = [
        sys.executable,
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
        "--config-file",
        str(CONFIG),
        "run",
        f"{server}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "120",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert report.exists(), run.stdout[-4000:] + run.stderr[-4000:]
    result = json.loads(report.read_text())
    operations, cases = result["operations"], result["test_cases"]
    print(
        f"\nschemathesis {result['schemathesis_version']}: {operations['tested']}/{operations['total']} "
        f"operations, {cases['generated']} test cases ({EXAMPLES_PER_OPERATION} examples per operation, "
        f"seed {SEED}), {cases['unique_failures']} failures, {result['running_time']:.0f} s"
    )
    assert operations["tested"] == operations["total"] > 0
    assert result["failures"] == [] and result["errors"] == [], run.stdout[-12000:]
    assert result["exit_code"] == 0 and run.returncode == 0, run.stdout[-12000:]
