"""What every workspace-scoped store shares (vendors and portfolios, audits): one user with one role in
one workspace, viewers refused before any write, ids checked against the database's range (an id out of
range is "not found", never an overflow)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from seamline.errors import Problem
from seamline.store.repository import MAX_ID, DecisionStore, ForbiddenError, NotFoundError


class WorkspaceStore:
    """A workspace's things, as one user with one role. Subclasses name what an editor may do
    (``WRITES``: "save or change this") and how a kept thing is called (``KEPT``: "saved")."""

    WRITES: ClassVar[str] = "save or change this"
    KEPT: ClassVar[str] = "saved"

    def __init__(self, engine: Engine, *, workspace_id: int, user_id: int | None, role: str) -> None:
        self.engine = engine
        self.workspace_id = workspace_id
        self.user_id = user_id
        self.role = role
        self.max_id = MAX_ID.get(engine.dialect.name, 2**31 - 1)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def of(cls, store: DecisionStore) -> Self:
        """The same workspace, user and role as ``store``."""
        return cls(store.engine, workspace_id=store.workspace_id, user_id=store.user_id, role=store.role)

    @property
    def can_edit(self) -> bool:
        return self.role in ("owner", "editor")

    def writable(self) -> None:
        """Refuse a viewer (:class:`ForbiddenError`) before any work is done for a write."""
        if not self.can_edit:
            raise ForbiddenError(
                f"workspace: your role here is {self.role}; an editor or owner can {self.WRITES}",
                [Problem("workspace", "expected the editor or owner role")],
            )

    def _id(self, value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.max_id:
            raise NotFoundError(f"{what} {value!r}: no {self.KEPT} {what} has this id")
        return value
