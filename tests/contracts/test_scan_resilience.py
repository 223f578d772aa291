"""`seamline scan` survives a dead worker, bounds each worker's memory, and resumes on the canonical path.

A worker killed with SIGKILL (what the kernel's out-of-memory killer does) used to hang the scan for ever
with one record lost; every test here runs under a watchdog (SIGALRM) so a hang fails instead of blocking.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seamline.contracts import scan

FIX = Path(__file__).parent / "fixtures"
NAMES = (
    "nda.txt",
    "managed_services.txt",
    "staff_augmentation.md",
    "dedicated_team.txt",
    "project_outsourcing.txt",
    "in_house_employment.txt",
)
WATCHDOG_SECONDS = 180  # far above a normal run (a few seconds): only a hang reaches it


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    def hung(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the scan did not finish within {WATCHDOG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(WATCHDOG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def folder_of_documents(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(FIX / name, folder / name)
    return folder


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def by_name(out: Path) -> dict[str, dict[str, Any]]:
    recs = records(out)
    names = [Path(r["path"]).name for r in recs]
    assert sorted(names) == sorted(NAMES), names  # every file exactly once
    return {Path(r["path"]).name: r for r in recs}


def kill_on(monkeypatch: pytest.MonkeyPatch, name: str, *, times: int | None = None, marks: Path) -> None:
    """Make the worker checking ``name`` die by SIGKILL (``times`` times, or always). The forked workers
    inherit the patched function; attempts are counted in files, as each worker is a process of its own."""
    real = scan._check_one

    def deadly(args: tuple[str, str | None]) -> dict[str, Any]:
        if Path(args[0]).name == name:
            marks.mkdir(exist_ok=True)
            attempt = len(list(marks.iterdir())) + 1
            (marks / str(attempt)).touch()
            if times is None or attempt <= times:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(args)

    deadly.__module__, deadly.__qualname__ = scan.__name__, "_check_one"  # picklable by reference
    monkeypatch.setattr(scan, "_check_one", deadly)


@pytest.mark.parametrize("workers", [2, 1])
def test_a_killed_worker_is_retried_once_then_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    folder = folder_of_documents(tmp_path)
    marks = tmp_path / "attempts"
    kill_on(monkeypatch, "managed_services.txt", marks=marks)
    out = tmp_path / "results.jsonl"
    progress: list[tuple[int, int]] = []
    summary = scan.scan_folder(folder, out, workers=workers, on_progress=lambda d, t: progress.append((d, t)))
    recs = by_name(out)
    killed = recs["managed_services.txt"]
    assert "died" in killed["error"] and "killed, perhaps out of memory" in killed["error"]
    assert "managed_services.txt" in killed["error"]
    assert len(list(marks.iterdir())) == 2  # tried, then retried once
    others = [r for n, r in recs.items() if n != "managed_services.txt"]
    assert all("error" not in r for r in others)  # the files beside it were not blamed
    assert (summary.checked, summary.errors, summary.skipped) == (5, 1, 0)
    assert progress[-1] == (6, 6)

    # resuming records nothing twice and does not check the failed file again
    again = scan.scan_folder(folder, out, workers=workers)
    assert (again.checked, again.errors, again.skipped) == (0, 0, 6)
    assert len(records(out)) == 6


def test_a_worker_killed_once_gets_its_file_checked_on_the_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of_documents(tmp_path)
    kill_on(monkeypatch, "dedicated_team.txt", times=1, marks=tmp_path / "attempts")
    out = tmp_path / "results.jsonl"
    summary = scan.scan_folder(folder, out, workers=2)
    recs = by_name(out)
    assert "error" not in recs["dedicated_team.txt"] and recs["dedicated_team.txt"]["detected"]
    assert (summary.checked, summary.errors) == (6, 0)


def test_every_worker_killed_the_scan_still_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_of_documents(tmp_path)

    def always(args: tuple[str, str | None]) -> dict[str, Any]:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    always.__module__, always.__qualname__ = scan.__name__, "_check_one"
    monkeypatch.setattr(scan, "_check_one", always)
    out = tmp_path / "results.jsonl"
    summary = scan.scan_folder(folder, out, workers=3)
    recs = by_name(out)
    assert all("died" in r["error"] for r in recs.values())
    assert summary.errors == 6


def test_a_document_over_the_worker_memory_bound_is_an_out_of_memory_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/proc/self/statm").exists():
        pytest.skip("the memory bound reads /proc (Linux)")
    import seamline.contracts.check as check

    folder = folder_of_documents(tmp_path)
    real = check.check_contract

    def greedy(path: Any, **kwargs: Any) -> Any:
        if Path(path).name == "nda.txt":
            bytearray(8 * 2**30)  # 8 GB: over a 512 MB bound at once (nothing is touched)
        return real(path, **kwargs)

    monkeypatch.setattr(check, "check_contract", greedy)
    out = tmp_path / "results.jsonl"
    summary = scan.scan_folder(folder, out, workers=2, worker_memory_mb=512)
    recs = by_name(out)
    assert "ran out of memory" in recs["nda.txt"]["error"] and "--worker-memory" in recs["nda.txt"]["error"]
    assert (summary.checked, summary.errors) == (5, 1)  # normal documents fit the bound


def spellings(tmp_path: Path, folder: Path) -> list[Callable[[], Path]]:
    link = tmp_path / "link-to-docs"
    link.symlink_to(folder, target_is_directory=True)
    return [
        lambda: Path("docs"),  # relative (the test runs in tmp_path)
        lambda: link,  # through a symlinked folder
        lambda: Path("./docs/../docs"),
        lambda: folder / ".",
    ]


def test_resume_keys_on_the_canonical_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_of_documents(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "results.jsonl"
    first = scan.scan_folder(folder.resolve(), out, workers=2)
    assert first.checked == 6
    for spelled in spellings(tmp_path, folder):
        again = scan.scan_folder(spelled(), out, workers=2)
        assert (again.checked, again.errors, again.skipped) == (0, 0, 6), spelled()
    recs = records(out)
    assert len(recs) == 6
    assert {r["path"] for r in recs} == {str((folder / n).resolve()) for n in NAMES}


def test_old_records_with_other_spellings_are_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of_documents(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "results.jsonl"
    old = [{"path": f"docs/{NAMES[0]}", "error": "x"}, {"path": f"./docs/../docs/{NAMES[1]}", "error": "y"}]
    out.write_text("".join(json.dumps(r) + "\n" for r in old), encoding="utf-8")
    summary = scan.scan_folder(folder, out, workers=1)
    assert (summary.checked, summary.skipped) == (4, 2)
    assert len(records(out)) == 6


def test_two_links_to_one_document_give_one_record(tmp_path: Path) -> None:
    folder = folder_of_documents(tmp_path)
    (folder / "again.txt").symlink_to(folder / "nda.txt")
    out = tmp_path / "results.jsonl"
    summary = scan.scan_folder(folder, out, workers=2)
    assert summary.checked == 6
    by_name(out)


def test_the_cli_default_memory_bound_is_the_library_default() -> None:
    import inspect

    from seamline.cli.contracts_cmd import scan as scan_command

    default = inspect.signature(scan_command).parameters["worker_memory"].default
    assert default == scan.DEFAULT_WORKER_MEMORY_MB
