"""The decision repository: every write is one transaction (it completes or leaves nothing behind)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from seamline.errors import Problem, SeamlineError
from seamline.store.db import make_engine, migrate
from seamline.store.tables import DecisionRow, MetaRow

NAME_MAX = 200
# the largest id the ``decisions.id`` column can hold: SQLite's 64-bit integers, PostgreSQL's INTEGER;
# an id outside 1..MAX is no saved decision (404), never a database overflow (500)
MAX_ID = {"sqlite": 2**63 - 1, "postgresql": 2**31 - 1}


class NotFoundError(SeamlineError):
    """No saved decision has this id."""


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

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "situation": self.situation,
            "outputs": self.outputs,
            "contract": self.contract,
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
    )


class DecisionPage(BaseModel):
    """One page of summaries, newest first, and how many decisions match in all."""

    model_config = ConfigDict(frozen=True)

    decisions: list[DecisionSummary]
    total: int
    limit: int
    offset: int
    q: str | None = None

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.decisions)
        return end if end < self.total and self.decisions else None

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
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise SeamlineError(
            f"{where}: the name is {len(name)} characters long; expected at most {NAME_MAX}",
            [Problem(where, f"expected at most {NAME_MAX} characters")],
        )
    return name


class DecisionStore:
    """Create, read, list, rename, duplicate and delete saved decisions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.local = engine.dialect.name == "sqlite"  # a file on this machine, not a database server
        self.max_id = MAX_ID.get(engine.dialect.name, 2**31 - 1)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def _session(self) -> Session:
        return self._sessions()

    def _check_id(self, decision_id: int) -> int:
        """``decision_id`` when the column can hold it; else not found (without asking the database)."""
        if isinstance(decision_id, bool) or not isinstance(decision_id, int):
            raise NotFoundError(f"decision {decision_id!r}: expected a whole number")
        if not 1 <= decision_id <= self.max_id:
            raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
        return decision_id

    def _row(self, session: Session, decision_id: int) -> DecisionRow:
        row = session.get(DecisionRow, self._check_id(decision_id))
        if row is None:
            raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
        return row

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
        now = _now()
        row = DecisionRow(
            name=check_name(name),
            created_at=now,
            updated_at=now,
            knowledge_version=knowledge_version,
            status=status,
            top_model=top_model,
            situation=situation,
            outputs=outputs,
            contract=contract,
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
            query = select(DecisionRow.updated_at).where(DecisionRow.id == self._check_id(decision_id))
            value = session.scalar(query)
            if value is None:
                raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
            return _aware(value)

    def list(self) -> list[DecisionRecord]:
        with self._session() as session:
            rows = session.scalars(
                select(DecisionRow).order_by(DecisionRow.updated_at.desc(), DecisionRow.id.desc())
            )
            return [_record(r) for r in rows]

    def summaries(self, *, limit: int = LIST_LIMIT, offset: int = 0, q: str | None = None) -> DecisionPage:
        """A page of summaries, newest first, reading the summary columns only; ``q`` keeps the decisions
        whose name contains it (any case)."""
        limit, offset = _check_window(limit, offset)
        q = check_query(q)
        query = select(*SUMMARY_COLUMNS)
        counting = select(func.count()).select_from(DecisionRow)
        if q is not None:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            match = DecisionRow.name.ilike(pattern, escape="\\")
            query, counting = query.where(match), counting.where(match)
        query = (
            query.order_by(DecisionRow.updated_at.desc(), DecisionRow.id.desc()).limit(limit).offset(offset)
        )
        with self._session() as session:
            rows = session.execute(query).all()
            total = int(session.scalar(counting) or 0)
        decisions = [
            DecisionSummary(
                id=r.id,
                name=r.name,
                created_at=_aware(r.created_at),
                updated_at=_aware(r.updated_at),
                knowledge_version=r.knowledge_version,
                status=r.status,
                top_model=r.top_model,
            )
            for r in rows
        ]
        return DecisionPage(decisions=decisions, total=total, limit=limit, offset=offset, q=q)

    def count(self) -> int:
        with self._session() as session:
            return int(session.scalar(select(func.count()).select_from(DecisionRow)) or 0)

    def rename(self, decision_id: int, name: str) -> DecisionRecord:
        clean = check_name(name)
        with self._session() as session, session.begin():
            row = self._row(session, decision_id)
            row.name = clean
            row.situation = {**row.situation, "name": clean}
            row.updated_at = _now()
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
        """Store new inputs and outputs for an existing decision (after editing its answers)."""
        clean = check_name(name)
        with self._session() as session, session.begin():
            row = self._row(session, decision_id)
            row.name = clean
            row.situation = situation
            row.knowledge_version = knowledge_version
            row.status = status
            row.top_model = top_model
            row.outputs = outputs
            row.updated_at = _now()
            session.flush()
            return _record(row)

    def duplicate(self, decision_id: int, name: str | None = None) -> DecisionRecord:
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
        """Keep a contract check with the decision (None detaches it)."""
        with self._session() as session, session.begin():
            row = self._row(session, decision_id)
            row.contract = report
            row.updated_at = _now()
            session.flush()
            return _record(row)

    def delete(self, decision_id: int) -> None:
        with self._session() as session, session.begin():
            done = session.execute(delete(DecisionRow).where(DecisionRow.id == self._check_id(decision_id)))
            if not getattr(done, "rowcount", 0):
                raise NotFoundError(f"decision {decision_id}: no saved decision has this id")

    def meta(self, key: str) -> str | None:
        with self._session() as session:
            row = session.get(MetaRow, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._session() as session, session.begin():
            session.merge(MetaRow(key=key, value=value))

    def create_once(self, flag: str, decisions: Sequence[dict[str, Any]]) -> int | None:
        """Save ``decisions`` (each the keyword arguments of :meth:`create`) and set the meta ``flag`` to
        how many were saved, all in one transaction: an interrupted run leaves nothing behind, and a run
        after one that finished (in this process or another) saves nothing and returns None.

        A decision already present with the same name and situation is not saved again, so a database
        half-filled by an older version is completed rather than duplicated.
        """
        now = _now()
        rows = [
            DecisionRow(
                name=check_name(d["name"]),
                created_at=now,
                updated_at=now,
                knowledge_version=d["knowledge_version"],
                status=d["status"],
                top_model=d.get("top_model"),
                situation=d["situation"],
                outputs=d["outputs"],
                contract=d.get("contract"),
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
                        select(DecisionRow.name, DecisionRow.situation).where(DecisionRow.name.in_(names))
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


def open_store(url: str, *, schema: str | None = None) -> DecisionStore:
    """Open (and migrate) the database at ``url``."""
    engine = make_engine(url, schema=schema)
    migrate(engine)
    return DecisionStore(engine)
