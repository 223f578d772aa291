"""``seamline serve``: start the web app (SQLite by default; PostgreSQL with a postgresql URL)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from seamline.cli.app import app, console, plain

if TYPE_CHECKING:
    from seamline.settings import Settings


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="SEAMLINE_DATABASE_URL",
            help="sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB "
            "(default: seamline.db in the user's data folder).",
        ),
    ] = None,
    no_examples: Annotated[
        bool, typer.Option("--no-examples", help="Do not load the example situations on first run.")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes sharing the port (each with its own pool of job processes); "
            "they may all start on a fresh database.",
        ),
    ] = 1,
) -> None:
    """Start the web app (questionnaire, results, contract check, saved decisions, API); print its URL."""
    import uvicorn

    from seamline.settings import Settings
    from seamline.web.app import create_app
    from seamline.web.serving import HTTP_PROTOCOL

    _check_port(host, port)
    overrides: dict[str, object] = {"database_url": database_url, "host": host}
    if no_examples:
        overrides["load_examples"] = False
    settings = Settings.from_env(None, **overrides)
    _check_accounts(settings)
    web = create_app(settings)  # migrates and loads the examples once, before any worker starts
    url_host = f"[{host}]" if ":" in host else host
    console.print(f"seamline is running at [bold]{plain(f'http://{url_host}:{port}/')}[/]")
    console.print(
        f"database: {web.state.store.engine.url.render_as_string(hide_password=True)}", markup=False
    )
    if workers > 1:
        console.print(f"{workers} server processes", markup=False)
    console.print("press Ctrl+C to stop")
    if workers == 1:
        uvicorn.run(web, host=host, port=port, log_level="warning", http=HTTP_PROTOCOL, access_log=False)
        return
    import os

    from seamline.settings import SETTINGS_ENV

    web.state.store.engine.dispose()
    del web
    # each worker process builds its own app from the same settings (uvicorn needs an import string)
    os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run(
        "seamline.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        http=HTTP_PROTOCOL,  # TCP_NODELAY on each connection (see seamline.web.serving)
        access_log=False,
    )


def _check_accounts(settings: Settings) -> None:
    """Refuse to listen on a non-loopback address while nobody can log in: the app would be open to
    anyone who can reach the port. On a loopback address no accounts means the local user, no login."""
    from seamline.errors import SeamlineError
    from seamline.store import AccountStore, open_store
    from seamline.web.security import is_loopback

    if is_loopback(settings.host):
        return
    store = open_store(settings.database_url, schema=settings.database_schema)
    try:
        if AccountStore(store.engine).has_accounts():
            return
    finally:
        store.engine.dispose()
    raise SeamlineError(
        f"--host {settings.host}: no accounts exist, so anyone who can reach this address could read and "
        "change every decision; add a user first (seamline users add USERNAME), "
        "or listen on 127.0.0.1"
    )


def _check_port(host: str, port: int) -> None:
    """Refuse early, with a clear message, when the address is taken or cannot be used."""
    import socket

    from seamline.errors import SeamlineError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise SeamlineError(
            f"--host/--port: cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "expected a free port (try --port 8001)"
        ) from None
