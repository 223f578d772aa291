"""Vendors and portfolios kept in a workspace, and the vendors kept with a decision.

A :class:`LibraryStore` is bound to one workspace and acts for one user with one role, like the
:class:`~seamline.store.repository.DecisionStore` it is made from (:meth:`LibraryStore.of`): another
workspace's vendor, portfolio or decision is "not found", and a viewer's writes are refused. Every write is
one transaction.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from seamline.errors import Problem, SeamlineError
from seamline.store.repository import NotFoundError, check_name
from seamline.store.scoped import WorkspaceStore
from seamline.store.tables import DecisionRow, DecisionVendorRow, PortfolioRow, VendorRow

LIST_MAX = 500  # vendors or portfolios listed at once (a workspace's procurement rounds, not thousands)


class ConflictError(SeamlineError):
    """Another write changed the same thing at the same moment (two vendors saved under one name)."""

    status = 409
    code = "conflict"


class VendorRecord(BaseModel):
    """A saved vendor: its profile as given (validated by :func:`seamline.vendors.parse_vendor`)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    profile: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "profile": self.profile}


class PortfolioSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    stage: str
    knowledge_version: str
    created_at: datetime
    updated_at: datetime

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "stage": self.stage,
            "knowledge_version": self.knowledge_version,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


class PortfolioRecord(PortfolioSummary):
    """A saved portfolio: its workstreams (the portfolio file's shape) and the plan computed from them."""

    portfolio: dict[str, Any]
    plan: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "portfolio": self.portfolio, "plan": self.plan}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _vendor(row: VendorRow) -> VendorRecord:
    return VendorRecord(
        id=row.id,
        name=row.name,
        profile=row.profile,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


def _portfolio(row: PortfolioRow) -> PortfolioRecord:
    return PortfolioRecord(
        id=row.id,
        name=row.name,
        stage=row.stage,
        knowledge_version=row.knowledge_version,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        portfolio=row.portfolio,
        plan=row.plan,
    )


class LibraryStore(WorkspaceStore):
    """A workspace's vendors and portfolios, as one user with one role."""

    WRITES = "save or change this"
    KEPT = "saved"

    # ---------------------------------------------------------------------------------------- vendors
    def _vendor_row(self, session: Session, vendor_id: int) -> VendorRow:
        row = session.get(VendorRow, self._id(vendor_id, "vendor"))
        if row is None or row.workspace_id != self.workspace_id:
            raise NotFoundError(f"vendor {vendor_id}: no saved vendor has this id")
        return row

    def save_vendor(self, name: str, profile: dict[str, Any]) -> VendorRecord:
        """Keep a vendor's profile; a profile saved under a name the workspace already has replaces that
        vendor's answers (the same id: decisions it is kept with see the new answers)."""
        self.writable()
        clean = check_name(name)
        now = _now()
        try:
            with self._sessions() as session, session.begin():
                row = session.scalar(
                    select(VendorRow).where(
                        (VendorRow.workspace_id == self.workspace_id) & (VendorRow.name == clean)
                    )
                )
                if row is None:
                    row = VendorRow(
                        workspace_id=self.workspace_id,
                        name=clean,
                        profile=profile,
                        created_at=now,
                        updated_at=now,
                        updated_by=self.user_id,
                    )
                    session.add(row)
                else:
                    row.profile = profile
                    row.updated_at = now
                    row.updated_by = self.user_id
                session.flush()
                return _vendor(row)
        except IntegrityError:
            raise ConflictError(
                f"name: another vendor named {clean!r} was saved at the same moment; try again",
                [Problem("name", "expected a name no other vendor of this workspace has")],
            ) from None

    def vendor(self, vendor_id: int) -> VendorRecord:
        with self._sessions() as session:
            return _vendor(self._vendor_row(session, vendor_id))

    def vendors(self, ids: builtins.list[int] | None = None) -> builtins.list[VendorRecord]:
        """The workspace's vendors by name (only ``ids``, in that order, when given: an unknown id is not
        found)."""
        with self._sessions() as session:
            if ids is not None:
                return [_vendor(self._vendor_row(session, i)) for i in ids]
            rows = session.scalars(
                select(VendorRow)
                .where(VendorRow.workspace_id == self.workspace_id)
                .order_by(VendorRow.name, VendorRow.id)
                .limit(LIST_MAX)
            )
            return [_vendor(r) for r in rows]

    def delete_vendor(self, vendor_id: int) -> None:
        """Forget a vendor (and every decision's link to it)."""
        self.writable()
        with self._sessions() as session, session.begin():
            row = self._vendor_row(session, vendor_id)
            session.execute(delete(DecisionVendorRow).where(DecisionVendorRow.vendor_id == row.id))
            session.delete(row)

    # ------------------------------------------------------------------------------ vendors of a decision
    def _decision_row(self, session: Session, decision_id: int) -> DecisionRow:
        row = session.get(DecisionRow, self._id(decision_id, "decision"))
        if row is None or row.workspace_id != self.workspace_id or row.deleted_at is not None:
            raise NotFoundError(f"decision {decision_id}: no saved decision has this id")
        return row

    def check_decision(self, decision_id: int) -> None:
        """Not found unless ``decision_id`` is a live decision of this workspace."""
        with self._sessions() as session:
            self._decision_row(session, decision_id)

    def decision_vendors(self, decision_id: int) -> builtins.list[VendorRecord]:
        """The vendors kept with a decision, in the order they were attached."""
        with self._sessions() as session:
            self._decision_row(session, decision_id)
            rows = session.scalars(
                select(VendorRow)
                .join(DecisionVendorRow, DecisionVendorRow.vendor_id == VendorRow.id)
                .where(
                    (DecisionVendorRow.decision_id == decision_id)
                    & (VendorRow.workspace_id == self.workspace_id)
                )
                .order_by(DecisionVendorRow.attached_at, VendorRow.id)
            )
            return [_vendor(r) for r in rows]

    def attach_vendor(self, decision_id: int, vendor_id: int) -> builtins.list[VendorRecord]:
        """Keep a vendor with a decision (again: nothing changes); returns the decision's vendors."""
        self.writable()
        with self._sessions() as session, session.begin():
            self._decision_row(session, decision_id)
            self._vendor_row(session, vendor_id)
            if session.get(DecisionVendorRow, (decision_id, vendor_id)) is None:
                session.add(
                    DecisionVendorRow(decision_id=decision_id, vendor_id=vendor_id, attached_at=_now())
                )
        return self.decision_vendors(decision_id)

    def detach_vendor(self, decision_id: int, vendor_id: int) -> builtins.list[VendorRecord]:
        """No longer keep a vendor with a decision (one not kept: not found)."""
        self.writable()
        with self._sessions() as session, session.begin():
            self._decision_row(session, decision_id)
            link = session.get(DecisionVendorRow, (decision_id, self._id(vendor_id, "vendor")))
            if link is None or self._vendor_row(session, vendor_id) is None:
                raise NotFoundError(f"vendor {vendor_id}: not kept with decision {decision_id}")
            session.delete(link)
        return self.decision_vendors(decision_id)

    # ------------------------------------------------------------------------------------- portfolios
    def _portfolio_row(self, session: Session, portfolio_id: int) -> PortfolioRow:
        row = session.get(PortfolioRow, self._id(portfolio_id, "portfolio"))
        if row is None or row.workspace_id != self.workspace_id:
            raise NotFoundError(f"portfolio {portfolio_id}: no saved portfolio has this id")
        return row

    def save_portfolio(
        self,
        *,
        name: str,
        stage: str,
        knowledge_version: str,
        portfolio: dict[str, Any],
        plan: dict[str, Any],
        portfolio_id: int | None = None,
    ) -> PortfolioRecord:
        """Keep a portfolio and its plan (a new one, or replace ``portfolio_id``'s)."""
        self.writable()
        clean = check_name(name)
        now = _now()
        with self._sessions() as session, session.begin():
            if portfolio_id is None:
                row = PortfolioRow(workspace_id=self.workspace_id, created_at=now)
                session.add(row)
            else:
                row = self._portfolio_row(session, portfolio_id)
            row.name = clean
            row.stage = stage
            row.knowledge_version = knowledge_version
            row.portfolio = portfolio
            row.plan = plan
            row.updated_at = now
            row.updated_by = self.user_id
            session.flush()
            return _portfolio(row)

    def portfolio(self, portfolio_id: int) -> PortfolioRecord:
        with self._sessions() as session:
            return _portfolio(self._portfolio_row(session, portfolio_id))

    def portfolios(self) -> builtins.list[PortfolioSummary]:
        """The workspace's portfolios, newest first (summaries: no workstreams or plan)."""
        columns = (
            PortfolioRow.id,
            PortfolioRow.name,
            PortfolioRow.stage,
            PortfolioRow.knowledge_version,
            PortfolioRow.created_at,
            PortfolioRow.updated_at,
        )
        with self._sessions() as session:
            rows = session.execute(
                select(*columns)
                .where(PortfolioRow.workspace_id == self.workspace_id)
                .order_by(PortfolioRow.updated_at.desc(), PortfolioRow.id.desc())
                .limit(LIST_MAX)
            ).all()
        return [
            PortfolioSummary(
                id=r.id,
                name=r.name,
                stage=r.stage,
                knowledge_version=r.knowledge_version,
                created_at=_aware(r.created_at),
                updated_at=_aware(r.updated_at),
            )
            for r in rows
        ]

    def delete_portfolio(self, portfolio_id: int) -> None:
        self.writable()
        with self._sessions() as session, session.begin():
            session.delete(self._portfolio_row(session, portfolio_id))
