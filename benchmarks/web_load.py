"""Load benchmark of the web app on loopback: N concurrent clients for a bounded time.

Starts ``seamline serve`` (a temporary SQLite database, no examples) as a separate process, saves one
decision, then drives ``POST /api/v1/advise`` twice: with a new situation in every request (distinct
answers, benchmarks/situation_space.py, none sent twice, so nothing is served from a cache) and cycling
through the example situations (repeats, answered from the server's cache); then the saved decision's
results page ``GET /decisions/{id}``; then, with --saved decisions in the database (10,000 by default,
inserted directly through the store, each with the saved decision's full outputs), the list endpoint
``GET /api/v1/decisions`` (first page, a deep page by offset and by cursor, a name search, and pages no
request asked before: a new offset and length each time, so none is answered from the server's memory)
and the ``/decisions`` page. A server keeps the list pages it read while the workspace's decisions do not
change (the repeated targets measure that); the unseen pages measure the database reads.

Prints requests/s and p50/p99 latency per target, and the processor time the server
(every process of it) and this load generator spent per request: the server's share does not depend on
what else runs on the machine, so it tells the capacity even when the wall-clock figures are disturbed.

    .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 10] [--max-requests 20000]
        [--distinct 40000] [--serve-args "--workers 2"] [--saved 10000] [--targets advise,results,list]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

With --database-url on PostgreSQL a fresh schema is used and dropped afterwards.

Loopback only; every run is bounded by --seconds and --max-requests. The load generator shares the
machine with the server, so the figures are a lower bound for a dedicated server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import yaml
from harness import seamline_server
from situation_space import distinct_situations

ROOT = Path(__file__).resolve().parents[1]


def fill(url: str, schema: str | None, template: dict[str, Any], count: int) -> float:
    """Insert ``count`` decisions like ``template`` (a saved decision's JSON) through the store, in one
    transaction per thousand, then (PostgreSQL) vacuum and analyze the table as autovacuum would have by
    the time a workspace held that many; returns the seconds it took."""
    from sqlalchemy import insert
    from sqlalchemy.exc import DBAPIError

    from seamline.store import open_store
    from seamline.store.tables import DecisionRow

    t0 = time.perf_counter()
    store = open_store(url, schema=schema)
    words = ("Payments", "Data platform", "Mobile app", "Migration", "Search", "Billing", "Onboarding")
    try:
        for start in range(0, count, 1000):
            rows = []
            for i in range(start, min(count, start + 1000)):
                name = f"{words[i % len(words)]} {i}"
                rows.append(
                    {
                        "name": name,
                        "created_at": datetime.now(UTC),
                        "updated_at": datetime.now(UTC),
                        "knowledge_version": template["knowledge_version"],
                        "status": template["status"],
                        "top_model": template["top_model"],
                        "situation": {**template["situation"], "name": name},
                        "outputs": template["outputs"],
                        "contract": None,
                    }
                )
            with store.engine.begin() as conn:
                conn.execute(insert(DecisionRow), rows)
        if store.engine.dialect.name == "postgresql":
            # what autovacuum does to a database that grew over months, done at once for the one that grew
            # in seconds: the visibility map set (index-only scans read no rows) and the planner's figures
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {schema + '.' if schema else ''}decisions")
                # and the inserted gigabyte written out now, not by the checkpointer during the run (this
                # needs a superuser or pg_checkpoint: without, it is left to the checkpointer)
                with contextlib.suppress(DBAPIError):
                    conn.exec_driver_sql("CHECKPOINT")
    finally:
        store.engine.dispose()
    return time.perf_counter() - t0


def cursor_at(base: str, offset: int) -> str:
    """The path of the list page that starts at ``offset``, asked by cursor: the cursor is found by walking
    the pages before it once, by their next_cursor (200 rows at a time)."""
    cursor, at = None, 0
    while at < offset:
        step = min(200, offset - at)
        query = f"limit={step}" + (f"&cursor={cursor}" if cursor else "")
        cursor = httpx.get(f"{base}/api/v1/decisions?{query}", timeout=60).json()["next_cursor"]
        at += step
        if cursor is None:
            break
    return "/api/v1/decisions" + (f"?cursor={cursor}" if cursor else "")


def postgres_schema(url: str, schema: str, *, drop: bool) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE' if drop else f'CREATE SCHEMA "{schema}"')
            )
    finally:
        engine.dispose()


def situations() -> list[dict[str, Any]]:
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "stage" in data and "work" in data:
            out.append(data)
    return out


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def server_pids(port: int) -> set[str]:
    """The ``seamline serve --port PORT`` process and every process under it (server workers, job pool)."""
    parents: dict[str, str] = {}
    root = None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields is None:
            continue
        parents[pid] = fields[1]
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                args = fh.read().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and str(port).encode() in args:
            root = pid
    found = {root} if root else set()
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def cpu_seconds(pids: set[str]) -> float:
    """User and system processor time of these processes so far."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICK


def request_bytes(method: str, path: str, port: int, body: Any) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    return (head + "\r\n").encode() + payload


async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    """Send one request on a kept-alive connection and read the whole answer; returns the status."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def first_requests(port: int, method: str, path: str, bodies: list[Any]) -> list[float]:
    """Latency (ms) of one request per body, one at a time, before anything is cached."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    out = []
    try:
        for body in bodies:
            t0 = time.perf_counter()
            status = await one(reader, writer, request_bytes(method, path, port, body))
            out.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise SystemExit(f"{method} {path}: status {status}")
    finally:
        writer.close()
    return out


class Once:
    """Requests each sent once, in order: shared by every client, so no request is repeated."""

    def __init__(self, raws: list[bytes]) -> None:
        self.raws = iter(raws)
        self.exhausted = False

    def next(self) -> bytes | None:
        raw = next(self.raws, None)
        self.exhausted = self.exhausted or raw is None
        return raw


async def drive(
    port: int,
    method: str,
    path: str,
    bodies: list[Any] | Once,
    clients: int,
    seconds: float,
    max_requests: int,
) -> dict[str, float]:
    """A small keep-alive HTTP/1.1 client (lighter than a general client, so the server gets the CPU).

    ``bodies``: cycled through (repeats), or a ``Once`` that hands out each request a single time."""
    latencies: list[float] = []
    errors = 0
    once = bodies if isinstance(bodies, Once) else None
    raws = [] if isinstance(bodies, Once) else [request_bytes(method, path, port, b) for b in bodies]
    raws = raws or [request_bytes(method, path, port, None)]
    start = time.perf_counter()
    stop = start + seconds

    async def worker(k: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = k
        try:
            while time.perf_counter() < stop and len(latencies) + errors < max_requests:
                if once is not None:
                    got = once.next()
                    if got is None:
                        break
                    raw = got
                else:
                    raw = raws[i % len(raws)]
                    i += clients
                t0 = time.perf_counter()
                status = await one(reader, writer, raw)
                dt = time.perf_counter() - t0
                if status == 200:
                    latencies.append(dt)
                else:
                    errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker(k) for k in range(clients)))
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")
        )

    if once is not None and once.exhausted:
        print(f"  (ran out of distinct situations after {elapsed:.1f} s: raise --distinct)")
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": latencies[-1] * 1000 if latencies else float("nan"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--max-requests", type=int, default=20_000)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument(
        "--distinct", type=int, default=40_000, help="distinct situations prepared (each sent once)"
    )
    ap.add_argument("--serve-args", default="", help='more options for seamline serve, e.g. "--workers 2"')
    ap.add_argument("--saved", type=int, default=10_000, help="saved decisions for the list targets")
    ap.add_argument("--targets", default="advise,results,list", help="which of advise,results,list to run")
    ap.add_argument("--database-url", default="", help="a PostgreSQL URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    chosen = set(args.targets.split(","))
    schema = f"web_load_{os.getpid()}" if args.database_url.startswith("postgresql") else None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        env = {**os.environ, "SEAMLINE_DATABASE_URL": url}
        if schema:
            postgres_schema(url, schema, drop=False)
            env["SEAMLINE_SETTINGS"] = json.dumps({"database_schema": schema})
        try:
            with seamline_server(env, args.serve_args, probe="/api/v1/decisions") as (base, port):
                bodies = situations()
                saved = httpx.post(
                    base + "/api/v1/decisions", json={"situation": bodies[0]}, timeout=60
                ).json()
                fresh = distinct_situations(args.distinct + 100)
                advise = "/api/v1/advise"
                once = Once([request_bytes("POST", advise, port, b) for b in fresh[100:]])
                targets: list[tuple[str, str, str, list[Any] | Once, list[Any]]] = []
                if "advise" in chosen:
                    targets += [
                        ("POST advise, distinct", "POST", advise, once, fresh[:100]),
                        ("POST advise, repeated", "POST", advise, bodies, bodies[1:]),
                    ]
                if "results" in chosen:
                    targets.append(("GET results page", "GET", f"/decisions/{saved['id']}", [], [None]))
                print(
                    f"web load: {args.clients} concurrent clients, {args.seconds:.0f} s per target "
                    f"(loopback, {os.cpu_count()} CPUs shared by server and clients; {url.split(':', 1)[0]})"
                )
                if "list" in chosen:
                    template = httpx.get(f"{base}/api/v1/decisions/{saved['id']}", timeout=60).json()
                    took = fill(url, schema, template, args.saved)
                    size = len(json.dumps(template["outputs"])) / 1024
                    total = httpx.get(base + "/api/v1/decisions", timeout=60).json()["total"]
                    print(
                        f"  {total} saved decisions ({size:.0f} KB of outputs each; inserted in {took:.1f} s)"
                    )
                    deep = min(9000, max(0, total - 50))
                    # pages a server has not seen: every request another (offset, limit), none sent twice
                    windows = [(o, n) for o in range(max(1, total - 50)) for n in (20, 50)]
                    random.Random(14).shuffle(windows)
                    unseen = Once(
                        [
                            request_bytes("GET", f"/api/v1/decisions?offset={o}&limit={n}", port, None)
                            for o, n in windows
                        ]
                    )
                    targets += [
                        ("GET list, first page", "GET", "/api/v1/decisions", [], [None]),
                        (f"GET list, offset {deep}", "GET", f"/api/v1/decisions?offset={deep}", [], [None]),
                        (f"GET list, cursor {deep}", "GET", cursor_at(base, deep), [], [None]),
                        (
                            "GET list, unseen pages",
                            "GET",
                            "/api/v1/decisions?offset=1&limit=49",
                            unseen,
                            [None],
                        ),
                        ("GET list, search", "GET", "/api/v1/decisions?q=billing", [], [None]),
                        ("GET /decisions page", "GET", "/decisions", [], [None]),
                    ]
                pids = server_pids(port)
                for label, method, path, b, first in targets:
                    cold = asyncio.run(first_requests(port, method, path, first))
                    median = sorted(cold)[len(cold) // 2]
                    print(
                        f"  {label:22s} first request, nothing cached: "
                        f"median {median:.1f} ms over {len(cold)}"
                    )
                    asyncio.run(drive(port, method, path, b, args.clients, args.warmup, args.max_requests))
                    server_before, client_before = cpu_seconds(pids), time.process_time()
                    r = asyncio.run(
                        drive(port, method, path, b, args.clients, args.seconds, args.max_requests)
                    )
                    done = max(1, r["requests"] + r["errors"])
                    r["server_cpu_ms"] = (cpu_seconds(pids) - server_before) * 1000 / done
                    r["client_cpu_ms"] = (time.process_time() - client_before) * 1000 / done
                    print(
                        f"  {label:22s} {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms"
                        f"  p99 {r['p99_ms']:6.1f} ms  max {r['max_ms']:6.1f} ms"
                        f"  ({r['requests']} ok, {r['errors']} errors)"
                        f"  processor per request: server {r['server_cpu_ms']:.2f} ms,"
                        f" load generator {r['client_cpu_ms']:.2f} ms"
                    )
                    print(
                        "  json: " + json.dumps({"target": label, **{k: round(v, 2) for k, v in r.items()}})
                    )
        finally:
            if schema:
                postgres_schema(url, schema, drop=True)


if __name__ == "__main__":
    main()
