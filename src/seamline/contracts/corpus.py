"""Read a labelled contract corpus in the layout of CUAD (``texts/<id>.txt`` + ``labels.jsonl``).

The held-out part used to report figures is fixed by a hash of the contract id, so it never depends on
file order: a contract is held out when ``sha256(id)`` read as an integer, modulo 100, is below
:data:`HELD_OUT_PERCENT`. Training (``scripts/train_contracts.py``) uses only the other contracts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from seamline.errors import InputFileError, Problem

HELD_OUT_PERCENT = 28  # evaluation protocol, not a business figure: ~28% of CUAD is never trained or tuned on


def is_held_out(doc_id: str) -> bool:
    """True for the fixed held-out part of a corpus (deterministic hash split by contract id)."""
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest(), 16) % 100 < HELD_OUT_PERCENT


@dataclass(frozen=True)
class LabelledDoc:
    id: str
    path: Path
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def present(self, category: str) -> bool:
        return bool(self.spans.get(category))


def read_labels(root: Path) -> list[LabelledDoc]:
    """The corpus's documents with their labelled spans; errors name the file and line."""
    labels = root / "labels.jsonl"
    texts = root / "texts"
    if not labels.is_file() or not texts.is_dir():
        raise InputFileError(f"{root}: expected texts/ and labels.jsonl (the layout of CUAD)")
    docs: list[LabelledDoc] = []
    with labels.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc_id = str(row["id"])
                spans = {
                    cat: [(int(s["start"]), int(s["start"]) + len(s["text"])) for s in items]
                    for cat, items in dict(row["labels"]).items()
                }
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputFileError(
                    f"{labels}: invalid label record",
                    [Problem(f"{labels}:{lineno}", f"{type(exc).__name__}: {exc}")],
                ) from None
            docs.append(LabelledDoc(doc_id, texts / f"{doc_id}.txt", spans))
    return docs


def iter_texts(docs: list[LabelledDoc]) -> Iterator[tuple[LabelledDoc, str]]:
    for doc in docs:
        try:
            text = doc.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputFileError(f"{doc.path}: cannot read ({exc.strerror})") from None
        yield doc, text
