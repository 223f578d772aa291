"""Saved decisions and app metadata.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("top_model", sa.String(64), nullable=True),
        sa.Column("situation", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
    )
    op.create_index("ix_decisions_updated_at", "decisions", ["updated_at"])
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_meta")
    op.drop_index("ix_decisions_updated_at", table_name="decisions")
    op.drop_table("decisions")
