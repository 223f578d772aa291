"""``seamline users|workspaces|tokens ...``: the accounts of the web app, managed on the server.

Every command takes ``--database-url`` (default: as ``seamline serve``: ``SEAMLINE_DATABASE_URL``, else
``seamline.db`` in the user's data folder) and works on a running server's database: a new user can log
in, a disabled one is logged out, within seconds, without a restart.

Once a user with a password exists the web app asks everyone to log in. The first user added (while
only the built-in "local" user exists) joins the workspace "Local", which holds every decision saved
before accounts, as its owner (``--join-local ROLE`` to choose another role, ``--join-local none`` not to).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from seamline.cli.app import app, console, err_console, plain, print_json
from seamline.errors import Problem, SeamlineError

if TYPE_CHECKING:  # the store (SQLAlchemy, argon2) is imported when a command runs, not on every start
    from seamline.store import AccountStore

users_app = typer.Typer(
    help="Users of the web app: add, list, disable, enable, change a password.", no_args_is_help=True
)
workspaces_app = typer.Typer(
    help="Workspaces and who may use them (owner, editor or viewer).", no_args_is_help=True
)
tokens_app = typer.Typer(help="API tokens for scripts: add (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(workspaces_app, name="workspaces")
app.add_typer(tokens_app, name="tokens")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="SEAMLINE_DATABASE_URL",
        help="sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB "
        "(default: as seamline serve, seamline.db in the user's data folder).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input (else it is asked for twice, hidden).",
    ),
]
ROLES = ("owner", "editor", "viewer")  # seamline.store.tables.ROLES (a test checks they agree)
ROLE_HELP = f"One of {', '.join(ROLES)}."


@contextmanager
def _accounts(database_url: str | None) -> Iterator[AccountStore]:
    """The accounts of the database ``serve`` would use (migrated to the current schema first)."""
    from seamline.settings import Settings
    from seamline.store import AccountStore, open_store

    settings = Settings.from_env(None, database_url=database_url)
    store = open_store(settings.database_url, schema=settings.database_schema)
    try:
        yield AccountStore(store.engine)
    except SeamlineError as exc:
        raise SeamlineError(exc.message) from None  # one line: what, and what was expected
    finally:
        store.engine.dispose()


def _password(username: str, from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice without echo on a terminal."""
    import getpass

    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise SeamlineError(
            "password: standard input is not a terminal; pipe the password in with --password-stdin",
            [Problem("--password-stdin", "expected it when the password is piped in")],
        )
    first = getpass.getpass(f"Password for {username}: ")
    if getpass.getpass("The same again: ") != first:
        raise SeamlineError("password: the two entries differ; nothing was changed")
    return first


# -------------------------------------------------------------------------------------------- users
@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="1-64 letters, digits or . _ @ -", show_default=False)],
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="The name shown in the app (default: USERNAME).")
    ] = None,
    password_stdin: PasswordStdin = False,
    join_local: Annotated[
        str | None,
        typer.Option(
            "--join-local",
            help="Give the user this role in the workspace 'Local' (the decisions saved before accounts): "
            f"{', '.join(ROLES)} or none. Default: owner for the first user, none after.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a user who can log in (the web app then asks everyone for a login)."""
    from seamline.store import LOCAL_USER_ID, LOCAL_WORKSPACE_ID
    from seamline.store.accounts import check_password, check_role, check_username

    with _accounts(database_url) as accounts:
        check_username(username, "USERNAME")
        if join_local is not None and join_local != "none":
            check_role(join_local, "--join-local")
        first = not accounts.has_accounts() and all(u.id == LOCAL_USER_ID for u in accounts.users())
        password = check_password(_password(username, password_stdin))
        user = accounts.add_user(username, password, display_name)
        role = join_local if join_local is not None else ("owner" if first else "none")
        console.print(f"added user {plain(user.username)}")
        if role != "none":
            local = accounts.grant(LOCAL_WORKSPACE_ID, user.username, role)
            name = accounts.workspace(LOCAL_WORKSPACE_ID).name
            console.print(
                f"{plain(user.username)} is {local.role} of workspace {plain(repr(name))} "
                "(the decisions saved before accounts)"
            )
        if first:
            console.print("the web app now asks for a login (within seconds, no restart needed)")
        if role == "none":
            console.print(
                f"{plain(user.username)} is in no workspace yet: "
                f"seamline workspaces grant WORKSPACE {plain(user.username)} --role editor",
                markup=False,
            )


@users_app.command("list")
def users_list(as_json: AsJson = False, database_url: DatabaseUrl = None) -> None:
    """List the users: who can log in, who is disabled."""
    with _accounts(database_url) as accounts:
        users = accounts.users()
    if as_json:
        print_json([u.summary() for u in users])
        return
    from rich.table import Table

    table = Table("id", "username", "display name", "state", "since")
    for u in users:
        state = "disabled" if u.disabled else ("can log in" if u.can_log_in else "local (no login)")
        table.add_row(str(u.id), plain(u.username), plain(u.display_name), state, f"{u.created_at:%Y-%m-%d}")
    console.print(table)


def _set_disabled(username: str, disabled: bool, database_url: str | None) -> None:
    with _accounts(database_url) as accounts:
        user = accounts.set_disabled(username, disabled)
        left = accounts.has_accounts()
    if disabled:
        console.print(
            f"disabled {plain(user.username)}: their sessions and API tokens stop working within seconds"
        )
        if not left:
            err_console.print(
                "note: nobody can log in now; a server on a loopback address runs for the local user "
                "again, a server on any other address refuses every request",
                markup=False,
                soft_wrap=True,
            )
    else:
        console.print(f"enabled {plain(user.username)}")


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Disable a user: their sessions and API tokens stop working (their memberships are kept)."""
    _set_disabled(username, True, database_url)


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="The user to enable again.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Enable a disabled user again (they log in anew)."""
    _set_disabled(username, False, database_url)


@users_app.command("passwd")
def users_passwd(
    username: Annotated[str, typer.Argument(help="The user whose password to set.", show_default=False)],
    password_stdin: PasswordStdin = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Set a user's password; every session they had ends."""
    from seamline.store.accounts import check_password

    with _accounts(database_url) as accounts:
        accounts.user(username)  # an unknown user is refused before the password is asked for
        user = accounts.set_password(username, check_password(_password(username, password_stdin)))
    console.print(f"new password for {plain(user.username)}; their earlier sessions have ended")


# --------------------------------------------------------------------------------------- workspaces
@workspaces_app.command("add")
def workspaces_add(
    name: Annotated[str, typer.Argument(help="The workspace's name (unique).", show_default=False)],
    owner: Annotated[str, typer.Option("--owner", help="The user who owns it.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Add a workspace, owned by a user (who can then add members in the web app)."""
    with _accounts(database_url) as accounts:
        user = accounts.user(owner)
        workspace = accounts.add_workspace(name, owner=user.id)
    shown = plain(repr(workspace.name))
    console.print(f"added workspace {workspace.id} {shown}, owned by {plain(user.username)}")


@workspaces_app.command("list")
def workspaces_list(as_json: AsJson = False, database_url: DatabaseUrl = None) -> None:
    """List the workspaces with how many members and saved decisions each has."""
    with _accounts(database_url) as accounts:
        workspaces = accounts.workspaces()
    if as_json:
        print_json([w.summary() for w in workspaces])
        return
    from rich.table import Table

    table = Table("id", "name", "members", "decisions", "since")
    for w in workspaces:
        table.add_row(str(w.id), plain(w.name), str(w.members), str(w.decisions), f"{w.created_at:%Y-%m-%d}")
    console.print(table)


@workspaces_app.command("grant")
def workspaces_grant(
    workspace: Annotated[str, typer.Argument(help="The workspace's id or name.", show_default=False)],
    username: Annotated[str, typer.Argument(help="The user.", show_default=False)],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)] = "editor",
    database_url: DatabaseUrl = None,
) -> None:
    """Give a user a role in a workspace (adding them, or changing their role)."""
    with _accounts(database_url) as accounts:
        member = accounts.grant(workspace, username, role)
        name = accounts.workspace(workspace).name
    console.print(f"{plain(member.username)} is {member.role} of workspace {plain(repr(name))}")


@workspaces_app.command("revoke")
def workspaces_revoke(
    workspace: Annotated[str, typer.Argument(help="The workspace's id or name.", show_default=False)],
    username: Annotated[str, typer.Argument(help="The user.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Remove a user from a workspace (a workspace keeps at least one owner)."""
    with _accounts(database_url) as accounts:
        accounts.revoke(workspace, username)
        name = accounts.workspace(workspace).name
    console.print(f"{plain(username)} is no longer a member of workspace {plain(repr(name))}")


@workspaces_app.command("members")
def workspaces_members(
    workspace: Annotated[str, typer.Argument(help="The workspace's id or name.", show_default=False)],
    as_json: AsJson = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List a workspace's members and their roles."""
    with _accounts(database_url) as accounts:
        members = accounts.members(workspace)
    if as_json:
        print_json([m.model_dump() for m in members])
        return
    from rich.table import Table

    table = Table("username", "display name", "role", "state")
    for m in members:
        table.add_row(plain(m.username), plain(m.display_name), m.role, "disabled" if m.disabled else "")
    console.print(table)


# ------------------------------------------------------------------------------------------- tokens
@tokens_app.command("add")
def tokens_add(
    username: Annotated[str, typer.Argument(help="The user the token acts as.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="What the token is for.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Make an API token and print its secret (this once: only its hash is kept)."""
    with _accounts(database_url) as accounts:
        token, secret = accounts.create_token(username, name)
    err_console.print(
        f"token {token.id} {name!r} for {username}: send it as 'Authorization: Bearer <token>'; "
        "it is shown this once",
        markup=False,
        soft_wrap=True,
    )
    console.file.write(secret + "\n")
    console.file.flush()


@tokens_app.command("list")
def tokens_list(
    username: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    as_json: AsJson = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List API tokens (never their secrets): whose, what for, when last used, revoked or live."""
    with _accounts(database_url) as accounts:
        tokens = accounts.tokens(username)
        names = {u.id: u.username for u in accounts.users()}
    if as_json:
        print_json([{**t.summary(), "username": names.get(t.user_id)} for t in tokens])
        return
    from rich.table import Table

    table = Table("id", "user", "name", "made", "last used", "state")
    for t in tokens:
        table.add_row(
            str(t.id),
            plain(names.get(t.user_id, "?")),
            plain(t.name),
            f"{t.created_at:%Y-%m-%d}",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            "revoked" if t.revoked else "live",
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[
        int, typer.Argument(metavar="ID", help="The token's id (tokens list).", show_default=False)
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API token: requests that send it are refused within seconds."""
    with _accounts(database_url) as accounts:
        token = accounts.revoke_token(token_id)
    console.print(f"revoked token {token.id} {plain(repr(token.name))}")
