"""The threshold rule and the fold split of the classifier's training scripts (scripts/ is not a package)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from contracts_experiments import stratified_folds
from train_contracts import best_threshold, f1_by_threshold


def _f1(pred: np.ndarray, truth: np.ndarray) -> float:
    tp = int((pred & truth).sum())
    return 2 * tp / max(1, 2 * tp + int((pred & ~truth).sum()) + int((~pred & truth).sum()))


scores_and_truth = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from([-np.inf, -2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 2.5]), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(scores_and_truth)
def test_f1_by_threshold_matches_counting(data: tuple[list[float], list[bool]]) -> None:
    scores, truth = np.array(data[0]), np.array(data[1])
    order, f1 = f1_by_threshold(scores, truth)
    assert list(order) == sorted(set(scores))
    for t, f in zip(order, f1, strict=True):
        assert abs(f - _f1(scores >= t, truth)) < 1e-12


@settings(max_examples=200, deadline=None)
@given(scores_and_truth)
def test_best_threshold_argmax_reaches_the_best_f1(data: tuple[list[float], list[bool]]) -> None:
    scores, truth = np.array(data[0]), np.array(data[1])
    t, best = best_threshold(scores, truth, plateau=0.0)
    assert abs(_f1(scores >= t, truth) - best) < 1e-12
    assert best == max(_f1(scores >= s, truth) for s in scores)


def test_plateau_threshold_is_the_median_of_the_near_best_scores() -> None:
    scores = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9, 1.0])
    truth = np.array([False, False, True, True, True, True, False, True])
    order, f1 = f1_by_threshold(scores, truth)
    top = f1.max()
    t, best = best_threshold(scores, truth, plateau=0.05)
    assert best == top
    assert t == float(np.median(order[f1 >= top - 0.05]))
    # a wider plateau takes in more thresholds; with none it is the single best point
    assert best_threshold(scores, truth, plateau=0.0)[0] < float(order[int(np.argmax(f1))])


def test_stratified_folds_spread_every_category() -> None:
    rng = np.random.default_rng(3)
    truth = rng.random((287, 6)) < np.array([0.03, 0.1, 0.3, 0.5, 0.8, 0.05])
    folds = stratified_folds(truth, 5)
    assert set(folds) == {0, 1, 2, 3, 4}
    sizes = np.bincount(folds)
    assert sizes.max() - sizes.min() <= 2
    for k in range(truth.shape[1]):
        per_fold = np.bincount(folds[truth[:, k]], minlength=5)
        assert per_fold.max() - per_fold.min() <= 2, (k, per_fold)
