"""Accounts, workspaces, API tokens, decision history and an undoable delete.

- ``users``, ``workspaces``, ``memberships`` (a role per user and workspace) and ``api_tokens``;
- workspace 1 "Local" and user 1 "local" (no password: it cannot log in; a loopback server without
  accounts acts as this user), owner of workspace 1; every existing decision moves into workspace 1;
- ``decisions`` gains ``workspace_id``, ``version``, ``deleted_at``/``deleted_by`` (the trash) and
  ``updated_by``, and an index for a workspace's list, newest first;
- ``decision_versions`` keeps each earlier state of a decision.

Runs inside the migration's one transaction (seamline.store.db.migrate): all of it or none.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    now = datetime.now(UTC)
    users = op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("session_version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    workspaces = op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    memberships = op.create_table(
        "memberships",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(16), nullable=False),
    )
    op.create_index("ix_memberships_workspace_id", "memberships", ["workspace_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.bulk_insert(users, [{"id": 1, "username": "local", "display_name": "Local user", "created_at": now}])
    op.bulk_insert(workspaces, [{"id": 1, "name": "Local", "created_at": now}])
    op.bulk_insert(memberships, [{"user_id": 1, "workspace_id": 1, "role": "owner"}])
    if op.get_bind().dialect.name == "postgresql":  # the rows above were given ids: move the sequences on
        op.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), 1)")
        op.execute("SELECT setval(pg_get_serial_sequence('workspaces', 'id'), 1)")

    with op.batch_alter_table("decisions", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("workspace_id", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deleted_by", sa.Integer, nullable=True))
        batch.add_column(sa.Column("updated_by", sa.Integer, nullable=True))
        batch.create_foreign_key(
            "fk_decisions_workspace_id", "workspaces", ["workspace_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_decisions_workspace_list", ["workspace_id", "deleted_at", "updated_at", "id"])

    op.create_table(
        "decision_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "decision_id", sa.Integer, sa.ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.Integer, nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("knowledge_version", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("top_model", sa.String(64), nullable=True),
        sa.Column("situation", sa.JSON, nullable=False),
        sa.Column("outputs", sa.JSON, nullable=False),
        sa.Column("contract", sa.JSON, nullable=True),
        sa.Column("change", sa.String(40), nullable=False),
        sa.UniqueConstraint("decision_id", "version", name="uq_decision_versions_decision_version"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("decision_versions")
    with op.batch_alter_table("decisions", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_decisions_workspace_list")
        batch.drop_constraint("fk_decisions_workspace_id", type_="foreignkey")
        for column in ("updated_by", "deleted_by", "deleted_at", "version", "workspace_id"):
            batch.drop_column(column)
    op.drop_table("api_tokens")
    op.drop_table("memberships")
    op.drop_table("workspaces")
    op.drop_table("users")
