"""The decision repository: every write is one transaction (it completes or leaves nothing behind)."""

from __future__ import annotations

import base64
import binascii
import builtins
import functools
import json
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any, Generic, TypeVar

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, PrivateAttr
from sqlalchemy import Engine, Integer, Select, String, bindparam, delete, func, select, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from seamline.errors import Problem, SeamlineError
from seamline.store.db import make_engine, migrate
from seamline.store.list_versions import ListVersions, Unavailable
from seamline.store.tables import (
    LOCAL_USER_ID,
    LOCAL_WORKSPACE_ID,
    ROLES,
    DecisionListVersionRow,
    DecisionRow,
    DecisionVersionRow,
    MetaRow,
)

NAME_MAX = 200
# the largest id the ``decisions.id`` column can hold: SQLite's 64-bit integers, PostgreSQL's INTEGER;
# an id outside 1..MAX is no saved decision (404), never a database overflow (500)
MAX_ID = {"sqlite": 2**63 - 1, "postgresql": 2**31 - 1}


class NotFoundError(SeamlineError):
    """No saved decision has this id (in this workspace: another workspace's decision is not found)."""

    status = 404


class ForbiddenError(SeamlineError):
    """The user's role in the workspace does not allow this (a viewer changing a decision)."""

    status = 403


TRASH_DAYS = 30  # how long a deleted decision can be restored (a product default; Settings.trash_days)


LIST_LIMIT = 50  # a list page's default length
LIST_LIMIT_MAX = 200
LIST_OFFSET_MAX = 2**31 - 1  # any larger offset is past the end on every database (no overflow)
QUERY_MAX = NAME_MAX


class DecisionSummary(BaseModel):
    """A saved decision's summary as lists show it: no inputs or outputs (those are read one at a time)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    knowledge_version: str
    status: str
    top_model: str | None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "knowledge_version": self.knowledge_version,
            "status": self.status,
            "top_model": self.top_model,
        }


class DecisionRecord(DecisionSummary):
    """A saved decision as read back: frozen, detached from the database."""

    situation: dict[str, Any]
    outputs: dict[str, Any]
    contract: dict[str, Any] | None = None
    workspace_id: int = LOCAL_WORKSPACE_ID
    version: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "situation": self.situation,
            "outputs": self.outputs,
            "contract": self.contract,
            "workspace_id": self.workspace_id,
            "version": self.version,
        }


class VersionSummary(BaseModel):
    """One earlier state of a decision, as a history list shows it."""

    model_config = ConfigDict(frozen=True)

    decision_id: int
    version: int
    saved_at: datetime  # when this state was replaced
    saved_by: int | None
    name: str
    status: str
    top_model: str | None
    change: str  # what replaced it: renamed, edited, contract attached, contract removed, restored

    def summary(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "version": self.version,
            "saved_at": self.saved_at.isoformat(),
            "saved_by": self.saved_by,
            "name": self.name,
            "status": self.status,
            "top_model": self.top_model,
            "change": self.change,
        }


class VersionRecord(VersionSummary):
    """An earlier state of a decision in full (inputs, outputs, contract)."""

    knowledge_version: str
    situation: dict[str, Any]
    outputs: dict[str, Any]
    contract: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "knowledge_version": self.knowledge_version,
            "situation": self.situation,
            "outputs": self.outputs,
            "contract": self.contract,
        }


class TrashedSummary(DecisionSummary):
    """A deleted decision that can still be restored (until ``purge_after``)."""

    deleted_at: datetime
    purge_after: datetime

    def summary(self) -> dict[str, Any]:
        return {
            **super().summary(),
            "deleted_at": self.deleted_at.isoformat(),
            "purge_after": self.purge_after.isoformat(),
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive datetimes


def _record(row: DecisionRow) -> DecisionRecord:
    return DecisionRecord(
        id=row.id,
        name=row.name,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        knowledge_version=row.knowledge_version,
        status=row.status,
        top_model=row.top_model,
        situation=row.situation,
        outputs=row.outputs,
        contract=row.contract,
        workspace_id=row.workspace_id,
        version=row.version or 1,
    )


def _version_summary(row: DecisionVersionRow) -> VersionSummary:
    return VersionSummary(
        decision_id=row.decision_id,
        version=row.version,
        saved_at=_aware(row.saved_at),
        saved_by=row.saved_by,
        name=row.name,
        status=row.status,
        top_model=row.top_model,
        change=row.change,
    )


class DecisionPage(BaseModel):
    """One page of summaries, newest first, and how many decisions match in all."""

    model_config = ConfigDict(frozen=True)

    decisions: list[DecisionSummary]
    total: int
    limit: int
    offset: int
    q: str | None = None
    _summaries_json: str | None = PrivateAttr(default=None)

    def summaries_json(self) -> str:
        """The decisions' summaries as compact JSON (a list), encoded once per page: a page kept by the
        store (see :meth:`DecisionStore.summaries`) is answered again without encoding it again."""
        if self._summaries_json is None:
            self._summaries_json = json.dumps([d.summary() for d in self.decisions], separators=(",", ":"))
        return self._summaries_json

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.decisions)
        return end if end < self.total and self.decisions else None

    @property
    def next_cursor(self) -> str | None:
        """An opaque cursor for the following page (see :meth:`DecisionStore.summaries`), or None on the
        last one."""
        following = self.next_offset
        if following is None:
            return None
        last = self.decisions[-1]
        return _cursor(last.updated_at, last.id, following, self.q)

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


# the columns a list reads: never the inputs, outputs or contract (tens of kilobytes each)
SUMMARY_COLUMNS = (
    DecisionRow.id,
    DecisionRow.name,
    DecisionRow.created_at,
    DecisionRow.updated_at,
    DecisionRow.knowledge_version,
    DecisionRow.status,
    DecisionRow.top_model,
)


CURSOR_MAX = 200  # characters: a cursor is about 60 (up to 330 with the longest search: then none is given)


def _cursor(updated_at: datetime, decision_id: int, offset: int, q: str | None) -> str:
    """The position after a row of a list (its sort key), the following page's offset, and the search it
    was made for, as URL-safe text."""
    raw = json.dumps([updated_at.astimezone(UTC).isoformat(), decision_id, offset, q], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _read_cursor(cursor: Any, q: str | None, max_id: int) -> tuple[datetime, int, int]:
    """(updated_at, id, offset) of a cursor made by :func:`_cursor` for the search ``q``; a clear error
    naming ``cursor`` for anything else."""
    wrong = SeamlineError(
        "cursor: not a cursor of this list; expected the next_cursor of a page of it",
        [Problem("cursor", "expected the next_cursor of a page of this list")],
    )
    if not isinstance(cursor, str) or not 0 < len(cursor) <= CURSOR_MAX:
        raise wrong
    try:
        when, decision_id, offset, made_for = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
        updated_at = datetime.fromisoformat(when)
    except (ValueError, TypeError, binascii.Error):
        raise wrong from None
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (decision_id, offset))
    if not whole or not (1 <= decision_id <= max_id and 0 <= offset <= LIST_OFFSET_MAX):
        raise wrong
    if updated_at.tzinfo is None or not (made_for is None or isinstance(made_for, str)):
        raise wrong
    if made_for != q:
        raise SeamlineError(
            f"cursor: made for the search {made_for!r}, not {q!r}; expected q as on the page that gave it",
            [Problem("cursor", "expected the same q as the page that gave it")],
        )
    return updated_at.astimezone(UTC), decision_id, offset


def check_query(q: Any, where: str = "q") -> str | None:
    """A name search: None when empty; else the words, single-spaced, at most QUERY_MAX characters of
    printable text (a NUL or other control character is refused: PostgreSQL cannot take it)."""
    if q is None:
        return None
    if not isinstance(q, str):
        raise SeamlineError(f"{where}: expected text", [Problem(where, "expected text")])
    if any(ord(c) < 32 or ord(c) == 127 for c in q if c not in "\t\n\r"):
        raise SeamlineError(
            f"{where}: contains a control character; expected printable text",
            [Problem(where, "expected printable text")],
        )
    q = " ".join(q.split())
    if len(q) > QUERY_MAX:
        raise SeamlineError(
            f"{where}: the search is {len(q)} characters long; expected at most {QUERY_MAX}",
            [Problem(where, f"expected at most {QUERY_MAX} characters")],
        )
    return q or None


def _check_window(limit: Any, offset: Any) -> tuple[int, int]:
    for where, value, low, high in (
        ("limit", limit, 1, LIST_LIMIT_MAX),
        ("offset", offset, 0, LIST_OFFSET_MAX),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SeamlineError(
                f"{where}: got {value!r}; expected a whole number from {low} to {high}",
                [Problem(where, f"expected a whole number from {low} to {high}")],
            )
    return limit, offset


def check_name(name: Any, where: str = "name") -> str:
    if not isinstance(name, str) or not name.strip():
        raise SeamlineError(
            f"{where}: expected a non-empty name", [Problem(where, "expected a non-empty name")]
        )
    if "\x00" in name:  # no database text can hold it (PostgreSQL refuses it outright)
        raise SeamlineError(
            f"{where}: the name holds a NUL character; expected text without one",
            [Problem(where, "expected a name without NUL characters")],
        )
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise SeamlineError(
            f"{where}: the name is {len(name)} characters long; expected at most {NAME_MAX}",
            [Problem(where, f"expected at most {NAME_MAX} characters")],
        )
    return name


_UNREAD = object()  # a list version not read yet
PAGES_KEPT = 128  # list pages kept per server process (50 summaries are about 10 KB)


_T = TypeVar("_T")


class _Kept(Generic[_T]):
    """Values read earlier, each with the workspace's list version it was read at; the least recently used
    dropped beyond ``size`` (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[tuple[Any, ...], tuple[int | None, _T]] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[Any, ...], version: int | None) -> _T | None:
        with self.lock:
            hit = self.data.get(key)
            if hit is None or hit[0] != version:
                return None
            self.data.move_to_end(key)
            return hit[1]

    def put(self, key: tuple[Any, ...], version: int | None, value: _T) -> None:
        with self.lock:
            self.data[key] = (version, value)
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


class _Pages:
    """List pages read earlier, and the count of each list (a workspace's live decisions, or those a search
    matches), each kept at the list version it was read at.

    A count does not depend on the page: a page not read before at the current version costs the database
    the page alone when another page of the same list was read at that version."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.pages: _Kept[DecisionPage] = _Kept(size)
        self.totals: _Kept[int] = _Kept(size)


_LIST_VERSION = select(DecisionListVersionRow.version).where(
    DecisionListVersionRow.workspace_id == bindparam("workspace_id")
)


@functools.cache
def _list_statements(dialect: str, search: bool, after: bool) -> tuple[Select[*tuple[Any, ...]], Select[int]]:
    """(the page, the count) for a workspace's live decisions, with the name search and the keyset
    position as bound parameters: built once per dialect and shape.

    The name search is ``ILIKE`` on PostgreSQL (served by the ``pg_trgm`` index of migration 0005 when the
    database has it) and a plain ``LIKE`` on SQLite, whose ``LIKE`` already ignores case: for ASCII letters
    only, as SQLite's ``lower()`` (what ``ILIKE`` becomes there) does, so the same names match either way,
    and the covering index is read without a function call per row."""
    live = (DecisionRow.workspace_id == bindparam("workspace_id")) & DecisionRow.deleted_at.is_(None)
    if search:
        pattern = bindparam("pattern", type_=String())
        name = DecisionRow.name
        live = live & (
            name.like(pattern, escape="\\") if dialect == "sqlite" else name.ilike(pattern, escape="\\")
        )
    counting = select(func.count()).select_from(DecisionRow).where(live)
    query = select(*SUMMARY_COLUMNS).where(live)
    if after:
        position = tuple_(
            bindparam("after_updated_at", type_=DecisionRow.updated_at.type),
            bindparam("after_id", type_=Integer()),
        )
        query = query.where(tuple_(DecisionRow.updated_at, DecisionRow.id) < position)
    query = query.order_by(DecisionRow.updated_at.desc(), DecisionRow.id.desc()).limit(bindparam("limit"))
    if not after:
        query = query.offset(bindparam("offset"))
    return query, counting


class DecisionStore:
    """Create, read, list, rename, duplicate, delete (to the trash) and restore saved decisions, and keep
    each decision's earlier versions.

    A store is bound to one workspace and acts for one user with one role: every read and write sees only
    that workspace's decisions (another workspace's id is "not found"), and a viewer's writes are refused
    (:class:`ForbiddenError`). ``DecisionStore(engine)`` is the local workspace as its owner, the local
    user; :meth:`scoped` gives the same database bound to another workspace, user and role.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        workspace_id: int = LOCAL_WORKSPACE_ID,
        user_id: int | None = LOCAL_USER_ID,
        role: str = "owner",
        trash_days: int = TRASH_DAYS,
        _sessions: sessionmaker[Session] | None = None,
        _pages: _Pages | None = None,
        _versions: ListVersions | None = None,
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        self.engine = engine
        self.local = engine.dialect.name == "sqlite"  # a file on this machine, not a database server
        self.max_id = MAX_ID.get(engine.dialect.name, 2**31 - 1)
        self.workspace_id = workspace_id
        self.user_id = user_id
        self.role = role
        self.trash_days = trash_days
        self._sessions = _sessions or sessionmaker(engine, expire_on_commit=False)
        self._pages = _pages or _Pages()  # shared by every store scoped from this one
        # the list versions read on the event loop (PostgreSQL made by make_engine; else None): a scoped
        # store shares its origin's (it passes _pages and _versions)
        self._versions = _versions if _pages is not None else ListVersions.for_engine(engine)

    def scoped(self, workspace_id: int, *, user_id: int | None, role: str) -> DecisionStore:
        """The same database, bound to ``workspace_id`` and acting as ``user_id`` with ``role``."""
        return DecisionStore(
            self.engine,
            workspace_id=workspace_id,
            user_id=user_id,
            role=role,
            trash_days=self.trash_days,
            _sessions=self._sessions,
            _pages=self._pages,
            _versions=self._versions,
        )

    @property
    def can_edit(self) -> bool:
        return self.role in ("owner", "editor")

    def _session(self) -> Session:
        return self._sessions()

    def _writable(self) -> None:
        if not self.can_edit:
            raise ForbiddenError(
                "workspace: your role here is viewer; an editor or owner can change decisions",
                [Problem("workspace", "expected the editor or owner role")],
            )

    def _check_id(self, decision_id: int) -> int:
        """``decision_id`` when the column can hold it; else not found (without asking the database)."""
        if isinstance(decision_id, bool) or not isinstance(decision_id, int):
            raise NotFoundError(f"decision {decision_id!r}: expected a whole number")
        if not 1 <= decision_id <= self.max_id:
            raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
        return decision_id

    def _row(
        self, session: Session, decision_id: int, *, deleted: bool = False, write: bool = False
    ) -> DecisionRow:
        """The workspace's decision ``decision_id`` (in the trash when ``deleted``); else not found.

        ``write``: the row is about to change, so no other edit may change it between this read and the
        commit (an edit reads the version it bumps; two at once would both bump the same one, and one
        would fail on the history's unique version). PostgreSQL: the row is read ``FOR UPDATE``. SQLite:
        ``BEGIN IMMEDIATE`` first (its driver would begin the transaction only at the first write, after
        this read); a concurrent edit waits for the lock (the connection's timeout), then reads the new
        version.
        """
        decision_id = self._check_id(decision_id)
        if write and self.local:
            raw: Any = session.connection().connection.driver_connection
            if not raw.in_transaction:
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        row = session.get(DecisionRow, decision_id, with_for_update=write or None)
        if row is None or row.workspace_id != self.workspace_id or (row.deleted_at is not None) != deleted:
            what = "decision in the trash" if deleted else "saved decision"
            raise NotFoundError(f"decision {decision_id}: no {what} has this id")
        return row

    def _live(self) -> Any:
        return (DecisionRow.workspace_id == self.workspace_id) & DecisionRow.deleted_at.is_(None)

    def _keep_version(self, session: Session, row: DecisionRow, change: str) -> None:
        """Copy the row's current state into its history, then count the new version."""
        session.add(
            DecisionVersionRow(
                decision_id=row.id,
                version=row.version or 1,
                saved_at=_now(),
                saved_by=self.user_id,
                name=row.name,
                knowledge_version=row.knowledge_version,
                status=row.status,
                top_model=row.top_model,
                situation=row.situation,
                outputs=row.outputs,
                contract=row.contract,
                change=change,
            )
        )
        row.version = (row.version or 1) + 1
        row.updated_at = _now()
        row.updated_by = self.user_id

    def create(
        self,
        *,
        name: str,
        situation: dict[str, Any],
        knowledge_version: str,
        status: str,
        top_model: str | None,
        outputs: dict[str, Any],
        contract: dict[str, Any] | None = None,
    ) -> DecisionRecord:
        self._writable()
        now = _now()
        row = DecisionRow(
            workspace_id=self.workspace_id,
            name=check_name(name),
            created_at=now,
            updated_at=now,
            updated_by=self.user_id,
            knowledge_version=knowledge_version,
            status=status,
            top_model=top_model,
            situation=situation,
            outputs=outputs,
            contract=contract,
            version=1,
        )
        with self._session() as session, session.begin():
            session.add(row)
            session.flush()
            return _record(row)

    def get(self, decision_id: int) -> DecisionRecord:
        with self._session() as session:
            row = self._row(session, decision_id)
            return _record(row)

    def updated_at(self, decision_id: int) -> datetime:
        """When a decision last changed (a light query: lets callers reuse what they drew from it)."""
        with self._session() as session:
            query = select(DecisionRow.updated_at).where(
                (DecisionRow.id == self._check_id(decision_id)) & self._live()
            )
            value = session.scalar(query)
            if value is None:
                raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
            return _aware(value)

    def list(self) -> list[DecisionRecord]:
        with self._session() as session:
            rows = session.scalars(
                select(DecisionRow)
                .where(self._live())
                .order_by(DecisionRow.updated_at.desc(), DecisionRow.id.desc())
            )
            return [_record(r) for r in rows]

    def summaries(
        self, *, limit: int = LIST_LIMIT, offset: int = 0, q: str | None = None, cursor: str | None = None
    ) -> DecisionPage:
        """A page of summaries, newest first; ``q`` keeps the decisions whose name contains it (any case).

        ``cursor`` (a page's ``next_cursor``) continues right after the last row of that page: an index
        seek however deep the page (``offset`` counts rows to skip, which a database server walks one by
        one), and stable while decisions are saved meanwhile. The page's ``offset`` is then the one the
        cursor carries; ``offset`` itself is ignored.

        Reads the summary columns only, from one covering index (migration 0005): the statements are built
        once per dialect and the rows are read with Core, not as ORM objects. A page read before is
        answered from memory while the workspace's list version (migration 0006: raised by the database
        with every change to its decisions, by any process) is the one it was read at: one primary-key
        read instead of the page and its count. The count of a list is kept the same way, so a page not
        read before costs its own rows alone once any page of that list was read at that version."""
        key, q, params = self._window(limit, offset, q, cursor)
        return self._page(key, q, params)

    def _page(
        self,
        key: tuple[Any, ...],
        q: str | None,
        params: dict[str, Any],
        *,
        version: Any = _UNREAD,
    ) -> DecisionPage:
        """A checked list request's page (see :meth:`summaries`): kept, or read at the list version read
        first (``version``, when the caller read it already; the page is then never older than that)."""
        page, counting = _list_statements(self.engine.dialect.name, q is not None, "after_id" in params)
        with self.engine.connect() as conn:
            if version is _UNREAD:
                version = conn.execute(_LIST_VERSION, params).scalar()  # read first: a page is never older
                kept = self._pages.pages.get(key, version)
                if kept is not None:
                    return kept
            rows = conn.execute(page, params).all()
            counted = (self.workspace_id, q)
            total = self._pages.totals.get(counted, version)
            if total is None:
                total = conn.execute(counting, params).scalar() or 0
                self._pages.totals.put(counted, version, total)
        summary = DecisionSummary  # validating is quicker than model_construct (Rust, not Python)
        decisions = [
            summary(
                id=r[0],
                name=r[1],
                created_at=_aware(r[2]),
                updated_at=_aware(r[3]),
                knowledge_version=r[4],
                status=r[5],
                top_model=r[6],
            )
            for r in rows
        ]
        found = DecisionPage(
            decisions=decisions, total=total, limit=params["limit"], offset=params["offset"], q=q
        )
        self._pages.pages.put(key, version, found)
        return found

    def _window(
        self, limit: int, offset: int, q: str | None, cursor: str | None
    ) -> tuple[tuple[Any, ...], str | None, dict[str, Any]]:
        """(the kept page's key, the search, the statements' parameters) of a list request, checked."""
        limit, offset = _check_window(limit, offset)
        q = check_query(q)
        params: dict[str, Any] = {"workspace_id": self.workspace_id, "limit": limit, "offset": offset}
        if cursor is not None:
            params["after_updated_at"], params["after_id"], params["offset"] = _read_cursor(
                cursor, q, self.max_id
            )
        if q is not None:
            params["pattern"] = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return (self.workspace_id, limit, params["offset"], q, cursor), q, params

    async def summaries_async(
        self, *, limit: int = LIST_LIMIT, offset: int = 0, q: str | None = None, cursor: str | None = None
    ) -> DecisionPage:
        """:meth:`summaries` for a caller on an event loop, which never waits there on a database server.

        A local SQLite file is read inline (one covering-index read: cheaper than a hand-over to a thread).
        From PostgreSQL the workspace's list version is read by the event loop itself
        (:mod:`seamline.store.list_versions`: awaited, one read for all the requests of that moment), and
        a page kept at that version is answered with no thread at all; a page not kept is read at that
        version in the thread pool, and on any failure of that read the thread reads the version itself
        first (:meth:`summaries`). Either way the page is never older than the latest change committed
        before the call."""
        if self.local:
            return self.summaries(limit=limit, offset=offset, q=q, cursor=cursor)
        key, q, params = self._window(limit, offset, q, cursor)  # a bad request fails here, at once
        version: Any = _UNREAD
        if self._versions is not None:
            try:
                version = await self._versions.read(self.workspace_id)
            except Unavailable:
                pass
            else:
                kept = self._pages.pages.get(key, version)
                if kept is not None:
                    return kept
        return await anyio.to_thread.run_sync(functools.partial(self._page, key, q, params, version=version))

    def count(self) -> int:
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(DecisionRow).where(self._live())) or 0)

    def rename(self, decision_id: int, name: str) -> DecisionRecord:
        self._writable()
        clean = check_name(name)
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, write=True)
            if clean == row.name:
                return _record(row)  # nothing changed: no new version
            self._keep_version(session, row, "renamed")
            row.name = clean
            row.situation = {**row.situation, "name": clean}
            session.flush()
            return _record(row)

    def replace(
        self,
        decision_id: int,
        *,
        name: str,
        situation: dict[str, Any],
        knowledge_version: str,
        status: str,
        top_model: str | None,
        outputs: dict[str, Any],
    ) -> DecisionRecord:
        """Store new inputs and outputs for an existing decision (after editing its answers); the
        previous inputs and outputs are kept in its history."""
        self._writable()
        clean = check_name(name)
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, write=True)
            self._keep_version(session, row, "edited")
            row.name = clean
            row.situation = situation
            row.knowledge_version = knowledge_version
            row.status = status
            row.top_model = top_model
            row.outputs = outputs
            session.flush()
            return _record(row)

    def duplicate(self, decision_id: int, name: str | None = None) -> DecisionRecord:
        self._writable()
        original = self.get(decision_id)
        new_name = check_name(name) if name is not None else check_name(f"Copy of {original.name}"[:NAME_MAX])
        return self.create(
            name=new_name,
            situation={**original.situation, "name": new_name},
            knowledge_version=original.knowledge_version,
            status=original.status,
            top_model=original.top_model,
            outputs=original.outputs,
            contract=original.contract,
        )

    def attach_contract(self, decision_id: int, report: dict[str, Any] | None) -> DecisionRecord:
        """Keep a contract check with the decision (None detaches it); the previous state is kept in
        the history."""
        self._writable()
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, write=True)
            if report is None and row.contract is None:
                return _record(row)
            self._keep_version(session, row, "contract removed" if report is None else "contract attached")
            row.contract = report
            session.flush()
            return _record(row)

    def delete(self, decision_id: int) -> DecisionRecord:
        """Move a decision to the trash: gone from lists and reads, restorable for ``trash_days`` days."""
        self._writable()
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, write=True)
            row.deleted_at = _now()
            row.deleted_by = self.user_id
            session.flush()
            return _record(row)

    def undelete(self, decision_id: int) -> DecisionRecord:
        """Bring a decision back from the trash, as it was."""
        self._writable()
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, deleted=True, write=True)
            row.deleted_at = None
            row.deleted_by = None
            session.flush()
            return _record(row)

    def trashed(self, decision_id: int) -> TrashedSummary:
        """One decision of the workspace's trash that can still be restored; else not found."""
        with self._session() as session:
            row = self._row(session, decision_id, deleted=True)
            assert row.deleted_at is not None
            deleted_at = _aware(row.deleted_at)
            if deleted_at <= _now() - timedelta(days=self.trash_days):
                raise NotFoundError(f"decision {decision_id}: no decision in the trash has this id")
            return TrashedSummary(
                id=row.id,
                name=row.name,
                created_at=_aware(row.created_at),
                updated_at=_aware(row.updated_at),
                knowledge_version=row.knowledge_version,
                status=row.status,
                top_model=row.top_model,
                deleted_at=deleted_at,
                purge_after=deleted_at + timedelta(days=self.trash_days),
            )

    def trash(self, *, limit: int = LIST_LIMIT, offset: int = 0) -> builtins.list[TrashedSummary]:
        """The workspace's deleted decisions that can still be restored, most recently deleted first."""
        limit, offset = _check_window(limit, offset)
        cutoff = _now() - timedelta(days=self.trash_days)
        query = (
            select(*SUMMARY_COLUMNS, DecisionRow.deleted_at)
            .where(
                (DecisionRow.workspace_id == self.workspace_id)
                & DecisionRow.deleted_at.is_not(None)
                & (DecisionRow.deleted_at > cutoff)
            )
            .order_by(DecisionRow.deleted_at.desc(), DecisionRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._session() as session:
            rows = session.execute(query).all()
        return [
            TrashedSummary(
                id=r.id,
                name=r.name,
                created_at=_aware(r.created_at),
                updated_at=_aware(r.updated_at),
                knowledge_version=r.knowledge_version,
                status=r.status,
                top_model=r.top_model,
                deleted_at=_aware(r.deleted_at),
                purge_after=_aware(r.deleted_at) + timedelta(days=self.trash_days),
            )
            for r in rows
        ]

    def purge(self, *, all_workspaces: bool = False) -> int:
        """Delete for good the decisions in the trash for longer than ``trash_days`` (with their history);
        returns how many. Only this workspace's, unless ``all_workspaces`` (the server's housekeeping)."""
        cutoff = _now() - timedelta(days=self.trash_days)
        condition = DecisionRow.deleted_at.is_not(None) & (DecisionRow.deleted_at <= cutoff)
        if not all_workspaces:
            condition = condition & (DecisionRow.workspace_id == self.workspace_id)
        with self._session() as session, session.begin():
            ids = list(session.scalars(select(DecisionRow.id).where(condition)))
            if ids:
                session.execute(delete(DecisionVersionRow).where(DecisionVersionRow.decision_id.in_(ids)))
                session.execute(delete(DecisionRow).where(DecisionRow.id.in_(ids)))
            return len(ids)

    def history(self, decision_id: int) -> builtins.list[VersionSummary]:
        """A decision's earlier versions, newest first (the current state is not among them)."""
        with self._session() as session:
            self._row(session, decision_id)
            rows = session.scalars(
                select(DecisionVersionRow)
                .where(DecisionVersionRow.decision_id == decision_id)
                .order_by(DecisionVersionRow.version.desc())
            )
            return [_version_summary(r) for r in rows]

    def version(self, decision_id: int, version: int) -> VersionRecord:
        """One earlier version of a decision, in full."""
        with self._session() as session:
            self._row(session, decision_id)
            return self._version_row(session, decision_id, version)

    def _version_row(self, session: Session, decision_id: int, version: int) -> VersionRecord:
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 2**31 - 1:
            raise NotFoundError(f"decision {decision_id}: version {version!r} is not in its history")
        row = session.scalar(
            select(DecisionVersionRow).where(
                (DecisionVersionRow.decision_id == decision_id) & (DecisionVersionRow.version == version)
            )
        )
        if row is None:
            raise NotFoundError(f"decision {decision_id}: version {version} is not in its history")
        return VersionRecord(
            **_version_summary(row).model_dump(),
            knowledge_version=row.knowledge_version,
            situation=row.situation,
            outputs=row.outputs,
            contract=row.contract,
        )

    def restore_version(self, decision_id: int, version: int) -> DecisionRecord:
        """Make an earlier version current again; the state it replaces is kept in the history too."""
        self._writable()
        with self._session() as session, session.begin():
            row = self._row(session, decision_id, write=True)
            old = self._version_row(session, decision_id, version)
            self._keep_version(session, row, f"restored version {version}")
            row.name = old.name
            row.knowledge_version = old.knowledge_version
            row.status = old.status
            row.top_model = old.top_model
            row.situation = old.situation
            row.outputs = old.outputs
            row.contract = old.contract
            session.flush()
            return _record(row)

    def meta(self, key: str) -> str | None:
        with self._session() as session:
            row = session.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._session() as session, session.begin():
            session.merge(MetaRow(key=key, value=value))

    def meta_once(self, key: str, value: str) -> str:
        """The meta ``key``'s value, set to ``value`` first if it has none (safe when several processes
        start at once: the first one's value wins and every process returns it)."""
        current = self.meta(key)
        if current is not None:
            return current
        try:
            with self._session() as session, session.begin():
                session.add(MetaRow(key=key, value=value))
        except (IntegrityError, OperationalError):
            pass
        current = self.meta(key)
        if current is None:  # pragma: no cover - the insert failed for another reason
            raise SeamlineError(f"database: cannot store {key}")
        return current

    def create_once(self, flag: str, decisions: Sequence[dict[str, Any]]) -> int | None:
        """Save ``decisions`` (each the keyword arguments of :meth:`create`) in this workspace and set the
        meta ``flag`` to how many were saved, all in one transaction: an interrupted run leaves nothing
        behind, and a run after one that finished (in this process or another) saves nothing and returns
        None.

        A decision already present with the same name and situation is not saved again, so a database
        half-filled by an older version is completed rather than duplicated.
        """
        now = _now()
        rows = [
            DecisionRow(
                workspace_id=self.workspace_id,
                name=check_name(d["name"]),
                created_at=now,
                updated_at=now,
                updated_by=self.user_id,
                knowledge_version=d["knowledge_version"],
                status=d["status"],
                top_model=d.get("top_model"),
                situation=d["situation"],
                outputs=d["outputs"],
                contract=d.get("contract"),
                version=1,
            )
            for d in decisions
        ]
        try:
            with self._session() as session, session.begin():
                if session.get(MetaRow, flag) is not None:
                    return None
                meta = MetaRow(key=flag, value="0")
                session.add(meta)
                session.flush()  # claim the flag first: a concurrent run waits here, then fails on the key
                names = {row.name for row in rows}
                present = [
                    (name, situation)
                    for name, situation in session.execute(
                        select(DecisionRow.name, DecisionRow.situation).where(
                            DecisionRow.name.in_(names) & (DecisionRow.workspace_id == self.workspace_id)
                        )
                    )
                ]
                new = [r for r in rows if (r.name, r.situation) not in present]
                session.add_all(new)
                meta.value = str(len(new))
            return len(new)
        except (IntegrityError, OperationalError):
            if self.meta(flag) is not None:  # another process set the flag first
                return None
            raise


def open_store(url: str, *, schema: str | None = None, trash_days: int = TRASH_DAYS) -> DecisionStore:
    """Open (and migrate) the database at ``url``; deleted decisions stay restorable ``trash_days`` days."""
    engine = make_engine(url, schema=schema)
    migrate(engine)
    return DecisionStore(engine, trash_days=trash_days)
