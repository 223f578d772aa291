"""A version number per workspace's decision list, kept by the database itself.

``decision_list_versions`` holds, per workspace, a number that triggers on ``decisions`` raise with every
insert, update and delete of a row of that workspace, whatever makes it (the app, another server process,
a script, the trash purge) and in the same transaction (a rolled-back change raises nothing). A server
process keeps list pages it has read, and before answering one from memory reads this one number: the
same number, the same rows (see ``DecisionStore.summaries``). A page and its count over 10,000 decisions
cost the database a scan of their index on every request; the number is one primary-key read.

No foreign key to ``workspaces``: a workspace's deletion cascades to its decisions, whose triggers then
write this table in an order the database chooses; a number left for a deleted workspace is harmless.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "decision_list_versions"
BUMP = (
    "INSERT INTO decision_list_versions (workspace_id, version) VALUES ({row}.workspace_id, 1) "
    "ON CONFLICT (workspace_id) DO UPDATE SET version = decision_list_versions.version + 1"
)
SQLITE_TRIGGERS = {
    "trg_decisions_list_insert": ("AFTER INSERT", [BUMP.format(row="NEW")]),
    "trg_decisions_list_update": ("AFTER UPDATE", [BUMP.format(row="NEW"), BUMP.format(row="OLD")]),
    "trg_decisions_list_delete": ("AFTER DELETE", [BUMP.format(row="OLD")]),
}
PG_FUNCTION = "seamline_decision_list_changed"
PG_TRIGGER = "trg_decisions_list_changed"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("workspace_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.execute(f"INSERT INTO {TABLE} (workspace_id, version) SELECT DISTINCT workspace_id, 1 FROM decisions")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, (when, statements) in SQLITE_TRIGGERS.items():
            body = "".join(f"{s}; " for s in statements)
            op.execute(f"CREATE TRIGGER {name} {when} ON decisions FOR EACH ROW BEGIN {body}END")
    elif dialect == "postgresql":
        # SET search_path FROM CURRENT: the function finds the table in the schema it was made in, whatever
        # the search path of the session that writes a decision
        op.execute(
            f"""CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        {BUMP.format(row="NEW")};
    END IF;
    IF TG_OP = 'DELETE' THEN
        {BUMP.format(row="OLD")};
    ELSIF TG_OP = 'UPDATE' AND OLD.workspace_id <> NEW.workspace_id THEN
        {BUMP.format(row="OLD")};
    END IF;
    RETURN NULL;
END
$$"""
        )
        op.execute(
            f"CREATE TRIGGER {PG_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON decisions "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON decisions")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    op.drop_table(TABLE)
