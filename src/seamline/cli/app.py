"""The Typer application object, the shared consoles and the helpers that keep the terminal safe (kept
apart so command modules can import them).

Terminal safety: names, titles, evidence and every other text a user or a document supplies is printed as
text. Two layers keep it so:

- :func:`plain` escapes Rich markup in a value that goes into a markup string or a table cell, so a name
  such as ``[/]`` or ``[link=...]`` is shown as written instead of crashing the output or being obeyed;
- :class:`SafeConsole` neutralises control characters (escape sequences, ``\\r``, BEL, C1 controls, bidi
  overrides, unpaired surrogates) in every string it renders, whatever its markup setting, so a document
  cannot clear the screen, plant a hyperlink or reorder a line. They are shown as visible escapes such as
  ``\\x1b``; newlines and tabs are kept.

JSON goes out through :func:`print_json`: strict JSON (``NaN`` and ``Infinity`` are refused), with the
characters a terminal would obey escaped as ``\\uXXXX`` inside strings.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from seamline.textsafe import UNSAFE_IN_JSON, show_escaped


def neutralise(text: str) -> str:
    """``text`` with every character a terminal would obey replaced by a visible escape (``\\x1b``)."""
    return show_escaped(text)


def plain(value: object) -> str:
    """``value`` as text safe to put inside Rich markup or a table cell: controls neutralised, markup
    escaped. Use it for every name, title, path or document excerpt printed with markup on."""
    from rich.markup import escape

    return escape(neutralise(str(value)))


class SafeConsole(Console):
    """A console that neutralises control characters in every string it renders (print arguments, table
    cells, titles), before markup is parsed; markup itself stays ours (see :func:`plain`)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(neutralise(text), **kwargs)


def make_console(**kwargs: Any) -> SafeConsole:
    """A :class:`SafeConsole` with the CLI's defaults: no highlighting, no ``:emoji:`` codes."""
    kwargs.setdefault("highlight", False)
    kwargs.setdefault("emoji", False)
    return SafeConsole(**kwargs)


def dump_json(data: Any, indent: int | None = 2) -> str:
    """Strict JSON text (``NaN``/``Infinity`` raise ValueError: a bug, never valid output), with C1
    controls, bidi controls and unpaired surrogates escaped as ``\\uXXXX`` so the text is terminal-safe."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=False)
    return UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (coloured on a terminal)."""
    text = dump_json(data)
    if console.is_terminal:
        from rich.highlighter import JSONHighlighter

        console.print(JSONHighlighter()(Text(text)), soft_wrap=True)
    else:
        console.file.write(text + "\n")
        console.file.flush()


app = typer.Typer(
    name="seamline",
    help="Decide how to buy external software-engineering capacity, cost it, and check the contract.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = make_console(soft_wrap=True)  # long lines wrap in the terminal, not mid-pipe
err_console = make_console(stderr=True)
