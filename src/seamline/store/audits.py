"""Audits of a contract repository kept in a workspace (migration 0008).

An :class:`AuditStore` is bound to one workspace and acts for one user with one role, like the
:class:`~seamline.store.repository.DecisionStore` it is made from (:meth:`AuditStore.of`): another
workspace's audit or document is "not found", a viewer's writes are refused before any work, ids are
never given again (AUTOINCREMENT on SQLite, a sequence on PostgreSQL).

:meth:`AuditStore.save_audit` takes the ``audit.json`` dict and an *iterable* of ``documents.jsonl``
records (what :func:`seamline.audit.read_audit` returns) and inserts the documents in batches as it reads
them, so a 10,000-document audit is stored without holding it in memory; it is one transaction, so a
fault in any record (or a crash) stores nothing. :meth:`AuditStore.documents` filters an audit's
documents in the database (vendor, detected model, a finding, a value range), a page at a time by an
opaque keyset cursor: highest annual value first, documents of unknown value last.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import json
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from seamline.errors import Problem, SeamlineError
from seamline.store.repository import NotFoundError, check_name
from seamline.store.scoped import WorkspaceStore
from seamline.store.tables import AuditDocumentRow, AuditRow

BATCH = 200  # documents inserted per statement (a batch of records is all that is held at once)
LIST_MAX = 500  # audits listed at once
PAGE = 50  # documents per page by default
PAGE_MAX = 200
CURSOR_MAX = 200
FILTER_MAX = 200  # characters of a vendor, model or finding filter
UNKNOWN_VENDOR = "(unknown)"  # seamline.audit.aggregate.UNKNOWN_VENDOR: a document naming no vendor
NO_MODEL = "none"  # the model filter for documents in which no model was detected
SPECIAL_FINDINGS = ("mislabel", "review", "unreadable")  # besides a checklist item id
VALUE_MAX = 1e15  # an annual value larger than any contract's; a bound above it is refused


class AuditInputError(SeamlineError):
    """An audit to store is not what ``seamline audit`` writes (named by its line of documents.jsonl)."""


class AuditFilterError(SeamlineError):
    """A filter or cursor that cannot be used (a value bound that is not a number, a foreign cursor)."""

    status = 422


class AuditSummary(BaseModel):
    """A stored audit as a list shows it."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    source: str
    as_of: date
    documents: int
    mislabels: int
    review_flags: int
    created_at: datetime

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "documents": self.documents,
            "mislabels": self.mislabels,
            "review_flags": self.review_flags,
            "created_at": self.created_at.isoformat(),
        }


class AuditRecord(AuditSummary):
    """A stored audit with its whole ``audit.json``."""

    audit: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "audit": self.audit}


class DocumentSummary(BaseModel):
    """One document of an audit as the documents table shows it."""

    model_config = ConfigDict(frozen=True)

    id: int
    audit_id: int
    path: str
    status: str
    vendor: str | None
    document_type: str | None
    claimed: str | None
    detected: str | None
    confidence: float | None
    mislabel: bool
    mislabel_kind: str | None
    review: bool
    value: float | None
    currency: str | None
    missing: list[str]
    error: str | None

    def summary(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class DocumentRecord(DocumentSummary):
    """One document of an audit with its whole ``documents.jsonl`` record (the check, with evidence)."""

    record: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class DocumentPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    documents: list[DocumentSummary]
    total: int  # documents matching the filters
    limit: int
    next_cursor: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _text(value: Any, size: int) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).replace("\x00", "")
    return text[:size]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _as_of(audit: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(audit.get("as_of")))
    except ValueError:
        raise AuditInputError(
            f"audit.json: as_of: got {str(audit.get('as_of'))[:40]!r}; expected a date (YYYY-MM-DD)",
            [Problem("as_of", "expected a date written by seamline audit")],
        ) from None


def _check_audit(audit: Any) -> dict[str, Any]:
    if not isinstance(audit, dict) or not isinstance(audit.get("documents"), dict):
        raise AuditInputError(
            "audit.json: not an audit; expected the object that seamline audit writes",
            [Problem("audit", "expected the audit.json of seamline audit")],
        )
    return audit


def document_row(rec: Any, line: int, review_paths: frozenset[str]) -> dict[str, Any]:
    """The ``audit_documents`` columns of one ``documents.jsonl`` record (``line``: its 1-based line, for
    the message when it is not a record seamline audit writes)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("path"), str) or not rec["path"]:
        raise AuditInputError(
            f"documents.jsonl line {line}: expected a record with a path, as seamline audit writes",
            [Problem(f"documents[{line}]", "expected an object with a path")],
        )
    summary = rec.get("summary")
    if not isinstance(summary, dict) or summary.get("status") not in ("checked", "unreadable"):
        raise AuditInputError(
            f"documents.jsonl line {line}: {rec['path'][:200]}: no summary of the check; expected a record "
            "written by seamline audit",
            [Problem(f"documents[{line}].summary", "expected the audit's summary of the document")],
        )
    given = rec.get("metadata")
    meta: dict[str, Any] = given if isinstance(given, dict) else {}
    value = _number(meta.get("annual_value"))
    missing = [str(m) for m in summary.get("missing") or [] if isinstance(m, str)]
    mislabel = summary.get("mislabel") if isinstance(summary.get("mislabel"), dict) else None
    return {
        "path": rec["path"].replace("\x00", ""),
        "status": summary["status"],
        "vendor": _text(summary.get("vendor"), 200),
        "document_type": _text(summary.get("document_type"), 40),
        "claimed": _text(summary.get("claimed"), 64),
        "detected": _text(summary.get("detected"), 64),
        "confidence": _number(summary.get("confidence")),
        "mislabel": mislabel is not None,
        "mislabel_kind": _text(mislabel.get("kind"), 40) if mislabel else None,
        "review": rec["path"] in review_paths,
        "value": value,
        "value_rank": value if value is not None and value >= 0 else -1.0,
        "currency": _text(meta.get("currency"), 8),
        "missing": "," + ",".join(missing) + "," if missing else "",
        "missing_count": len(missing),
        "error": _text(rec.get("error"), 2000),
        "record": rec,
    }


def _summary(row: Any) -> AuditSummary:
    return AuditSummary(
        id=row.id,
        name=row.name,
        source=row.source,
        as_of=row.as_of,
        documents=row.documents,
        mislabels=row.mislabels,
        review_flags=row.review_flags,
        created_at=_aware(row.created_at),
    )


def _document(row: Any, with_record: bool = False) -> DocumentSummary:
    fields = {
        "id": row.id,
        "audit_id": row.audit_id,
        "path": row.path,
        "status": row.status,
        "vendor": row.vendor,
        "document_type": row.document_type,
        "claimed": row.claimed,
        "detected": row.detected,
        "confidence": row.confidence,
        "mislabel": bool(row.mislabel),
        "mislabel_kind": row.mislabel_kind,
        "review": bool(row.review),
        "value": row.value,
        "currency": row.currency,
        "missing": [m for m in row.missing.split(",") if m],
        "error": row.error,
    }
    if with_record:
        return DocumentRecord(**fields, record=row.record)
    return DocumentSummary(**fields)


_SUMMARY_COLUMNS = tuple(
    getattr(AuditDocumentRow, c)
    for c in (
        "id",
        "audit_id",
        "path",
        "status",
        "vendor",
        "document_type",
        "claimed",
        "detected",
        "confidence",
        "mislabel",
        "mislabel_kind",
        "review",
        "value",
        "currency",
        "missing",
        "error",
    )
)


def _plain(value: str | None) -> str | None:
    """A filter's text without NUL characters, at most :data:`FILTER_MAX` characters."""
    return value.replace("\x00", "")[:FILTER_MAX] if isinstance(value, str) else None


def encode_cursor(rank: float, doc_id: int) -> str:
    raw = json.dumps([rank, doc_id], separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, max_id: int) -> tuple[float, int]:
    bad = AuditFilterError(
        "cursor: not a cursor this list gave; expected the next_cursor of an earlier page",
        [Problem("cursor", "expected the next_cursor of an earlier page")],
    )
    if not isinstance(cursor, str) or len(cursor) > CURSOR_MAX:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank, doc_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise bad from None
    if (
        isinstance(rank, bool)
        or not isinstance(rank, int | float)
        or not math.isfinite(rank)
        or isinstance(doc_id, bool)
        or not isinstance(doc_id, int)
        or not 0 <= doc_id <= max_id
    ):
        raise bad
    return float(rank), doc_id


def check_bound(value: Any, field: str) -> float | None:
    """A value bound of the filters: None, or a finite number from 0 to :data:`VALUE_MAX`."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not 0 <= number <= VALUE_MAX:
        raise AuditFilterError(
            f"{field}: got {str(value)[:40]!r}; expected a plain number from 0 to {VALUE_MAX:,.0f}",
            [Problem(field, "expected a plain number such as 120000")],
        )
    return number


class AuditStore(WorkspaceStore):
    """A workspace's stored audits, as one user with one role."""

    WRITES = "store or delete audits"
    KEPT = "stored"

    def _audit_row(self, session: Session, audit_id: int) -> AuditRow:
        row = session.get(AuditRow, self._id(audit_id, "audit"))
        if row is None or row.workspace_id != self.workspace_id:
            raise NotFoundError(f"audit {audit_id}: no stored audit has this id")
        return row

    # ------------------------------------------------------------------------------------------ write
    def save_audit(
        self,
        audit: dict[str, Any],
        documents: Iterable[dict[str, Any]],
        *,
        name: str | None = None,
        batch: int = BATCH,
    ) -> AuditSummary:
        """Store an audit and its documents (read from ``documents`` as they are inserted, ``batch`` at a
        time) in one transaction: all of it, or nothing."""
        self.writable()
        audit = _check_audit(audit)
        source = str(audit.get("source") or "audit")[:500].replace("\x00", "")
        as_of = _as_of(audit)
        clean = check_name(name if name is not None else f"{source} as of {as_of.isoformat()}")
        review_paths = frozenset(
            str(r.get("path")) for r in audit.get("review_flags") or [] if isinstance(r, dict)
        )
        counts = audit["documents"]
        with self._sessions() as session, session.begin():
            row = AuditRow(
                workspace_id=self.workspace_id,
                name=clean,
                source=source,
                as_of=as_of,
                documents=0,
                mislabels=int(counts.get("mislabel_candidates") or 0),
                review_flags=int(counts.get("review_flags") or 0),
                audit=audit,
                created_at=_now(),
                created_by=self.user_id,
            )
            session.add(row)
            session.flush()
            rows: list[dict[str, Any]] = []
            stored = 0
            for line, rec in enumerate(documents, start=1):
                rows.append({"audit_id": row.id, **document_row(rec, line, review_paths)})
                if len(rows) >= batch:
                    session.execute(insert(AuditDocumentRow), rows)
                    stored += len(rows)
                    rows = []
            if rows:
                session.execute(insert(AuditDocumentRow), rows)
                stored += len(rows)
            row.documents = stored
            session.flush()
            return _summary(row)

    def delete_audit(self, audit_id: int) -> None:
        """Forget an audit and its documents."""
        self.writable()
        with self._sessions() as session, session.begin():
            row = self._audit_row(session, audit_id)
            session.execute(delete(AuditDocumentRow).where(AuditDocumentRow.audit_id == row.id))
            session.delete(row)

    # ------------------------------------------------------------------------------------------- read
    def audits(self) -> builtins.list[AuditSummary]:
        """The workspace's audits, newest first (no audit.json: open one for it)."""
        columns = (
            AuditRow.id,
            AuditRow.name,
            AuditRow.source,
            AuditRow.as_of,
            AuditRow.documents,
            AuditRow.mislabels,
            AuditRow.review_flags,
            AuditRow.created_at,
        )
        with self._sessions() as session:
            rows = session.execute(
                select(*columns)
                .where(AuditRow.workspace_id == self.workspace_id)
                .order_by(AuditRow.created_at.desc(), AuditRow.id.desc())
                .limit(LIST_MAX)
            ).all()
        return [_summary(r) for r in rows]

    def summary(self, audit_id: int) -> AuditSummary:
        """An audit's summary (not its audit.json): a light read that says whether the workspace has it."""
        columns = (
            AuditRow.id,
            AuditRow.workspace_id,
            AuditRow.name,
            AuditRow.source,
            AuditRow.as_of,
            AuditRow.documents,
            AuditRow.mislabels,
            AuditRow.review_flags,
            AuditRow.created_at,
        )
        with self._sessions() as session:
            row = session.execute(select(*columns).where(AuditRow.id == self._id(audit_id, "audit"))).first()
        if row is None or row.workspace_id != self.workspace_id:
            raise NotFoundError(f"audit {audit_id}: no stored audit has this id")
        return _summary(row)

    def audit(self, audit_id: int) -> AuditRecord:
        with self._sessions() as session:
            row = self._audit_row(session, audit_id)
            return AuditRecord(**_summary(row).model_dump(), audit=row.audit)

    def document(self, audit_id: int, doc_id: int) -> DocumentRecord:
        """One document of an audit, with its whole record (another audit's document: not found)."""
        with self._sessions() as session:
            self._audit_row(session, audit_id)
            row = session.get(AuditDocumentRow, self._id(doc_id, "document"))
            if row is None or row.audit_id != audit_id:
                raise NotFoundError(f"document {doc_id}: audit {audit_id} has no document with this id")
            result = _document(row, with_record=True)
            assert isinstance(result, DocumentRecord)
            return result

    def ids_of(self, audit_id: int, paths: Iterable[str]) -> dict[str, int]:
        """The document id of each of ``paths`` in an audit (those it has)."""
        wanted = list(dict.fromkeys(p.replace("\x00", "") for p in paths if isinstance(p, str)))
        found: dict[str, int] = {}
        with self._sessions() as session:
            self._audit_row(session, audit_id)
            for start in range(0, len(wanted), 200):
                chunk = wanted[start : start + 200]
                for doc_id, path in session.execute(
                    select(AuditDocumentRow.id, AuditDocumentRow.path).where(
                        (AuditDocumentRow.audit_id == audit_id) & AuditDocumentRow.path.in_(chunk)
                    )
                ):
                    found.setdefault(path, doc_id)
        return found

    def documents(
        self,
        audit_id: int,
        *,
        vendor: str | None = None,
        model: str | None = None,
        finding: str | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        cursor: str | None = None,
        limit: int = PAGE,
        claimed: str | None = None,
    ) -> DocumentPage:
        """A page of an audit's documents matching every filter given, highest annual value first
        (unknown values last), then in the order they were stored.

        ``vendor``: the vendor as the audit names it (``(unknown)``: none named); ``model``: the detected
        model id (``none``: checked, and no model detected); ``claimed``: the model it claims (``none``:
        none claimed); ``finding``: a checklist item id (the documents missing it where their detected
        model needs it), or ``mislabel``, ``review``, ``unreadable``;
        ``min_value`` / ``max_value``: the annual value's bounds (documents without one are left out
        when either is given); ``cursor``: the ``next_cursor`` of the page before."""
        low = check_bound(min_value, "min_value")
        high = check_bound(max_value, "max_value")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= PAGE_MAX:
            raise AuditFilterError(
                f"limit: got {limit!r}; expected 1 to {PAGE_MAX}",
                [Problem("limit", f"expected a whole number from 1 to {PAGE_MAX}")],
            )
        with self._sessions() as session:  # an audit that is not the workspace's: not found, first
            self._audit_row(session, audit_id)
        after = decode_cursor(cursor, self.max_id) if cursor else None
        # no database text holds a NUL (PostgreSQL refuses one outright): no stored document has one either
        vendor, model, finding, claimed = (_plain(v) for v in (vendor, model, finding, claimed))
        D = AuditDocumentRow
        where = [D.audit_id == audit_id]
        if vendor:
            where.append(D.vendor.is_(None) if vendor == UNKNOWN_VENDOR else D.vendor == vendor)
        if model:
            # none: checked, and no model detected (an unreadable document was never checked)
            where.append(
                (D.detected.is_(None) & (D.status == "checked")) if model == NO_MODEL else D.detected == model
            )
        if claimed:
            where.append(D.claimed.is_(None) if claimed == NO_MODEL else D.claimed == claimed)
        if finding == "mislabel":
            where.append(D.mislabel.is_(True))
        elif finding == "review":
            where.append(D.review.is_(True))
        elif finding == "unreadable":
            where.append(D.status == "unreadable")
        elif finding:
            where.append(D.missing.contains(f",{finding},", autoescape=True))
        if low is not None:
            where.append(D.value >= low)
        if high is not None:
            where.append(D.value <= high)
        with self._sessions() as session:
            total = int(session.scalar(select(func.count()).select_from(D).where(*where)) or 0)
            page_where = list(where)
            if after is not None:
                rank, last = after
                page_where.append(or_(D.value_rank < rank, and_(D.value_rank == rank, D.id > last)))
            rows = session.execute(
                select(*_SUMMARY_COLUMNS, D.value_rank)
                .where(*page_where)
                .order_by(D.value_rank.desc(), D.id)
                .limit(limit + 1)
            ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        following = encode_cursor(rows[-1].value_rank, rows[-1].id) if more and rows else None
        return DocumentPage(
            documents=[_document(r) for r in rows], total=total, limit=limit, next_cursor=following
        )
