"""Clause features: value modes of the encoder and their round trip through the model artefact."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.contracts.classify import load_model, save_model
from seamline.contracts.features import Encoder, scores, tokens
from seamline.errors import KnowledgeError

VOCAB = ["the", "client", "may", "terminate", "may terminate", "for", "convenience", "for convenience"]
WORDS = st.lists(
    st.sampled_from(["the", "client", "may", "terminate", "for", "convenience", "xyz"]), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=5))
def test_binary_values_are_one_and_inv_sqrt_scales_by_clause(clauses: list[list[str]]) -> None:
    rows, cols, vals = Encoder(VOCAB, "binary").encode_tokens(clauses)
    assert np.all(vals == 1.0)
    rows2, cols2, vals2 = Encoder(VOCAB, "inv_sqrt").encode_tokens(clauses)
    assert np.array_equal(rows, rows2) and np.array_equal(cols, cols2)
    counts = np.bincount(rows2, minlength=len(clauses))
    assert np.allclose(vals2, 1.0 / np.sqrt(counts[rows2]))
    # every feature found is a word or adjacent pair of its clause
    for r, c in zip(rows, cols, strict=True):
        toks = clauses[r]
        assert VOCAB[c] in set(toks) | {f"{a} {b}" for a, b in pairwise(toks)}


def test_binary_score_is_the_sum_of_weights() -> None:
    enc = Encoder(VOCAB, "binary")
    weights = np.arange(len(VOCAB), dtype=np.float32)[:, None]
    got = scores([tokens("The Client may terminate for convenience.")], enc, weights, np.zeros(1))
    assert got[0, 0] == pytest.approx(float(weights.sum()))


def test_unknown_value_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="binary"):
        Encoder(VOCAB, "tfidf")


def _save(path: Path, values: str) -> None:
    n = len(VOCAB)
    save_model(path, VOCAB, np.ones((n, 1), np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32),
               np.zeros(1, np.float32), ["Governing Law"], ["a"], values)  # fmt: skip


@pytest.mark.parametrize("values", ["binary", "inv_sqrt"])
def test_artefact_keeps_its_value_mode(tmp_path: Path, values: str) -> None:
    _save(tmp_path / "m.npz", values)
    assert load_model(tmp_path / "m.npz").encoder.values == values


def test_artefact_with_unknown_value_mode_names_the_file(tmp_path: Path) -> None:
    _save(tmp_path / "bad.npz", "tfidf")
    with pytest.raises(KnowledgeError, match=r"bad\.npz"):
        load_model(tmp_path / "bad.npz")


def test_shipped_model_uses_binary_features() -> None:
    assert load_model().encoder.values == "binary"
