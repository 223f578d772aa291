"""Vendors and portfolios in a workspace, and vendors kept with a decision.

``vendors``: a vendor's due-diligence answers (the profile the CLI's ``seamline vendors`` reads), one per
name in a workspace. ``decision_vendors``: which vendors are kept with which decision (both rows go with
either's deletion). ``portfolios``: a portfolio's workstreams and the plan computed from them.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=True),
        sa.UniqueConstraint("workspace_id", "name", name="uq_vendors_workspace_name"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_vendors_workspace_id", "vendors", ["workspace_id"])
    op.create_table(
        "decision_vendors",
        sa.Column(
            "decision_id",
            sa.Integer,
            sa.ForeignKey("decisions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("vendor_id", sa.Integer, sa.ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_decision_vendors_vendor_id", "decision_vendors", ["vendor_id"])
    op.create_table(
        "portfolios",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(40), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("portfolio", sa.JSON, nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_portfolios_workspace_updated", "portfolios", ["workspace_id", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_portfolios_workspace_updated", table_name="portfolios")
    op.drop_table("portfolios")
    op.drop_index("ix_decision_vendors_vendor_id", table_name="decision_vendors")
    op.drop_table("decision_vendors")
    op.drop_index("ix_vendors_workspace_id", table_name="vendors")
    op.drop_table("vendors")
