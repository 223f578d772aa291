"""The trained clause classifier: per CUAD category, a linear model over clause words and word pairs.

The artefact (``model/clauses.npz``, rebuilt by ``scripts/train_contracts.py``) holds the vocabulary, the
weights, the per-category document thresholds and pattern bonuses tuned on the training part only, and the
ids of the training contracts (so an evaluation can leave them out). Inference is NumPy only.

A document's score for a category is its best clause's score plus the category's pattern bonus when one
of the checklist item's hand-written patterns matches anywhere in the document; the category is present
when that score reaches the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from seamline.contracts.features import Encoder, scores, tokens
from seamline.errors import KnowledgeError

MODEL_PATH = Path(__file__).with_name("model") / "clauses.npz"


def _join(items: Sequence[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _split(raw: npt.NDArray[np.uint8]) -> list[str]:
    text = raw.tobytes().decode("utf-8")
    return text.split("\n") if text else []


@dataclass(frozen=True)
class ClauseModel:
    categories: tuple[str, ...]
    encoder: Encoder
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    thresholds: npt.NDArray[np.float32]
    pattern_bonus: npt.NDArray[np.float32]
    training_ids: frozenset[str]

    def clause_scores(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Scores of each clause for each category, shape (clauses, categories)."""
        return self.token_scores([tokens(t) for t in texts])

    def token_scores(self, clause_tokens: Sequence[Sequence[str]]) -> npt.NDArray[np.float64]:
        """The same from already tokenised clauses (see :func:`seamline.contracts.features.tokens`)."""
        return scores(clause_tokens, self.encoder, self.weights, self.bias)

    def index(self, category: str) -> int:
        return self.categories.index(category)


def save_model(
    path: Path,
    vocab: Sequence[str],
    weights: npt.NDArray[np.float32],
    bias: npt.NDArray[np.float32],
    thresholds: npt.NDArray[np.float32],
    pattern_bonus: npt.NDArray[np.float32],
    categories: Sequence[str],
    training_ids: Sequence[str],
    feature_values: str = "binary",
) -> None:
    """Write the artefact atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(
        tmp,
        vocab=_join(vocab),
        weights=weights.astype(np.float16),
        bias=bias.astype(np.float32),
        thresholds=thresholds.astype(np.float32),
        pattern_bonus=pattern_bonus.astype(np.float32),
        categories=_join(categories),
        training_ids=_join(sorted(training_ids)),
        feature_values=_join([feature_values]),
    )
    tmp.replace(path)


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> ClauseModel:
    """Load the classifier artefact; a missing or broken file is a :class:`KnowledgeError` naming it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            vocab_list = _split(data["vocab"])
            values = _split(data["feature_values"])[0] if "feature_values" in data else "inv_sqrt"
            model = ClauseModel(
                categories=tuple(_split(data["categories"])),
                encoder=Encoder(vocab_list, values),
                weights=data["weights"].astype(np.float32),
                bias=data["bias"].astype(np.float32),
                thresholds=data["thresholds"].astype(np.float32),
                pattern_bonus=data["pattern_bonus"].astype(np.float32),
                training_ids=frozenset(_split(data["training_ids"])),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise KnowledgeError(
            f"{path}: cannot load the clause classifier ({exc}); rebuild it with scripts/train_contracts.py"
        ) from None
    if model.weights.shape != (model.encoder.size, len(model.categories)):
        raise KnowledgeError(f"{path}: weights do not match the vocabulary and categories")
    return model
