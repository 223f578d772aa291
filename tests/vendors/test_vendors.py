"""Vendor due diligence: grading by evidence, red flags, weighting by engagement model, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seamline.cli import main
from seamline.errors import InputFileError
from seamline.vendors import (
    compare_vendors,
    load_vendor_knowledge,
    parse_vendor,
    score_question,
    score_vendor,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("vendor_*.yaml"))


def vendor(**answers: str) -> Any:
    return parse_vendor({"name": "Test vendor", "models": ["staff_augmentation"], "answers": answers}, "test")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_vague_attrition_answer_scores_below_a_data_backed_one() -> None:
    """source: empat-outstaffing-outsourcing ("very low turnover" guesses; "tenure 2.8 years and a
    knowledge-transfer protocol" has thought about continuity)."""
    vk = load_vendor_knowledge()
    q = vk.question("attrition")
    vague = score_question(vendor(attrition="We have very low turnover."), q, vk, None)
    backed = score_question(
        vendor(
            attrition="Our average engineer tenure is 2.8 years, and here is our knowledge transfer protocol."
        ),
        q,
        vk,
        None,
    )
    assert vague.grade == "weak"
    assert backed.grade == "strong"
    assert vague.points < backed.points
    assert (
        score_vendor(vendor(attrition="We have very low turnover.")).score
        < score_vendor(
            vendor(attrition="Average tenure 2.8 years; knowledge-transfer protocol attached.")
        ).score
    )


def test_structured_tenure_figure_counts_as_the_figure() -> None:
    """source: empat-outstaffing-outsourcing (attrition figures are evidence)."""
    vk = load_vendor_knowledge()
    data = {
        "name": "V",
        "attrition": {"average_tenure_years": 2.8},
        "answers": {"attrition": "See our handover protocol."},
    }
    assert score_question(parse_vendor(data, "t"), vk.question("attrition"), vk, None).grade == "strong"


@pytest.mark.parametrize("answer", [None, "To be negotiated in the contract."])
def test_vendor_that_will_not_say_who_owns_the_code_gets_a_red_flag(answer: str | None) -> None:
    """source: empat-outstaffing-outsourcing (ask who owns the code on day one)."""
    answers = {"attrition": "Average tenure 3 years; knowledge-transfer protocol."}
    if answer is not None:
        answers["code_ownership"] = answer
    card = score_vendor(vendor(**answers))
    assert any(f.question == "code_ownership" for f in card.red_flags)
    clear = score_vendor(
        vendor(**answers | {"code_ownership": "You own the code from day one via an IP assignment clause."})
    )
    assert not any(f.question == "code_ownership" for f in clear.red_flags)


def test_weights_follow_the_engagement_model() -> None:
    """source: empat-outstaffing-outsourcing (SOC 2 / ISO 27001 is what to check when outsourcing)."""
    vk = load_vendor_knowledge()
    q = vk.question("data_security")
    assert vk.weight(q, "managed_services") > vk.weight(q, "staff_augmentation")
    only_security = vendor(data_security="SOC 2 and ISO 27001 certified; access control with MFA.")
    assert (
        score_vendor(only_security, "managed_services").score
        > score_vendor(only_security, "staff_augmentation").score
    )


def test_a_vendor_that_does_not_offer_the_model_is_flagged_and_ranked_after() -> None:
    """source: codersera-three-models (buy the model you mean)."""
    a = parse_vendor(
        {"name": "A", "models": ["managed_services"], "answers": {"attrition": "2 years tenure, protocol"}},
        "a",
    )
    b = parse_vendor({"name": "B", "models": ["staff_augmentation"], "answers": {"attrition": "low"}}, "b")
    result = compare_vendors([a, b], "staff_augmentation")
    assert result.ranking[0].vendor == "B"
    assert result.cards[0].offers_model is False
    assert any(f.question is None for f in result.cards[0].red_flags)


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=60).filter(str.strip)
)
def test_adding_a_process_never_lowers_a_grade(text: str) -> None:
    """source: empat-outstaffing-outsourcing (a process is evidence)."""
    vk = load_vendor_knowledge()
    q = vk.question("replacement")
    base = score_question(vendor(replacement=text), q, vk, None)
    more = score_question(vendor(replacement=text + " with a knowledge-transfer protocol"), q, vk, None)
    assert more.points >= base.points


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"name": "Empty"}, "answers none of the vendor questions"),
        ({"name": "E", "answers": {"attrition": ""}}, "answers none of the vendor questions"),
        ({"name": "X", "answers": {"tenure": "3 years"}}, "answers.tenure"),
        ({"name": "X", "motto": "fast", "answers": {"attrition": "low"}}, "motto"),
        ({"name": "X", "models": ["body_shopping"], "answers": {"attrition": "low"}}, "models[0]"),
    ],
)
def test_bad_vendor_files_are_refused(data: dict[str, Any], needle: str) -> None:
    with pytest.raises(InputFileError) as exc:
        parse_vendor(data, "v.yaml")
    assert needle in str(exc.value)


def test_cli_vendor_file_with_no_answers_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "vendor_empty.yaml"
    bad.write_text("name: Nobody\nmodels: [staff_augmentation]\nanswers: {}\n")
    code, _, err = run(capsys, "vendors", "score", str(bad))
    assert code == 2
    assert "vendor_empty.yaml" in err and "answers none of the vendor questions" in err


def test_cli_unknown_model_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "vendors", "score", str(EXAMPLES[0]), "--model", "body_shopping")
    assert code == 2 and "unknown engagement model" in err


def test_cli_compare_examples_json_and_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert len(EXAMPLES) >= 3
    chart = tmp_path / "vendors.svg"
    code, out, err = run(
        capsys,
        "vendors",
        "compare",
        *map(str, EXAMPLES),
        "--model",
        "staff_augmentation",
        "--json",
        "--chart",
        str(chart),
    )
    assert code == 0, err
    data = json.loads(out)
    assert {"model", "best", "ranking", "questions", "vendors"} <= set(data)
    assert {"vendor", "score", "questions", "red_flags", "offers_model"} <= set(data["vendors"][0])
    scores = [r["score"] for r in data["ranking"]]
    assert data["best"] == data["ranking"][0]["vendor"]
    assert len(scores) == len(EXAMPLES)
    assert chart.read_text().lstrip().startswith("<?xml")


def test_cli_compare_table_and_score(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "vendors", "compare", *map(str, EXAMPLES))
    assert code == 0 and "best:" in out
    code, out, _ = run(capsys, "vendors", "score", str(EXAMPLES[0]), "--model", "dedicated_team")
    assert code == 0 and "/100" in out


def test_cli_bad_chart_suffix_exits_2_without_writing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "chart.gif"
    code, _, err = run(capsys, "vendors", "compare", *map(str, EXAMPLES), "--chart", str(target))
    assert code == 2 and ".svg" in err and not target.exists()
