"""The tables (SQLAlchemy 2 declarative). Change them only together with a new migration.

Every decision belongs to a workspace; users reach workspaces through memberships with a role (owner,
editor, viewer). Workspace 1 ("Local") and user 1 ("local", no password: it cannot log in) exist from the
migration on: a loopback server without accounts acts as that user in that workspace.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


LOCAL_WORKSPACE_ID = 1
LOCAL_USER_ID = 1
ROLES = ("owner", "editor", "viewer")  # strongest first


class UserRow(Base):
    """A person who can log in (``password_hash`` set) or the local single user (no password)."""

    __tablename__ = "users"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # bumped on a password change or when disabled: every session issued before is void
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class WorkspaceRow(Base):
    """A shared space of decisions (a team, a client, a procurement round)."""

    __tablename__ = "workspaces"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class MembershipRow(Base):
    """A user's role in a workspace."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), nullable=False)


class ApiTokenRow(Base):
    """An API token for scripts: only its SHA-256 is kept; the secret is shown once when created."""

    __tablename__ = "api_tokens"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class DecisionRow(Base):
    """A saved decision: its inputs, the knowledge-base version it was computed with, and its outputs."""

    __tablename__ = "decisions"
    # AUTOINCREMENT on SQLite: an id is never given again, even the highest one after it was deleted
    # (PostgreSQL's sequence never reuses one either)
    __table_args__ = (
        Index("ix_decisions_updated_at", "updated_at"),
        # a workspace's list, newest first (migrations 0004 and 0005): on PostgreSQL the sort key alone
        # (now for the trash; plus a pg_trgm index on name for the search, when the database has the
        # extension); on SQLite every summary column too, so that lists read the index and never the rows
        Index("ix_decisions_workspace_list", "workspace_id", "deleted_at", "updated_at", "id").ddl_if(
            dialect="postgresql"
        ),
        # PostgreSQL (migration 0009): the live rows alone, in list order, with the summary columns, so a
        # page is an index-only scan that stops at offset + limit (the index above serves the trash)
        Index(
            "ix_decisions_live_list",
            "workspace_id",
            "updated_at",
            "id",
            postgresql_include=["name", "created_at", "knowledge_version", "status", "top_model"],
            postgresql_where=text("deleted_at IS NULL"),
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_decisions_list",
            "workspace_id",
            "deleted_at",
            "updated_at",
            "id",
            "name",
            "created_at",
            "knowledge_version",
            "status",
            "top_model",
        ).ddl_if(dialect="sqlite"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, default=LOCAL_WORKSPACE_ID
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    knowledge_version: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    top_model: Mapped[str | None] = mapped_column(String(64), nullable=True)
    situation: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    contract: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # an attached contract check
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # 1 + the edits kept in history
    deleted_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )  # in the trash
    deleted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DecisionVersionRow(Base):
    """An earlier state of a decision, kept when it was edited (renamed, re-answered, a contract attached
    or removed, or restored): the history a user can view and restore."""

    __tablename__ = "decision_versions"
    __table_args__ = (
        UniqueConstraint("decision_id", "version", name="uq_decision_versions_decision_version"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)  # when it was current
    saved_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    knowledge_version: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    top_model: Mapped[str | None] = mapped_column(String(64), nullable=True)
    situation: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    contract: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    change: Mapped[str] = mapped_column(String(40), nullable=False)  # what replaced it: renamed, edited, ...


class DecisionListVersionRow(Base):
    """Per workspace, a number the database raises with every change to its decisions (triggers of
    migration 0006): a list page read earlier is still right while the number is the same."""

    __tablename__ = "decision_list_versions"

    workspace_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


class VendorRow(Base):
    """A vendor's due-diligence answers (the profile ``seamline vendors score`` reads), kept in a workspace;
    graded again whenever it is shown, so a new knowledge base grades it afresh (migration 0007)."""

    __tablename__ = "vendors"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_vendors_workspace_name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DecisionVendorRow(Base):
    """A vendor kept with a decision (both of one workspace): its decision document includes the vendor."""

    __tablename__ = "decision_vendors"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attached_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class PortfolioRow(Base):
    """A saved portfolio: its workstreams (the portfolio file's shape) and the plan computed from them."""

    __tablename__ = "portfolios"
    __table_args__ = (
        Index("ix_portfolios_workspace_updated", "workspace_id", "updated_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    stage: Mapped[str] = mapped_column(String(40), nullable=False)
    knowledge_version: Mapped[str] = mapped_column(String(64), nullable=False)
    portfolio: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditRow(Base):
    """An audit of a contract repository (``seamline audit --store``): its ``audit.json`` whole, and the
    counts a list shows (migration 0008)."""

    __tablename__ = "audits"
    __table_args__ = (
        Index("ix_audits_workspace_created", "workspace_id", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(500), nullable=False)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    documents: Mapped[int] = mapped_column(Integer, nullable=False)
    mislabels: Mapped[int] = mapped_column(Integer, nullable=False)
    review_flags: Mapped[int] = mapped_column(Integer, nullable=False)
    audit: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AuditDocumentRow(Base):
    """One document of an audit: the columns its filters read, and its whole ``documents.jsonl`` record.
    ``missing`` holds the checklist items missing for the detected model as ``,item,item,`` (so one
    item is found with a LIKE on every database); ``value_rank`` is the annual value, -1 when unknown
    (the list's order: highest value first, unknown last)."""

    __tablename__ = "audit_documents"
    __table_args__ = (
        Index("ix_audit_documents_order", "audit_id", "value_rank", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    vendor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    document_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detected: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    mislabel: Mapped[bool] = mapped_column(Boolean, nullable=False)
    mislabel_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    review: Mapped[bool] = mapped_column(Boolean, nullable=False)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_rank: Mapped[float] = mapped_column(Float, nullable=False)
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    missing: Mapped[str] = mapped_column(Text, nullable=False)
    missing_count: Mapped[int] = mapped_column(Integer, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)


class MetaRow(Base):
    """Small key/value facts about the database itself (for example: examples already loaded)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
