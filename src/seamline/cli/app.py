"""The Typer application object and the shared consoles (kept apart so command modules can import them)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="seamline",
    help="Decide how to buy external software-engineering capacity, cost it, and check the contract.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console(highlight=False, soft_wrap=True)  # long lines wrap in the terminal, not mid-pipe
err_console = Console(stderr=True, highlight=False)
