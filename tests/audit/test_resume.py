"""kill -9 in the middle of an audit, run it again: every document exactly once in documents.jsonl."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from .conftest import FIX, NAMES

COPIES = 12  # 72 documents: a few seconds of work, so the kill lands mid-run


def big_repo(tmp_path: Path) -> Path:
    folder = tmp_path / "big"
    for k in range(COPIES):
        (folder / f"batch{k:02d}").mkdir(parents=True)
        for name in NAMES:
            shutil.copy(FIX / name, folder / f"batch{k:02d}" / name)
    return folder


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def audit_cmd(source: Path, out: Path) -> list[str]:
    code = "from seamline.cli import main; main()"
    return [sys.executable, "-c", code, "audit", str(source), "--out", str(out), "--no-report"]


def test_kill_9_then_resume_gives_every_document_exactly_once(tmp_path: Path) -> None:
    repo = big_repo(tmp_path)
    out = tmp_path / "out"
    documents = out / "documents.jsonl"
    proc = subprocess.Popen(
        audit_cmd(repo, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while lines(documents) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the audit finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)  # the audit and its workers, as a power cut would
    finally:
        proc.wait(timeout=30)
    first = lines(documents)
    assert 5 <= first < COPIES * len(NAMES)
    with documents.open("a", encoding="utf-8") as fh:  # a record cut short, as a kill mid-write leaves
        fh.write('{"path": "batch00/nda.txt", "metadata": {"ven')
    run = subprocess.run(audit_cmd(repo, out), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"already in {out}" in run.stdout
    paths = Counter(json.loads(line)["path"] for line in documents.read_text(encoding="utf-8").splitlines())
    assert len(paths) == COPIES * len(NAMES)
    assert set(paths.values()) == {1}
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert audit["documents"]["total"] == COPIES * len(NAMES)
