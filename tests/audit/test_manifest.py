"""Manifests: parsed, unknown columns carried through, bad rows refused naming the row and the field, a
missing document recorded with its reason without stopping the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seamline.audit import run_audit
from seamline.audit.manifest import items, validate
from seamline.errors import InputFileError

from .conftest import records

HEADER = "path,vendor,claimed_model,annual_value,currency,start_date,end_date,owner,cost_centre\n"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_manifest_is_parsed_and_unknown_columns_are_kept(repo: Path) -> None:
    manifest = write(
        repo,
        "manifest.csv",
        HEADER
        + "nda.txt,,,,,,,,\n"
        + 'staff_augmentation.md,"Acme, Inc.",managed_services,120000.50,eur,'
        + "2024-01-01,2026-12-31,Ana,CC-7\n",
    )
    got = list(items(manifest))
    assert [i.path for i in got] == ["nda.txt", "staff_augmentation.md"]
    meta = got[1].metadata
    assert meta["vendor"] == "Acme, Inc."
    assert meta["claimed_model"] == "managed_services"
    assert meta["annual_value"] == 120000.5
    assert meta["currency"] == "EUR"
    assert (meta["start_date"], meta["end_date"], meta["owner"]) == ("2024-01-01", "2026-12-31", "Ana")
    assert meta["extra"] == {"cost_centre": "CC-7"}
    assert got[0].metadata["vendor"] is None and got[0].metadata["annual_value"] is None
    assert got[1].row == 2 and got[1].file == str((repo / "staff_augmentation.md").absolute())


def test_a_jsonl_manifest_keeps_unknown_fields_and_they_reach_documents_jsonl(
    repo: Path, tmp_path: Path
) -> None:
    rows = [
        {"path": "nda.txt", "vendor": "Lexa", "tags": ["legal", "2024"], "region": "EU"},
        {"path": "mislabel_sow_staff_aug.txt", "annual_value": 50000, "currency": "USD"},
    ]
    manifest = write(repo, "m.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    assert validate(manifest) == 2
    out = tmp_path / "out"
    run_audit(manifest, out, workers=1, report=False)
    recs = {r["path"]: r for r in records(out / "documents.jsonl")}
    assert recs["nda.txt"]["metadata"]["extra"] == {"tags": ["legal", "2024"], "region": "EU"}
    assert recs["nda.txt"]["metadata"]["vendor"] == "Lexa"
    assert recs["nda.txt"]["row"] == 1
    assert recs["mislabel_sow_staff_aug.txt"]["metadata"]["annual_value"] == 50000


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ("nda.txt,,,,,2024-02-30,,,", "start_date", "not a calendar date"),
        ("nda.txt,,,,,,31/12/2026,,", "end_date", "expected YYYY-MM-DD"),
        ("nda.txt,,,12k,,,,,", "annual_value", "is not a number"),
        ("nda.txt,,,-5,,,,,", "annual_value", "zero or more"),
        ("nda.txt,,,nan,,,,,", "annual_value", "is not a number"),
        ("nda.txt,,,,euro,,,,", "currency", "three letters"),
        ("nda.txt,,body_shop,,,,,,", "claimed_model", "expected one of"),
        ("nda.txt,,,,,2025-01-01,2024-01-01,,", "end_date", "before start_date"),
        (",Acme,,,,,,,", "path", "missing"),
    ],
)
def test_a_bad_row_is_refused_naming_the_row_and_the_field(
    repo: Path, row: str, field: str, words: str
) -> None:
    manifest = write(repo, "manifest.csv", HEADER + "project_outsourcing.txt,,,,,,,,\n" + row + "\n")
    with pytest.raises(InputFileError) as info:
        validate(manifest)
    message = str(info.value)
    assert "manifest.csv row 2 (line 3)" in message
    assert f"{field}:" in message
    assert words in message


def test_bad_manifests_in_jsonl(repo: Path) -> None:
    for text, words in [
        ('{"path": "nda.txt", "annual_value": "1,000"}\n', "row 1 (line 1): annual_value"),
        ('{"path": "nda.txt", "annual_value": true}\n', "annual_value"),
        ('{"path": "nda.txt"}\n[1, 2]\n', "row 2 (line 2): a list; expected a JSON object"),
        ('{"path": "nda.txt"\n', "row 1 (line 1): not valid JSON"),
        (
            '{"path": "nda.txt"}\n{"path": "nda.txt"}\n',
            "row 2 (line 2): path: 'nda.txt' is listed already (row 1)",
        ),
    ]:
        manifest = write(repo, "m.jsonl", text)
        with pytest.raises(InputFileError, match=r"m\.jsonl") as info:
            validate(manifest)
        assert words in str(info.value), text


def test_a_csv_without_a_path_column_or_with_extra_fields(repo: Path) -> None:
    with pytest.raises(InputFileError, match="line 1: no path column"):
        validate(write(repo, "a.csv", "file,vendor\nnda.txt,x\n"))
    with pytest.raises(InputFileError, match=r"row 1 \(line 2\): 3 fields where the header names 2"):
        validate(write(repo, "b.csv", "path,vendor\nnda.txt,x,y\n"))
    with pytest.raises(InputFileError, match="not a folder or a manifest"):
        validate(write(repo, "c.txt", "path\n"))


def test_a_missing_or_unreadable_document_is_recorded_and_the_run_goes_on(repo: Path, tmp_path: Path) -> None:
    (repo / "empty.pdf").write_bytes(b"%PDF-1.4 not really")
    manifest = write(
        repo,
        "manifest.csv",
        HEADER + "gone.txt,Acme,,1000,EUR,,,,\nnda.txt,,,,,,,,\nempty.pdf,,,,,,,,\n",
    )
    out = tmp_path / "out"
    result = run_audit(manifest, out, workers=2, report=False)
    recs = {r["path"]: r for r in records(out / "documents.jsonl")}
    assert set(recs) == {"gone.txt", "nda.txt", "empty.pdf"}
    assert recs["gone.txt"]["error"].startswith("manifest.csv row 1 (line 2): ")
    assert "gone.txt" in recs["gone.txt"]["error"]
    assert str(repo) not in recs["gone.txt"]["error"]  # named as the manifest names it
    assert recs["empty.pdf"]["error"].startswith("manifest.csv row 3 (line 4): ")
    assert recs["nda.txt"]["error"] is None and recs["nda.txt"]["check"]["detected"]
    assert result.errors == 2 and result.checked == 1
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert audit["documents"]["unreadable"] == 2
    assert [u["path"] for u in audit["unreadable"]] == ["empty.pdf", "gone.txt"]
    assert audit["by_type"]["unreadable"] == 2


def test_the_cli_refuses_a_bad_manifest_in_one_line_and_writes_nothing(
    cli, repo: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    manifest = write(repo, "manifest.csv", HEADER + "nda.txt,,,,,,,,\nnda.txt,,,12 000,,,,,\n")
    out = tmp_path / "out"
    run = cli("audit", str(manifest), "--out", str(out))
    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert lines[-1].startswith("error: manifest.csv row 2 (line 3): annual_value: '12 000' is not a number")
    assert not (out / "documents.jsonl").exists()
    run = cli("audit", str(repo), "--out", str(out), "--as-of", "31/12/2026")
    assert run.code == 2 and "--as-of" in run.err
    run = cli("audit", str(repo / "nope"), "--out", str(out))
    assert run.code == 2 and "not found" in run.err
