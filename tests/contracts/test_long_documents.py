"""Long documents cost memory and time in proportion to their text, and get the answer a full search gives
(issue 13: a 19 MB text took 2.2 GB). The figures: benchmarks/document_memory.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seamline.contracts import learn
from seamline.contracts.catalogue import load_document_types, load_signals
from seamline.contracts.check import check_text
from seamline.contracts.classify import load_model
from seamline.contracts.detect import detect
from seamline.contracts.features import clause_tokens, scores, tokens
from seamline.contracts.ingest import normalise
from seamline.contracts.patterns import ClauseIndex, compile_pattern
from seamline.contracts.segment import segment
from seamline.contracts.signals import Hit, Reading, _index_for, affirmed, read, signal_counts

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def long_text() -> str:
    """Every text fixture, forty times over: every signal passes its cap many times."""
    parts = [p.read_text(encoding="utf-8") for p in sorted(FIX.glob("*.txt"))]
    return normalise("\n\n".join(parts * 40))


def _full_counts(reading: Reading) -> tuple[dict[str, float], list[Hit]]:
    """Signal counts searching every clause (what signal_counts did before it learnt to stop)."""
    signals = load_signals()
    cap = float(signals.detection.max_count.value)
    window = int(signals.detection.negation_window.value)
    counts: dict[str, float] = {}
    hits: list[Hit] = []
    for signal in signals.signals:
        total = 0.0
        index = _index_for(reading, signal.patterns)
        for i in index.hits(list(signal.patterns)):
            if affirmed(index.clauses[i].text, signal.patterns, window):
                weight, zone = reading.weight(i, signal.dimension)
                total += weight
                hits.append(Hit(signal.id, signal.dimension, i, weight, zone))
        counts[signal.id] = min(total, cap)
    return counts, hits


def test_stopping_early_keeps_the_counts_and_the_evidence(
    long_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seamline.contracts import detect as detect_module

    clauses = segment(long_text)
    index = ClauseIndex(clauses, clause_tokens(c.text for c in clauses))
    signals = load_signals()
    stopped = read(long_text, clauses, signals, index)
    counts, hits = signal_counts(stopped, signals)
    full_counts, full_hits = _full_counts(read(long_text, clauses, signals, ClauseIndex(clauses)))
    assert counts == full_counts
    assert len(hits) < len(full_hits) / 5  # it did stop early
    types, artefact = load_document_types(), learn.load()
    quick = detect(long_text, clauses, signals, types, artefact, index)
    monkeypatch.setattr(detect_module, "signal_counts", lambda reading, _signals: _full_counts(reading))
    full = detect(long_text, clauses, signals, types, artefact, ClauseIndex(clauses))
    assert quick == full


def test_windowed_search_finds_what_a_whole_search_finds(
    long_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seamline.contracts import patterns as patterns_module

    monkeypatch.setattr(patterns_module, "_WINDOW", 97)  # many windows, boundaries anywhere
    clauses = segment(long_text)
    index = ClauseIndex(clauses)
    fresh = ClauseIndex(clauses)
    for signal in load_signals().signals[:25]:
        patterns = list(signal.patterns)
        assert list(fresh.iter_hits(patterns)) == index.hits(patterns)
        regexes = [compile_pattern(p).regex for p in patterns]
        assert index.hits(patterns) == [
            i for i, c in enumerate(clauses) if any(r.search(c.text) for r in regexes)
        ]


def test_scores_in_batches_equal_scores_at_once(long_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from seamline.contracts import features

    model = load_model()
    toks = [tokens(c.text) for c in segment(long_text)[:3000]]
    batched = scores(toks, model.encoder, model.weights, model.bias)
    monkeypatch.setattr(features, "_BATCH_TOKENS", 10**12)
    whole = scores(toks, model.encoder, model.weights, model.bias)
    np.testing.assert_array_equal(batched, whole)


def test_words_are_held_once(long_text: str) -> None:
    toks = clause_tokens(c.text for c in segment(long_text)[:2000])
    flat = [t for clause in toks for t in clause]
    assert len({id(t) for t in flat}) == len(set(flat)) < len(flat) / 10


def test_a_long_document_is_checked_like_its_parts(long_text: str) -> None:
    """Forty copies of the fixtures: the same document type and findings as the fixtures read once."""
    once = check_text(
        normalise("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(FIX.glob("*.txt"))))
    )
    many = check_text(long_text)
    assert many.detected.document_type == once.detected.document_type
    assert {f.item for f in many.findings if f.status == "present"} >= {
        f.item for f in once.findings if f.status == "present"
    }
