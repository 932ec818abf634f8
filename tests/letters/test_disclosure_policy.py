"""The disclosure policy as a table: broker group x identity field -> the default rule, as issue
19 states it (minimal for brokers that sell to government, police or immigration enforcement and
for agencies; the profile's default for the others), and where answers go."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from broker_audit.errors import UserError
from broker_audit.letters.compose import letter_context, sender_lines
from broker_audit.letters.disclosure import announcement, decide, government_ties, parse_disclose, summary
from broker_audit.profile import Address, AgentProfile, Profile, ReplyAddress, validate_profile
from broker_audit.registry.load import shipped_registry
from broker_audit.vocabulary import kind

PROFILE = validate_profile(
    Profile(
        name="Ana Example",
        other_names=["Ana E."],
        email="ana@example.org",
        phone="+1 303 555 0100",
        birth_date=dt.date(1990, 1, 2),
        state="CO",
        addresses=[
            Address(line1="10 Home St", city="Denver", state="CO", zip="80204", current=True),
            Address(line1="20 Old Rd", city="Aurora", state="CO", zip="80010", since=2015, until=2019),
        ],
        advertising_ids=["38400000-8CF0-11bd-b23e-10b96e40000d"],
        licence_number="123-456-789",
    )
)
CLINIC = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80205"])
ACCESS = kind("access")

# broker group -> (an example broker from the shipped registry, given, withheld, why)
TABLE = {
    "sells to immigration enforcement": (
        "lexisnexis-risk-solutions",
        ("past-addresses", "email"),
        ("current-address", "phone", "birth-date", "other-names", "advertising-id", "licence-number"),
        "it sells to immigration enforcement",
    ),
    "sells to law enforcement (self-reported)": (
        "spokeo",
        ("past-addresses", "email"),
        ("current-address", "phone", "birth-date", "other-names", "advertising-id", "licence-number"),
        "it told a state registry it shares data with law enforcement",
    ),
    "sells to the federal government": (
        "experian",
        ("past-addresses", "email"),
        ("current-address", "phone", "birth-date", "other-names", "advertising-id", "licence-number"),
        "it told a state registry it shares data with the federal government",
    ),
    "location data, sells to immigration enforcement": (
        "venntel",
        ("past-addresses", "email", "advertising-id"),
        ("current-address", "phone", "birth-date", "other-names", "licence-number"),
        "it sells to immigration enforcement",
    ),
    "no known government sales (profile default: standard)": (
        "whitepages",
        ("current-address", "past-addresses", "phone", "email", "birth-date", "other-names"),
        ("advertising-id", "licence-number"),
        "the standard letter",
    ),
    # Minimal too (a product decision, issue 19's red-team pass): it finds a person by the phone's
    # advertising ID, and where a phone sleeps at night is a home address; Gravy is Venntel's sibling.
    "location data, no known government sales": (
        "gravy-analytics",
        ("past-addresses", "email", "advertising-id"),
        ("current-address", "phone", "birth-date", "other-names", "licence-number"),
        "it holds phones' location data, which it finds by the advertising ID alone",
    ),
}


@pytest.mark.parametrize("group", list(TABLE))
def test_default_rule_per_broker_group(group: str) -> None:
    broker_id, given, withheld, why = TABLE[group]
    d = decide(PROFILE, broker=shipped_registry().get(broker_id), letter=ACCESS)
    assert set(d.given) == set(given), group
    assert set(d.withheld) == set(withheld), group
    assert d.reason == why
    assert d.minimal is ("current-address" not in given)


def test_agency_records_request_gives_name_and_email_only() -> None:
    d = decide(PROFILE, broker=None, letter=kind("records"))
    assert d.given == ("email",) and d.minimal
    assert "current-address" in d.withheld and "phone" in d.withheld and "past-addresses" in d.withheld
    assert d.reply == "email"


def test_disclose_adds_fields_for_one_letter() -> None:
    lexis = shipped_registry().get("lexisnexis-risk-solutions")
    d = decide(PROFILE, broker=lexis, letter=ACCESS, asked=parse_disclose(["current-address,phone"]))
    assert set(d.given) == {"current-address", "past-addresses", "phone", "email"}
    assert d.asked == ("current-address", "phone") and d.reply == "home"
    d = decide(PROFILE, broker=lexis, letter=ACCESS, asked=parse_disclose(["all"]))
    # `all` is what letters gave before: never the licence number or the advertising ID
    assert set(d.given) == {
        "current-address",
        "past-addresses",
        "phone",
        "email",
        "birth-date",
        "other-names",
    }
    assert parse_disclose(["dob", "License-Number", "address"]) == (
        "birth-date",
        "licence-number",
        "current-address",
    )
    with pytest.raises(UserError, match="unknown field 'ssn'"):
        parse_disclose(["ssn"])


def test_profile_default_governs_the_other_brokers() -> None:
    whitepages = shipped_registry().get("whitepages")
    quiet = msgspec.structs.replace(PROFILE, disclose=["current-address"])
    d = decide(quiet, broker=whitepages, letter=ACCESS)
    assert d.given == ("current-address",) and d.reason == "your profile's default"
    assert d.reply == "home"
    # an e-mail route sends from the requester's own address: it gives the e-mail, and says so
    d = decide(quiet, broker=whitepages, letter=ACCESS, channel="email")
    assert d.given == ("current-address", "email") and d.notes


def test_reply_channel_is_never_home_unless_home_is_given() -> None:
    lexis = shipped_registry().get("lexisnexis-risk-solutions")
    assert decide(PROFILE, broker=lexis, letter=ACCESS).reply == "email"
    boxed = msgspec.structs.replace(
        PROFILE,
        reply_address=ReplyAddress(
            care_of="c/o Rosa Friend", line1="5 Safe Ave", city="Denver", state="CO", zip="80206"
        ),
    )
    d = decide(boxed, broker=lexis, letter=ACCESS)
    assert d.reply == "reply-address"
    assert sender_lines(boxed, None, d) == [
        "Ana Example",
        "c/o Rosa Friend",
        "5 Safe Ave",
        "Denver, CO 80206",
    ]
    d = decide(boxed, broker=lexis, letter=ACCESS, clinic=CLINIC)  # a clinic batch: the clinic first
    assert d.reply == "clinic"
    assert sender_lines(boxed, None, d) == [
        "Ana Example",
        "c/o Example Clinic",
        "1 Main St",
        "Denver, CO 80205",
    ]
    no_email = msgspec.structs.replace(PROFILE, email="")
    with pytest.raises(UserError, match="withholds your current address"):
        decide(no_email, broker=lexis, letter=ACCESS)


def test_the_letter_context_holds_only_what_is_given() -> None:
    from broker_audit.law.load import shipped_laws

    lexis = shipped_registry().get("lexisnexis-risk-solutions")
    law = next(x for x in shipped_laws() if x.id == "co-cpa")
    context = letter_context(
        letter=ACCESS,
        profile=PROFILE,
        broker=lexis,
        law=law,
        fcra=None,
        today=dt.date(2026, 12, 7),
        reference="BA-1",
    )
    r = context.requester
    assert (r.address, r.phone, r.birth_date, r.other_names, r.licence_number) == ("", "", "", [], "")
    assert r.past_addresses == ["20 Old Rd, Aurora, CO 80010 (2015-2019)"] and r.email == "ana@example.org"
    assert r.reply_by == "email" and r.minimal


def test_the_line_printed_before_writing() -> None:
    lexis = shipped_registry().get("lexisnexis-risk-solutions")
    d = decide(PROFILE, broker=lexis, letter=ACCESS)
    assert (
        summary(d, PROFILE)
        == "your name, an address from 2015-2019, your e-mail; answers go to your e-mail only"
    )
    line = announcement(d, PROFILE, "LexisNexis Risk Solutions")
    assert line.startswith(
        "This letter tells LexisNexis Risk Solutions: your name, an address from 2015-2019"
    )
    assert "Not told: your current address, your phone number" in line
    assert summary(d, PROFILE, "es").startswith(
        "su nombre, una dirección de 2015-2019, su correo electrónico"
    )


def test_government_ties_come_from_the_registry_data() -> None:
    registry = shipped_registry()
    assert government_ties(registry.get("appriss-insights")) == "it sells to immigration enforcement"
    assert government_ties(registry.get("whitepages")) == ""
    for preset_broker in registry.preset("ice-linked").brokers:  # every ice-linked broker is minimal
        assert government_ties(registry.get(preset_broker)), preset_broker


def test_profile_values_are_checked() -> None:
    with pytest.raises(UserError, match="advertising ID"):
        validate_profile(msgspec.structs.replace(PROFILE, advertising_ids=["not-an-id"]))
    with pytest.raises(UserError, match="all zeros"):
        validate_profile(
            msgspec.structs.replace(PROFILE, advertising_ids=["00000000-0000-0000-0000-000000000000"])
        )
    with pytest.raises(UserError, match="reply address"):
        validate_profile(
            msgspec.structs.replace(
                PROFILE, reply_address=ReplyAddress(line1="x", city="y", state="CO", zip="10001")
            )
        )
    assert PROFILE.advertising_ids == ["38400000-8cf0-11bd-b23e-10b96e40000d"]  # one form, lower case


def test_a_registry_flag_alone_makes_a_letter_minimal() -> None:
    """An imported broker known only by its own registry answers (CPPA flags: shares with law
    enforcement, with state government) gets the minimal letter too, and the reason says so."""
    from broker_audit.registry.schema import Broker, Disclosures

    def imported(**flags: bool) -> Broker:
        return Broker(
            id="some-imported-broker",
            name="Some Imported Broker",
            categories=["marketing"],
            sources=[],
            checked=dt.date(2026, 12, 7),
            origin="imported",
            disclosures=Disclosures(
                registry="ca",
                source="https://cppa.ca.gov/data_broker_registry/",
                checked=dt.date(2026, 12, 7),
                **flags,
            ),
        )

    d = decide(PROFILE, broker=imported(shares_with_law_enforcement=True), letter=ACCESS)
    assert d.minimal and d.reason == "it told a state registry it shares data with law enforcement"
    d = decide(PROFILE, broker=imported(shares_with_state_government=True), letter=ACCESS)
    assert d.minimal and d.reason == "it told a state registry it shares data with state government"
    assert not decide(PROFILE, broker=imported(shares_with_law_enforcement=False), letter=ACCESS).minimal
