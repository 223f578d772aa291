"""Run-time settings of the web app and its storage, read from the environment (``SEAMLINE_*``).

Nothing here is a business figure: these are where the app keeps its data and how it serves it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from seamline.errors import SeamlineError


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``SEAMLINE_DATABASE_URL``, ``SEAMLINE_KNOWLEDGE`` and ``SEAMLINE_NO_EXAMPLES``."""
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        if env.get("SEAMLINE_DATABASE_URL"):
            values["database_url"] = env["SEAMLINE_DATABASE_URL"]
        if env.get("SEAMLINE_KNOWLEDGE"):
            values["knowledge"] = Path(env["SEAMLINE_KNOWLEDGE"])
        if env.get("SEAMLINE_NO_EXAMPLES", "").lower() in ("1", "true", "yes"):
            values["load_examples"] = False
        values.update({k: v for k, v in overrides.items() if v is not None})
        url = str(values.get("database_url", ""))
        if url and not url.startswith(("sqlite", "postgresql")):
            raise SeamlineError(
                f"database URL: got {url.split(':', 1)[0]!r}; expected sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST:PORT/DB"
            )
        return cls.model_validate(values)
