"""Ids are never reused: SQLite's decisions table rebuilt with AUTOINCREMENT (rows and ids kept).

PostgreSQL's serial sequence never gives an id twice already, so there is nothing to do there. The
rebuild runs inside the migration's one transaction (see seamline.store.db.migrate), so it happens once
and completely, or not at all.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "decisions", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.alter_column("id", autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("decisions", recreate="always") as batch:
        batch.alter_column("id", autoincrement=True)
