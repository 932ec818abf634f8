"""Which door a request goes through, from the shipped data (issue #18): a request channel the
company names for privacy requests; a contact only when none exists; a registered address never.

Every expected value below is read from brokers.toml and the registry exports it cites, not
recomputed with the ranking: e.g. Equifax's My Privacy page says "Right to Know ... Right to Delete
... Right to Opt-Out", while 1550 Peachtree Street is the 2013 policy's address for "questions or
comments" and its principal executive office.
"""

from __future__ import annotations

import tomllib

import pytest

from broker_audit import datafiles
from broker_audit.registry.load import shipped_registry
from broker_audit.registry.routes import choose_route, default_route
from broker_audit.vocabulary import DOORS

CO = "CO"


def test_every_curated_route_states_its_door() -> None:
    data = tomllib.loads(datafiles.brokers_file().read_text(encoding="utf-8"))
    routes = [(b["id"], r) for b in data["broker"] for r in b.get("routes", [])]
    assert len(routes) > 180
    missing = [(broker, r["channel"]) for broker, r in routes if "door" not in r]
    assert missing == []
    assert {r["door"] for _, r in routes} == set(DOORS)


@pytest.mark.parametrize(
    ("broker", "right", "channel", "address"),
    [
        ("equifax", "access", "web-form", "https://www.equifax.com/personal/my-privacy/"),
        ("equifax", "delete", "web-form", "https://www.equifax.com/personal/my-privacy/"),
        ("equifax", "opt-out", "web-form", "https://www.equifax.com/personal/my-privacy/"),
        # "two methods for consumers to submit requests under the CCPA and opt-out": the portal
        ("transunion", "access", "web-form", "https://www.transunion.com/consumer-privacy"),
        ("transunion", "delete", "web-form", "https://www.transunion.com/consumer-privacy"),
        ("transunion", "opt-out", "web-form", "https://www.transunion.com/consumer-privacy"),
        # its filed Data Subject Rights Portal, not West Publishing's head office
        (
            "thomson-reuters-clear",
            "access",
            "web-form",
            "https://privacyportal-cdn.onetrust.com/dsarwebform/",
        ),
        (
            "thomson-reuters-clear",
            "delete",
            "web-form",
            "https://privacyportal-cdn.onetrust.com/dsarwebform/",
        ),
    ],
)
def test_equifax_transunion_thomson_reuters_default_to_request_channels(
    broker: str, right: str, channel: str, address: str
) -> None:
    choice = choose_route(shipped_registry().get(broker), rights=(right,), state=CO)
    assert choice.route is not None
    assert choice.route.door == "request-channel"
    assert (choice.route.channel, choice.route.address()[: len(address)]) == (channel, address)
    assert not any("contact address" in w for w in choice.warnings)


def test_lexisnexis_for_a_coloradan_is_the_consumer_center_box_with_the_portal_beside() -> None:
    lexis = shipped_registry().get("lexisnexis-risk-solutions")
    for right in ("access", "delete", "opt-out", "fcra-disclosure"):
        choice = choose_route(lexis, rights=(right,), state=CO)
        assert choice.route is not None and choice.route.postal is not None, right
        assert choice.route.postal.lines() == [
            "LexisNexis Risk Solutions",
            "Consumer Center, Attn: Consumer privacy request",
            "P.O. Box 105108",
            "Atlanta, GA 30348-5295",
        ]
        assert choice.route.door == "request-channel" and choice.route.states == []
        assert choice.alternative is not None
        assert choice.alternative.value == "https://consumer.risk.lexisnexis.com/"
    # a Californian gets the box with the filing's own CCPA attention line
    ca = choose_route(lexis, rights=("access",), state="CA")
    assert ca.route is not None and ca.route.postal is not None
    assert (
        ca.route.postal.attention == "Consumer Center, Attn: California Consumer Privacy Act (CCPA) Request"
    )
    # the registry's contact e-mail is never the default any more
    assert all(
        choose_route(lexis, rights=(r,), state=s).route.value != "consumer.documents@lexisnexis.com"  # type: ignore[union-attr]
        for r in ("access", "delete", "opt-out")
        for s in ("CO", "CA", "NJ", "TX")
    )


def test_a_registered_address_is_never_chosen() -> None:
    """West Publishing's 610 Opperman Drive, Venntel's and Gravy's head offices, TransUnion's 555 W
    Adams: never a default, not even with --via mail."""
    from broker_audit.errors import NoViaRoute

    registry = shipped_registry()
    for broker in ("thomson-reuters-clear", "venntel", "gravy-analytics", "transunion-trads"):
        record = registry.get(broker)
        assert any(r.door == "registered" and r.channel == "mail" for r in record.routes)
        for right in ("access", "delete", "opt-out"):
            chosen = default_route(record, right, CO)
            assert chosen is None or chosen.door != "registered", (broker, right)
        with pytest.raises(NoViaRoute):
            choose_route(record, rights=("access",), state=CO, via="mail")


# The immigration- and law-enforcement-linked brokers (the `ice-linked` preset) for a Colorado
# resident: (broker, right) -> (channel, start of the address, door, grade).
ICE_LINKED_DEFAULTS = {
    ("lexisnexis-risk-solutions", "access"): (
        "mail",
        "LexisNexis Risk Solutions / Consumer Center",
        "request-channel",
        "primary",
    ),
    ("thomson-reuters-clear", "access"): (
        "web-form",
        "https://privacyportal-cdn.onetrust.com/",
        "request-channel",
        "primary",
    ),
    ("equifax", "access"): (
        "web-form",
        "https://www.equifax.com/personal/my-privacy/",
        "request-channel",
        "primary",
    ),
    ("equifax", "fcra-disclosure"): (
        "mail",
        "Annual Credit Report Request Service",
        "request-channel",
        "primary",
    ),
    ("equifax-workforce-solutions", "access"): (
        "web-form",
        "https://www.equifax.com/personal/my-privacy/",
        "request-channel",
        "primary",
    ),
    ("equifax-workforce-solutions", "fcra-disclosure"): (
        "web-form",
        "https://employees.theworknumber.com",
        "request-channel",
        "primary",
    ),
    ("nctue", "fcra-disclosure"): ("mail", "Exchange Service Center - NCTUE", "request-channel", "primary"),
    ("venntel", "access"): ("email", "privacy@venntel.com", "request-channel", "primary"),
    ("fog-data-science", "delete"): (
        "web-form",
        "https://www.fogdatascience.com/opt-out",
        "request-channel",
        "weak",
    ),
    ("clearview-ai", "access"): (
        "web-form",
        "https://www.clearview.ai/privacy-and-requests",
        "request-channel",
        "primary",
    ),
    ("enformion", "access"): (
        "web-form",
        "https://www.enformion.com/privacy-policy/",
        "request-channel",
        "primary",
    ),
    ("pipl", "access"): (
        "web-form",
        "https://www.pipl.com/resources/privacy-documents/privacy-policy",
        "request-channel",
        "primary",
    ),
    ("melissa", "access"): ("email", "ConsumerRequest@Melissa.com", "request-channel", "primary"),
    ("spokeo", "access"): ("web-form", "https://www.spokeo.com/privacy-policy", "request-channel", "primary"),
    ("spokeo", "opt-out"): ("mail", "Spokeo, Inc. / Customer Care", "request-channel", "primary"),
}


def test_immigration_linked_brokers_default_to_request_channels_for_a_coloradan() -> None:
    registry = shipped_registry()
    for (broker, right), (channel, address, door, grade) in ICE_LINKED_DEFAULTS.items():
        route = default_route(registry.get(broker), right, CO)
        assert route is not None, (broker, right)
        assert (route.channel, route.address()[: len(address)], route.door, route.grade) == (
            channel,
            address,
            door,
            grade,
        ), (broker, right)
    # no linked broker that has a route for a right defaults to anything but a request channel
    for broker in registry.preset("ice-linked").brokers:
        for right in ("access", "delete", "opt-out", "fcra-disclosure"):
            route = default_route(registry.get(broker), right, CO)
            assert route is None or route.door == "request-channel", (broker, right)
    # and the ones no request can reach are the ones with no route at all
    unreachable = [b for b in registry.preset("ice-linked").brokers if not registry.get(b).routes]
    assert unreachable == ["appriss-insights", "babel-street", "pen-link"]


def test_curated_brokers_that_still_default_to_a_contact() -> None:
    """For a requester from a state no route names: the curated brokers whose access, delete or
    opt-out request has no request channel at all (spy-dialer: its filing names forms only for
    opt-out and deletion; social-catfish: its forms are for opt-out and deletion; private-records:
    its opt-out page)."""
    registry = shipped_registry()
    curated = [b for b in registry.active() if b.origin == "curated"]
    contact = {
        b.id
        for b in curated
        for right in ("access", "delete", "opt-out")
        if (route := default_route(b, right)) is not None and route.door != "request-channel"
    }
    assert contact == {"spy-dialer", "social-catfish", "private-records"}


def test_tloxp_is_its_own_record_and_transunion_keeps_its_id() -> None:
    registry = shipped_registry()
    assert registry.resolve("tloxp").id == registry.resolve("TRADS").id == "transunion-trads"
    assert registry.resolve("trans union").id == "transunion"
    bureau = registry.get("transunion")
    assert bureau.legal_name == "Trans Union LLC" and bureau.brands == []
    assert not any("TLO" in b for b in (*bureau.aliases, *bureau.brands, *bureau.holds))
    trads = registry.get("transunion-trads")
    assert trads.legal_name == "TransUnion Risk and Alternative Data Solutions, Inc."
    assert "fcra-disclosure" not in trads.rights  # it filed "FCRA: No" in 2025
    assert trads.sells_to("federal-government")  # its own registry answer moved with it
    assert not bureau.sells_to("federal-government")


def test_the_annual_credit_report_service_takes_requests_only_on_its_form() -> None:
    registry = shipped_registry()
    for broker in ("equifax", "transunion", "experian"):
        acrs = [r for r in registry.get(broker).routes if r.postal and r.postal.street == ["P.O. Box 105281"]]
        assert len(acrs) == 1 and acrs[0].form is not None
        assert acrs[0].form.name == "Annual Credit Report Request Form"
    # Experian's own box takes a letter, so it comes before the form-only service
    experian = default_route(registry.get("experian"), "fcra-disclosure", CO)
    assert experian is not None and experian.postal is not None
    assert experian.postal.street == ["P.O. Box 2002"]


def test_corelogic_is_listed_with_no_route() -> None:
    corelogic = shipped_registry().get("corelogic")
    assert corelogic.routes == [] and corelogic.law_enforcement == []
    assert "No consumer privacy request channel was confirmed" in corelogic.notes


def test_equifax_by_email_is_the_address_it_filed_not_its_2013_policy_inbox() -> None:
    """Asked for by e-mail, an Equifax request goes to usprivacy@equifax.com (its 2020 and 2025
    filings' contact), not privacy@equifax.com (a 2013 policy's inbox for questions), both
    contacts: so with the warning that says so."""
    choice = choose_route(shipped_registry().get("equifax"), rights=("access",), state=CO, via="email")
    assert choice.route is not None and choice.route.value == "usprivacy@equifax.com"
    assert any("is a contact address" in w for w in choice.warnings)
