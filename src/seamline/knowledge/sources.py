"""``sources.yaml``: the registry every other knowledge entry cites."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from seamline.errors import KnowledgeError
from seamline.knowledge.base import Entry, check_unique, read_yaml, rel, validate


class Source(Entry):
    id: str
    kind: Literal["seed", "assumption", "dataset"]
    publisher: str
    title: str
    date: str | None = None
    seed: str | None = None
    note: str | None = None


def load_sources(root: Path) -> dict[str, Source]:
    """sources.yaml: a list of sources with unique ids, by id."""
    path = root / "sources.yaml"
    data = read_yaml(path, root)
    where = rel(path, root)
    if not isinstance(data, list):
        raise KnowledgeError(f"{where}: expected a list of sources")
    items = [validate(d, Source, f"{where}[{i}]") for i, d in enumerate(data)]
    check_unique(((f"{where}[{i}]", s.id) for i, s in enumerate(items)), "source")
    return {s.id: s for s in items}
