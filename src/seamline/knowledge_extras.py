"""Validation hooks for the parts of the knowledge base owned by other packages.

Each domain package (cost, seams, contracts, vendors) that keeps files in ``knowledge/`` adds one
function here returning ``(label, count)`` after loading its files through
:func:`seamline.knowledge.load_file`, so ``seamline knowledge validate`` checks the whole knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable

from seamline.knowledge import KnowledgeBase

Validator = Callable[[KnowledgeBase], list[tuple[str, int]]]
VALIDATORS: list[Validator] = []


def validate_extras(kb: KnowledgeBase) -> list[tuple[str, int]]:
    counts: list[tuple[str, int]] = []
    for validator in VALIDATORS:
        counts += validator(kb)
    return counts


def _contracts(kb: KnowledgeBase) -> list[tuple[str, int]]:
    from seamline.contracts.catalogue import load_checklist, load_document_types, load_signals

    signals = load_signals(kb.root)
    types = load_document_types(kb.root)
    return [
        ("checklist items", len(load_checklist(kb.root).items)),
        ("engagement-model signals", len(signals.signals)),
        ("document-type cues", len(types.cues)),
    ]


VALIDATORS.append(_contracts)


def _cost(kb: KnowledgeBase) -> list[tuple[str, int]]:
    from seamline.cost.parameters import validate_cost_files

    return validate_cost_files(kb)


VALIDATORS.append(_cost)


def _vendors_and_portfolio(kb: KnowledgeBase) -> list[tuple[str, int]]:
    from seamline import portfolio, vendors

    return vendors.validate_knowledge(kb) + portfolio.validate_knowledge(kb)


VALIDATORS.append(_vendors_and_portfolio)


def _report(kb: KnowledgeBase) -> list[tuple[str, int]]:
    from seamline.report.brief import validate_knowledge

    return validate_knowledge(kb)


VALIDATORS.append(_report)
