"""`seamline eval-engagements`: the figures' JSON shape, the scoring rules, and clear errors for bad folders;
the trained weights' learner and artefact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from seamline.contracts.engagements import CorpusDoc, Outcome, read_corpus, report
from seamline.errors import InputFileError, KnowledgeError

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "engagements"
KEYS = {
    "accuracy",
    "precision_committed",
    "false_engagement_rate",
    "confusion",
    "per_source",
    "docs_per_second",
}


def _doc(slug: str, labels: tuple[str | None, ...], doc_type: str | None = None) -> CorpusDoc:
    return CorpusDoc(slug, Path(f"{slug}.txt"), labels, doc_type, None, {"document_type": doc_type})


def test_scoring_rules() -> None:
    outcomes = [
        Outcome(_doc("a-1", ("staff_augmentation",)), "staff_augmentation", "engagement"),
        Outcome(_doc("a-2", ("project_outsourcing", "dedicated_team")), "dedicated_team", "engagement"),
        Outcome(_doc("a-3", ("managed_services",)), None, "engagement"),  # undecided: wrong, not committed
        Outcome(_doc("b-1", ("managed_services",)), "project_outsourcing", "engagement"),
        Outcome(_doc("b-2", (None,), "nda"), None, "nda"),
        Outcome(_doc("b-3", (None,), "licence"), "managed_services", "engagement"),  # a false engagement
        Outcome(_doc("b-4", (None,), "master_terms"), "project_outsourcing", "master_terms"),  # apart
    ]
    fig = report(outcomes, seconds=2.0)
    assert set(fig) >= KEYS
    assert fig["accuracy"] == 0.5  # 2 of 4 engagements
    assert fig["precision_committed"] == 0.5  # 2 right of 4 named (master terms not counted)
    assert fig["false_engagement_rate"] == 0.5  # 1 of 2 non-engagements
    assert fig["master_terms"] == 1 and fig["master_terms_recognised"] == 1
    assert fig["confusion"]["managed_services"] == {"null": 1, "project_outsourcing": 1}
    assert fig["per_source"]["a"]["accuracy"] == round(2 / 3, 4)
    assert fig["per_source"]["b"]["engagements"] == 1
    assert fig["docs_per_second"] == 3.5


def _folder(tmp_path: Path, labels: str, texts: dict[str, str]) -> Path:
    (tmp_path / "texts").mkdir()
    (tmp_path / "labels.yaml").write_text(labels, encoding="utf-8")
    for slug, text in texts.items():
        (tmp_path / "texts" / f"{slug}.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_cli_json_on_a_small_folder(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _folder(
        tmp_path,
        "- slug: x-ms\n  labels: [managed_services]\n- slug: x-nda\n  labels: [null]\n  document_type: nda\n",
        {
            "x-ms": (Path(__file__).parent / "fixtures" / "managed_services.txt").read_text(encoding="utf-8"),
            "x-nda": (Path(__file__).parent / "fixtures" / "nda.txt").read_text(encoding="utf-8"),
        },
    )
    run = cli("eval-engagements", str(root), "--json")
    assert run.code == 0, run.err
    fig = json.loads(run.out)
    assert set(fig) >= KEYS
    assert fig["accuracy"] == 1.0 and fig["false_engagement_rate"] == 0.0
    assert fig["confusion"] == {"managed_services": {"managed_services": 1}, "null": {"null": 1}}
    text = cli("eval-engagements", str(root))
    assert text.code == 0 and "accuracy on engagements" in text.out


@pytest.mark.parametrize(
    ("labels", "files", "expected"),
    [
        (None, {}, "expected texts/ and labels.yaml"),
        ("- slug: a\n  labels: [body_shop]\n", {"a": "x"}, "entry 1 (a): labels"),
        ("- slug: a\n  labels: [null, staff_augmentation]\n", {"a": "x"}, "or [null]"),
        ("- slug: a\n  labels: [staff_augmentation]\n", {}, "no text file texts/a.txt"),
        ("- slug: a\n  labels: [null]\n  document_type: memo\n", {"a": "x"}, "document_type"),
        ("slug: a\n", {}, "expected a list of entries"),
        ("- [unclosed\n", {}, "labels.yaml"),
    ],
)
def test_bad_folders_are_refused_with_the_entry_named(
    tmp_path: Path, cli, labels: str | None, files: dict[str, str], expected: str
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "texts").mkdir()
    if labels is not None:
        (tmp_path / "labels.yaml").write_text(labels, encoding="utf-8")
    for slug, text in files.items():
        (tmp_path / "texts" / f"{slug}.txt").write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError):
        read_corpus(tmp_path)
    run = cli("eval-engagements", str(tmp_path))
    assert run.code == 2
    assert expected in run.err and "Traceback" not in run.err


@pytest.mark.skipif(not (CORPUS / "labels.yaml").exists(), reason="engagement corpus not available")
def test_the_corpus_reads_with_its_families() -> None:
    docs = read_corpus(CORPUS)
    assert len(docs) == 95
    families = {d.family for d in docs}
    assert {"alaska", "us", "syn-sa", "syn-dt", "syn-vo", "syn-pd", "syn-ms", "syn-mis"} <= families
    assert sum(1 for d in docs if not d.is_engagement) == 27


def test_learner_stays_at_the_prior_without_data_and_moves_with_it() -> None:
    from seamline.contracts.learn import fit, softmax

    prior = np.array([[2.0, 0.0], [0.0, 2.0]])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    # the data agree with the prior: the weights stay close to it
    agree = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    w, _ = fit(x, agree, prior, l2=10.0, bias_l2=10.0)
    assert np.allclose(w, prior, atol=0.3)
    # the data say the opposite: with little regularisation the weights follow them
    disagree = agree[:, ::-1]
    w2, b2 = fit(x, disagree, prior, l2=0.001)
    p = softmax(x @ w2 + b2)
    assert (p.argmax(1) == disagree.argmax(1)).all()


def test_an_unknown_signal_weighs_its_prior(tmp_path: Path) -> None:
    from seamline.contracts.learn import Weights

    weights = Weights(("a", "b"), ("known",), np.array([[1.0, -1.0]]), np.zeros(2), prior_scale=2.0)
    m = weights.matrix(["known", "added"], {"added": {"b": 1.5}})
    assert m.tolist() == [[1.0, -1.0], [0.0, 3.0]]


def test_a_broken_artefact_names_the_file(tmp_path: Path) -> None:
    from seamline.contracts.learn import load

    bad = tmp_path / "engagement.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=str(bad)):
        load(bad)
