"""Several server processes on one fresh database: each migrates (once, under a lock) and loads the examples
(once, in one transaction) without crashing; ``seamline serve --workers N`` serves from all of them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from seamline.settings import SETTINGS_ENV, Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

START_ONE = """
import sys, time
from pathlib import Path
go = Path(sys.argv[1])
from seamline.web.app import app_from_env
while not go.exists():
    time.sleep(0.005)
app = app_from_env()
print(app.state.store.count())
app.state.store.engine.dispose()
"""


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, SETTINGS_ENV: settings.model_dump_json()}


def test_many_app_instances_start_at_once_on_a_fresh_database(
    database: tuple[str, str | None], tmp_path: Path
) -> None:
    url, schema = database
    settings = Settings(database_url=url, database_schema=schema, examples_dir=EXAMPLES, cost_trials=100)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", START_ONE, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=_env(settings),
        )
        for _ in range(4)
    ]
    time.sleep(2)  # every process has imported; now they all start together
    go.touch()
    results = [p.communicate(timeout=300) for p in procs]
    assert [err[-800:] for p, (_, err) in zip(procs, results, strict=True) if p.returncode != 0] == []
    from seamline.store import open_store

    store = open_store(url, schema=schema)
    try:
        names = [r.name for r in store.list()]
    finally:
        store.engine.dispose()
    assert names and len(names) == len(set(names))  # every example once


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_several_workers(database: tuple[str, str | None], tmp_path: Path) -> None:
    url, schema = database
    settings = Settings(database_url=url, database_schema=schema, load_examples=False, cost_trials=100)
    port = _free_port()
    log = tmp_path / "server.log"  # a file, not a pipe: nothing can hold the test up by keeping it open
    serve = ["serve", "--port", str(port), "--workers", "3"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from seamline.cli import main; main()", *serve],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env=_env(settings),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a watchdog, not a timing assertion
        while True:
            assert server.poll() is None, log.read_text()[-2000:]
            try:
                if httpx.get(base + "/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(6):
                assert client.get("/api/v1/openapi.json").status_code == 200
            r = client.post("/api/v1/check", json={"text": "The supplier provides two engineers."})
            assert r.status_code == 200, r.text
            assert "detected" in r.json()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert "3 server processes" in log.read_text()


@pytest.mark.parametrize("raw", ["not json", "[1]", json.dumps({"job_workers": 0})])
def test_bad_settings_in_the_environment_are_one_clear_error(raw: str) -> None:
    from seamline.errors import SeamlineError

    with pytest.raises(SeamlineError, match=SETTINGS_ENV + "|settings: "):
        Settings.from_env({SETTINGS_ENV: raw})
