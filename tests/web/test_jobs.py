"""Heavy work runs in worker processes: the event loop stays free, and each job is bounded in time and memory.

No timing assertions: the tests wait on events (a gate file, the pool's count of started jobs) under a
watchdog, and check the order in which requests complete.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web import slow_jobs
from tests.web.helpers import TOKEN

from seamline.settings import Settings
from seamline.web import tasks
from seamline.web.jobs import JobError, JobPool, JobTimeout, JobTooLarge

WATCHDOG_S = 120


@pytest.fixture
def pool() -> Iterator[JobPool]:
    p = JobPool(1, 1.0, 256)
    p.grace_s = 0.5
    yield p
    p.shutdown()


def _run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, WATCHDOG_S))


def test_a_job_runs_in_another_process(pool: JobPool) -> None:
    import os

    assert _run(pool.run(slow_jobs.pid, what="job")) != os.getpid()


def test_a_job_over_the_time_limit_is_a_clear_422_and_the_pool_goes_on(pool: JobPool) -> None:
    with pytest.raises(JobTimeout, match=r"job: took longer than the 1 s a job may run") as caught:
        _run(pool.run(slow_jobs.sleep, 60, what="job"))
    assert caught.value.status == 422
    assert _run(pool.run(slow_jobs.sleep, 0, what="job")) == "slept"


def test_a_job_that_ignores_its_limit_is_killed_and_the_pool_replaced(pool: JobPool) -> None:
    before = _run(pool.run(slow_jobs.pid, what="job"))
    with pytest.raises(JobTimeout, match="took longer than the 1 s"):
        _run(pool.run(slow_jobs.sleep_ignoring_the_alarm, 60, what="job"))
    after = _run(pool.run(slow_jobs.pid, what="job"))
    assert after != before  # a fresh worker


def test_a_dead_worker_is_a_clear_error_and_the_pool_is_rebuilt(pool: JobPool) -> None:
    with pytest.raises(JobError, match="the worker process doing it stopped") as caught:
        _run(pool.run(slow_jobs.die, what="file: x.pdf"))
    assert caught.value.status == 422
    assert _run(pool.run(slow_jobs.sleep, 0, what="job")) == "slept"


def test_a_job_over_the_memory_bound_is_a_413(pool: JobPool) -> None:
    with pytest.raises(JobTooLarge, match="more than the 256 MB of memory a job may use") as caught:
        _run(pool.run(slow_jobs.grab, 2048, what="job"))
    assert caught.value.status == 413
    assert _run(pool.run(slow_jobs.grab, 16, what="job")) == 16 * 2**20


# ------------------------------------------------------------------------------------ through the app
def _test_client() -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about httpx versions
        from fastapi.testclient import TestClient
    return TestClient


@pytest.fixture
def make_app(database: tuple[str, str | None]) -> Iterator[Any]:
    from seamline.web.app import create_app

    apps: list[Any] = []

    def make(**settings: Any) -> Any:
        url, schema = database
        app = create_app(
            Settings(
                database_url=url, database_schema=schema, load_examples=False, cost_trials=200, **settings
            )
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.state.jobs.shutdown()
        app.state.store.engine.dispose()


async def _while_checking(app: Any, post: Any, gate: Path) -> tuple[list[str], httpx.Response]:
    """Start an upload whose check waits on ``gate``; once a worker has it, ask for other pages; open the
    gate. Returns the pages answered before the upload finished, and the upload's response."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        page = await client.get("/contracts")
        csrf = TOKEN.search(page.text)
        assert csrf
        upload = asyncio.create_task(post(client, csrf.group(1)))
        while app.state.jobs.started == 0:  # the check has been handed to a worker process
            assert not upload.done(), upload.result().text
            await asyncio.sleep(0.01)
        answered = []
        for path in ("/", "/api/v1/openapi.json", "/decisions"):
            r = await client.get(path)
            assert r.status_code == 200, r.text
            if not upload.done():
                answered.append(path)
        gate.touch()
        return answered, await upload


@pytest.mark.parametrize("route", ["api", "page"])
def test_other_requests_are_answered_while_an_upload_is_checked(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, route: str
) -> None:
    monkeypatch.setattr(tasks, "check_document", slow_jobs.gated_check)
    gate = tmp_path / "gate"
    app = make_app()

    async def post(client: httpx.AsyncClient, csrf: str) -> httpx.Response:
        files = {"file": ("slow.txt", str(gate).encode(), "text/plain")}
        if route == "api":
            return await client.post("/api/v1/check", files=files)
        return await client.post("/contracts", files=files, data={"csrf_token": csrf})

    answered, response = _run(_while_checking(app, post, gate))
    assert answered == ["/", "/api/v1/openapi.json", "/decisions"]
    assert response.status_code == 200, response.text
    if route == "api":
        assert response.json() == {"gated": True, "filename": "slow.txt"}


def test_an_upload_over_the_time_limit_is_a_422_json_error(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    TestClient = _test_client()

    monkeypatch.setattr(tasks, "check_document", slow_jobs.slow_check)
    app = make_app(job_time_limit_s=1)
    with TestClient(app) as client:
        r = client.post("/api/v1/check", files={"file": ("big.txt", b"The supplier.", "text/plain")})
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "job_time_limit"
        assert r.json()["message"].startswith("file: big.txt: took longer than the 1 s a job may run")
        # the pool still serves afterwards (a job that answers at once: a real first check in a fresh
        # worker loads the knowledge base, which on a loaded machine can itself pass a 1 s limit)
        monkeypatch.setattr(tasks, "check_document", slow_jobs.quick_check)
        r = client.post("/api/v1/check", json={"text": "The supplier provides two engineers."})
        assert r.status_code == 200, r.text
        assert r.json()["file"] == "document.txt"


def test_an_upload_over_the_memory_bound_is_a_413(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    TestClient = _test_client()

    monkeypatch.setattr(tasks, "check_document", slow_jobs.greedy_check)
    app = make_app(job_memory_mb=256)
    with TestClient(app) as client:
        r = client.post("/api/v1/check", json={"text": "The supplier provides two engineers."})
        assert r.status_code == 413, r.text
        assert "more than the 256 MB of memory a job may use" in r.json()["message"]


def test_reports_and_large_cost_runs_are_drawn_in_a_worker(make_app: Any, situation: dict[str, Any]) -> None:
    TestClient = _test_client()

    app = make_app(pool_cost_trials=300)
    with TestClient(app) as client:
        saved = client.post("/api/v1/decisions", json={"situation": situation})
        assert saved.status_code == 201, saved.text
        before = app.state.jobs.started
        r = client.get(f"/api/v1/decisions/{saved.json()['id']}/report?format=md")
        assert r.status_code == 200 and r.text.startswith("#")
        assert app.state.jobs.started == before + 1
        r = client.post("/api/v1/cost?trials=400&seed=3", json=situation)
        assert r.status_code == 200 and r.json()["trials"] == 400
        assert app.state.jobs.started == before + 2
        inline = client.post("/api/v1/cost?trials=300&seed=3", json=situation)
        assert inline.status_code == 200
        assert app.state.jobs.started == before + 2


KILL_SERVER = """
import asyncio, sys
from seamline.web.jobs import JobPool
from tests.web import slow_jobs
pool = JobPool(1, 60, 0)
print(asyncio.run(pool.run(slow_jobs.pid, what="job")), flush=True)
sys.stdin.read()
"""


def test_workers_end_when_the_server_is_killed() -> None:
    """kill -9 of the server leaves no worker behind (one would otherwise wait for jobs for ever)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-c", KILL_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    assert server.stdout is not None
    worker = int(server.stdout.readline())
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    deadline = time.monotonic() + WATCHDOG_S
    while True:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{worker}/stat") as fh:  # exited, waiting for the fork server to reap it
            if fh.read().rsplit(")", 1)[-1].split()[0] == "Z":
                break
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.1)
