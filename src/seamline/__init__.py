"""seamline: decide how to buy external software-engineering capacity, and check you bought it.

Public API (pure functions over frozen values)::

    from seamline import load_knowledge, load_situation, advise
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "advise", "load_knowledge", "load_situation", "parse_situation"]

if TYPE_CHECKING:
    from seamline.advisor import advise
    from seamline.knowledge import load_knowledge
    from seamline.situation import load_situation, parse_situation

_LAZY = {
    "advise": "seamline.advisor",
    "load_knowledge": "seamline.knowledge",
    "load_situation": "seamline.situation",
    "parse_situation": "seamline.situation",
}


def __getattr__(name: str) -> Any:  # lazy: keep `import seamline` and CLI start-up fast
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
