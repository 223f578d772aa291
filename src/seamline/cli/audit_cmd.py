"""``seamline audit``: check a whole contract repository and write the audit (JSON, HTML, PDF)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from seamline.cli.app import app, console, err_console, plain


def _as_of(value: str | None) -> date | None:
    from seamline.errors import SeamlineError

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SeamlineError(
            f"--as-of: {value!r} is not a date; expected YYYY-MM-DD, such as 2026-03-31"
        ) from None


@app.command("audit")
def audit(
    source: Annotated[
        Path,
        typer.Argument(help="A folder of documents (searched recursively) or a manifest (.csv or .jsonl)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for documents.jsonl, audit.json, .html, .pdf.")],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="A Dask scheduler (tcp://host:8786) to run the checks on instead of local processes.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Local worker processes.")] = 2,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", metavar="DATE", help="The date terms ending soon count from (default today)."
        ),
    ] = None,
    horizon: Annotated[
        list[int] | None,
        typer.Option(
            "--horizon", metavar="DAYS", help="Ending-soon horizon in days (repeat; default 90 and 180)."
        ),
    ] = None,
    review_months: Annotated[
        float | None,
        typer.Option(
            "--review-months",
            metavar="N",
            help="Months an engagement of named people under your direction runs before review (default 12).",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--restart",
            help="Keep the documents already in --out and check only the rest (default), or start afresh.",
        ),
    ] = True,
    no_report: Annotated[bool, typer.Option("--no-report", help="Skip audit.html and audit.pdf.")] = False,
    worker_memory: Annotated[
        int,
        typer.Option(
            "--worker-memory",
            min=0,
            metavar="MB",
            envvar="SEAMLINE_SCAN_WORKER_MEMORY_MB",
            help="Memory (MB) a local worker may add while checking one document; 0: no bound.",
        ),
    ] = 4096,
    knowledge: Annotated[
        Path | None,
        typer.Option(
            "--knowledge",
            help="A knowledge folder to use instead of the bundled one.",
            envvar="SEAMLINE_KNOWLEDGE",
        ),
    ] = None,
    store: Annotated[
        bool,
        typer.Option(
            "--store", help="Also keep the finished audit in the web app's database (see /audits there)."
        ),
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="SEAMLINE_DATABASE_URL",
            help="With --store: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB "
            "(default: as seamline serve).",
        ),
    ] = None,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace", metavar="NAME", help="With --store: the workspace's name or id (default: Local)."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", help="With --store: the audit's name in the app (default: SOURCE as of the date)."
        ),
    ] = None,
) -> None:
    """Audit a contract repository: mislabels ranked by value at risk, missing protections, vendors,
    terms ending soon and engagements to review; resumable, on local processes or a Dask cluster."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from seamline.audit import DOCUMENTS_FILE, run_audit
    from seamline.audit.manifest import kind_of
    from seamline.errors import SeamlineError

    day = _as_of(as_of)
    kind_of(source)
    if not store and (workspace or name or (database_url and not _from_env(database_url))):
        raise SeamlineError("--database-url, --workspace and --name go with --store; add --store")
    target = _open_target(database_url, workspace, name) if store else None
    if out.exists() and not out.is_dir():
        raise SeamlineError(f"--out: {out} is a file; expected a folder")
    if not resume and (out / DOCUMENTS_FILE).exists():
        (out / DOCUMENTS_FILE).unlink()
    with Progress(
        TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err_console
    ) as progress:
        task = progress.add_task("audit", total=None)

        def tick(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = run_audit(
            source,
            out,
            workers=workers,
            scheduler=scheduler,
            as_of=day,
            knowledge=knowledge,
            horizons=horizon or None,
            review_months=review_months,
            worker_memory_mb=worker_memory,
            report=not no_report,
            on_progress=tick,
        )
    a = result.audit
    d = a["documents"]
    console.print(
        f"{d['total']} documents: {d['checked']} checked, {d['unreadable']} unreadable "
        f"({result.checked + result.errors} in this run, {result.skipped} already in {out})",
        markup=False,
    )
    console.print(f"mislabel candidates: {d['mislabel_candidates']}", markup=False)
    for m in a["mislabel_candidates"][:5]:
        value = m["value_at_risk"]
        shown = "value unknown" if value is None else f"{value:,.0f} {m['currency'] or ''}".strip()
        detected = m["detected"] or f"no engagement ({m['document_type']})"
        console.print(
            f"  {plain(m['path'])}: claimed {plain(m['claimed'])}, "
            f"detected {plain(detected)} ({plain(shown)})"
        )
    missing = sum(sum(row.values()) for row in a["missing_protections"]["by_model"].values())
    console.print(f"missing protections: {missing} across {len(a['vendors'])} vendors", markup=False)
    for v in a["vendors"][:3]:
        if v["exposed_documents"]:
            console.print(
                f"  {plain(v['vendor'])}: {v['exposed_documents']} exposed documents, exposure "
                f"{plain('; '.join(f'{x:,.0f} {c}' for c, x in v['exposure'].items()) or '—')}"
            )
    for h, t in a["ending_soon_totals"].items():
        console.print(f"ending within {h} days of {a['as_of']}: {t['documents']}", markup=False)
    console.print(
        f"flagged for review (a risk signal, not a legal ruling): {d['review_flags']}", markup=False
    )
    console.print("wrote " + ", ".join(str(f) for f in result.files), markup=False)
    if target is not None:
        _store(target, out, name)


def _from_env(database_url: str | None) -> bool:
    """True when ``database_url`` came from SEAMLINE_DATABASE_URL (set for the server, not a request to
    store)."""
    import os

    return database_url is not None and database_url == os.environ.get("SEAMLINE_DATABASE_URL")


def _open_target(database_url: str | None, workspace: str | None, name: str | None) -> Any:
    """The workspace's audit store, opened (and migrated) before the audit runs, so a bad URL, an unknown
    workspace or a bad name is refused before any document is checked."""
    from seamline.errors import SeamlineError
    from seamline.settings import Settings
    from seamline.store import AccountStore, open_store
    from seamline.store.audits import AuditStore
    from seamline.store.repository import check_name
    from seamline.store.tables import LOCAL_WORKSPACE_ID

    if name is not None:
        try:
            check_name(name, "--name")
        except SeamlineError as exc:
            raise SeamlineError(exc.message) from None  # one line: what, and what was expected
    settings = Settings.from_env(None, database_url=database_url)
    decisions = open_store(settings.database_url, schema=settings.database_schema)
    try:
        ref: int | str = workspace if workspace else LOCAL_WORKSPACE_ID
        try:
            found = AccountStore(decisions.engine).workspace(ref)
        except SeamlineError as exc:
            raise SeamlineError(f"--workspace: {exc.message}") from None
        return AuditStore(decisions.engine, workspace_id=found.id, user_id=None, role="owner"), found
    except BaseException:
        decisions.engine.dispose()
        raise


def _store(target: Any, out: Path, name: str | None) -> None:
    """Keep the audit written to ``out`` (read back a line at a time) in the workspace."""
    from sqlalchemy.exc import SQLAlchemyError

    from seamline.audit import read_audit
    from seamline.errors import SeamlineError

    audits, workspace = target
    try:
        audit, documents = read_audit(out)
        saved = audits.save_audit(audit, documents, name=name)
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        first = (str(cause).strip().splitlines() or [""])[0][:200]
        raise SeamlineError(
            f"--store: the audit in {out} could not be stored ({type(cause).__name__}: {first}); "
            "nothing was stored; run the same command again to store it"
        ) from None
    finally:
        audits.engine.dispose()
    console.print(
        f"stored as audit {saved.id} {plain(repr(saved.name))} in workspace {plain(repr(workspace.name))} "
        f"({saved.documents} documents): /audits/{saved.id} in the web app",
        markup=False,
    )
