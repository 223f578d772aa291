"""The same audit on the local pool and on a Dask LocalCluster of two worker processes: identical records
(in another order) and an identical audit.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from seamline.audit import run_audit

from .conftest import records


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def test_local_pool_and_dask_cluster_give_identical_results(repo: Path, tmp_path: Path, cluster: Any) -> None:
    (repo / "broken.pdf").write_bytes(b"%PDF-1.4 nothing here")
    manifest = repo / "m.csv"
    rows = ["path,vendor,annual_value,currency,end_date,region"]
    rows += [
        f"{p.relative_to(repo).as_posix()},V{i % 3},{1000 * (i + 1)},EUR,2026-0{1 + i % 8}-15,r{i}"
        for i, p in enumerate(sorted(repo.rglob("*.*")))
        if p.suffix in (".txt", ".md", ".pdf")
    ]
    rows += ["gone.txt,V9,10,EUR,,"]
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    local, remote = tmp_path / "local", tmp_path / "dask"
    run_audit(manifest, local, workers=2, as_of=date(2026, 1, 1))
    run_audit(manifest, remote, scheduler=cluster.scheduler_address, as_of=date(2026, 1, 1))

    def by_path(out: Path) -> list[dict[str, Any]]:
        return sorted(records(out / "documents.jsonl"), key=lambda r: r["path"])

    assert by_path(local) == by_path(remote)
    assert len(by_path(local)) == len(rows) - 1  # every row (the header aside): nothing lost
    assert (local / "audit.json").read_bytes() == (remote / "audit.json").read_bytes()
    audit = json.loads((local / "audit.json").read_text(encoding="utf-8"))
    assert audit["documents"]["unreadable"] == 2


def test_an_unreachable_scheduler_is_one_clear_error(cli, repo: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = cli("audit", str(repo), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9")
    assert run.code == 2
    assert "--scheduler: cannot reach the Dask scheduler" in run.err
