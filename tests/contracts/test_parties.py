"""Who buys and who supplies, read from the document's own names (seamline.contracts.parties)."""

from __future__ import annotations

import pytest

from seamline.contracts.catalogue import load_signals
from seamline.contracts.parties import BUYER, SUPPLIER, resolve_parties


def _parties(text: str):  # type: ignore[no-untyped-def]
    return resolve_parties(text, load_signals().roles)


@pytest.mark.parametrize(
    ("text", "buyer", "supplier"),
    [
        (  # a studio and a charity, defined in parentheses, neither a client/vendor word
            'This agreement is between Canopy Trust, a Scottish charity ("Canopy"), and Nordlys Design AS '
            '(the "Studio").\n\n1. The Studio shall design, build and deliver the volunteer app for Canopy.\n'
            "2. Canopy shall pay the Studio the fees in Schedule 2.",
            "Canopy",
            "Studio",
        ),
        (  # label lines: an authority and a partner
            "COMMERCIAL TERMS\nThe Authority: Westmoor County Council\nPartner: Fenwick & Hale Digital Ltd "
            '("Fenwick")\n\nFenwick will run the digital take-up programme for the Authority.',
            "Authority",
            "Fenwick",
        ),
        (  # a government buyer and an offeror in a solicitation
            "The Government requires an agile development team. The Contractor shall provide the services "
            "described below to the Government, and the Government will pay for hours worked.",
            "Government",
            "Contractor",
        ),
        (  # an agency facing a contractor, neither defined: the one other party named takes the free side
            "REQUEST FOR QUOTATION\nThe Agency's product owner keeps the backlog. The Contractor shall "
            "provide an agile team that attends sprint reviews with the Agency.",
            "Agency",
            "Contractor",
        ),
        (  # company names only, decided by who provides and who pays
            'This Services Agreement is made between Halvorsen Industrial Pumps ASA ("HIP") and Quayside '
            'Consulting AS ("Quayside").\n1. Quayside shall provide the consulting services described in the '
            "statement of work.\n2. HIP shall pay Quayside within 30 days of each invoice.",
            "HIP",
            "Quayside",
        ),
        (  # hereinafter, and a "Company" that is the buyer
            'Global Technologies, Ltd (hereinafter the "Company") has asked to retain Jane Ortiz '
            '(hereinafter the "Consultant") to provide advisory services to the Company.',
            "Company",
            "Consultant",
        ),
    ],
)
def test_parties_are_found_whatever_they_are_called(text: str, buyer: str, supplier: str) -> None:
    parties = _parties(text)
    assert buyer.lower() in {n.lower() for n in parties.buyer}, parties
    assert supplier.lower() in {n.lower() for n in parties.supplier}, parties
    shown = parties.as_dict()
    assert buyer.lower() in {n.lower() for n in shown["buyer"]}
    assert supplier.lower() in {n.lower() for n in shown["supplier"]}


def test_a_proposal_speaks_as_the_supplier() -> None:
    text = (
        "Halden Talent - Team Extension Proposal\nPrepared for: Quillfin Inc.\n\nWe will place three "
        "engineers in your team; your CTO will tell them what to build each week and you pay us monthly."
    )
    parties = _parties(text)
    assert "Quillfin" in parties.buyer
    normalised = parties.normalise("your CTO will tell them what to build; we invoice you monthly")
    assert normalised == f"{BUYER} CTO will tell them what to build; {SUPPLIER} invoice {BUYER} monthly"


def test_names_are_rewritten_as_roles_but_other_words_are_left() -> None:
    parties = _parties(
        'Between Lumen Payments GmbH ("Lumen") and Polaris Software ("Vendor"). Vendor shall manage the team.'
    )
    assert parties.normalise("Lumen's product owner sets the priorities; Vendor manages Lumenary staff.") == (
        f"{BUYER}'s product owner sets the priorities; {SUPPLIER} manages Lumenary staff."
    )
    # an undefined capitalised role word counts only as "the State", not in "State of Delaware"
    gov = _parties(
        "The State shall pay the Contractor. This contract is governed by the laws of the State of Alaska."
    )
    assert gov.normalise("the State decides") == f"the {BUYER} decides"
    assert gov.normalise("State of Delaware") == "State of Delaware"
