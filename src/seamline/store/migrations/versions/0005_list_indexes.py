"""Indexes for the decision lists (issue 14, "Scale": list p99 within 100 ms with 10,000 decisions).

- SQLite: ``ix_decisions_list`` replaces 0004's ``ix_decisions_workspace_list`` (a prefix of it): the
  workspace, the trash mark, the list order (``updated_at``, ``id``) and then every summary column a list
  reads, so a page, a deep page, the count and a name search read this index alone, never the rows. SQLite
  keeps a row's tens of kilobytes of inputs and outputs in overflow pages, and ``workspace_id`` and
  ``deleted_at`` sit after them in the row: a search that read the rows walked about 600 MB for 10,000
  decisions (65 ms), the index holds about 2 MB.
- PostgreSQL keeps 0004's narrow index (it already keeps the large values out of line, so reading the 50
  rows of a page is cheap; a count over the narrow index is an index-only scan, which a wider one would
  lose to a sequential scan) and gains a trigram index on ``name`` (``pg_trgm``, GIN) for the name search
  (``ILIKE '%q%'``, which no B-tree serves: 12 to 28 ms for a count over 10,000 names, 2 ms with it). The
  extension is created in ``public`` when it is missing and the database allows it; when it cannot be
  created the index is left out and the search gives the same answers by a scan. The index only narrows
  the rows to check: PostgreSQL re-checks every candidate with the ``ILIKE`` itself.

Runs inside the migration's one transaction (seamline.store.db.migrate); the extension is tried under a
savepoint, so a refusal does not undo the rest.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIST_COLUMNS = [
    "workspace_id",
    "deleted_at",
    "updated_at",
    "id",
    "name",
    "created_at",
    "knowledge_version",
    "status",
    "top_model",
]
TRIGRAM_INDEX = "ix_decisions_name_trgm"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.create_index("ix_decisions_list", "decisions", LIST_COLUMNS)
        op.drop_index("ix_decisions_workspace_list", table_name="decisions")
    elif bind.dialect.name == "postgresql":
        schema = _trigram_schema(bind)
        if schema is not None:
            opclass = f"{_quoted(bind, schema)}.gin_trgm_ops"
            op.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON decisions USING gin (name {opclass})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.create_index("ix_decisions_workspace_list", "decisions", LIST_COLUMNS[:4])
        op.drop_index("ix_decisions_list", table_name="decisions")
    elif bind.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema of the ``pg_trgm`` extension: as installed, else created in ``public`` when allowed; None
    when the database refuses (no privilege, the extension not shipped)."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    schema = bind.scalar(find)
    if schema is not None:
        return str(schema)
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError:
        pass  # refused (or another database session created it meanwhile): look again
    schema = bind.scalar(find)
    return None if schema is None else str(schema)


def _quoted(bind: sa.Connection, name: str) -> str:
    return str(bind.dialect.identifier_preparer.quote(name))
