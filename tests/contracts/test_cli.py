"""The `check`, `scan` and `eval-contracts` commands: JSON shapes, exit codes and messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seamline.cli import main

FIX = Path(__file__).parent / "fixtures"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(FIX / "mislabel_managed_named_engineers.txt"), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"claimed", "detected", "mislabel", "findings"} <= set(data)
    assert set(data["detected"]) >= {"model", "confidence", "evidence"}
    assert set(data["mislabel"]) >= {"pattern", "text"}
    finding = data["findings"][0]
    assert set(finding) >= {"item", "cuad", "status", "required_for_detected_model", "evidence"}
    assert finding["status"] in {"present", "weak", "missing"}
    cuad_items = [f for f in data["findings"] if f["cuad"]]
    assert len(cuad_items) == 19
    for f in data["findings"]:
        for ev in f["evidence"]:
            assert set(ev) >= {"text", "start", "end", "section"}


def test_check_nda_detects_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(FIX / "nda.txt"), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["detected"]["model"] is None and data["mislabel"] is None


def test_check_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(FIX / "mislabel_sow_staff_aug.txt")], capsys)
    assert code == 0
    assert "staff_augmentation" in out and "mislabel" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/file.txt"], "no such file"),
        (["check", str(FIX / "bad" / "encrypted.pdf")], "encrypted"),
        (["check", str(FIX / "bad" / "scanned.pdf")], "OCR"),
        (["check", str(FIX / "bad" / "corrupt.docx")], "corrupt DOCX"),
        (["check", str(FIX / "nda.txt"), "--claimed", "body_shop"], "unknown model 'body_shop'"),
        (["check", str(FIX / "bad" / "no-words.txt")], "holds no words"),
    ],
)
def test_check_bad_input_exits_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_scan_is_resumable_and_reports_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("nda.txt", "managed_services.txt", "staff_augmentation.md"):
        shutil.copy(FIX / name, folder / name)
    shutil.copy(FIX / "bad" / "encrypted.pdf", folder / "encrypted.pdf")
    out = tmp_path / "results.jsonl"
    code, text, _ = run(["scan", str(folder), "--workers", "2", "--out", str(out)], capsys)
    assert code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    errors = [r for r in records if "error" in r]
    assert len(errors) == 1 and "encrypted" in errors[0]["error"]
    assert "3 checked, 1 errors" in text

    # an interrupted run left half a line; a new file appeared: only the new file is checked
    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"path": "half')
    shutil.copy(FIX / "dedicated_team.txt", folder / "dedicated_team.txt")
    code, text, _ = run(["scan", str(folder), "--workers", "1", "--out", str(out)], capsys)
    assert code == 0
    assert "1 checked, 0 errors, 4 already" in text
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 5
    assert sorted(Path(r["path"]).name for r in records)[1] == "encrypted.pdf"


def test_scan_not_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["scan", str(tmp_path / "nope"), "--out", str(tmp_path / "r.jsonl")], capsys)
    assert code == 2 and "not a folder" in err


def _corpus(tmp_path: Path) -> Path:
    """A tiny corpus in CUAD's layout made from the fixtures, labelled for Governing Law only."""
    root = tmp_path / "corpus"
    (root / "texts").mkdir(parents=True)
    rows = []
    for name in ("project_outsourcing.txt", "managed_services.txt", "nda.txt", "in_house_employment.txt"):
        text = (FIX / name).read_text(encoding="utf-8")
        doc_id = name.removesuffix(".txt")
        (root / "texts" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        start = text.index("governed by")
        rows.append({"id": doc_id, "labels": {"Governing Law": [{"text": "governed by", "start": start}]}})
    (root / "labels.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return root


def test_eval_contracts_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _corpus(tmp_path)
    code, out, _ = run(["eval-contracts", str(root), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert {"categories", "macro_f1", "docs_per_second"} <= set(data)
    law = data["categories"]["Governing Law"]
    assert set(law) >= {"precision", "recall", "f1", "support"}
    assert law["support"] == 4
    assert law["recall"] == 1.0
    assert data["categories"]["Source Code Escrow"]["support"] == 0
    assert data["docs_per_second"] > 0


def test_eval_contracts_bad_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["eval-contracts", str(tmp_path)], capsys)
    assert code == 2 and "labels.jsonl" in err
    (tmp_path / "texts").mkdir()
    (tmp_path / "labels.jsonl").write_text('{"id": "a"}\n', encoding="utf-8")
    code, _, err = run(["eval-contracts", str(tmp_path)], capsys)
    assert code == 2 and "labels.jsonl:1" in err
