"""Alembic environment: always run from seamline.store.db.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from seamline.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through seamline.store.db.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
