"""Red team: no path that writes or sends something hands a broker or an agency more than it has.

The promise (issue 19): a letter to a broker that sells to government, police or immigration
enforcement, or that holds phones' location data, and every letter to an agency, gives the name,
what the recipient likely holds already (past addresses; a location broker's advertising ID) and a
way to answer that is not home. Each test below is one path (its id names it) for the requester
of `leaks.py`, who holds every identifying field; every artefact the path writes or sends is read
back whole (PDF text and metadata, .eml headers and body with any PDF attached, text, HTML, CSV,
file names, stdout and stderr) and searched for the current street, the city and ZIP of home, the
phone, the birth date, the other names, the licence number and (except for a location broker)
the advertising ID, in every spelling a writer could give them.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from collections.abc import Sequence
from pathlib import Path

import msgspec
import pytest
from clijson import data
from leaks import (
    AD_ID,
    EMAIL,
    NAME,
    PAST_STREET,
    PROFILE,
    REPLY_ADDRESS,
    REPLY_BOX,
    artefact_text,
    eml_text,
    files_under,
    fold,
    gives_past,
    leaks,
    pdf_metadata,
    pdf_pages,
)
from mailservers import SmtpServer
from vaults import CLINIC_TOML, Runner, make_vault

from broker_audit.letters.disclosure import government_ties, is_location_broker
from broker_audit.profile import Profile, validate_profile
from broker_audit.registry.load import shipped_registry
from broker_audit.registry.routes import ranked_routes
from broker_audit.vocabulary import KINDS, channels_by_rank

REQUEST_KINDS = ("access", "delete", "opt-out", "correct", "fcra-disclosure")
# aiosmtpd warns that AUTH does not require STARTTLS on the implicit-TLS server: it is inside TLS.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def linked_brokers() -> list[str]:
    """Every broker with a government tie in the registry's own data (documented sales, or its
    answers to a state registry), and every location-data broker: read from the data, not a copy."""
    return sorted(
        b.id
        for b in shipped_registry().brokers
        if not b.successor and (government_ties(b) or is_location_broker(b))
    )


def routes_by_channel(broker_id: str) -> list[tuple[str, list[str]]]:
    """(channel, the request kinds `request --via CHANNEL` writes) for every channel a Coloradan's
    request can take to it: the route choice itself decides (doors, states, rights), and an FCRA
    disclosure goes only to a consumer reporting agency."""
    broker = shipped_registry().get(broker_id)
    out = []
    for channel in channels_by_rank():
        kinds = [
            k
            for k in REQUEST_KINDS
            if (k != "fcra-disclosure" or broker.is_consumer_reporting_agency())
            and any(r.channel == channel for r in ranked_routes(broker, KINDS[k].rights, "CO"))
        ]
        if kinds:
            out.append((channel, kinds))
    return out


def clean(paths: Sequence[Path], *, allowed: Sequence[str] = ()) -> dict[str, list[str]]:
    """{file: the withheld values found in it}, for the files that leak (file names included)."""
    found = {}
    for path in paths:
        hit = leaks(artefact_text(path), allowed=allowed)
        if hit:
            found[path.name] = hit
    return found


CLINIC_EMAIL = "privacy-desk@example.org"  # examples/clinic.toml


def eml_headers_ok(path: Path, gives_email: bool, *, clinic: bool = False) -> None:
    """An .eml tells nothing in its headers but the e-mail the letter gives: From (and Reply-To)
    is that e-mail or absent, and the Message-ID's domain is that e-mail's or a neutral one, never
    the host's. A clinic's letter may come From the clinic's own address, which names no client."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    allowed = ({EMAIL} if gives_email else set()) | ({CLINIC_EMAIL} if clinic else set())
    for header in ("From", "Reply-To", "Sender"):
        value = message[header]
        assert value is None or value.addresses[0].addr_spec in allowed, (path.name, header, value)
    domain = str(message["Message-ID"]).rstrip(">").rpartition("@")[2]
    assert domain in ("example.org", "broker-audit.invalid"), (path.name, domain)


# --- request ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broker_id", [b for b in linked_brokers() if routes_by_channel(b)], ids=lambda b: f"request-{b}"
)
def test_request(person: Path, cli: Runner, variant: str, broker_id: str) -> None:
    """`request` to every government-linked or location broker, every kind, every channel it
    has, in every format: no withheld value anywhere; the past address and a reply channel are
    there; the log says what was given."""
    broker = shipped_registry().get(broker_id)
    location = is_location_broker(broker)
    allowed = ("advertising id",) if location else ()
    expected = ["past-addresses", "email", "advertising-id"] if location else ["past-addresses", "email"]
    for channel, kinds in routes_by_channel(broker_id):
        out = person / "letters" / channel
        code, stdout, err = cli(
            [
                "request",
                broker_id,
                "--kind",
                ",".join(kinds),
                "--via",
                channel,
                "--again",  # the same kinds by each channel in turn: not repeats to skip
                "--details",
                "my first name is misspelled",
                "--format",
                "pdf,txt,eml,html",
                "--out",
                str(out),
                "--json",
            ]
        )
        assert code == 0, err
        assert not leaks(stdout + err, allowed=allowed), (channel, leaks(stdout + err, allowed=allowed))
        made = data(stdout)["letters"]
        assert sorted(m["kind"] for m in made) == sorted(kinds)
        for letter in made:
            assert letter["disclosed"] == expected, (channel, letter["kind"])
        written = files_under(out)
        assert len(written) == 4 * len(kinds)
        assert not clean(written, allowed=allowed), (channel, clean(written, allowed=allowed))
        for path in written:
            text = fold(artefact_text(path))
            assert fold(NAME) in text and gives_past(text), path.name  # name and a past address
            if variant == "reply-address" and path.suffix == ".txt":
                assert "p.o. box 4410" in text, path.name  # answers go to the P.O. box
            if path.suffix == ".eml":
                eml_headers_ok(path, gives_email=True)
            if path.suffix == ".pdf":  # title, author, subject: the letter's, the name at most
                meta = pdf_metadata(path)
                assert not leaks(meta) and "Calle" not in meta


def test_request_advertising_id_only_to_a_location_broker(person: Path, cli: Runner) -> None:
    """The advertising ID goes to a location-data broker (what it matches on) and to no other,
    not even with `--disclose all` (the old letter never gave it either); only `--disclose
    advertising-id` gives it elsewhere."""
    out = person / "l"
    code, stdout, err = cli(
        ["request", "venntel", "gravy-analytics", "--kind", "delete", "--out", str(out / "a"), "--json"]
    )
    assert code == 0, err
    for path in files_under(out / "a"):
        assert AD_ID in artefact_text(path).lower(), path.name
    code, stdout, err = cli(
        ["request", "whitepages", "lexisnexis", "--disclose", "all", "--out", str(out / "b"), "--json"]
    )
    assert code == 0, err
    for path in files_under(out / "b"):
        assert "advertising id" not in leaks(artefact_text(path)), path.name
    code, stdout, err = cli(
        ["request", "whitepages", "--disclose", "advertising-id", "--out", str(out / "c"), "--json"]
    )
    assert code == 0, err
    assert all(AD_ID in artefact_text(p).lower() for p in files_under(out / "c"))


@pytest.mark.parametrize(
    ("default", "disclose", "given"),
    [
        (None, (), {"current-address", "past-addresses", "phone", "email", "birth-date", "other-names"}),
        (["past-addresses", "email"], (), {"past-addresses", "email"}),
        (["past-addresses", "email"], ("phone",), {"past-addresses", "email", "phone"}),
        ([], ("all",), {"current-address", "past-addresses", "phone", "email", "birth-date", "other-names"}),
    ],
    ids=[
        "request-other-broker-standard",
        "request-other-broker-profile-default",
        "request-other-broker-disclose",
        "request-other-broker-disclose-all",
    ],
)
def test_request_to_other_brokers_follows_the_profile_and_disclose(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Runner,
    default: list[str] | None,
    disclose: tuple[str, ...],
    given: set[str],
) -> None:
    """A broker with no known government tie (Whitepages) gets the profile's default, plus what
    `--disclose` names for this run; `--disclose all` is what letters gave before."""
    head = "" if default is None else f"disclose = {json.dumps(default)}\n"
    make_vault(tmp_path, monkeypatch, cli, profile=head + PROFILE + REPLY_ADDRESS)
    args = ["request", "truepeoplesearch", "--via", "mail", "--out", str(tmp_path / "l"), "--json"]
    for field in disclose:
        args += ["--disclose", field]
    code, stdout, err = cli(args)
    assert code == 0, err
    (letter,) = data(stdout)["letters"]
    assert set(letter["disclosed"]) == given
    words = {
        "current-address": "current street",
        "phone": "phone",
        "birth-date": "birth date",
        "other-names": "other names",
    }
    expected_leaks = {words[f] for f in given if f in words}
    if "current-address" in given:
        expected_leaks.add("current city and zip")
    if "birth-date" in given:
        expected_leaks.add("birth year")
    for path in files_under(tmp_path / "l"):
        assert set(leaks(artefact_text(path))) == expected_leaks, path.name


def test_request_with_the_reply_address_at_home_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A reply address that is the home address (same street and ZIP) tells where the person
    lives: the line printed before writing says so."""
    at_home = REPLY_ADDRESS.replace('line1 = "P.O. Box 4410"', 'line1 = "1550 calle ñandú"').replace(
        'zip = "80226"', 'zip = "80022"'
    )
    make_vault(tmp_path, monkeypatch, cli, profile=PROFILE + at_home)
    code, stdout, err = cli(["request", "lexisnexis", "--via", "mail", "--out", str(tmp_path / "l")])
    assert code == 0, err
    assert "your reply address is your home address, so this letter tells where you live" in " ".join(
        err.split()
    )


def test_request_with_no_address_marked_current(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A profile that lists an old address first and the home second, neither marked current:
    the home (no `until`) is the current address, never given out as a past one."""
    unmarked = PROFILE.replace("current = true\n", "")
    old_first = unmarked[unmarked.index("[[addresses]]", unmarked.index("[[addresses]]") + 1) :]
    home = unmarked[unmarked.index("[[addresses]]") : unmarked.index(old_first)]
    profile = unmarked[: unmarked.index("[[addresses]]")] + old_first + "\n" + home
    make_vault(tmp_path, monkeypatch, cli, profile=profile)
    code, stdout, err = cli(["request", "lexisnexis", "--out", str(tmp_path / "l"), "--json"])
    assert code == 0, err
    for path in files_under(tmp_path / "l"):
        text = artefact_text(path)
        assert not leaks(text) and PAST_STREET in text, path.name


# --- followup: follow-up, appeal, complaint ---------------------------------------------------------

CHAINS = {
    # broker: (the channel of the request, refused: an appeal instead of a follow-up)
    "lexisnexis-risk-solutions": ("mail", False),
    "thomson-reuters-clear": ("email", False),
    "equifax": ("web-form", True),
    "venntel": ("email", False),
    "truepeoplesearch": ("mail", False),  # no government tie in our data; it names a postal box
}


def _letters(cli: Runner, args: list[str]) -> list[dict]:
    code, stdout, err = cli([*args, "--json"])
    assert code == 0, err
    return list(data(stdout)["letters"])


@pytest.mark.parametrize("broker_id", list(CHAINS), ids=lambda b: f"followup-{b}")
def test_followup(person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch, broker_id: str) -> None:
    """The letters about a request (follow-up or appeal to the broker, then the complaint to the
    Attorney General) give no more than the request did; the complaint, to a state office that
    may forward it and keep it as a public record, gives the name and a way to answer only."""
    channel, refused = CHAINS[broker_id]
    (first,) = _letters(
        cli, ["request", broker_id, "--kind", "delete", "--via", channel, "--out", str(person / "r")]
    )
    assert cli(["mark", str(first["id"]), "sent", "--via", channel, "--on", "2026-12-07"])[0] == 0
    if refused:
        assert cli(["mark", str(first["id"]), "denied", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")
    (second,) = _letters(cli, ["followup", "--format", "pdf,txt,eml,html", "--out", str(person / "f")])
    assert second["kind"] == ("appeal" if refused else "followup")
    assert set(second["disclosed"]) <= set(first["disclosed"])
    allowed = ("advertising id",) if broker_id == "venntel" else ()
    if broker_id == "truepeoplesearch":  # no government tie: the standard letter, home included
        allowed = ("current street", "current city and zip")
    assert not clean(files_under(person / "f"), allowed=allowed)
    assert cli(["mark", str(second["id"]), "sent", "--via", second["channel"], "--on", "2027-03-01"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-05-01")
    letters = _letters(cli, ["followup", "--format", "pdf,txt,eml,html", "--out", str(person / "c")])
    (complaint,) = [x for x in letters if x["kind"] == "complaint"]
    assert complaint["disclosed"] == ["email"]  # never the home, phone, birth date, past addresses
    written = files_under(person / "c")
    assert written and not clean(written)
    for path in written:
        text = artefact_text(path)
        assert not gives_past(text) and EMAIL in text and REPLY_BOX not in text, path.name


def test_followup_after_a_move_tells_nothing_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """The request gave TruePeopleSearch the home, the phone and the e-mail. The requester moves and
    changes phone; the old home becomes a past address. The follow-up gives neither the new home
    nor the new phone (the log keeps a digest of each value given), and says so."""
    make_vault(tmp_path, monkeypatch, cli, profile=PROFILE + REPLY_ADDRESS)
    (first,) = _letters(cli, ["request", "truepeoplesearch", "--via", "mail", "--out", str(tmp_path / "r")])
    assert "current-address" in first["disclosed"] and "phone" in first["disclosed"]
    assert cli(["mark", str(first["id"]), "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    moved = (
        PROFILE.replace("current = true\nsince = 2020", "since = 2020\nuntil = 2027")
        .replace("+1 303 555 0147", "+1 720 555 0188")
        .replace(
            "[[addresses]]",
            '[[addresses]]\nline1 = "9 Nueva Street"\ncity = "Thornton"\nstate = "CO"\nzip = "80229"\n'
            "current = true\nsince = 2027\n\n[[addresses]]",
            1,
        )
    )
    (tmp_path / "moved.toml").write_text(moved + REPLY_ADDRESS, encoding="utf-8")
    assert cli(["profile", "edit", "--from-file", str(tmp_path / "moved.toml")])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")
    code, stdout, err = cli(["followup", "--format", "pdf,txt", "--out", str(tmp_path / "f"), "--json"])
    assert code == 0, err
    (second,) = data(stdout)["letters"]
    assert "current-address" not in second["disclosed"] and "phone" not in second["disclosed"]
    for path in files_under(tmp_path / "f"):
        text = fold(artefact_text(path))
        assert "nueva street" not in text and "80229" not in text and "720" not in text, path.name
        assert "p.o. box 4410" in text  # answers go to the reply address now
    assert "your current address changed since the request it follows" in second["disclosure"]


def test_followup_never_goes_by_an_email_the_request_did_not_give() -> None:
    """A request by post that did not give the e-mail: when the only route left is e-mail (which
    sends from the requester's address) the follow-up is refused, not sent with the e-mail."""
    from broker_audit.errors import UserError
    from broker_audit.law.load import shipped_laws
    from broker_audit.letters.compose import Earlier
    from broker_audit.services.followup import plan_followup
    from broker_audit.tracking.model import Disclosed

    laws = shipped_laws()
    whitepages = shipped_registry().get("truepeoplesearch")  # a broker with postal and e-mail routes
    email_only = msgspec.structs.replace(
        whitepages, routes=[r for r in whitepages.routes if r.channel == "email"]
    )
    profile = load_profile_file_text(PROFILE + REPLY_ADDRESS)
    day = dt.date(2027, 3, 1)
    earlier = Earlier(
        reference="BA-TEST0001",
        kind="delete",
        dated=day,
        sent=day,
        via="mail",
        tracking="",
        delivered=None,
        due=None,
        due_estimated=True,
        state="sent",
        answered_on=None,
        appealed_on=None,
    )
    gave = Disclosed(given=["current-address", "past-addresses"], reply="home")
    with pytest.raises(UserError, match="would go by e-mail"):
        plan_followup(
            email_only,
            "followup",
            profile=profile,
            law=next(x for x in laws if x.id == "co-cpa"),
            laws=laws,
            today=day,
            details="",
            earlier=earlier,
            linked_to=1,
            via="mail",
            earlier_disclosed=gave,
        )
    # with the postal route still there, it goes by post, as the request did
    job = plan_followup(
        whitepages,
        "followup",
        profile=profile,
        law=next(x for x in laws if x.id == "co-cpa"),
        laws=laws,
        today=day,
        details="",
        earlier=earlier,
        linked_to=1,
        via="fax",
        earlier_disclosed=gave,
    )
    assert job.channel != "email" and "email" not in job.disclosure.given


def load_profile_file_text(text: str) -> Profile:
    import tomllib

    return validate_profile(msgspec.convert(tomllib.loads(text), Profile))


def test_followup_for_a_clinic_client_is_in_the_clients_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A vault with the owner's own profile and a clinic's batch: the follow-up of a client's
    request is the client's, answered to the clinic; the owner's name, e-mail and reply address
    never reach the client's broker."""
    make_vault(tmp_path, monkeypatch, cli, profile=PROFILE + REPLY_ADDRESS, clinic=CLINIC_TOML)
    sheet = tmp_path / "clients.csv"
    sheet.write_text(
        "Name,Address,City,State,ZIP,Email\nTrần Văn Minh,27 Hưng Đạo St,Aurora,CO,80010,\n", encoding="utf-8"
    )
    code, stdout, err = cli(
        [
            "bulk",
            "letters",
            str(sheet),
            "--brokers",
            "lexisnexis",
            "--kind",
            "access",
            "--out",
            str(tmp_path / "b"),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert code == 0, err
    summary = data(stdout)
    (channel,) = summary["by_channel"]
    code, _, err = cli(["bulk", "mark", summary["batch"], "sent", "--on", "2026-12-07", "--via", channel])
    assert code == 0, err
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")
    (letter,) = _letters(cli, ["followup", "--format", "pdf,txt", "--out", str(tmp_path / "f")])
    for path in files_under(tmp_path / "f"):
        text = artefact_text(path)
        assert "Trần Văn Minh" in text and "c/o Centro de Derechos Example Clinic" in text, path.name
        assert fold(NAME) not in fold(text) and EMAIL not in text and REPLY_BOX not in text, path.name


# --- bulk letters ------------------------------------------------------------------------------------

# Two clients of one household: one with an e-mail, one without; the same home and phone.
CLIENTS = (
    "Name,Other names,Address,Apt,City,State,ZIP,Previous address,Date of birth,Phone,Email,Language\n"
    f'{NAME},Majo Quispe,1550 Calle Ñandú,Apt 4B,Commerce City,CO,80022,"{PAST_STREET}, Aurora, CO 80010",'
    f"4/12/1988,(303) 555-0147,{EMAIL},es\n"
    "Trần Văn Minh,,1550 Calle Ñandú,Apt 4B,Commerce City,CO,80022,,1988-04-12,303.555.0147,,en\n"
)


def is_cover(page: str) -> bool:
    """The cover sheet goes to the client (it may show the client's home); its reference is the
    client's id, a letter's is BA-..."""
    folded = fold(page)
    return "reference: c-" in folded or "referencia: c-" in folded


@pytest.mark.parametrize("agent", [False, True], ids=["bulk-ice-linked", "bulk-ice-linked-agent-split"])
def test_bulk_letters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner, agent: bool) -> None:
    """A clinic batch to the ice-linked preset: the letters (print PDF, work-list PDF, .eml),
    labels, the certified-mail book, the work list, file names, the summary and the messages
    carry no client's home, phone, birth date or other names; answers go to the clinic. Only the
    cover sheet, which goes to the client, may show the client's own address."""
    make_vault(tmp_path, monkeypatch, cli, profile=None, clinic=CLINIC_TOML)
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS, encoding="utf-8")
    out = tmp_path / "batch"
    # the sheet's birth dates (4/12/1988) are month first, as a US export writes them
    args = [
        "bulk",
        "letters",
        str(sheet),
        "--preset",
        "ice-linked",
        "--kind",
        "access,delete",
        "--date-order",
        "mdy",
    ]
    args += ["--out", str(out), "--workers", "1", "--json"] + (["--agent", "--split"] if agent else [])
    code, _, dry = cli([*args[:-1], "--dry-run"])
    assert code == 0 and not leaks(dry), leaks(dry)
    code, stdout, err = cli(args)
    assert code == 0, err
    assert not leaks(stdout + err), leaks(stdout + err)
    summary = data(stdout)
    groups = summary["disclosure"]
    assert groups and all("never the home address" in g["tells"] for g in groups)
    assert all(g["tells"].endswith("answers go to Centro de Derechos Example Clinic") for g in groups)
    letters = covers = 0
    for path in files_under(out):
        if path.suffix == ".pdf":
            assert not leaks(pdf_metadata(path)) and not leaks(path.name), path.name
            for page in pdf_pages(path):
                if is_cover(page):
                    covers += 1
                    continue
                letters += "Reference: BA-" in page
                assert not leaks(page), (path.name, leaks(page), page[:300])
                if "(ref. BA-" in page and "Reference: BA-" in page and "authorization" not in fold(page):
                    assert "Centro de Derechos Example Clinic" in page  # the return address
        else:
            assert not leaks(artefact_text(path)), (path.name, leaks(artefact_text(path)))
            if path.suffix == ".eml":
                eml_headers_ok(path, gives_email=NAME in artefact_text(path), clinic=True)
    assert covers >= 2 and letters >= summary["by_channel"].get("mail", 0)


def test_bulk_letters_with_a_clinic_without_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A clinic whose profile has no postal address: a letter that withholds the client's home
    cannot name the clinic as where answers go, and must not fall back to home. The batch is
    refused before anything is written, saying what to add."""
    clinic = tmp_path / "clinic.toml"
    clinic.write_text('organization = "Addressless Clinic"\naddress = []\nemail = "desk@example.org"\n')
    make_vault(tmp_path, monkeypatch, cli, profile=None, clinic=clinic)
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS, encoding="utf-8")
    out = tmp_path / "batch"
    code, stdout, err = cli(
        ["bulk", "letters", str(sheet), "--preset", "ice-linked", "--out", str(out), "--workers", "1"]
    )
    assert code == 1
    assert "the clinic's profile has no postal address" in " ".join(err.split())
    assert "address = [" in err and not leaks(stdout + err)
    assert not out.exists() or not files_under(out)


# --- send, and the evidence packet ---------------------------------------------------------------------


def _mailbox(cli: Runner, monkeypatch: pytest.MonkeyPatch, server: SmtpServer, sender: str) -> None:
    """The vault's mailbox: the test server, logged in as USER, sending From `sender`."""
    from mailservers import PASSWORD, USER

    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)
    code, _, err = cli(
        [
            "mail",
            "setup",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(server.port),
            "--smtp-security",
            "tls",
            "--smtp-user",
            USER,
            "--from",
            sender,
            "--cafile",
            str(server.cafile),
        ]
    )
    assert code == 0, err
    monkeypatch.setenv("BROKER_AUDIT_MAIL_PASSWORD", PASSWORD)


def test_send_and_evidence(person: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    """`send` (to a real SMTP server on 127.0.0.1) sends a letter only from the address the letter
    gives: from another mailbox address it is refused, since the sent From would tell the broker
    a second address. What goes out (headers, body, the timeline PDF a follow-up encloses) and the
    evidence packet carry no withheld value."""
    from mailservers import smtp_server

    with smtp_server(person, "tls") as server:
        _mailbox(cli, monkeypatch, server, "volunteer.personal@example.net")
        code, stdout, err = cli(
            ["request", "lexisnexis", "--via", "email", "--out", str(person / "r"), "--json"]
        )
        assert code == 0, err
        (letter,) = data(stdout)["letters"]
        assert (  # said when the letter is written, too
            f"your mailbox sends from volunteer.personal@example.net, but the letters that go by e-mail "
            f"give {EMAIL}" in " ".join(err.split())
        )
        code, stdout, err = cli(["send", "--yes", "--pace", "0"])
        assert server.received == []
        said = " ".join(err.split())
        assert (
            f"#{letter['id']}: not sent: the letter gives LexisNexis Risk Solutions the e-mail {EMAIL}"
            in said
        )
        assert "your mailbox sends from volunteer.personal@example.net" in said
        _mailbox(cli, monkeypatch, server, EMAIL)
        code, stdout, err = cli(["send", "--yes", "--pace", "0"])
        assert code == 0, err
        (sent,) = server.received
        message = email.message_from_bytes(sent.data, policy=email.policy.default)
        assert message["From"].addresses[0].addr_spec == EMAIL and sent.mail_from == EMAIL
        assert str(message["Message-ID"]).endswith("@example.org>")
        assert not leaks(eml_text(sent.data)) and not leaks(stdout + err)
        # a follow-up by e-mail encloses the request's timeline as a PDF: nothing withheld in it
        monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-03-01")
        (followup,) = _letters(cli, ["followup", "--out", str(person / "f")])
        assert followup["channel"] == "email"
        code, stdout, err = cli(["send", "--yes", "--pace", "0"])
        assert code == 0, err
        enclosed = server.received[-1].data
        assert b"application/pdf" in enclosed and not leaks(eml_text(enclosed))
    code, stdout, err = cli(["evidence", str(letter["id"]), "--out", str(person / "packet"), "--json"])
    assert code == 0, err
    packet = files_under(person / "packet")
    assert {p.name for p in packet} >= {"timeline.pdf", "mailing-proof.txt"}
    assert not clean(packet) and not leaks(stdout + err)
    assert f"from {EMAIL}" in (person / "packet" / "mailing-proof.txt").read_text()


def test_send_a_letter_that_gives_no_email(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A requester without an e-mail in the profile (answers go to the P.O. box) asks a broker by
    e-mail: no `.eml` is written, since it would need a From: address the letter does not give (the
    mailbox's would tell the broker a second address); `send` has nothing to send."""
    from mailservers import smtp_server

    make_vault(
        tmp_path, monkeypatch, cli, profile=PROFILE.replace(f'email = "{EMAIL}"\n', "") + REPLY_ADDRESS
    )
    code, stdout, err = cli(["request", "lexisnexis", "--via", "email", "--out", str(tmp_path / "r")])
    assert code == 1 and "an e-mail letter needs a From: address" in err
    assert files_under(tmp_path / "r") == []
    with smtp_server(tmp_path, "tls") as server:
        _mailbox(cli, monkeypatch, server, EMAIL)
        code, stdout, err = cli(["send", "--yes", "--pace", "0"])
        assert server.received == []


# --- cora: one agency, and the campaign to every Colorado sheriff -------------------------------------


@pytest.mark.parametrize(
    ("scope", "who"),
    [("one", "person"), ("one", "clinic"), ("all", "person"), ("all", "clinic")],
    ids=["cora-one-person", "cora-one-clinic", "cora-all-co-sheriffs-person", "cora-all-co-sheriffs-clinic"],
)
def test_cora(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner, scope: str, who: str) -> None:
    """A records request tells the agency the person's name and e-mail (no address at all, not
    even the past one or the P.O. box: the Acts let anyone ask), or, as the clinic, no person at
    all; so do the campaign's follow-ups and its exported table."""
    make_vault(tmp_path, monkeypatch, cli, profile=PROFILE + REPLY_ADDRESS, clinic=CLINIC_TOML)
    out = tmp_path / "c"
    if scope == "one":
        args = [
            "cora",
            "--agency",
            "Example County Sheriff's Office",
            "--address",
            "1 Justice Way;Example, CO 80000",
            "--email",
            "records@example.org",
            "--format",
            "pdf,txt,eml,html",
        ]
    else:
        args = ["cora", "--all", "co-sheriffs"]
    code, stdout, err = cli([*args, "--as", who, "--out", str(out), "--json"])
    assert code == 0, err
    made = data(stdout)
    assert not leaks(stdout + err) and not gives_past(stdout + err)
    said = " ".join(err.split())  # what the letters tell, printed before they are written
    if who == "clinic":
        assert "no client is named" in said or "It names no client" in said
    else:
        assert "your name and your e-mail" in said or "your name, your e-mail;" in said
    assert "The agency will see everything in the letter" in said
    written = files_under(out)
    assert written
    for path in written:
        text = artefact_text(path)
        assert not leaks(text) and not gives_past(text) and REPLY_BOX not in text, path.name
        if who == "clinic":
            assert fold(NAME) not in fold(text) and EMAIL not in text, path.name
        else:
            assert fold(NAME) in fold(text) and EMAIL in text, path.name
        if path.suffix == ".eml":
            sender = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["From"]
            expected = "privacy-desk@example.org" if who == "clinic" else EMAIL
            assert sender is None or sender.addresses[0].addr_spec == expected
    first = made["id"] if scope == "one" else made["letters"][0]["id"]
    shown = data(cli(["show", str(first), "--json"])[1])["disclosed"]
    assert shown["given"] == ([] if who == "clinic" else ["email"])
    if scope == "all":  # a late agency's follow-up, and the table an advocate brings
        for letter in made["letters"][:2]:
            assert (
                cli(["mark", str(letter["id"]), "sent", "--via", letter["channel"], "--on", "2026-12-07"])[0]
                == 0
            )
        monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-20")
        code, stdout, err = cli(
            ["followup", "--format", "pdf,txt,eml,html", "--out", str(tmp_path / "f"), "--json"]
        )
        assert code == 0, err
        code, _, err = cli(["campaign", "export", made["campaign"], "--out", str(tmp_path / "x")])
        assert code == 0, err
        for path in files_under(tmp_path / "f") + files_under(tmp_path / "x"):
            text = artefact_text(path)
            assert not leaks(text) and not gives_past(text) and REPLY_BOX not in text, path.name
            if who == "clinic":
                assert fold(NAME) not in fold(text), path.name


# --- demo, show, audit -------------------------------------------------------------------------------------


def test_demo(tmp_path: Path, cli: Runner) -> None:
    """`demo` writes to LexisNexis for the fictional requester of examples/demo-profile.toml: none
    of its withheld values is in the letters or in what it prints."""
    code, stdout, err = cli(["demo", "--out", str(tmp_path / "d")])
    assert code == 0, err
    demo = ("1550 Calle", "Denver, CO 80204", "80204", "555 0147", "1988", "Maria J. Nunez", "María Núñez,")
    written = files_under(tmp_path / "d")
    assert written
    for path in written:
        text = artefact_text(path)
        assert not [d for d in demo if d in text], path.name
        if "unreachable" not in path.name:  # a complaint gives the name and the e-mail only
            assert "27 Trần Hưng Đạo Street" in text  # the past address it gives
    assert not [d for d in demo if d in stdout + err]


def test_show_and_audit(person: Path, cli: Runner) -> None:
    """What the log shows (`show`, `audit` as text, JSON and HTML) names what each letter told,
    in words: never the values themselves."""
    (letter,) = _letters(cli, ["request", "lexisnexis", "--out", str(person / "r")])
    assert cli(["mark", str(letter["id"]), "sent", "--via", letter["channel"]])[0] == 0
    outputs = [
        cli(["show", str(letter["id"])]),
        cli(["show", str(letter["id"]), "--json"]),
        cli(["audit", "--answer", "booked_in_jail=no"]),
        cli(["audit", "--json", "--answer", "booked_in_jail=no"]),
        cli(["audit", "--html", str(person / "audit.html"), "--answer", "booked_in_jail=no"]),
    ]
    for code, stdout, err in outputs:
        assert code == 0, err
        assert not leaks(stdout + err), leaks(stdout + err)
    assert not leaks(artefact_text(person / "audit.html"))


def test_advertising_id_guidance_says_what_the_letter_gives(person: Path, cli: Runner) -> None:
    """The warning before a letter to a location broker names what the ID is tied to: what the
    letter really gives (the name, a past address, the e-mail), never 'your home'."""
    code, stdout, err = cli(["request", "gravy-analytics", "--kind", "delete", "--out", str(person / "g")])
    assert code == 0, err
    said = " ".join(err.split())
    assert (
        "gravy-analytics: the letter gives your phone's advertising ID, the key its location data is filed "
        "under: it lets the company tie where your phone has been (home, work, a clinic, a court) to your "
        "name, an address from 2016-2019 and your e-mail." in said
    )
    assert "After you send it, reset or delete the ID on the phone" in said
    assert (
        "This letter tells Gravy Analytics: your name, an address from 2016-2019, your e-mail, your phone's "
        "advertising ID" in said
    )
    assert "(it holds phones' location data, which it finds by the advertising ID alone;" in said


def test_cora_followup_after_a_new_email_tells_the_agency_nothing_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A campaign made as a person gave each agency one e-mail; the requester changes it. The
    follow-up for a late agency is not written with the new address: it is skipped, saying why."""
    make_vault(tmp_path, monkeypatch, cli, profile=PROFILE)
    code, stdout, err = cli(
        ["cora", "--all", "co-sheriffs", "--as", "person", "--out", str(tmp_path / "c"), "--json"]
    )
    assert code == 0, err
    first = data(stdout)["letters"][0]
    assert cli(["mark", str(first["id"]), "sent", "--via", first["channel"], "--on", "2026-12-07"])[0] == 0
    (tmp_path / "new.toml").write_text(PROFILE.replace(EMAIL, "new.address@example.com"), encoding="utf-8")
    assert cli(["profile", "edit", "--from-file", str(tmp_path / "new.toml")])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-20")
    code, stdout, err = cli(["followup", str(first["id"]), "--out", str(tmp_path / "f"), "--json"])
    assert code == 0, err
    assert data(stdout)["letters"] == []
    assert f"#{first['id']}: skipped, your e-mail changed since the request" in " ".join(err.split())
    assert not (tmp_path / "f").exists() or not files_under(tmp_path / "f")
