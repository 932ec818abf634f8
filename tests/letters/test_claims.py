"""Each letter claims exactly what the statute text that was read gives, in the law's own words
(issue 20): no research remark in a letter, a section cited only when its text was read, FCRA
claims only to consumer reporting agencies, an agent only for what the law lets an agent do,
the list of third parties where a law gives it, each request's own period on a cover sheet.
Expected words come from the statutes (quoted in laws.toml notes), not from the code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import msgspec
import pytest

from broker_audit.errors import NotConsumerReporting
from broker_audit.law.check import REMARK, check_laws, printed_unread
from broker_audit.law.choose import federal_law
from broker_audit.law.claim import claim_for
from broker_audit.law.load import shipped_laws
from broker_audit.law.schema import Law
from broker_audit.letters.compose import letter_context
from broker_audit.letters.cover import CoverLetter, cover_context, template_kind
from broker_audit.letters.render import render_letter
from broker_audit.letters.text import to_text
from broker_audit.profile import AgentProfile, Profile, load_profile_file
from broker_audit.registry.load import shipped_registry
from broker_audit.services.lettercheck import render_every_kind
from broker_audit.vocabulary import kind

from .helpers import EARLIER

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
TODAY = dt.date(2026, 12, 7)
LAWS = {law.id: law for law in shipped_laws()}
PROFILE = load_profile_file(ROOT / "examples" / "demo-profile.toml")
CLINIC = AgentProfile(organization="Example Clinic", address=["1 Main St", "Denver, CO 80205"])


def flat(text: str) -> str:
    return " ".join(text.split())


def resident(state: str) -> Profile:
    return msgspec.structs.replace(PROFILE, state=state)


def letter_text(
    law_id: str, kind_id: str, broker_id: str = "equifax", agent: AgentProfile | None = None
) -> str:
    law = LAWS[law_id]
    context = letter_context(
        letter=kind(kind_id),
        profile=resident(law.jurisdiction),
        broker=shipped_registry().get(broker_id),
        law=law,
        fcra=federal_law(list(LAWS.values())),
        today=TODAY,
        reference="BA-CLAIMS01",
        details="My address is listed wrongly as 9 Elm St.",
        earlier=EARLIER if kind(kind_id).group == "chain" else None,
        agent=agent,
    )
    document = render_letter(
        kind(kind_id).template_name,
        context,
        sender=("Sender",),
        recipient=("Recipient",),
        date=TODAY,
        reference="BA-CLAIMS01",
    )
    return flat(to_text(document))


# --- no research remark ---------------------------------------------------------------------


def test_no_golden_letter_contains_a_research_remark() -> None:
    goldens = sorted(GOLDEN.rglob("*.txt"))
    assert len(goldens) > 200
    for path in goldens:
        text = flat(path.read_text(encoding="utf-8"))
        for remark in ("not seen", "inferred", "per Optery", "not confirmed", "unconfirmed", "(letter"):
            assert remark not in text, (path.relative_to(GOLDEN), remark)
        # the wider net of rule L007, over each golden's every line
        found = REMARK.search(text)
        assert found is None, (path.relative_to(GOLDEN), found.group(0) if found else "")


def test_a_remark_in_a_citation_or_scope_fails_the_law_check() -> None:
    ne = LAWS["ne-ndpa"]
    access = ne.rights["access"]
    for field, value in (
        ("citation", "Neb. Rev. Stat. 87-1107(2)(a) (letter inferred)"),
        ("citation", "Neb. Rev. Stat. 87-1107 (per Optery)"),
        ("scope", "access to my data (subsection not seen)"),
        ("scope", "the sale of my data?"),
    ):
        bad = msgspec.structs.replace(
            ne, rights={**ne.rights, "access": msgspec.structs.replace(access, **{field: value})}
        )
        found = [f for f in check_laws([bad], today=TODAY) if f.rule == "L007"]
        assert found and found[0].severity == "error" and found[0].where == f"rights.access.{field}", value
    agent = ne.rights["opt-out"].agent
    assert agent is not None
    bad_agent = msgspec.structs.replace(
        ne,
        rights={
            **ne.rights,
            "opt-out": msgspec.structs.replace(
                ne.rights["opt-out"],
                agent=msgspec.structs.replace(agent, scope="opt-out only; NOT profiling"),
            ),
        },
    )
    assert [f.where for f in check_laws([bad_agent], today=TODAY) if f.rule == "L007"] == [
        "rights.opt-out.agent.scope"
    ]
    assert not [f for f in check_laws(list(LAWS.values()), today=TODAY) if f.rule in ("L007", "L009")]


def test_a_business_day_period_must_name_its_holiday_calendar() -> None:
    ca = LAWS["ca-ccpa"]
    opt_out = ca.rights["opt-out"]
    assert opt_out.period is not None and opt_out.period.holidays == "federal"
    for holidays, message in (
        (None, "a business-day period with no `holidays`"),
        ("state", "no state holiday calendar for CA in calendars.py"),
    ):
        period = msgspec.structs.replace(opt_out.period, holidays=holidays)
        bad = msgspec.structs.replace(
            ca, rights={**ca.rights, "opt-out": msgspec.structs.replace(opt_out, period=period)}
        )
        found = [f for f in check_laws([bad], today=TODAY) if f.rule == "L009"]
        assert [(f.severity, f.message) for f in found] == [("error", message)]


def test_a_template_printing_an_unread_citation_fails(tmp_path: Path) -> None:
    # Maryland's appeal subsection (14-4705) was not read: the shipped appeal states no citation;
    # a template that writes it in by hand is caught by rendering (rule L008).
    assert printed_unread(letter_text("md-modpa", "appeal"), LAWS["md-modpa"]) == []
    hostile = tmp_path / "templates"
    hostile.mkdir()
    shipped = (ROOT / "templates" / "letters" / "appeal.txt.j2").read_text(encoding="utf-8")
    (hostile / "appeal.txt.j2").write_text(
        shipped.replace(
            "I appeal that decision.", "I appeal that decision under Md. Code, Com. Law 14-4705."
        ),
        encoding="utf-8",
    )
    findings = render_every_kind([LAWS["md-modpa"]], TODAY, templates_dir=hostile)
    assert [(f.rule, f.message) for f in findings] == [
        ("L008", "appeal prints 'Md. Code, Com. Law 14-4705', whose text was not read")
    ]
    assert render_every_kind(list(LAWS.values()), TODAY) == []


def test_nebraska_access_cites_the_paragraph_read_and_maryland_appeal_no_subsection() -> None:
    text = letter_text("ne-ndpa", "access")
    assert (
        "Neb. Rev. Stat. 87-1107(2)(a), I request confirmation of whether you process my personal data"
        in text
    )
    appeal = letter_text("md-modpa", "appeal")
    assert "Under the Maryland Online Data Privacy Act of 2024, I appeal that decision." in appeal
    assert "14-4705" not in appeal


# --- kinds by recipient: the FCRA only for consumer reporting agencies -----------------------


@pytest.mark.parametrize(
    "broker_id",
    ["venntel", "gravy-analytics", "clearview-ai", "spokeo", "whitepages", "thomson-reuters-clear"],
)
def test_a_broker_not_recorded_as_a_consumer_reporting_agency_gets_no_fcra_claim(broker_id: str) -> None:
    text = letter_text("co-cpa", "access", broker_id)
    assert "Fair Credit Reporting Act" not in text and "1681g" not in text
    assert "consumer reporting agency" not in text
    with pytest.raises(NotConsumerReporting) as refused:
        letter_text("us-fcra", "fcra-disclosure", broker_id)
    assert "is not recorded as a consumer reporting agency" in refused.value.message
    assert f"broker-audit request {broker_id} --kind access" in (refused.value.hint or "")


def test_a_recorded_consumer_reporting_agency_gets_the_fcra_paragraph() -> None:
    equifax = shipped_registry().get("equifax")
    assert equifax.consumer_reporting is not None and equifax.consumer_reporting.agency
    assert equifax.consumer_reporting.source.startswith("https://www.consumerfinance.gov/")
    text = letter_text("co-cpa", "access", "equifax")
    assert (
        "You are a consumer reporting agency. Under the Fair Credit Reporting Act, 15 U.S.C. 1681g(a)" in text
    )
    assert "15 U.S.C. 1681g(a)" in letter_text("us-fcra", "fcra-disclosure", "equifax")


# --- agent scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("law_id", "claim", "agent_citation"),
    [
        ("tx-tdpsa", "Tex. Bus. & Com. Code 541.051(b)(5)(A)-(B)", "Tex. Bus. & Com. Code 541.055(e)"),
        ("ne-ndpa", "Neb. Rev. Stat. 87-1107(2)(e)(i)-(ii)", "Neb. Rev. Stat. 87-1111(5)"),
    ],
)
def test_an_agent_opts_out_only_of_advertising_and_sale(law_id: str, claim: str, agent_citation: str) -> None:
    text = letter_text(law_id, "opt-out", agent=CLINIC)
    claimed, _, rest = text.partition("The Act lets an authorized agent act for me only on the part above")
    assert rest, "the part an agent may not exercise is asked for separately"
    assert (
        f"{claim}, I opt out of the processing of my personal data for targeted advertising and the sale"
        in claimed
    )
    assert "profiling" not in claimed.split("To the privacy team of")[1]
    # nor does the subject (or the authorization's list) claim it "under the Act"
    subject = " ".join(text.split("Subject:", 1)[1].split("(ref.", 1)[0].split())
    assert subject.startswith(
        "Request to opt out of targeted advertising and the sale of my personal data under"
    )
    assert "profiling" not in subject
    assert "and profiling (reference" not in " ".join(text.split())
    assert f"({agent_citation}). So, on my behalf and as a request rather than a claim under the Act" in rest
    assert "stop processing my personal data for profiling" in rest
    # without an agent the person claims the whole right, profiling included
    plain = letter_text(law_id, "opt-out")
    assert "profiling in furtherance of" in plain.split("I opt out of", 1)[1].split(".")[0]


# --- the list of third parties --------------------------------------------------------------


def test_the_minnesota_access_letter_claims_the_third_party_list() -> None:
    text = letter_text("mn-mcdpa", "access")
    assert (
        "Under the same Act, Minn. Stat. 325M.14, subd. 1(h), I also request a list of the third parties "
        "to which you have disclosed my personal data." in text
    )
    oregon = letter_text("or-ocpa", "access")
    assert (
        "ORS 646A.574(1)(a)(B), I also request a list of the specific third parties, "
        "other than natural persons" in oregon
    )
    # a law without the right claims none: Colorado's access letter only asks, as a request
    colorado = letter_text("co-cpa", "access")
    assert "I also request a list" not in colorado
    assert "whether or not the law requires it of you" in colorado


# --- subjects, wording ----------------------------------------------------------------------


def test_only_california_opts_out_of_sharing() -> None:
    subjects = {
        law_id: letter_text(law_id, "opt-out")
        .split("Subject: ")[1]
        .split(" (ref.")[0]
        .split(" under the ")[0]
        for law_id in ("ca-ccpa", "ut-ucpa", "ia-icdpa", "nv-603a", "co-cpa", "none")
    }
    assert subjects["ca-ccpa"] == "Request to opt out of the sale and sharing of my personal information"
    assert (
        subjects["ut-ucpa"] == "Request to opt out of targeted advertising and the sale of my personal data"
    )
    assert subjects["ia-icdpa"] == "Request to opt out of the sale of my personal data"
    assert subjects["nv-603a"] == "Request not to sell covered information about me"
    assert "sharing" not in " ".join(s for k, s in subjects.items() if k != "ca-ccpa")
    ca = letter_text("ca-ccpa", "opt-out")
    assert (
        "Cal. Civ. Code 1798.120(a)(1), I opt out of the sale and the sharing of my personal information."
        in ca
    )
    nv = letter_text("nv-603a", "opt-out")
    assert "NRS 603A.346, I direct you not to make any sale of covered information about me" in nv
    assert "collected by an operator through an Internet website or online service" in nv
    assert "designated request address" in nv
    assert "The NRS 603A" not in nv and "NRS 603A limits that right" in nv


def test_the_unstated_period_sentence_reads_right() -> None:
    text = letter_text("ca-ccpa", "opt-out")  # 11 CCR 7026's period not read, no appeal in the CCPA
    assert "please tell me which part and the specific reason." in text
    assert "which part, the specific reason." not in text
    assert "within 15" not in text


# --- appeals --------------------------------------------------------------------------------


def test_the_colorado_appeal_states_the_60_day_extension() -> None:
    text = letter_text("co-cpa", "appeal")
    assert "C.R.S. 6-1-1306(3)(b), I appeal that decision." in text
    assert "You must decide on this appeal within 45 days of receiving it" in text
    assert "You may extend that period by up to 60 more days where reasonably necessary" in text
    assert "within 45 days of receiving the appeal" in text
    oregon = letter_text("or-ocpa", "appeal")  # 646A.576(6)(d): 45 days, no extension
    assert (
        "within 45 days of receiving it" in oregon and "The Act allows no extension of that period." in oregon
    )


# --- the cover sheet: each request's own period ---------------------------------------------


def _cover(law: Law, kinds: list[str], language: str) -> str:
    letters = [
        CoverLetter(
            broker_name="Example Broker",
            kind=k,
            reference=f"BA-{k.upper()}",
            channel="mail",
            claim=claim_for(law, kind(k)),
        )
        for k in kinds
    ]
    context = cover_context(
        client_name="Ana Pérez",
        language=language,
        clinic=CLINIC,
        letters=letters,
        law=law,
        today=TODAY,
        platform=law.platform,
    )
    document = render_letter(
        template_kind(language),
        context,
        sender=("Example Clinic",),
        recipient=("Ana Pérez",),
        date=TODAY,
        reference="c-1",
        language=language,
    )
    return flat(to_text(document))


def test_a_californian_opt_out_only_cover_states_no_45_day_period() -> None:
    ca = LAWS["ca-ccpa"]
    for language in ("en", "es"):
        text = _cover(ca, ["opt-out"], language)
        assert not re.search(r"\b45\b", text.split("DROP")[0]), (
            language
        )  # the DROP bullet speaks of its own cycle
        assert ("within the period the law sets" in text) or ("dentro del plazo que fija la ley" in text)
    both = _cover(ca, ["access", "opt-out"], "en")
    access_line = both.split("(reference BA-ACCESS)")[1].split("(reference BA-OPT-OUT)")[0]
    assert (
        "It must answer within 45 days of receiving it, and may take 45 more days if it tells you why."
        in access_line
    )
    assert "within the period the law sets" in both.split("(reference BA-OPT-OUT)")[1]


def test_the_cover_sheet_says_what_drop_does_not_do() -> None:
    text = _cover(LAWS["ca-ccpa"], ["delete"], "en")
    assert "makes every registered data broker delete your data" not in text
    assert "It does not delete everything: data the law exempts" in text
    assert "deleted, opted out, exempted, not found or pending" in text
    es = _cover(LAWS["ca-ccpa"], ["delete"], "es")
    assert "No lo borra todo" in es and "exento, no encontrado o pendiente" in es
