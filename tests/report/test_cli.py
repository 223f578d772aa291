"""``seamline report`` and ``seamline brief``: files written atomically, bad input is exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.report.conftest import EXAMPLES, FIXTURES
from tests.report.helpers import docx_text, pdf_text

from seamline.cli import main

SITUATION = EXAMPLES / "kubernetes_specialist.yaml"
FAST = ["--trials", "300", "--seed", "5"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    code = exc.value.code if isinstance(exc.value.code, int) else 0
    return code, out, err


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_report_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    out = tmp_path / f"decision.{fmt}"
    code, stdout, _ = run(["report", str(SITUATION), "-o", str(out), *FAST], capsys)
    assert code == 0
    assert f"wrote {out} ({fmt}," in stdout and "recommended: Staff augmentation" in stdout
    data = out.read_bytes()
    if fmt == "pdf":
        text, _ = pdf_text(data)
        assert "Vendor brief" in text
    elif fmt == "docx":
        text, _ = docx_text(data)
        assert "Vendor brief" in text
    else:
        assert "Vendor brief" in data.decode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


def test_format_option_overrides_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "decision.txt"
    code, _, _ = run(["report", str(SITUATION), "-o", str(out), "--format", "md", *FAST], capsys)
    assert code == 0 and out.read_text(encoding="utf-8").startswith("# Engagement decision")


def test_same_seed_same_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    run(["report", str(SITUATION), "-o", str(a), *FAST], capsys)
    run(["report", str(SITUATION), "-o", str(b), *FAST], capsys)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/decision.rtf"], "cannot tell the format from the suffix"),
        (["-o", "{tmp}/decision.md", "--format", "rtf"], "--format: got 'rtf'"),
        (["-o", "{tmp}/no/such/folder/decision.md"], "no such folder"),
        (["-o", "{tmp}"], "is a folder"),
        (["-o", "{tmp}/decision.md", "--trials", "0"], "--trials: got 0"),
        (["-o", "{tmp}/decision.md", "--months", "0"], "--months: got 0"),
        (["-o", "{tmp}/decision.md", "--contract", "{tmp}/missing.pdf"], "missing.pdf"),
    ],
)
def test_bad_input_is_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, _, err = run(["report", str(SITUATION), *filled], capsys)
    assert code == 2
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_bad_situation_leaves_an_existing_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstage: unicorn\n", encoding="utf-8")
    out = tmp_path / "decision.md"
    out.write_text("previous decision\n", encoding="utf-8")
    code, _, err = run(["report", str(bad), "-o", str(out), *FAST], capsys)
    assert code == 2 and "stage" in err
    assert out.read_text(encoding="utf-8") == "previous decision\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "decision.md"]


def test_report_with_a_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "decision.md"
    contract = FIXTURES / "mislabelled_managed_services.txt"
    code, _, _ = run(["report", str(SITUATION), "-o", str(out), "--contract", str(contract), *FAST], capsys)
    assert code == 0
    md = out.read_text(encoding="utf-8")
    assert "## Contract check" in md and "> " in md


def test_brief_prints_the_recommended_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["brief", str(EXAMPLES / "enterprise_helpdesk.yaml")], capsys)
    assert code == 0
    assert out.startswith("Request for proposal: managed services")
    assert "service-level targets" in out.lower()


def test_brief_for_a_chosen_model_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "brief.txt"
    code, _, _ = run(["brief", str(SITUATION), "--model", "project_outsourcing", "-o", str(out)], capsys)
    assert code == 0
    assert "acceptance criteria" in out.read_text(encoding="utf-8").lower()


def test_brief_unknown_model_is_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["brief", str(SITUATION), "--model", "body_shop"], capsys)
    assert code == 2 and "unknown model 'body_shop'" in err


def test_brief_for_contradictory_answers_is_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "contradictory.yaml"
    bad.write_text(
        text.replace("technical_leadership: strong", "technical_leadership: none"), encoding="utf-8"
    )
    code, _, err = run(["brief", str(bad)], capsys)
    assert code == 2 and "pass --model" in err


def test_report_for_contradictory_answers_is_written_without_a_brief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "contradictory.yaml"
    bad.write_text(
        text.replace("technical_leadership: strong", "technical_leadership: none"), encoding="utf-8"
    )
    out = tmp_path / "decision.md"
    code, stdout, err = run(["report", str(bad), "-o", str(out), *FAST], capsys)
    assert code == 0
    assert "undetermined" in stdout and "no vendor brief" in err
    md = out.read_text(encoding="utf-8")
    assert "No engagement model can be recommended" in md
    assert "Request for proposal" not in md
