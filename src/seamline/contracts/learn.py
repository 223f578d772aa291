"""The small trained models of the engagement check: softmax regressions over signal values, pulled
towards the knowledge base's own weights.

Each model maps named feature values (signal counts, document-type cues) to a probability per class
(engagement models, document types). Training minimises the cross-entropy on labelled documents plus
``l2 / 2 * |W - prior_scale * P|^2``, where ``P`` is the ``points_to`` table of the knowledge base: with
few documents the weights stay close to what the knowledge base says, and the data moves them only as far
as it can support. A feature the artefact does not know (a signal a user added to the knowledge base) is
scored with ``prior_scale * points_to``; one the knowledge base no longer has is ignored.

The artefact ``model/engagement.json`` is small, readable JSON, rebuilt by ``scripts/train_engagements.py``.
NumPy only, at training and at run time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from seamline.errors import KnowledgeError

ARTEFACT = Path(__file__).with_name("model") / "engagement.json"
FloatArray = npt.NDArray[np.float64]


def softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit(
    x: FloatArray,
    targets: FloatArray,
    prior: FloatArray,
    *,
    l2: float,
    sample_weight: FloatArray | None = None,
    steps: int = 1500,
    rate: float = 0.05,
    bias_l2: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Weights (features x classes) and biases minimising weighted cross-entropy + l2/2 |W - prior|^2
    (+ bias_l2/2 |b|^2: a bias learnt from one corpus's class mix need not hold for the next document).

    ``targets`` are class probabilities per document (a document with two accepted labels can split its
    weight). Full-batch Adam; the problem is convex and small (hundreds of documents, tens of features).
    """
    n, d = x.shape
    k = targets.shape[1]
    w_s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    w_s = w_s / w_s.sum()
    weights = prior.astype(np.float64).copy()
    bias = np.zeros(k)
    m_w, v_w = np.zeros((d, k)), np.zeros((d, k))
    m_b, v_b = np.zeros(k), np.zeros(k)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        p = softmax(x @ weights + bias)
        err = (p - targets) * w_s[:, None]
        g_w = x.T @ err + l2 * (weights - prior)
        g_b = err.sum(axis=0) + bias_l2 * bias
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w**2
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b**2
        c1, c2 = 1 - beta1**t, 1 - beta2**t
        weights -= rate * (m_w / c1) / (np.sqrt(v_w / c2) + eps)
        bias -= rate * (m_b / c1) / (np.sqrt(v_b / c2) + eps)
    return weights, bias


@dataclass(frozen=True)
class Weights:
    """One trained softmax model: classes, feature names, weights (features x classes), biases."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    weights: FloatArray
    bias: FloatArray
    prior_scale: float
    meta: dict[str, Any] = field(default_factory=dict)

    def matrix(self, names: Sequence[str], prior: Mapping[str, Mapping[str, float]]) -> FloatArray:
        """Weights for the features ``names`` (in order); unknown ones from the knowledge base's prior."""
        known = {f: i for i, f in enumerate(self.features)}
        rows = []
        for name in names:
            if name in known:
                rows.append(self.weights[known[name]])
            else:
                rows.append(
                    np.array([self.prior_scale * prior.get(name, {}).get(c, 0.0) for c in self.classes])
                )
        return np.array(rows, dtype=np.float64).reshape(len(names), len(self.classes))

    def probabilities(
        self,
        values: Mapping[str, float],
        prior: Mapping[str, Mapping[str, float]],
        matrix: FloatArray | None = None,
    ) -> dict[str, float]:
        """Probability of each class; ``matrix`` is ``self.matrix(list(values), prior)`` when the caller
        already built it."""
        names = list(values)
        x = np.array([values[n] for n in names], dtype=np.float64)
        p = softmax(x @ (self.matrix(names, prior) if matrix is None else matrix) + self.bias)
        return {c: float(v) for c, v in zip(self.classes, p, strict=True)}

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "features": list(self.features),
            "weights": [[round(float(v), 4) for v in row] for row in self.weights],
            "bias": [round(float(v), 4) for v in self.bias],
            "prior_scale": self.prior_scale,
            **({"meta": self.meta} if self.meta else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        classes = tuple(str(c) for c in data["classes"])
        features = tuple(str(f) for f in data["features"])
        weights = np.array(data["weights"], dtype=np.float64).reshape(len(features), len(classes))
        bias = np.array(data["bias"], dtype=np.float64)
        if bias.shape != (len(classes),):
            raise ValueError("bias does not match the classes")
        return cls(classes, features, weights, bias, float(data["prior_scale"]), dict(data.get("meta", {})))


@dataclass(frozen=True)
class Artefact:
    """The trained document-type and engagement-model weights, with what they were trained on."""

    document_type: Weights
    model: Weights
    info: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "info": self.info,
            "document_type": self.document_type.to_json(),
            "model": self.model.to_json(),
        }


def save(artefact: Artefact, path: Path = ARTEFACT) -> None:
    """Write the artefact atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(artefact.to_json(), indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


@lru_cache(maxsize=4)
def load(path: Path = ARTEFACT) -> Artefact:
    """Load the artefact; a missing or broken file is a :class:`KnowledgeError` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Artefact(
            Weights.from_json(data["document_type"]), Weights.from_json(data["model"]), data["info"]
        )
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise KnowledgeError(
            f"{path}: cannot load the engagement-model weights ({exc}); rebuild them with "
            "scripts/train_engagements.py"
        ) from None
