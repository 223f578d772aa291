"""Storing an audit in the web app's database (``seamline audit --store``): time and peak memory at 1,000
and 10,000 documents.

The documents are real ``documents.jsonl`` records (an audit of the engagement corpus in ../shared/data,
run once into a temporary folder, or ``--from DIR`` for an audit already written), repeated with a new
path, vendor and annual value each, so every record has the size of a real one (about 20 kB: the whole
check with its evidence). Each size is stored in a child process on a fresh database; the child reports
the seconds :meth:`AuditStore.save_audit` took and its peak resident memory (``ru_maxrss``). Memory that
stays flat from 1,000 to 10,000 documents is what batch inserts buy; then one filtered page of documents
is timed (vendor and value, the count included).

Run: .venv/bin/python benchmarks/audit_store.py [--sizes 1000 10000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT.parent / "shared" / "data" / "engagements" / "texts"


def build(source: Path, size: int, out: Path) -> None:
    """``out``: an audit folder of ``size`` records made from ``source``'s."""
    records = [json.loads(line) for line in (source / "documents.jsonl").read_text().splitlines() if line]
    out.mkdir(parents=True, exist_ok=True)
    with (out / "documents.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(size):
            rec = json.loads(json.dumps(records[i % len(records)]))
            rec["path"] = f"copy-{i:05d}/{rec['path']}"
            rec["metadata"]["annual_value"] = float(1000 * (i % 500))
            rec["summary"]["vendor"] = f"Vendor {i % 60}"
            fh.write(json.dumps(rec) + "\n")
    audit = json.loads((source / "audit.json").read_text())
    audit["documents"]["total"] = size
    (out / "audit.json").write_text(json.dumps(audit))


def child(folder: Path, url: str, schema: str | None) -> None:
    from seamline.audit import read_audit
    from seamline.store import open_store
    from seamline.store.audits import AuditStore

    store = open_store(url, schema=schema)
    audits = AuditStore.of(store)
    audit, documents = read_audit(folder)
    start = time.perf_counter()
    saved = audits.save_audit(audit, documents)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    page = audits.documents(saved.id, vendor="Vendor 7", min_value=100000)
    page_ms = 1000 * (time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": saved.documents, "seconds": seconds, "peak_mb": peak_mb,
                      "page_ms": page_ms, "page_total": page.total}))  # fmt: skip
    store.engine.dispose()


def _schema(url: str, statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--from", dest="source", type=Path, help="an audit folder to take the records from")
    ap.add_argument("--database-url", help="PostgreSQL: each size in a schema of its own, dropped after")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], args.child[2] or None)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = args.source
        if source is None:
            from seamline.audit import run_audit

            source = work / "corpus"
            run_audit(TEXTS, source, workers=2, report=False)
        size_kb = (source / "documents.jsonl").stat().st_size / 1024
        lines = sum(1 for _ in (source / "documents.jsonl").open())
        print(f"records from {source}: {lines}, {size_kb / lines:.1f} kB each on average")
        for size in args.sizes:
            folder = work / f"n{size}"
            build(source, size, folder)
            url = args.database_url or f"sqlite:///{work / f'n{size}.db'}"
            schema = f"seamline_bench_{size}" if args.database_url else ""
            if schema:
                _schema(url, f'CREATE SCHEMA "{schema}"')
            try:
                run = subprocess.run(
                    [sys.executable, __file__, "--child", str(folder), url, schema],
                    capture_output=True,
                    text=True,
                )
            finally:
                if schema:
                    _schema(url, f'DROP SCHEMA "{schema}" CASCADE')
            if run.returncode:
                sys.exit(run.stderr[-2000:])
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(
                f"{r['documents']:>6} documents: stored in {r['seconds']:.1f} s "
                f"({r['documents'] / r['seconds']:.0f} documents/s), peak memory {r['peak_mb']:.0f} MB; "
                f"a filtered page (vendor and value, {r['page_total']} match) in {r['page_ms']:.0f} ms"
            )


if __name__ == "__main__":
    main()
