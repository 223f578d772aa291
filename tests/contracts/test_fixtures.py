"""Expected results of `seamline check` on the hand-written fixtures (one per model, plus mislabels)."""

from __future__ import annotations

from pathlib import Path

import pytest

from seamline.contracts.check import ContractReport, check_contract

FIX = Path(__file__).parent / "fixtures"

# file -> (claimed, detected model, mislabel pattern)
EXPECTED = {
    "staff_augmentation.md": ("staff_augmentation", "staff_augmentation", None),
    "project_outsourcing.txt": (None, "project_outsourcing", None),
    "managed_services.txt": ("managed_services", "managed_services", None),
    "dedicated_team.txt": ("dedicated_team", "dedicated_team", None),
    "vested_outsourcing.txt": ("vested_outsourcing", "vested_outsourcing", None),
    "product_delivery.txt": ("product_delivery", "product_delivery", None),
    # an employment contract is the in-house baseline, not an outside engagement: its type says so, no model
    "in_house_employment.txt": (None, None, None),
    "nda.txt": (None, None, None),
    "mislabel_staff_aug_vendor_delivers.txt": (
        "staff_augmentation",
        "project_outsourcing",
        "project_outsourcing_briefed_as_staff_augmentation",
    ),
    "mislabel_managed_named_engineers.txt": (
        "managed_services",
        "staff_augmentation",
        "staff_augmentation_briefed_as_it_outsourcing",
    ),
    "mislabel_sow_staff_aug.txt": ("project_outsourcing", "staff_augmentation", "claimed_model_differs"),
}


TYPES = {"in_house_employment.txt": "employment", "nda.txt": "nda"}


def status(report: ContractReport, item: str) -> str:
    return next(f.status for f in report.findings if f.item == item)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_model_and_mislabel(name: str) -> None:
    claimed, detected, mislabel = EXPECTED[name]
    report = check_contract(FIX / name)
    assert report.claimed == claimed
    assert report.detected.model == detected
    assert (report.mislabel.pattern if report.mislabel else None) == mislabel
    assert report.detected.document_type == TYPES.get(name, "engagement")
    if detected is None:
        assert report.detected.evidence == []
        assert not any(f.required_for_detected_model for f in report.findings)
    else:
        assert 0 < report.detected.confidence <= 1
        assert report.detected.evidence


@pytest.mark.parametrize(
    "name", ["staff_augmentation.md", "managed_services.txt", "mislabel_managed_named_engineers.txt"]
)
@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_pdf_and_docx_versions_agree_with_the_text(name: str, suffix: str) -> None:
    text_report = check_contract(FIX / name)
    other = check_contract((FIX / name).with_suffix(suffix))
    assert other.detected.model == text_report.detected.model
    assert other.claimed == text_report.claimed
    assert (other.mislabel is None) == (text_report.mislabel is None)


def test_evidence_offsets_point_into_the_text() -> None:
    from seamline.contracts.ingest import read_document

    doc = read_document(FIX / "project_outsourcing.txt")
    report = check_contract(FIX / "project_outsourcing.txt")
    spans = [e for f in report.findings for e in f.evidence] + list(report.detected.evidence)
    assert spans
    for span in spans:
        assert doc.text[span.start : span.end] == span.text


def test_staff_augmentation_has_its_protections() -> None:
    report = check_contract(FIX / "staff_augmentation.md")
    for item in (
        "ip_assignment_each_contractor",
        "individual_nda",
        "repository_offboarding",
        "replacement_of_leavers",
        "direction_and_control",
        "communication_sla",
        "access_controls",
    ):
        assert status(report, item) == "present", item
    required = {f.item for f in report.findings if f.required_for_detected_model}
    assert "direction_and_control" in required
    assert "sla_targets" not in required


def test_managed_services_sla_present_with_numbers() -> None:
    report = check_contract(FIX / "managed_services.txt")
    assert status(report, "sla_targets") == "present"
    assert status(report, "service_credits") == "present"
    assert status(report, "security_certification") == "present"
    assert report.detected.model == "managed_services"


def test_mislabelled_managed_services_lacks_staff_augmentation_protections() -> None:
    report = check_contract(FIX / "mislabel_managed_named_engineers.txt")
    for item in ("ip_assignment_each_contractor", "individual_nda", "repository_offboarding"):
        assert item in report.missing_for_detected_model


def test_change_clause_without_repricing_is_weak() -> None:
    report = check_contract(FIX / "mislabel_staff_aug_vendor_delivers.txt")
    assert status(report, "change_request_repricing") == "weak"
    assert status(check_contract(FIX / "project_outsourcing.txt"), "change_request_repricing") == "present"


def test_sla_without_numbers_is_weak(tmp_path: Path) -> None:
    text = (FIX / "managed_services.txt").read_text(encoding="utf-8")
    start = text.index("2.1 Provider shall meet")
    end = text.index("2.2 If Provider")
    no_numbers = (
        text[:start] + "2.1 Provider shall meet the service levels agreed from time to time.\n" + text[end:]
    )
    path = tmp_path / "vague_sla.txt"
    path.write_text(no_numbers, encoding="utf-8")
    report = check_contract(path)
    assert status(report, "sla_targets") == "weak"
    assert "sla_targets" in report.missing_for_detected_model


def test_claimed_option_overrides_the_title() -> None:
    report = check_contract(FIX / "project_outsourcing.txt", claimed="staff_augmentation")
    assert report.claimed == "staff_augmentation" and report.claimed_from == "user"
    assert report.mislabel is not None
    assert report.mislabel.pattern == "project_outsourcing_briefed_as_staff_augmentation"


NLI_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "contract-nli"


@pytest.mark.skipif(not (NLI_DIR / "dev.json").exists(), reason="ContractNLI not available")
def test_contract_nli_ndas_are_not_engagement_contracts() -> None:
    import json

    from seamline.contracts.check import check_text

    docs = json.loads((NLI_DIR / "dev.json").read_text(encoding="utf-8"))["documents"][:25]
    assert docs
    detected = [check_text(doc["text"]).detected.model for doc in docs]
    assert detected == [None] * len(docs)


def test_replacement_and_communication_without_times_are_weak(tmp_path: Path) -> None:
    text = (FIX / "staff_augmentation.md").read_text(encoding="utf-8")
    text = text.replace(
        "within 10 business days, and shall not invoice the first two weeks of", "without invoicing"
    )
    text = text.replace(
        "daily stand-ups and sprint planning, and respond to messages within 2 business hours",
        "stand-ups and answer messages promptly",
    )
    path = tmp_path / "vague.md"
    path.write_text(text, encoding="utf-8")
    report = check_contract(path)
    assert report.detected.model == "staff_augmentation"
    assert status(report, "replacement_of_leavers") == "weak"
    assert status(report, "communication_sla") == "weak"
    assert status(check_contract(FIX / "staff_augmentation.md"), "replacement_of_leavers") == "present"


def test_attending_stand_ups_is_not_a_communication_sla(tmp_path: Path) -> None:
    text = (
        (FIX / "staff_augmentation.md")
        .read_text(encoding="utf-8")
        .replace(
            "daily stand-ups and sprint planning, and respond to messages within 2 business hours",
            "daily stand-ups and the sprint planning sessions of the product team",
        )
    )
    path = tmp_path / "stand-ups.md"
    path.write_text(text, encoding="utf-8")
    report = check_contract(path)
    assert status(report, "communication_sla") == "missing"
    assert "communication_sla" in report.missing_for_detected_model


def test_then_current_rates_price_a_change(tmp_path: Path) -> None:
    """Billed "at the then-current rates" says how a change is priced: the change clause is not weak."""
    text = (
        'SOFTWARE DEVELOPMENT AGREEMENT\n\nThis agreement is between Harrow Logistics Ltd ("Harrow") and '
        'Kestrel Code Ltd ("Kestrel").\n\n1. Kestrel shall design, build and deliver the route-planning '
        "application described in the specification in Schedule 1 for a fixed price of GBP 84,000, payable "
        "on acceptance of each of the three milestones.\n\n2. Harrow may ask for changes to the "
        "specification at any time; any change request outside the specification will be carried out "
        "and billed at Kestrel's then-current rates once both parties have signed it.\n"
    )
    path = tmp_path / "then-current.txt"
    path.write_text(text, encoding="utf-8")
    report = check_contract(path)
    assert report.detected.model == "project_outsourcing"
    assert status(report, "change_request_repricing") == "present"
    path.write_text(text.replace(" and billed at Kestrel's then-current rates", ""), encoding="utf-8")
    assert status(check_contract(path), "change_request_repricing") == "weak"


def test_a_check_saved_before_document_types_still_loads() -> None:
    """Decisions saved by earlier versions keep a check without the new keys; it must still load."""
    report = check_contract(FIX / "managed_services.txt").to_json()
    detected = report["detected"]
    for key in ("document_type", "document_type_confidence", "alternatives", "parties"):
        del detected[key]
    for ev in detected["evidence"]:
        del ev["cue"], ev["dimension"]
    old = ContractReport.model_validate(report)
    assert old.detected.model == "managed_services" and old.detected.alternatives == []
