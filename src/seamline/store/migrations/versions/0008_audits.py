"""Audits of a contract repository kept in a workspace (``seamline audit --store``).

``audits``: one audit (its name, the day its term figures count from, when it was stored, the whole of
its ``audit.json``, and three counts for lists). ``audit_documents``: one row per document of an audit,
with the columns its filters read (vendor, document type, claimed and detected model, mislabel and
review flags, annual value, the checklist items missing for its detected model) and the full
per-document record of ``documents.jsonl``. Both go with their workspace; documents go with their audit.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("mislabels", sa.Integer, nullable=False),
        sa.Column("review_flags", sa.Integer, nullable=False),
        sa.Column("audit", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audits_workspace_created", "audits", ["workspace_id", "created_at"])
    op.create_table(
        "audit_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("audit_id", sa.Integer, sa.ForeignKey("audits.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("vendor", sa.String(200), nullable=True),
        sa.Column("document_type", sa.String(40), nullable=True),
        sa.Column("claimed", sa.String(64), nullable=True),
        sa.Column("detected", sa.String(64), nullable=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("mislabel", sa.Boolean, nullable=False),
        sa.Column("mislabel_kind", sa.String(40), nullable=True),
        sa.Column("review", sa.Boolean, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("value_rank", sa.Float, nullable=False),
        sa.Column("currency", sa.String(8), nullable=True),
        sa.Column("missing", sa.Text, nullable=False),
        sa.Column("missing_count", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("record", sa.JSON, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_documents_order", "audit_documents", ["audit_id", "value_rank", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_documents_order", table_name="audit_documents")
    op.drop_table("audit_documents")
    op.drop_index("ix_audits_workspace_created", table_name="audits")
    op.drop_table("audits")
