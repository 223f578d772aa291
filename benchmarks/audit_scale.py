"""Audit throughput and memory at scale: the local pool against a 2-worker Dask LocalCluster.

Builds a repository of N documents by repeating the CUAD and engagement-corpus texts in ../shared/data and
varying each copy lightly (a year shifted, a reference line added, so no two files are the same bytes),
with a manifest giving each a vendor, an annual value and dates. Each audit runs in a child process
(``--child``) while this process samples the resident memory (RSS) of that child and every process under
it (workers, the Dask scheduler and nannies) every 0.1 s.

Printed per size and runner: documents/s of the checking phase (every document read, checked and
recorded), documents/s end to end (plus the aggregation into audit.json and the HTML and PDF report), and
the peak RSS summed over all processes. Cluster start-up is not counted (on a real cluster it is already
running); the cluster's figure measures what the scheduler costs per document.

Run: .venv/bin/python benchmarks/audit_scale.py [--sizes 1000 10000] [--runners local dask]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
YEAR = re.compile(r"\b(19[89]\d|20[0-2]\d)\b")
VENDORS = [f"Vendor {chr(65 + i % 26)}{i // 26}" for i in range(60)]


def sources() -> list[Path]:
    texts = sorted((DATA / "cuad" / "texts").glob("*.txt")) + sorted(
        (DATA / "engagements" / "texts").glob("*.txt")
    )
    if not texts:
        sys.exit(f"no texts under {DATA}")
    return texts


def build(folder: Path, n: int, seed: int = 7) -> Path:
    """``n`` lightly varied documents and their manifest under ``folder``."""
    rng = random.Random(seed)
    base = sources()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in base]
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["path,vendor,annual_value,currency,start_date,end_date,batch"]
    for i in range(n):
        k = i % len(base)
        shift = 1 + i // len(base)
        text = YEAR.sub(partial(_later_year, shift=shift), texts[k], count=1)
        text += f"\n\nReference {i:06d}.\n"
        rel = f"part{i // 1000:03d}/{i:06d}-{base[k].stem[:40]}.txt"
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
        start = f"20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-01"
        end = f"20{rng.randint(26, 28)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        value = rng.randrange(10_000, 2_000_000, 500)
        rows.append(f'{rel},"{rng.choice(VENDORS)}",{value},EUR,{start},{end},b{i % 7}')
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def child(runner: str, manifest: Path, out: Path, workers: int) -> None:
    """Run one audit; print a JSON line of timings."""
    from datetime import date

    from seamline.audit import run_audit

    cluster = None
    scheduler = None
    if runner == "dask":
        import dask
        from distributed import LocalCluster

        # Dask's statistical profiler samples every worker's stack every 10 ms and keeps an hour of it:
        # CPU and memory that grow with the run. Off, as docs/audit.md advises for an audit cluster.
        dask.config.set({"distributed.worker.profile.enabled": os.environ.get("AUDIT_DASK_PROFILE") == "1"})
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        scheduler = cluster.scheduler_address
    t0 = time.perf_counter()
    result = run_audit(
        manifest, out, workers=workers, scheduler=scheduler, as_of=date(2026, 12, 5), report=False
    )
    t1 = time.perf_counter()
    from seamline.audit.report import render_audit_html, render_audit_pdf

    (out / "audit.html").write_text(render_audit_html(result.audit), encoding="utf-8")
    (out / "audit.pdf").write_bytes(render_audit_pdf(result.audit))
    t2 = time.perf_counter()
    if cluster is not None:
        cluster.close()
    import resource

    cpu = sum(
        getattr(resource.getrusage(who), field)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for field in ("ru_utime", "ru_stime")
    )
    figures = {"documents": result.total, "check_s": t1 - t0, "total_s": t2 - t0, "cpu_s": cpu}
    print(json.dumps(figures), flush=True)


def _later_year(match: re.Match[str], shift: int) -> str:
    """The first year of a text moved on by ``shift`` (mod 5): each copy a little different."""
    return str(int(match.group()) + shift % 5)


def tree_rss(pid: int) -> int:
    import psutil  # type: ignore[import-untyped]

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def measure(runner: str, manifest: Path, out: Path, workers: int) -> dict[str, float]:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, __file__, "--child", runner, str(manifest), str(out), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    stdout, _ = proc.communicate()
    stop.set()
    thread.join()
    if proc.returncode != 0:
        sys.exit(f"{runner}: the audit failed (exit {proc.returncode})")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["peak_rss_mb"] = peak / 2**20
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runners", nargs="+", default=["local", "dask"], choices=["local", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build the documents here and keep them")
    parser.add_argument("--child", nargs=3, metavar=("RUNNER", "MANIFEST", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]), args.workers)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="seamline-audit-bench-"))
    work = args.keep or tmp
    try:
        head = ("documents", "runner", "check docs/s", "end-to-end docs/s", "CPU ms/doc", "peak RSS MB")
        print("{:>9} {:>6} {:>12} {:>17} {:>10} {:>11}".format(*head), flush=True)
        for n in args.sizes:
            manifest = build(work / f"repo-{n}", n)
            results = {}
            for runner in args.runners:
                f = measure(runner, manifest, work / f"out-{n}-{runner}", args.workers)
                results[runner] = f
                row = (n, runner, n / f["check_s"], n / f["total_s"], 1000 * f["cpu_s"] / n, f["peak_rss_mb"])
                print("{:9d} {:>6} {:12.1f} {:17.1f} {:10.1f} {:11.0f}".format(*row), flush=True)
            print(f"{'':9} load average while measuring: {os.getloadavg()[0]:.1f}", flush=True)
            if {"local", "dask"} <= set(results):
                ratio = results["local"]["check_s"] / results["dask"]["check_s"]
                print(f"{'':9} dask throughput / local: {ratio:.2f}", flush=True)
            if not args.keep:
                shutil.rmtree(work / f"repo-{n}")
                for runner in args.runners:
                    shutil.rmtree(work / f"out-{n}-{runner}", ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
