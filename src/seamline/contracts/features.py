"""Clause features shared by training and checking: lower-cased words and adjacent word pairs.

A clause becomes the set of its words and adjacent word pairs that are in the trained vocabulary, each
with value 1 (``values="binary"``, the default since training-part cross-validation preferred it: nested
macro-F1 0.807 against 0.793) or ``1 / sqrt(n)`` (``values="inv_sqrt"``, n = the number of distinct
features in the clause; artefacts written before the choice was recorded), so a linear model's score is
the sum of the selected weight rows times that value. Pure NumPy; no scikit-learn at run time.

:class:`Encoder` does the lookup vectorised: every word becomes an integer once, and word pairs are found
by integer keys instead of building a string per pair.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

_TOKEN = re.compile(r"[a-z][a-z0-9]*|\d+")
IntArray = npt.NDArray[np.int64]
FEATURE_VALUES = ("binary", "inv_sqrt")
# clauses are scored in batches of about this many words, so that the (features x categories) rows of a long
# document never sit in memory at once: a 19 MB text has millions of features (a memory bound, not a
# business number)
_BATCH_TOKENS = 50_000


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text``."""
    return _TOKEN.findall(text.lower())


def clause_tokens(texts: Iterable[str]) -> list[list[str]]:
    """The tokens of many clauses, each distinct word held once (a long document repeats its words: one
    string object per occurrence costs about 55 bytes, a shared one 8)."""
    return [list(map(sys.intern, _TOKEN.findall(text.lower()))) for text in texts]


def features(text: str) -> list[str]:
    """Words and adjacent word pairs of one clause (used to build the vocabulary)."""
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in pairwise(toks)]


class Encoder:
    """Maps tokenised clauses to sparse (row, column, value) triples over a fixed vocabulary."""

    def __init__(self, vocab: Sequence[str], values: str = "binary") -> None:
        if values not in FEATURE_VALUES:
            raise ValueError(f"feature values {values!r}; expected one of {', '.join(FEATURE_VALUES)}")
        self.values = values
        self.size = len(vocab)
        words: dict[str, int] = {}
        unigram: list[tuple[int, int]] = []
        pairs: list[tuple[str, str, int]] = []
        for fid, feat in enumerate(vocab):
            a, _, b = feat.partition(" ")
            if b:
                pairs.append((a, b, fid))
            else:
                unigram.append((words.setdefault(a, len(words)), fid))
        for a, b, _ in pairs:
            words.setdefault(a, len(words))
            words.setdefault(b, len(words))
        self.words = words
        n = len(words) + 1
        self._n = n
        self._word_feature = np.full(n, -1, dtype=np.int64)  # word id -> unigram feature id (or -1)
        for wid, fid in unigram:
            self._word_feature[wid] = fid
        keys = np.array([words[a] * n + words[b] for a, b, _ in pairs], dtype=np.int64)
        fids = np.array([fid for _, _, fid in pairs], dtype=np.int64)
        order = np.argsort(keys)
        self._pair_keys = keys[order]
        self._pair_features = fids[order]

    def encode_tokens(
        self, clauses: Sequence[Sequence[str]]
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.float64]]:
        """(row, column, value) of the clauses' features; distinct columns per row."""
        get = self.words.get
        unknown = self._n - 1
        ids: list[int] = []
        rows: list[int] = []
        for i, toks in enumerate(clauses):
            ids.extend([get(t, unknown) for t in toks])
            rows.extend([i] * len(toks))
        if not ids:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        wid = np.asarray(ids, dtype=np.int64)
        row = np.asarray(rows, dtype=np.int64)
        uni = self._word_feature[wid]
        same = row[1:] == row[:-1]  # a pair never spans two clauses
        keys = wid[:-1] * self._n + wid[1:]
        pos = np.searchsorted(self._pair_keys, keys)
        pos = np.minimum(pos, max(len(self._pair_keys) - 1, 0))
        if len(self._pair_keys):
            found = same & (self._pair_keys[pos] == keys) & (wid[:-1] != unknown) & (wid[1:] != unknown)
            bi = np.where(found, self._pair_features[pos], -1)
        else:
            bi = np.full(len(keys), -1, dtype=np.int64)
        cols = np.concatenate([uni, bi])
        rws = np.concatenate([row, row[:-1]])
        keep = cols >= 0
        flat = np.unique(rws[keep] * self.size + cols[keep])
        r = flat // self.size
        c = flat % self.size
        if self.values == "binary":
            return r, c, np.ones(len(r))
        counts = np.bincount(r, minlength=len(clauses)).astype(np.float64)
        return r, c, 1.0 / np.sqrt(counts[r])


def scores(
    clauses: Sequence[Sequence[str]],
    encoder: Encoder,
    weights: npt.NDArray[np.floating],
    bias: npt.NDArray[np.floating],
) -> npt.NDArray[np.float64]:
    """Linear scores (logits) of tokenised clauses, shape (clauses, categories)."""
    out = np.tile(np.asarray(bias, dtype=np.float64), (len(clauses), 1))
    start = 0
    while start < len(clauses):  # a batch at a time: the feature rows of a whole document never coexist
        stop, held = start, 0
        while stop < len(clauses) and (stop == start or held + len(clauses[stop]) <= _BATCH_TOKENS):
            held += len(clauses[stop])
            stop += 1
        rows, cols, vals = encoder.encode_tokens(clauses[start:stop])
        if rows.size:
            contrib = weights[cols].astype(np.float64) * vals[:, None]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            out[start + rows[starts]] += np.add.reduceat(contrib, starts, axis=0)
        start = stop
    return out
