"""Run-time settings of the web app and its storage, read from the environment (``SEAMLINE_*``).

Nothing here is a business figure: these are where the app keeps its data and how it serves it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from seamline.errors import SeamlineError

SETTINGS_ENV = "SEAMLINE_SETTINGS"


def data_dir() -> Path:
    """The user's data folder for seamline: ``$XDG_DATA_HOME/seamline`` or ``~/.local/share/seamline``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "seamline"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'seamline.db'}"


def bundled_examples() -> Path | None:
    """The repository's ``examples/`` folder when running from a checkout (an editable install)."""
    candidate = Path(__file__).resolve().parents[2] / "examples"
    return candidate if candidate.is_dir() else None


class Settings(BaseModel):
    """What :func:`seamline.web.app.create_app` needs; build one with :meth:`from_env` or directly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str = Field(default_factory=default_database_url)
    database_schema: str | None = None  # PostgreSQL only: the schema to use (tests use a fresh one)
    load_examples: bool = True
    examples_dir: Path | None = Field(default_factory=bundled_examples)
    knowledge: Path | None = None  # a knowledge folder instead of the bundled one
    max_upload_bytes: int | None = Field(default=None, ge=1)  # None: the knowledge base's document limit
    cost_trials: int = Field(default=20_000, ge=100)
    cost_seed: int = 1
    secure_cookies: bool = False
    # heavy work (contract checks, reports, large cost runs) runs in a pool of worker processes
    job_workers: int = Field(default=2, ge=1, le=64)  # processes per server worker
    job_time_limit_s: float = Field(default=120.0, gt=0, le=3600)  # one job's time; over it: 422
    job_memory_mb: int = Field(default=4096, ge=0)  # address space a job may add (RLIMIT_AS); 0 = unbounded
    pool_cost_trials: int = Field(default=50_000, ge=100)  # a cost run with more trials goes to the pool
    # who may ask (seamline.web.auth): the address the server listens on (``serve --host``); on a loopback
    # address with no accounts every request is the local user, elsewhere a login is required
    host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()  # more names the Host header may carry (a DNS name, a proxy's)
    session_secret: str | None = None  # signs session cookies; None: one kept in the database
    # a login lasts this long: OWASP's Session Management Cheat Sheet puts the absolute timeout of
    # all-day applications at 4 to 8 hours
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)
    # a deleted decision stays in the trash, restorable, this many days (seamline.store.repository.TRASH_DAYS)
    trash_days: int = Field(default=30, ge=1, le=3650)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``SEAMLINE_SETTINGS`` (all of them as JSON: how ``seamline serve --workers``
        hands them to its worker processes), then ``SEAMLINE_DATABASE_URL``, ``SEAMLINE_KNOWLEDGE``,
        ``SEAMLINE_NO_EXAMPLES``, ``SEAMLINE_ALLOWED_HOSTS`` (names, comma-separated) and
        ``SEAMLINE_SESSION_SECRET``, then ``overrides``."""
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        if env.get(SETTINGS_ENV):
            try:
                given = json.loads(env[SETTINGS_ENV])
            except ValueError as exc:
                raise SeamlineError(
                    f"{SETTINGS_ENV}: expected the settings as a JSON object ({exc})"
                ) from None
            if not isinstance(given, dict):
                raise SeamlineError(f"{SETTINGS_ENV}: expected the settings as a JSON object")
            values.update(given)
        if env.get("SEAMLINE_DATABASE_URL"):
            values["database_url"] = env["SEAMLINE_DATABASE_URL"]
        if env.get("SEAMLINE_KNOWLEDGE"):
            values["knowledge"] = Path(env["SEAMLINE_KNOWLEDGE"])
        if env.get("SEAMLINE_NO_EXAMPLES", "").lower() in ("1", "true", "yes"):
            values["load_examples"] = False
        if env.get("SEAMLINE_ALLOWED_HOSTS"):
            values["allowed_hosts"] = tuple(
                h.strip() for h in env["SEAMLINE_ALLOWED_HOSTS"].split(",") if h.strip()
            )
        if env.get("SEAMLINE_SESSION_SECRET"):
            values["session_secret"] = env["SEAMLINE_SESSION_SECRET"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        url = str(values.get("database_url", ""))
        if url and not url.startswith(("sqlite", "postgresql")):
            raise SeamlineError(
                f"database URL: got {url.split(':', 1)[0]!r}; expected sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST:PORT/DB"
            )
        try:
            return cls.model_validate(values)
        except ValueError as exc:  # pydantic's ValidationError names each field
            raise SeamlineError(f"settings: {exc}") from None
