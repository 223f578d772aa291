"""Peak memory and time of ``seamline check`` on long text files, each in a fresh process.

    .venv/bin/python benchmarks/document_memory.py [SIZE_MB ...]     (default: 1 5 10 19)

The texts are the contract fixtures repeated (scripts/make_hostile_documents.py); a one-page contract gives
the process's own baseline. Memory per MB of text is (peak - baseline) / size. Issue 13's starting point:
19 MB took 2.2 GB and 16 s (about 115 MB per MB of text); the goal is under 1 GB.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "make_hostile_documents", ROOT / "scripts" / "make_hostile_documents.py"
)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hostile
_spec.loader.exec_module(hostile)


def measure(path: Path) -> tuple[float, float, int]:
    """(peak resident MB, seconds, exit code) of ``seamline check PATH --json`` in a fresh process."""
    entry = Path(sys.executable).with_name("seamline")
    cmd = [str(entry)] if entry.exists() else [sys.executable, "-c", "from seamline.cli import main; main()"]
    start = time.perf_counter()
    proc = subprocess.Popen([*cmd, "check", str(path), "--json"], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, seconds, proc.returncode  # ru_maxrss: kilobytes on Linux


def main(sizes: list[float]) -> None:
    text = hostile._contract_text()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "one_page.txt"
        small.write_text(text[:4000], encoding="utf-8")
        base, base_s, _ = measure(small)
        print(f"{'text':>8} {'peak RSS':>10} {'time':>8} {'MB per MB of text':>18}")
        print(f"{'4 KB':>8} {base:>8.0f} MB {base_s:>6.1f} s {'(baseline)':>18}")
        for mb in sizes:
            path = Path(tmp) / f"text_{mb:g}mb.txt"
            path.write_bytes(hostile._repeat_to(text, int(mb * hostile.MB)))
            peak, seconds, code = measure(path)
            per = (peak - base) / mb
            status = "" if code == 0 else f"  (exit {code})"
            print(f"{mb:>5g} MB {peak:>8.0f} MB {seconds:>6.1f} s {per:>18.1f}{status}")
            path.unlink()


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 5, 10, 19])
