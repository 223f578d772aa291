"""Measure the engagement-model check on a labelled folder (corpus layout: ``texts/`` + ``labels.yaml``).

The layout is that of ``../shared/data/engagements``: ``labels.yaml`` lists one entry per document with
its ``slug`` (``texts/<slug>.txt``) and ``labels`` (the accepted models, best first, or ``[null]`` for a
document that is not an engagement); an optional ``document_type`` names the type of a non-engagement.

Figures (``seamline eval-engagements DIR``):

- ``accuracy``: on engagement documents, the share whose detected model is among the accepted labels
  (a document left undecided counts as wrong);
- ``precision_committed``: of the documents given a model, the share where that model is accepted;
- ``false_engagement_rate``: of the non-engagements, the share typed as an engagement or master terms
  (documents labelled ``[null]`` with ``document_type: master_terms`` are master terms, counted apart);
- ``confusion``: first label (or ``null``) -> detected model (or ``null``) -> count;
- ``per_source``: the same per source (the slug's prefix, ``cuad-...`` -> ``cuad``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seamline.contracts.catalogue import DOCUMENT_TYPES, ENGAGEMENT_TYPES
from seamline.errors import InputFileError, Problem

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CorpusDoc:
    slug: str
    path: Path
    labels: tuple[str | None, ...]
    document_type: str | None = None
    claimed: str | None = None
    entry: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_engagement(self) -> bool:
        return self.labels != (None,)

    @property
    def is_master_terms(self) -> bool:
        """Master terms whose model is left to order forms: neither an engagement nor a non-engagement."""
        return not self.is_engagement and self.document_type == "master_terms"

    @property
    def source(self) -> str:
        """The slug's prefix: documents of one source share it."""
        return self.slug.split("-", 1)[0]

    @property
    def family(self) -> str:
        """The group held out together in leave-one-source-out: one template family.

        An entry's ``family`` names it; otherwise synthetic documents (``syn-sa-01-...``) form one family per
        prefix pair, documents of a real repository or library (``alaska-``, ``us-``) one per prefix, and
        CUAD contracts, each from a different company, one each.
        """
        if isinstance(self.entry.get("family"), str) and self.entry["family"]:
            return str(self.entry["family"])
        parts = self.slug.split("-")
        if parts[0] == "syn" and len(parts) > 1:
            return f"syn-{parts[1]}"
        if parts[0] == "cuad":
            return self.slug
        return parts[0]


def read_corpus(root: Path) -> list[CorpusDoc]:
    """The labelled documents of ``root``; every problem names the file and the entry."""
    from seamline.knowledge import MODEL_IDS
    from seamline.yamlio import read_data_file

    labels_path = root / "labels.yaml"
    texts = root / "texts"
    if not labels_path.is_file() or not texts.is_dir():
        raise InputFileError(f"{root}: expected texts/ and labels.yaml (the layout of the engagement corpus)")
    data = read_data_file(labels_path)
    if not isinstance(data, list):
        raise InputFileError(f"{labels_path}: expected a list of entries, one per document")
    docs: list[CorpusDoc] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for k, entry in enumerate(data):
        where = f"{labels_path}: entry {k + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("slug"), str) or not entry["slug"]:
            problems.append(Problem(where, "expected a mapping with a slug"))
            continue
        slug = entry["slug"]
        where = f"{where} ({slug})"
        labels = entry.get("labels")
        if not isinstance(labels, list) or not labels:
            problems.append(Problem(where, "labels: expected a list of accepted models, or [null]"))
            continue
        bad = [x for x in labels if x is not None and x not in MODEL_IDS]
        if bad or (None in labels and len(labels) > 1):
            problems.append(
                Problem(where, f"labels: expected model ids ({', '.join(MODEL_IDS)}) or [null]; got {labels}")
            )
            continue
        doc_type = entry.get("document_type")
        if doc_type is not None and doc_type not in DOCUMENT_TYPES:
            problems.append(Problem(where, f"document_type: expected one of {', '.join(DOCUMENT_TYPES)}"))
            continue
        if slug in seen:
            problems.append(Problem(where, "duplicate slug"))
            continue
        seen.add(slug)
        path = texts / f"{slug}.txt"
        if not path.is_file():
            problems.append(Problem(where, f"no text file texts/{slug}.txt"))
            continue
        docs.append(CorpusDoc(slug, path, tuple(labels), doc_type, entry.get("claimed"), entry))
    if problems:
        raise InputFileError(
            f"{labels_path}: {len(problems)} invalid entr{'y' if len(problems) == 1 else 'ies'}", problems
        )
    return docs


@dataclass(frozen=True)
class Outcome:
    """What the check said of one labelled document."""

    doc: CorpusDoc
    model: str | None
    document_type: str


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The figures of the module docstring for a set of outcomes."""
    engagements = [o for o in outcomes if o.doc.is_engagement]
    masters = [o for o in outcomes if o.doc.is_master_terms]
    others = [o for o in outcomes if not o.doc.is_engagement and not o.doc.is_master_terms]
    correct = sum(1 for o in engagements if o.model in o.doc.labels)
    committed = [o for o in outcomes if o.model is not None and not o.doc.is_master_terms]
    right = sum(1 for o in committed if o.model in o.doc.labels)
    false_eng = sum(1 for o in others if o.document_type in ENGAGEMENT_TYPES)
    return {
        "documents": len(outcomes),
        "engagements": len(engagements),
        "accuracy": _rate(correct, len(engagements)),
        "committed": len(committed),
        "precision_committed": _rate(right, len(committed)),
        "non_engagements": len(others),
        "false_engagement_rate": _rate(false_eng, len(others)),
        "master_terms": len(masters),
        "master_terms_recognised": sum(1 for o in masters if o.document_type == "master_terms"),
    }


def confusion(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for o in outcomes:
        row = table.setdefault(str(o.doc.labels[0]) if o.doc.labels[0] else "null", {})
        col = o.model or "null"
        row[col] = row.get(col, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def report(outcomes: Sequence[Outcome], seconds: float) -> dict[str, Any]:
    """The JSON shape of ``seamline eval-engagements --json``."""
    sources: dict[str, list[Outcome]] = {}
    for o in outcomes:
        sources.setdefault(o.doc.source, []).append(o)
    out = score(outcomes)
    out["confusion"] = confusion(outcomes)
    out["per_source"] = {s: score(rows) for s, rows in sorted(sources.items())}
    out["document_types"] = {t: sum(1 for o in outcomes if o.document_type == t) for t in DOCUMENT_TYPES}
    out["docs_per_second"] = round(len(outcomes) / seconds, 2) if seconds > 0 else 0.0
    out["seconds"] = round(seconds, 2)
    return out


def _outcome(path: str) -> tuple[str | None, str]:
    from seamline.contracts.check import check_contract

    detected = check_contract(path).detected
    return detected.model, detected.document_type


def evaluate_engagements(
    root: Path, *, workers: int = 1, on_progress: Progress | None = None
) -> dict[str, Any]:
    """Check every document of a labelled folder with the shipped weights and score the answers."""
    from seamline.contracts.check import check_text

    docs = read_corpus(root)
    check_text("Warm-up. The Supplier shall provide software development services through two engineers.")
    paths = [str(d.path) for d in docs]
    results: list[tuple[str | None, str]] = []
    start = time.perf_counter()
    if workers > 1 and len(paths) > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            for res in pool.imap(_outcome, paths, chunksize=2):
                results.append(res)
                if on_progress:
                    on_progress(len(results), len(paths))
    else:
        for path in paths:
            results.append(_outcome(path))
            if on_progress:
                on_progress(len(results), len(paths))
    elapsed = time.perf_counter() - start
    outcomes = [Outcome(d, m, t) for d, (m, t) in zip(docs, results, strict=True)]
    return report(outcomes, elapsed)
