"""Storage of saved decisions: SQLAlchemy 2 tables, Alembic migrations run on start-up, a repository.

Only this package touches a database. Decisions live in workspaces (``DecisionStore.scoped``); users,
workspaces, memberships and API tokens in :class:`AccountStore`. SQLite by default, PostgreSQL when the
URL points at one::

    from seamline.store import open_store
    store = open_store("sqlite:///decisions.db")     # migrates to the newest schema
    saved = store.create(name=..., situation=..., knowledge_version=..., outputs=...)
"""

from seamline.store.accounts import AccountError, AccountStore, Member, Token, User, Workspace
from seamline.store.db import head_revision, make_engine, migrate
from seamline.store.repository import (
    DecisionPage,
    DecisionRecord,
    DecisionStore,
    DecisionSummary,
    ForbiddenError,
    NotFoundError,
    TrashedSummary,
    VersionRecord,
    VersionSummary,
    open_store,
)
from seamline.store.tables import LOCAL_USER_ID, LOCAL_WORKSPACE_ID, ROLES

__all__ = [
    "LOCAL_USER_ID",
    "LOCAL_WORKSPACE_ID",
    "ROLES",
    "AccountError",
    "AccountStore",
    "DecisionPage",
    "DecisionRecord",
    "DecisionStore",
    "DecisionSummary",
    "ForbiddenError",
    "Member",
    "NotFoundError",
    "Token",
    "TrashedSummary",
    "User",
    "VersionRecord",
    "VersionSummary",
    "Workspace",
    "head_revision",
    "make_engine",
    "migrate",
    "open_store",
]
