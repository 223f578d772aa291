"""``seamline audit ... --store``: the finished audit kept in the web app's database (SQLite here; the store
itself is tested on PostgreSQL too), in the workspace asked for; bad options refused before any document is
checked, in one line, exit 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seamline.store import AccountStore, open_store
from seamline.store.audits import AuditStore
from seamline.store.tables import LOCAL_WORKSPACE_ID

DOCS = {
    "hourly.txt": "STAFF AUGMENTATION AGREEMENT\n1. Services. Contractor provides the named engineers "
    "listed in Schedule A, who work under the Client's direction and are billed at an hourly rate.\n",
    "fixed.txt": "SERVICES AGREEMENT\n1. Services. Vendor will deliver the software described in Schedule A "
    "for a fixed fee, payable on acceptance of each milestone.\n2. Governing law. England.\n",
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _audits(url: str, workspace_id: int = LOCAL_WORKSPACE_ID) -> tuple[Any, AuditStore]:
    store = open_store(url)
    return store, AuditStore(store.engine, workspace_id=workspace_id, user_id=None, role="owner")


def test_the_audit_is_stored_in_the_local_workspace(
    cli: Callable[..., Any], repository: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    run = cli("audit", str(repository), "--out", str(tmp_path / "out"), "--no-report", "--workers", "1",
              "--store", "--database-url", url, "--name", "Q4 contracts")  # fmt: skip
    assert run.code == 0, run.err
    assert "stored as audit 1 'Q4 contracts' in workspace 'Local' (2 documents): /audits/1" in run.out
    store, audits = _audits(url)
    try:
        [saved] = audits.audits()
        assert (saved.name, saved.documents) == ("Q4 contracts", 2)
        paths = sorted(d.path for d in audits.documents(saved.id).documents)
        assert paths == sorted(DOCS)
    finally:
        store.engine.dispose()


def test_the_audit_goes_to_the_workspace_named(
    cli: Callable[..., Any], repository: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    store = open_store(url)
    accounts = AccountStore(store.engine)
    owner = accounts.add_user("alice", "correct horse battery staple")
    team = accounts.add_workspace("Procurement", owner=owner.id)
    store.engine.dispose()
    run = cli("audit", str(repository), "--out", str(tmp_path / "out"), "--no-report", "--workers", "1",
              "--store", "--database-url", url, "--workspace", "Procurement")  # fmt: skip
    assert run.code == 0, run.err
    assert "in workspace 'Procurement'" in run.out
    store, theirs = _audits(url, team.id)
    try:
        assert [a.name for a in theirs.audits()] == [
            f"contracts as of {theirs.audits()[0].as_of.isoformat()}"
        ]
        assert (
            AuditStore(store.engine, workspace_id=LOCAL_WORKSPACE_ID, user_id=None, role="owner").audits()
            == []
        )
    finally:
        store.engine.dispose()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--store", "--workspace", "Nobody"], "error: --workspace: workspace 'Nobody': no such workspace"),
        (["--store", "--name", "   "], "error: --name: expected a non-empty name"),
        (
            ["--store", "--database-url", "mysql://x/y"],
            "error: database URL: got 'mysql'; expected sqlite:///PATH",
        ),
        (["--name", "Q4"], "error: --database-url, --workspace and --name go with --store; add --store"),
    ],
)
def test_bad_store_options_are_refused_before_any_document_is_checked(
    cli: Callable[..., Any], repository: Path, tmp_path: Path, extra: list[str], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    args = ["audit", str(repository), "--out", str(tmp_path / "out"), "--no-report", "--workers", "1"]
    if "--database-url" not in extra:
        args += ["--database-url", url] if "--store" in extra else []
    run = cli(*args, *extra)
    assert run.code == 2
    assert run.err.strip().startswith(message), run.err
    assert len(run.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing was checked or written
