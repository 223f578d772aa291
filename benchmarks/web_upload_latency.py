"""Latency of ``GET /`` while a worst-case allowed upload is being checked (goal: p99 <= 200 ms).

Starts ``seamline serve`` (a temporary SQLite database, no examples) as a separate process, uploads a
contract text at the upload limit (the contract fixtures repeated to --mb MB, as benchmarks/
document_memory.py does) to ``POST /api/v1/check`` from one thread, and meanwhile requests ``GET /``
one after another from another thread until the upload is answered. Prints the upload's status and time
and GET /'s p50/p99/max latency over that window.

    .venv/bin/python benchmarks/web_upload_latency.py [--mb 19] [--uploads 1] [--serve-args "..."]

Loopback only, bounded by the upload's own time limit (the server's job_time_limit_s).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

import httpx
from harness import hostile_corpus, percentile, seamline_server

hostile = hostile_corpus()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=19.0, help="size of the uploaded text (MB)")
    parser.add_argument("--uploads", type=int, default=1, help="uploads sent at the same time")
    parser.add_argument("--serve-args", default="", help="more arguments for seamline serve")
    args = parser.parse_args()
    data = hostile._repeat_to(hostile._contract_text(), int(args.mb * hostile.MB))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SEAMLINE_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        with seamline_server(env, args.serve_args) as (base, _):
            with httpx.Client(base_url=base) as warm:  # first-request costs are not the figure
                for _ in range(20):
                    warm.get("/")
                warm.post("/api/v1/check", json={"text": "The supplier provides two engineers."}, timeout=120)
            results: list[tuple[int, float]] = []

            def upload() -> None:
                start = time.perf_counter()
                files = {"file": ("worst_case.txt", data, "text/plain")}
                r = httpx.post(base + "/api/v1/check", files=files, timeout=600)
                results.append((r.status_code, time.perf_counter() - start))

            threads = [threading.Thread(target=upload) for _ in range(args.uploads)]
            for t in threads:
                t.start()
            latencies: list[float] = []
            with httpx.Client(base_url=base, timeout=60) as client:
                while any(t.is_alive() for t in threads):
                    start = time.perf_counter()
                    r = client.get("/")
                    latencies.append(time.perf_counter() - start)
                    assert r.status_code == 200
            for t in threads:
                t.join()
    for status, seconds in results:
        print(f"upload of {len(data) / 1e6:.1f} MB of text: HTTP {status} in {seconds:.1f} s")
    ms = [1000 * v for v in latencies]
    print(
        f"GET / during the upload: {len(ms)} requests, p50 {percentile(ms, 0.5):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms (goal: p99 <= 200 ms)"
    )


if __name__ == "__main__":
    main()
