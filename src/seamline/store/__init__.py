"""Storage of saved decisions: SQLAlchemy 2 tables, Alembic migrations run on start-up, a repository.

Only this package touches a database. SQLite by default, PostgreSQL when the URL points at one::

    from seamline.store import open_store
    store = open_store("sqlite:///decisions.db")     # migrates to the newest schema
    saved = store.create(name=..., situation=..., knowledge_version=..., outputs=...)
"""

from seamline.store.db import make_engine, migrate
from seamline.store.repository import (
    DecisionPage,
    DecisionRecord,
    DecisionStore,
    DecisionSummary,
    NotFoundError,
    open_store,
)

__all__ = [
    "DecisionPage",
    "DecisionRecord",
    "DecisionStore",
    "DecisionSummary",
    "NotFoundError",
    "make_engine",
    "migrate",
    "open_store",
]
