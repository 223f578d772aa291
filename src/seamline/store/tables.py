"""The tables (SQLAlchemy 2 declarative). Change them only together with a new migration."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class DecisionRow(Base):
    """A saved decision: its inputs, the knowledge-base version it was computed with, and its outputs."""

    __tablename__ = "decisions"
    # AUTOINCREMENT on SQLite: an id is never given again, even the highest one after it was deleted
    # (PostgreSQL's sequence never reuses one either)
    __table_args__ = (Index("ix_decisions_updated_at", "updated_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    knowledge_version: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    top_model: Mapped[str | None] = mapped_column(String(64), nullable=True)
    situation: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    contract: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # an attached contract check


class MetaRow(Base):
    """Small key/value facts about the database itself (for example: examples already loaded)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), nullable=False)
