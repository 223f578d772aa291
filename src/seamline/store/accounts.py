"""Accounts: users (argon2 password hashes), workspaces, memberships with roles, and API tokens.

Only hashes are stored: passwords through argon2-cffi's :class:`PasswordHasher` (its defaults follow
RFC 9106's recommended parameters), API tokens as the SHA-256 of a 256-bit random secret (a token is
random, so a fast hash is enough; the secret is shown once). Nothing here is home-made cryptography.

    accounts = AccountStore(engine)
    alice = accounts.add_user("alice", "a long passphrase")
    team = accounts.add_workspace("Platform team", owner=alice.id)
    user = accounts.authenticate("alice", "a long passphrase")   # None when wrong or disabled
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from seamline.errors import Problem, SeamlineError
from seamline.store.repository import NAME_MAX, ForbiddenError, NotFoundError, check_name
from seamline.store.tables import (
    LOCAL_USER_ID,
    ROLES,
    ApiTokenRow,
    DecisionRow,
    MembershipRow,
    UserRow,
    WorkspaceRow,
)

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
PASSWORD_MIN = 12  # characters; NIST SP 800-63B asks for at least 8 (15 where it is the only factor)
PASSWORD_MAX = 1024  # a bound on the hashing work one request can ask for
TOKEN_PREFIX = "sl_"
TOKEN_NAME_MAX = 100


class AccountError(SeamlineError):
    """A user, workspace, membership or token request that cannot be carried out."""

    status = 422


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    username: str
    display_name: str
    disabled: bool
    can_log_in: bool  # has a password (the local user has none)
    session_version: int
    created_at: datetime

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "disabled": self.disabled,
            "can_log_in": self.can_log_in,
            "created_at": self.created_at.isoformat(),
        }


class Workspace(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    created_at: datetime
    role: str | None = None  # the asking user's role, where one was asked for
    members: int = 0
    decisions: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "role": self.role,
            "members": self.members,
            "decisions": self.decisions,
        }


class Member(BaseModel):
    model_config = ConfigDict(frozen=True)

    user_id: int
    username: str
    display_name: str
    role: str
    disabled: bool


class Token(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked": self.revoked,
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        disabled=bool(row.disabled),
        can_log_in=row.password_hash is not None,
        session_version=row.session_version or 1,
        created_at=_aware(row.created_at),
    )


def _workspace(row: WorkspaceRow, role: str | None = None, members: int = 0, decisions: int = 0) -> Workspace:
    return Workspace(
        id=row.id,
        name=row.name,
        created_at=_aware(row.created_at),
        role=role,
        members=members,
        decisions=decisions,
    )


def _token(row: ApiTokenRow) -> Token:
    return Token(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        created_at=_aware(row.created_at),
        last_used_at=_aware(row.last_used_at) if row.last_used_at else None,
        revoked=row.revoked_at is not None,
    )


def check_username(username: Any, where: str = "username") -> str:
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise AccountError(
            f"{where}: got {str(username)[:80]!r}; expected 1-64 letters, digits or . _ @ - "
            "(starting with a letter or digit)",
            [Problem(where, "expected 1-64 letters, digits or . _ @ -")],
        )
    return username


def check_password(password: Any, where: str = "password") -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(
            f"{where}: expected {PASSWORD_MIN} to {PASSWORD_MAX} characters "
            "(a passphrase of several words is easiest to remember)",
            [Problem(where, f"expected {PASSWORD_MIN} to {PASSWORD_MAX} characters")],
        )
    return password


def check_role(role: Any, where: str = "role") -> str:
    if role not in ROLES:
        raise AccountError(
            f"{where}: got {str(role)[:80]!r}; expected one of {', '.join(ROLES)}",
            [Problem(where, f"expected one of {', '.join(ROLES)}")],
        )
    return str(role)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class AccountStore:
    """Users, workspaces, memberships and API tokens in the same database as the decisions."""

    def __init__(self, engine: Engine) -> None:
        from argon2 import PasswordHasher

        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._hasher = PasswordHasher()
        self._dummy_hash: str | None = None

    def _session(self) -> Session:
        return self._sessions()

    # users ------------------------------------------------------------------------------------------

    def has_accounts(self) -> bool:
        """Whether anyone can log in (an enabled user with a password): then the web app asks for a login."""
        with self._session() as session:
            query = select(UserRow.id).where(UserRow.password_hash.is_not(None) & UserRow.disabled.is_(False))
            return session.scalar(query.limit(1)) is not None

    def add_user(self, username: str, password: str, display_name: str | None = None) -> User:
        name = check_username(username)
        secret = check_password(password)
        shown = check_name(display_name, "display_name") if display_name is not None else name
        row = UserRow(
            username=name,
            display_name=shown,
            password_hash=self._hasher.hash(secret),
            disabled=False,
            session_version=1,
            created_at=_now(),
        )
        try:
            with self._session() as session, session.begin():
                if session.scalar(select(UserRow.id).where(func.lower(UserRow.username) == name.lower())):
                    raise IntegrityError("", {}, Exception("exists"))
                session.add(row)
                session.flush()
                return _user(row)
        except IntegrityError:
            raise AccountError(
                f"username: {name!r} is taken; choose another",
                [Problem("username", "expected a username nobody has")],
            ) from None

    def _user_row(self, session: Session, username: str) -> UserRow:
        row = session.scalar(select(UserRow).where(func.lower(UserRow.username) == str(username).lower()))
        if row is None:
            raise NotFoundError(f"user {str(username)[:80]!r}: no such user")
        return row

    def user(self, username: str) -> User:
        with self._session() as session:
            return _user(self._user_row(session, username))

    def user_by_id(self, user_id: int) -> User | None:
        with self._session() as session:
            row = session.get(UserRow, user_id)
            return _user(row) if row is not None else None

    def users(self) -> list[User]:
        with self._session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.id))]

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or enable again) a user: a disabled user's sessions and tokens stop working at once."""
        with self._session() as session, session.begin():
            row = self._user_row(session, username)
            if row.id == LOCAL_USER_ID:
                raise AccountError("user 'local': the local user has no password and cannot be changed")
            if bool(row.disabled) != disabled:
                row.disabled = disabled
                row.session_version = (row.session_version or 1) + 1
            return _user(row)

    def set_password(self, username: str, password: str) -> User:
        """A new password; every session issued before is void."""
        secret = check_password(password)
        with self._session() as session, session.begin():
            row = self._user_row(session, username)
            if row.id == LOCAL_USER_ID:
                raise AccountError("user 'local': the local user has no password and cannot be changed")
            row.password_hash = self._hasher.hash(secret)
            row.session_version = (row.session_version or 1) + 1
            return _user(row)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password is right and the account enabled; else None (same work either way)."""
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        if not isinstance(password, str) or len(password) > PASSWORD_MAX or not isinstance(username, str):
            return None
        with self._session() as session:
            row = session.scalar(select(UserRow).where(func.lower(UserRow.username) == username.lower()))
            stored = row.password_hash if row is not None else None
            if stored is None:  # no such user, or the local user: spend the same time as a real check
                if self._dummy_hash is None:
                    self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
                with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
                    self._hasher.verify(self._dummy_hash, password)
                return None
            try:
                self._hasher.verify(stored, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            assert row is not None
            if row.disabled:
                return None
            user = _user(row)
        if self._hasher.check_needs_rehash(stored):
            with self._session() as session, session.begin():
                fresh = session.get(UserRow, user.id)
                if fresh is not None and fresh.password_hash == stored:
                    fresh.password_hash = self._hasher.hash(password)
        return user

    # workspaces -------------------------------------------------------------------------------------

    def add_workspace(self, name: str, *, owner: int | None = None) -> Workspace:
        clean = check_name(name)
        try:
            with self._session() as session, session.begin():
                row = WorkspaceRow(name=clean, created_at=_now())
                session.add(row)
                session.flush()
                if owner is not None:
                    if session.get(UserRow, owner) is None:
                        raise NotFoundError(f"user {owner}: no such user")
                    session.add(MembershipRow(user_id=owner, workspace_id=row.id, role="owner"))
                return _workspace(row, "owner" if owner is not None else None, 1 if owner is not None else 0)
        except IntegrityError:
            raise AccountError(
                f"name: a workspace called {clean!r} exists; choose another name",
                [Problem("name", "expected a workspace name not in use")],
            ) from None

    def _workspace_row(self, session: Session, ref: int | str) -> WorkspaceRow:
        """A workspace by id or by name."""
        row: WorkspaceRow | None
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit() and len(ref) < 12):
            row = session.get(WorkspaceRow, int(ref))
        else:
            row = session.scalar(select(WorkspaceRow).where(WorkspaceRow.name == str(ref)))
        if row is None:
            raise NotFoundError(f"workspace {str(ref)[:80]!r}: no such workspace")
        return row

    def workspace(self, ref: int | str) -> Workspace:
        with self._session() as session:
            return _workspace(self._workspace_row(session, ref))

    def workspaces(self, user_id: int | None = None) -> list[Workspace]:
        """Every workspace (with member and decision counts), or those ``user_id`` belongs to (with the
        user's role), by name."""
        with self._session() as session:
            members = dict(
                session.execute(
                    select(MembershipRow.workspace_id, func.count()).group_by(MembershipRow.workspace_id)
                ).all()
            )
            decisions = dict(
                session.execute(
                    select(DecisionRow.workspace_id, func.count())
                    .where(DecisionRow.deleted_at.is_(None))
                    .group_by(DecisionRow.workspace_id)
                ).all()
            )
            if user_id is None:
                rows = session.scalars(select(WorkspaceRow).order_by(WorkspaceRow.name))
                return [_workspace(r, None, members.get(r.id, 0), decisions.get(r.id, 0)) for r in rows]
            pairs = session.execute(
                select(WorkspaceRow, MembershipRow.role)
                .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
                .where(MembershipRow.user_id == user_id)
                .order_by(WorkspaceRow.name)
            ).all()
            return [_workspace(w, role, members.get(w.id, 0), decisions.get(w.id, 0)) for w, role in pairs]

    def memberships(self, user_id: int) -> list[Workspace]:
        """The workspaces ``user_id`` belongs to, with the user's role, by name: one light query (no
        counts), what the web app reads to know where a signed-in user may go."""
        with self._session() as session:
            pairs = session.execute(
                select(WorkspaceRow, MembershipRow.role)
                .join(MembershipRow, MembershipRow.workspace_id == WorkspaceRow.id)
                .where(MembershipRow.user_id == user_id)
                .order_by(WorkspaceRow.name, WorkspaceRow.id)
            ).all()
            return [_workspace(w, role) for w, role in pairs]

    def role_of(self, user_id: int, workspace_id: int) -> str | None:
        with self._session() as session:
            return session.scalar(
                select(MembershipRow.role).where(
                    (MembershipRow.user_id == user_id) & (MembershipRow.workspace_id == workspace_id)
                )
            )

    def members(self, workspace: int | str) -> list[Member]:
        with self._session() as session:
            ws = self._workspace_row(session, workspace)
            pairs = session.execute(
                select(UserRow, MembershipRow.role)
                .join(MembershipRow, MembershipRow.user_id == UserRow.id)
                .where(MembershipRow.workspace_id == ws.id)
                .order_by(UserRow.username)
            ).all()
            return [
                Member(
                    user_id=u.id,
                    username=u.username,
                    display_name=u.display_name,
                    role=r,
                    disabled=bool(u.disabled),
                )
                for u, r in pairs
            ]

    def grant(self, workspace: int | str, username: str, role: str) -> Member:
        """Give ``username`` the ``role`` in ``workspace`` (adding or changing the membership)."""
        role = check_role(role)
        with self._session() as session, session.begin():
            ws = self._workspace_row(session, workspace)
            user = self._user_row(session, username)
            row = session.get(MembershipRow, (user.id, ws.id))
            if row is None:
                session.add(MembershipRow(user_id=user.id, workspace_id=ws.id, role=role))
            else:
                if row.role == "owner" and role != "owner":
                    self._keep_an_owner(session, ws.id, user.id)
                row.role = role
            return Member(
                user_id=user.id,
                username=user.username,
                display_name=user.display_name,
                role=role,
                disabled=bool(user.disabled),
            )

    def revoke(self, workspace: int | str, username: str) -> None:
        """Remove ``username`` from ``workspace`` (the last owner cannot be removed)."""
        with self._session() as session, session.begin():
            ws = self._workspace_row(session, workspace)
            user = self._user_row(session, username)
            row = session.get(MembershipRow, (user.id, ws.id))
            if row is None:
                raise NotFoundError(f"user {user.username!r} is not a member of workspace {ws.name!r}")
            if row.role == "owner":
                self._keep_an_owner(session, ws.id, user.id)
            session.delete(row)

    def _keep_an_owner(self, session: Session, workspace_id: int, leaving: int) -> None:
        others = session.scalar(
            select(func.count())
            .select_from(MembershipRow)
            .where(
                (MembershipRow.workspace_id == workspace_id)
                & (MembershipRow.role == "owner")
                & (MembershipRow.user_id != leaving)
            )
        )
        if not others:
            raise ForbiddenError(
                "role: a workspace keeps at least one owner; make someone else owner first",
                [Problem("role", "expected another owner to remain")],
            )

    def rename_workspace(self, workspace: int | str, name: str) -> Workspace:
        clean = check_name(name)
        try:
            with self._session() as session, session.begin():
                row = self._workspace_row(session, workspace)
                row.name = clean
                session.flush()
                return _workspace(row)
        except IntegrityError:
            raise AccountError(
                f"name: a workspace called {clean!r} exists; choose another name",
                [Problem("name", "expected a workspace name not in use")],
            ) from None

    # API tokens -------------------------------------------------------------------------------------

    def create_token(self, username: str, name: str) -> tuple[Token, str]:
        """A new API token for ``username``; returns it and its secret (shown this once, never stored)."""
        label = " ".join(str(name).split()) if isinstance(name, str) else ""
        if not label or len(label) > TOKEN_NAME_MAX:
            raise AccountError(
                f"name: expected a token name of 1-{TOKEN_NAME_MAX} characters (what the token is for)",
                [Problem("name", f"expected 1-{TOKEN_NAME_MAX} characters")],
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._session() as session, session.begin():
            user = self._user_row(session, username)
            if user.id == LOCAL_USER_ID or user.password_hash is None:
                raise AccountError("user 'local': tokens are for users who can log in")
            row = ApiTokenRow(user_id=user.id, name=label, token_hash=token_digest(secret), created_at=_now())
            session.add(row)
            session.flush()
            return _token(row), secret

    def tokens(self, username: str | None = None) -> list[Token]:
        with self._session() as session:
            query = select(ApiTokenRow).order_by(ApiTokenRow.id)
            if username is not None:
                query = query.where(ApiTokenRow.user_id == self._user_row(session, username).id)
            return [_token(r) for r in session.scalars(query)]

    def revoke_token(self, token_id: int) -> Token:
        with self._session() as session, session.begin():
            row = session.get(ApiTokenRow, token_id) if 1 <= token_id <= 2**31 - 1 else None
            if row is None:
                raise NotFoundError(f"token {token_id}: no such token")
            if row.revoked_at is None:
                row.revoked_at = _now()
            return _token(row)

    def user_for_token(self, secret: str) -> User | None:
        """The enabled user a live token belongs to; else None."""
        if not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        digest = token_digest(secret)
        with self._session() as session, session.begin():
            pair = session.execute(
                select(ApiTokenRow, UserRow)
                .join(UserRow, UserRow.id == ApiTokenRow.user_id)
                .where(ApiTokenRow.token_hash == digest)
            ).first()
            if pair is None:
                return None
            token, user = pair
            if token.revoked_at is not None or user.disabled or user.password_hash is None:
                return None
            now = _now()
            if token.last_used_at is None or (now - _aware(token.last_used_at)).total_seconds() > 60:
                token.last_used_at = now  # at most one write a minute per token
            return _user(user)

    def delete_user_tokens(self, username: str) -> int:
        with self._session() as session, session.begin():
            user = self._user_row(session, username)
            done = session.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user.id))
            return int(getattr(done, "rowcount", 0) or 0)


__all__ = [
    "NAME_MAX",
    "AccountError",
    "AccountStore",
    "Member",
    "Token",
    "User",
    "Workspace",
]
