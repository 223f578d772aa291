"""kill -9 of the server during a burst of saves: every acknowledged save is there after a restart, exactly
as acknowledged, and nothing is half-written; on SQLite and PostgreSQL.

``seamline serve`` runs as a child process (its own process group, with its job workers). Threads save
decisions (``POST /api/v1/decisions``) and rename them (``PATCH``) as fast as the server answers; once
enough saves are acknowledged the whole group is sent SIGKILL while requests are in flight. The server is
started again on the same database, and then:

- every decision acknowledged with 201 is there, and every acknowledged state (the 201's, each rename's
  200) is either the current state or, when a later change committed, the version of that number in its
  history, field for field;
- every row parses (its JSON columns are whole JSON), each decision's history is versions 1..n-1 with no
  gap, the API's count matches the table's, and on SQLite ``PRAGMA integrity_check`` is ok;
- the restarted server saves again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from seamline.settings import SETTINGS_ENV, Settings

ROOT = Path(__file__).resolve().parents[2]
THREADS = 8
ACKNOWLEDGED_BEFORE_KILL = 40  # saves and renames acknowledged before the kill
WATCHDOG_S = 180  # a bound on waiting, not a timing assertion


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(settings: Settings, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``seamline serve`` on a free port in its own process group; killed (SIGKILL) when left."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from seamline.cli import main; main()", "serve", "--port", str(port)],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        env={**os.environ, SETTINGS_ENV: settings.model_dump_json()},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WATCHDOG_S
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                if httpx.get(base + "/api/v1/decisions?limit=1", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.1)
        yield base, server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=60)


def _situation(thread: int, n: int) -> dict[str, Any]:
    base = yaml.safe_load((ROOT / "examples" / "pre_seed_mvp.yaml").read_text())
    base["name"] = f"Burst {thread}-{n}"
    base["work"] = {**base["work"], "engineers": 1 + (thread + n) % 9}  # outputs differ between saves
    return dict(base)


class Burst:
    """Threads saving and renaming until the server dies; what the server acknowledged, per decision."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.lock = threading.Lock()
        self.acknowledged: dict[int, dict[int, dict[str, Any]]] = {}  # id -> version -> decision JSON
        self.count = 0
        self.in_flight = 0
        self.unexpected: list[str] = []

    def _ack(self, decision: dict[str, Any]) -> None:
        with self.lock:
            self.acknowledged.setdefault(decision["id"], {})[decision["version"]] = decision
            self.count += 1

    def _send(self, client: httpx.Client, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
        try:
            return client.request(method, path, json=body)
        finally:
            with self.lock:
                self.in_flight -= 1

    def run(self, thread: int) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            n = 0
            try:
                while True:
                    created = self._send(
                        client, "POST", "/api/v1/decisions", {"situation": _situation(thread, n)}
                    )
                    if created.status_code != 201:
                        self.unexpected.append(f"POST {created.status_code}: {created.text[:300]}")
                        return
                    decision = created.json()
                    self._ack(decision)
                    renamed = self._send(
                        client,
                        "PATCH",
                        f"/api/v1/decisions/{decision['id']}",
                        {"name": f"Burst {thread}-{n}, renamed"},
                    )
                    if renamed.status_code != 200:
                        self.unexpected.append(f"PATCH {renamed.status_code}: {renamed.text[:300]}")
                        return
                    self._ack(renamed.json())
                    n += 1
            except httpx.TransportError:
                return  # the server is gone: what was not acknowledged may or may not be there


STATE = ("name", "situation", "outputs", "status", "top_model", "knowledge_version", "contract")


def _rows(settings: Settings) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """Every decision and version row read straight from the database, JSON columns parsed from their text
    (a half-written value would not parse); and SQLite's integrity check."""
    from sqlalchemy import create_engine, text

    url, schema = settings.database_url, settings.database_schema
    integrity = None
    cast = "" if url.startswith("sqlite") else "::text"
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"} if schema else {})
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                integrity = conn.execute(text("PRAGMA integrity_check")).scalar()
            decisions = [
                {
                    "id": r.id,
                    "name": r.name,
                    "version": r.version,
                    "deleted_at": r.deleted_at,
                    "situation": json.loads(r.situation),
                    "outputs": json.loads(r.outputs),
                }
                for r in conn.execute(
                    text(
                        f"SELECT id, name, version, deleted_at, situation{cast} AS situation, "
                        f"outputs{cast} AS outputs FROM decisions ORDER BY id"
                    )
                )
            ]
            versions = [
                {
                    "decision_id": r.decision_id,
                    "version": r.version,
                    "situation": json.loads(r.situation),
                    "outputs": json.loads(r.outputs),
                }
                for r in conn.execute(
                    text(
                        f"SELECT decision_id, version, situation{cast} AS situation, "
                        f"outputs{cast} AS outputs FROM decision_versions ORDER BY decision_id, version"
                    )
                )
            ]
    finally:
        engine.dispose()
    return decisions, versions, integrity


def test_kill_9_during_a_burst_of_saves_loses_no_acknowledged_save(
    database: tuple[str, str | None], tmp_path: Path
) -> None:
    url, schema = database
    settings = Settings(
        database_url=url, database_schema=schema, load_examples=False, cost_trials=200, job_workers=1
    )
    log = tmp_path / "server.log"
    with _server(settings, log) as (base, server):
        burst = Burst(base)
        threads = [threading.Thread(target=burst.run, args=(t,), daemon=True) for t in range(THREADS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + WATCHDOG_S
        while burst.count < ACKNOWLEDGED_BEFORE_KILL:
            assert not burst.unexpected, burst.unexpected
            assert time.monotonic() < deadline, f"only {burst.count} saves acknowledged"
            time.sleep(0.005)
        in_flight = burst.in_flight
        os.killpg(server.pid, signal.SIGKILL)  # mid-burst: requests are being answered
        server.wait(timeout=60)
        for t in threads:
            t.join(timeout=WATCHDOG_S)
        assert not any(t.is_alive() for t in threads)
    assert burst.unexpected == [], burst.unexpected
    assert in_flight > 0, "the kill came while no request was in flight"
    acknowledged = burst.acknowledged
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL // 2

    decisions, versions, integrity = _rows(settings)  # before the restart: as the kill left them
    print(
        f"kill -9 with {in_flight} request(s) in flight: {burst.count} acknowledged "
        f"({len(acknowledged)} saves), {len(decisions)} decisions and {len(versions)} versions stored"
    )
    assert integrity in (None, "ok")
    by_id = {d["id"]: d for d in decisions}
    assert set(acknowledged) <= set(by_id), "an acknowledged save is missing"
    for d in decisions:
        assert d["deleted_at"] is None
        assert d["situation"]["name"] == d["name"]  # a rename changes both, in one write
        assert {"recommendation", "cost", "seams"} <= set(d["outputs"]), f"decision {d['id']} is incomplete"
        kept = sorted(v["version"] for v in versions if v["decision_id"] == d["id"])
        assert kept == list(range(1, d["version"])), f"decision {d['id']}: versions {kept}, at {d['version']}"
    assert all({"recommendation", "cost", "seams"} <= set(v["outputs"]) for v in versions)

    with _server(settings, log) as (base, _), httpx.Client(base_url=base, timeout=120) as client:
        listing = client.get("/api/v1/decisions", params={"limit": 1}).json()
        assert listing["total"] == len(decisions)
        for did, states in acknowledged.items():
            now = client.get(f"/api/v1/decisions/{did}")
            assert now.status_code == 200, now.text
            current = now.json()
            assert current["version"] >= max(states)
            for version, state in states.items():
                if version == current["version"]:
                    assert current == state, f"decision {did} differs from its acknowledged version {version}"
                    continue
                old = client.get(f"/api/v1/decisions/{did}/history/{version}")
                assert old.status_code == 200, old.text
                for key in STATE:
                    assert old.json()[key] == state[key], f"decision {did} version {version}: {key}"
        again = client.post("/api/v1/decisions", json={"situation": _situation(99, 0)})
        assert again.status_code == 201, again.text
