"""Hostile documents through ``seamline check``, each in a fresh process with a watchdog and a memory gauge.

The corpus is written by scripts/make_hostile_documents.py (once per session); a FIFO and a link to
/dev/zero are added here. Every case must end within :data:`CPU_BUDGET_S` seconds of processor time (the
issue's 30 s, counted as the child's own user and system time, so that a machine busy with other work
does not fail it; a wall-clock watchdog of :data:`WATCHDOG_S` seconds kills a child that hangs, such as
one waiting on a FIFO) with a peak resident memory under :data:`MAX_RSS_BYTES`. A refusal exits 2 with
one line on stderr naming the file and the problem (no traceback, no internal error); a valid document
exits 0, and where it is a fixture in disguise (UTF-16 text, a PDF with an owner password only) it gets
the fixture's answer. Peak memory is the child's own ``ru_maxrss`` from ``os.wait4``; an address-space
limit well above the goal only stops a runaway child from taking the machine down with it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.childrun import ChildRun, run_seamline

from seamline.contracts.check import check_contract

ROOT = Path(__file__).resolve().parents[2]
FIX = Path(__file__).parent / "fixtures"
CPU_BUDGET_S = 30  # the goal: every hostile file answered within 30 s
WATCHDOG_S = 90  # wall clock: only a hang gets near this, even on a loaded machine
MAX_RSS_BYTES = 1_000_000_000  # the goal: 1 GB peak resident memory per document
RUNAWAY_BYTES = 3 * 1024**3  # address space (numpy and lxml map more than they touch; 1.5 GiB suffice)

_spec = importlib.util.spec_from_file_location(
    "make_hostile_documents", ROOT / "scripts" / "make_hostile_documents.py"
)
assert _spec is not None and _spec.loader is not None
hostile = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = hostile  # its dataclasses look themselves up there
_spec.loader.exec_module(hostile)

SPECIAL = {  # made at run time: name in the corpus (or a path) -> words of the refusal
    "fifo.txt": "named pipe",  # reading a FIFO would wait for ever
    "zero.txt": "device",  # a .txt link to /dev/zero: reading it would never end
    "/dev/zero": "device",
}
# refusals also checked with --json (the same message, exit 2): one of each kind of reader
JSON_TOO = ("fifo.txt", "binary_junk.txt", "lying_header.docx", "aes256.pdf", "stream_bomb.pdf")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    hostile.write(out)
    os.mkfifo(out / "fifo.txt")
    (out / "zero.txt").symlink_to("/dev/zero")
    return out


def _jobs() -> list[tuple[str, ...]]:
    """(document, options) of every run the tests below look at, the longest first."""
    jobs = [(name, "--json") if case.expect == "ok" else (name,) for name, (_, case) in hostile.CASES.items()]
    jobs += [(name,) for name in SPECIAL] + [(name, "--json") for name in JSON_TOO]
    return sorted(jobs, key=lambda job: "19mb" not in job[0])


@pytest.fixture(scope="module")
def runs(corpus: Path) -> dict[tuple[str, ...], ChildRun]:
    """Every run, two at a time: each is measured on its own (wait4), so running two at once changes
    neither its memory nor its processor time, and the file takes half the wall-clock time."""
    jobs = _jobs()
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = pool.map(lambda job: run_check(corpus / job[0], *job[1:]), jobs)
        return dict(zip(jobs, done, strict=True))


def run_check(path: Path | str, *args: str) -> ChildRun:
    """``seamline check PATH ARGS`` in a fresh process: exit code, output, peak memory, whether it hung."""
    return run_seamline(
        ["check", str(path), *args],
        watchdog_s=WATCHDOG_S,
        env={**os.environ, "COLUMNS": "200"},
        address_space_bytes=RUNAWAY_BYTES,
    )


def _assert_bounded(run: ChildRun, name: str) -> None:
    assert not run.timed_out, f"{name}: still running after {WATCHDOG_S} s"
    assert run.cpu_seconds < CPU_BUDGET_S, f"{name}: {run.cpu_seconds:.0f} s of processor time"
    assert run.peak_rss < MAX_RSS_BYTES, f"{name}: peak memory {run.peak_rss / 1e6:.0f} MB"
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err


def _assert_refused(run: ChildRun, name: str, words: str) -> None:
    _assert_bounded(run, name)
    assert run.code == 2, run
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("error: ") and name in lines[0] and words in lines[0], lines[0]


def _answer(report: dict[str, Any]) -> dict[str, Any]:
    """What a check says, without where the file was."""
    det = report["detected"]
    return {
        "title": report["title"],
        "claimed": report["claimed"],
        "model": det["model"],
        "document_type": det["document_type"],
        "findings": {f["item"]: f["status"] for f in report["findings"]},
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", list(hostile.CASES))
def test_hostile_document(runs: dict[tuple[str, ...], ChildRun], name: str) -> None:
    case = hostile.CASES[name][1]
    if case.expect == "refused":
        _assert_refused(runs[(name,)], name, case.words)
        return
    run = runs[(name, "--json")]
    _assert_bounded(run, name)
    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["path"].endswith(name) and report["findings"]
    if case.words:  # the fixture it disguises: the same answer
        assert _answer(report) == _answer(check_contract(FIX / case.words).to_json())


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_files_are_refused_at_once(runs: dict[tuple[str, ...], ChildRun], name: str) -> None:
    run = runs[(name,)]  # "/dev/zero" stays itself in the corpus folder
    _assert_refused(run, name, SPECIAL[name])
    assert "not a regular file" in run.err


@pytest.mark.parametrize("name", JSON_TOO)
def test_refusals_are_the_same_with_json(runs: dict[tuple[str, ...], ChildRun], name: str) -> None:
    words = SPECIAL[name] if name in SPECIAL else hostile.CASES[name][1].words
    run = runs[(name, "--json")]
    _assert_refused(run, name, words)
    assert run.out == ""


def test_every_case_says_why() -> None:
    assert all(case.expect in ("ok", "refused") and case.why for _, case in hostile.CASES.values())
    assert {"text_19mb.txt", "lying_header.docx", "spans_1m.html", "aes256.pdf"} <= set(hostile.CASES)
