"""The ``seamline`` command line: a thin shell over the library.

Domain errors (:class:`seamline.errors.SeamlineError`) become one clear message on stderr and exit code 2;
usage errors also exit 2; anything else is reported as an internal error without a traceback
(set ``SEAMLINE_DEBUG=1`` to see it).
"""

from __future__ import annotations

import os
import sys
import traceback

from seamline.cli.app import app, err_console

# Each module registers its commands on ``app`` when imported.
from seamline.cli import advise_cmd, contracts_cmd, cost_cmd, knowledge_cmd  # noqa: F401  isort: skip
from seamline.cli import db_cmd  # noqa: F401  isort: skip
from seamline.cli import portfolio_cmd, report_cmd, serve_cmd, vendors_cmd  # noqa: F401  isort: skip
from seamline.cli import accounts_cmd  # noqa: F401  isort: skip
from seamline.cli import audit_cmd  # noqa: F401  isort: skip


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Typer's standalone mode handles usage errors (exit 2) and ``--help``."""
    from seamline.errors import SeamlineError

    try:
        app(args=argv, prog_name="seamline")
    except SeamlineError as exc:
        err_console.print(f"error: {exc}", markup=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, never dump a traceback on the user
        if os.environ.get("SEAMLINE_DEBUG"):
            traceback.print_exc()
        err_console.print(
            f"internal error: {type(exc).__name__}: {exc} (set SEAMLINE_DEBUG=1 for details)", markup=False
        )
        sys.exit(1)
