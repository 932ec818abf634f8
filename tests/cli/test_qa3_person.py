"""Defects found by using broker-audit as a Denver resident whose jail booking is resold to
immigration enforcement would (QA pass 3), each with the test that failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner, demo_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    return demo_vault(cli, tmp_path, monkeypatch, "2026-12-07")


def _references(folder: Path) -> dict[str, str]:
    """Each letter's file name and the reference it states."""
    out = {}
    for path in folder.glob("*.txt"):
        found = re.search(r"^Reference: (BA-\w+)$", path.read_text(encoding="utf-8"), re.M)
        assert found, path
        out[path.name] = found.group(1)
    return out


def test_requesting_an_unreachable_broker_again_writes_no_second_complaint(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """Appriss Insights has no route: `request appriss` writes #1 (to its parent, Equifax) and #2
    (the complaint to the Colorado Attorney General). Run again, the letter to Equifax was left
    out as a repeat of #1, but a second complaint was written, citing a reference no letter
    carries. Now the open complaint #2 is a repeat too: nothing new is written."""
    out_dir = tmp_path / "l"
    args = ["request", "appriss", "--kind", "access", "--out", str(out_dir), "--format", "txt"]
    code, _, err = cli(args)
    assert code == 0, err
    assert sorted(_references(out_dir)) == [
        "2026-12-07-appriss-insights-unreachable-2.txt",
        "2026-12-07-equifax-access-1.txt",
    ]
    code, out, err = cli(args)
    assert code == 0, err
    assert "#3" not in out
    assert "an open unreachable request to Appriss Insights exists: #2" in err
    assert len(_references(out_dir)) == 2
    code, out, _ = cli(["status", "--json"])
    assert [row["id"] for row in data(out)] == [1, 2]


def test_a_new_complaint_cites_the_open_request_to_the_parent_not_an_unwritten_letter(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """#1 access to Equifax (for Appriss Insights) stays open; the complaint #2 is withdrawn.
    `request appriss --kind access,delete` writes #3 (delete, to Equifax) and a new complaint
    #4; the access letter is not written again (#1 is open), so the complaint must name #1's
    reference for it, and #3's for the deletion."""
    out_dir = tmp_path / "l"
    first = ["request", "appriss", "--kind", "access", "--out", str(out_dir), "--format", "txt"]
    assert cli(first)[0] == 0
    assert cli(["mark", "2", "withdrawn"])[0] == 0
    code, _, err = cli(
        ["request", "appriss", "--kind", "access,delete", "--out", str(out_dir), "--format", "txt"]
    )
    assert code == 0, err
    refs = _references(out_dir)
    access = refs["2026-12-07-equifax-access-1.txt"]
    delete = refs["2026-12-07-equifax-delete-3.txt"]
    complaint = (out_dir / "2026-12-07-appriss-insights-unreachable-4.txt").read_text(encoding="utf-8")
    cited = re.findall(r"reference (BA-\w+),", complaint)
    assert cited == [access, delete]


ROSA = """\
name = "Rosa Elena Quintero Ramírez"
other_names = ["Rosa Quintero"]
email = "rosa.q@example.org"
phone = "+1 720 555 0199"
birth_date = 1979-09-03
state = "CO"
advertising_ids = ["6d92078a-8246-4ba4-ae5b-76104861e7dc"]

[[addresses]]
line1 = "4412 Tejon St, Unit 2"
city = "Denver"
state = "CO"
zip = "80211"
current = true

[[addresses]]
line1 = "901 Peoria St"
city = "Aurora"
state = "CO"
zip = "80011"
since = 2015
until = 2021

[reply_address]
care_of = "c/o Centro Legal"
line1 = "P.O. Box 18234"
city = "Denver"
state = "CO"
zip = "80218"
"""


@pytest.fixture
def rosa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    """A vault for a Denver resident with a reply P.O. box, a previous address and an ad ID."""
    from cliutil import PASSPHRASE

    profile = tmp_path / "rosa.toml"
    profile.write_text(ROSA, encoding="utf-8")
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    assert cli(["init", "--passphrase", "--profile", str(profile)])[0] == 0
    return profile


def test_an_emailed_letter_holds_the_postal_address_it_asks_the_answer_to_go_to(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """Venntel (email route, sells to immigration enforcement): the letter withholds the home
    address and asks for the answer 'to my postal address above', the reply P.O. box. The .eml
    began at 'Reference:', so the e-mail named a postal address it did not hold."""
    import email.policy
    from email.parser import BytesParser

    out_dir = tmp_path / "l"
    code, _, err = cli(["request", "venntel", "--kind", "delete", "--out", str(out_dir)])
    assert code == 0, err
    (eml,) = out_dir.glob("*-venntel-delete-1.eml")
    msg = BytesParser(policy=email.policy.default).parsebytes(eml.read_bytes())
    body = msg.get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Rosa Elena Quintero Ramírez\nc/o Centro Legal\nP.O. Box 18234\nDenver, CO 80218\n\nReference: BA-"
    )
    assert "Please send your answer to my postal address above or to\nrosa.q@example.org" in body
    assert "4412 Tejon" not in body  # the home address stays out, as in the letter


def test_a_profile_with_a_reply_address_is_not_told_to_add_one(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """Rosa's profile has a reply P.O. box, and every letter to a broker sends answers there;
    only the complaint to the Attorney General about Appriss (which cannot be reached) asks for
    an e-mail answer, as a complaint office's letter does. `request` still told her to 'add a
    reply_address ... to your profile'."""
    code, out, err = cli(
        ["request", "lexisnexis", "appriss", "--kind", "access", "--out", str(tmp_path / "l")]
    )
    assert code == 0, err
    assert "answers go to your reply address" in err
    assert "add a reply_address" not in out + err


def test_a_profile_without_a_reply_address_is_still_told_to_add_one(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """The demo profile has none: LexisNexis's letter withholds the home address and asks for
    an e-mail answer, so the note saying how to get answers by post stays."""
    code, out, err = cli(["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l")])
    assert code == 0, err
    assert "add a reply_address" in out + err


def test_an_appeal_says_the_timeline_is_enclosed_that_followup_says_it_says(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deletion request to LexisNexis (#1), mailed, received 2026-12-10, denied 2026-12-18:
    `followup` writes the appeal (#2) and prints 'The letter says a timeline with copies is
    enclosed' (its e-mail form encloses it). The appeal said no such thing."""
    out_dir = tmp_path / "l"
    args = ["request", "lexisnexis", "--kind", "delete", "--out", str(out_dir), "--format", "txt"]
    assert cli(args)[0] == 0
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-20")
    assert cli(["mark", "1", "delivered", "--on", "2026-12-10"])[0] == 0
    assert cli(["mark", "1", "denied", "--on", "2026-12-18"])[0] == 0
    code, _, err = cli(["followup", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    assert "The letter says a timeline with copies is enclosed: broker-audit evidence 1" in err
    (appeal,) = out_dir.glob("*-appeal-2.txt")
    text = " ".join(appeal.read_text(encoding="utf-8").split())
    assert "On December 18, 2026 you declined it. A timeline with copies is enclosed." in text


def test_a_reading_copy_heads_its_recipient_block_in_spanish(rosa: Path, tmp_path: Path, cli: Runner) -> None:
    """`--lang es`: the letter to Venntel goes by e-mail and the complaint about Appriss by the
    Attorney General's form; their Spanish reading copies kept the letter's English headings
    'By email to:' and 'File online at:' over the address, where a reader of Spanish looks to
    know where the letter goes. The addresses themselves stay as the letter gives them."""
    out_dir = tmp_path / "l"
    code, _, err = cli(
        ["--lang", "es", "request", "venntel", "appriss", "--kind", "delete", "--out", str(out_dir)]
    )
    assert code == 0, err
    (venntel,) = out_dir.glob("*-venntel-delete-*-reading-copy-es.txt")
    text = venntel.read_text(encoding="utf-8")
    assert "Venntel, Inc.\nPor correo electrónico a:\nprivacy@venntel.com\n" in text
    assert "By email to:" not in text
    (complaint,) = out_dir.glob("*-appriss-insights-unreachable-*-reading-copy-es.txt")
    text = complaint.read_text(encoding="utf-8")
    assert "Presentar en línea en:\nhttps://coag.gov/file-complaint/\n" in text
    assert "File online at:" not in text
    (letter,) = out_dir.glob("*-venntel-delete-1.txt")  # the letter itself stays English
    assert "By email to:\nprivacy@venntel.com" in letter.read_text(encoding="utf-8")


def test_an_email_request_written_without_its_eml_can_be_written_again_to_send(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """#1 to Venntel goes by e-mail but was written `--format txt`: `send` cannot send it and
    said 'make it again with `broker-audit request ... --via email`' (for an appeal or a
    follow-up, `request` cannot write it), and `resend 1 --via email` refused: 'already written
    to go email'. Now `send` names `resend 1 --via email`, which writes #2 with its .eml."""
    out_dir = tmp_path / "l"
    code, _, err = cli(["request", "venntel", "--kind", "delete", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    setup = ["mail", "setup", "--smtp-host", "127.0.0.1", "--smtp-user", "rosa.q@example.org"]
    code, _, err = cli(setup)
    assert code == 0, err
    code, out, err = cli(["send", "--dry-run"])
    assert "#1: not sent: no .eml letter is recorded for it; write it as an e-mail with " in out + err
    assert "`broker-audit resend 1 --via email`" in out + err
    code, out, err = cli(["resend", "1", "--via", "email", "--out", str(out_dir)])
    assert code == 0, err
    assert [p.name for p in out_dir.glob("*.eml")] == ["2026-12-07-venntel-delete-2.eml"]
    code, out, _ = cli(["status", "--json", "--all"])
    assert {row["id"]: row["state"] for row in data(out)} == {1: "withdrawn", 2: "drafted"}


def test_inbox_counts_one_message_and_one_reply_in_the_singular(capsys: pytest.CaptureFixture[str]) -> None:
    """The sandbox broker answered once: `inbox` said '1 messages, 1 replies kept'."""
    import datetime as dt

    from broker_audit.cli.render.mail import render_inbox
    from broker_audit.services.inbox import InboxResult

    render_inbox(
        InboxResult(
            folder="INBOX", since=dt.date(2027, 1, 25), scanned=1, fetched=1, already_stored=1, ignored=2
        )
    )
    line = " ".join(capsys.readouterr().out.split())
    assert line == (
        "INBOX since 2027-01-25: 1 message, 0 replies kept, 1 kept before, "
        "2 not about a request (not stored)."
    )


def test_a_complaint_to_the_attorney_general_says_its_web_form_not_your_web_form(
    rosa: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deletion request to Thomson Reuters (CLEAR) went through its web form on 2026-12-07,
    the follow-up on 2027-01-25 (late: 45 days, C.R.S. 6-1-1306(2)(a)), no answer: the complaint
    to the Colorado Attorney General said 'Sent: December 7, 2026 through your web form', the
    Attorney General's form to whoever reads it."""
    out_dir = tmp_path / "l"
    args = ["--lang", "es", "request", "thomson-reuters-clear", "--kind", "delete"]
    assert cli([*args, "--out", str(out_dir), "--format", "txt"])[0] == 0
    assert cli(["mark", "1", "sent", "--via", "web-form", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-25")
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0
    assert cli(["mark", "2", "sent", "--via", "web-form"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-20")
    code, _, err = cli(["--lang", "es", "followup", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    (complaint,) = out_dir.glob("*-complaint-3.txt")
    text = complaint.read_text(encoding="utf-8")
    assert "Sent: December 7, 2026 through a web form\n" in text
    assert "your web form" not in text
    (copy,) = out_dir.glob("*-complaint-3-reading-copy-es.txt")
    assert "Enviada: 7 de diciembre de 2026 por un formulario web\n" in copy.read_text(encoding="utf-8")


def _late_and_followed_up_by_mail(cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deletion request to LexisNexis (#1) mailed 2026-12-07, received 2026-12-11, so due
    2027-01-25 (45 days, C.R.S. 6-1-1306(2)(a)); unanswered, its follow-up (#2) written and
    mailed on 2027-01-26; the letters' folder."""
    out_dir = tmp_path / "l"
    args = ["request", "lexisnexis", "--kind", "delete", "--out", str(out_dir), "--format", "txt"]
    assert cli(args)[0] == 0
    assert cli(["mark", "1", "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-26")
    assert cli(["mark", "1", "delivered", "--on", "2026-12-11"])[0] == 0
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0
    (followup,) = out_dir.glob("*-followup-2.txt")
    assert "within 10 days of receiving this letter" in " ".join(followup.read_text(encoding="utf-8").split())
    assert cli(["mark", "2", "sent", "--via", "mail", "--on", "2027-01-26"])[0] == 0
    return out_dir


def test_no_complaint_before_the_ten_days_a_mailed_followup_gives_have_passed(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follow-up asks for an answer 'within 10 days of receiving this letter'. Mailed on
    2027-01-26, it is taken to arrive 2027-02-02 (7 days for mail, until a receipt is recorded),
    so the company has until 2027-02-12. `followup` wrote the complaint on 2027-02-05, ten days
    after sending, three after receipt."""
    out_dir = _late_and_followed_up_by_mail(cli, tmp_path, monkeypatch)
    for day in ("2027-02-05", "2027-02-12"):
        monkeypatch.setenv("BROKER_AUDIT_TODAY", day)
        code, out, err = cli(["followup", "--out", str(out_dir), "--format", "txt"])
        assert code == 0, err
        assert not list(out_dir.glob("*-complaint-*")), day
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-13")
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0
    assert [p.name for p in out_dir.glob("*-complaint-*")] == [
        "2027-02-13-lexisnexis-risk-solutions-complaint-3.txt"
    ]


def test_a_recorded_receipt_of_the_followup_starts_its_ten_days(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follow-up's return receipt says 2027-01-29: its ten days end 2027-02-08, so the
    complaint comes on 2027-02-09, not before."""
    out_dir = _late_and_followed_up_by_mail(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-08")
    assert cli(["mark", "2", "delivered", "--on", "2027-01-29"])[0] == 0
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0
    assert not list(out_dir.glob("*-complaint-*"))
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-09")
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0
    assert len(list(out_dir.glob("*-complaint-*"))) == 1


def test_counts_in_status_lines_agree_with_their_number(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A campaign to one sheriff (Chaffee, by mail) said '1 letters'; `status` in Spanish said
    '1 atrasadas' for one request past its due date (mailed 2026-12-07, taken to arrive
    2026-12-14, 45 days: due 2027-01-28)."""
    agencies = tmp_path / "agencies.txt"
    agencies.write_text("sheriff-chaffee\n", encoding="utf-8")
    code, out, err = cli(["cora", "--agencies", str(agencies), "--out", str(tmp_path / "c"), "--json"])
    assert code == 0, err
    campaign = data(out)["campaign"]
    code, out, err = cli(["status", "--campaign", campaign])
    assert code == 0, err
    assert f"Campaign {campaign} (" in out
    assert ": 1 letter, 0 answered, 0 late, 0 asked for fees, 0 without a route" in out
    args = ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    assert cli(args)[0] == 0
    assert cli(["mark", "2", "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-01")
    code, out, err = cli(["--lang", "es", "status", "--broker", "lexisnexis-risk-solutions"])
    assert code == 0, err
    assert "1 solicitud al 2027-02-01 (de 2 en la bóveda): 1 atrasada, 0 vencen dentro de una semana" in out


def test_vault_verify_counts_one_record_and_one_request_in_the_singular(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """Right after `init` the vault holds one record (the profile): `vault verify` said
    'Checked 1 records (0 requests)'; after one request, '2 records (1 requests)'."""
    code, out, err = cli(["vault", "verify"])
    assert code == 0, err
    assert out.startswith("Checked 1 record (0 requests) and 0 attachments (0 parts): every seal")
    assert cli(["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l")])[0] == 0
    code, out, err = cli(["vault", "verify"])
    assert out.startswith("Checked 2 records (1 request) and 0 attachments (0 parts)")
    code, out, err = cli(["--lang", "es", "vault", "verify"])
    assert out.startswith("Se revisaron 2 registros (1 solicitud) y 0 adjuntos (0 partes)")


def test_the_audit_does_not_call_a_whole_refusal_a_partial_one(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Venntel denied the whole access request (#1, `mark 1 denied`): the audit's next step
    said 'Venntel refused part of a request'."""
    args = ["request", "venntel", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    assert cli(args)[0] == 0
    assert cli(["mark", "1", "sent", "--via", "email"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-12")
    assert cli(["mark", "1", "denied", "--on", "2027-01-10"])[0] == 0
    code, out, err = cli(["audit", "--json"])
    assert code == 0, err
    steps = [step["text"] for step in data(out)["next_actions"]]
    assert "Venntel refused a request in whole or in part: appeal or complain" in steps


def test_an_extension_told_after_the_deadline_does_not_move_it(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C.R.S. 6-1-1306(2)(a): 45 days from receipt, extendable once by 45 more if the company
    says so 'within forty-five days after receipt'. Received 2026-12-10, so due 2027-01-24; an
    extension told on 2027-02-01 was recorded and moved the due date to 2027-03-10, so the
    overdue request showed as on time. Now it is refused (exit 1) and the request stays overdue;
    one told on the last day, 2027-01-24, still counts."""
    for kind in ("delete", "opt-out"):
        args = ["request", "lexisnexis", "--kind", kind, "--out", str(tmp_path / "l"), "--format", "txt"]
        assert cli(args)[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-05")
    for request in ("1", "2"):
        assert cli(["mark", request, "sent", "--via", "mail", "--on", "2026-12-07"])[0] == 0
        assert cli(["mark", request, "delivered", "--on", "2026-12-10"])[0] == 0
    code, _, err = cli(["mark", "1", "extended", "--on", "2027-02-01"])
    assert code == 1
    assert "comes after the deadline of request 1 (2027-01-24)" in err
    notice = tmp_path / "notice.txt"
    notice.write_text("We are extending the time to respond by 45 days.\n", encoding="utf-8")
    code, _, err = cli(["reply", "1", "--file", str(notice), "--state", "extended"])
    assert code == 1
    assert "comes after the deadline of request 1 (2027-01-24)" in err
    code, out, _ = cli(["show", "1", "--json"])
    shown = data(out)
    assert (shown["state"], shown["due"], shown["overdue"]) == ("delivered", "2027-01-24", True)
    code, _, err = cli(["mark", "2", "extended", "--on", "2027-01-24"])
    assert code == 0, err
    code, out, _ = cli(["show", "2", "--json"])
    assert (data(out)["state"], data(out)["due"]) == ("extended", "2027-03-10")


def test_a_records_request_in_spanish_gets_its_reading_copy(rosa: Path, tmp_path: Path, cli: Runner) -> None:
    """`--lang es request` writes a Spanish reading copy beside each letter; `--lang es cora`
    to the Denver Sheriff wrote the English letter alone, though the templates hold its Spanish
    copy (templates/letters/es/records.txt.j2)."""
    out_dir = tmp_path / "c"
    code, _, err = cli(
        ["--lang", "es", "cora", "--agency", "Denver Sheriff Department", "--address",
         "5440 Roslyn St;Denver, CO 80216", "--out", str(out_dir)]
    )  # fmt: skip
    assert code == 0, err
    stem = "2026-12-07-agency-denver-sheriff-department-records-1"
    assert sorted(p.name for p in out_dir.iterdir()) == [
        f"{stem}-reading-copy-es.pdf",
        f"{stem}-reading-copy-es.txt",
        f"{stem}.pdf",
        f"{stem}.txt",
    ]
    copy = (out_dir / f"{stem}-reading-copy-es.txt").read_text(encoding="utf-8")
    assert "COPIA DE LECTURA" in copy and "Al custodio de los registros de Denver Sheriff Department:" in copy
    letter = (out_dir / f"{stem}.txt").read_text(encoding="utf-8")
    assert "To the records custodian of the Denver Sheriff Department:" in letter
    assert f"n.º 1: copia de lectura (una traducción para usted, no se envía): {out_dir / stem}" in err
    code, out, _ = cli(["show", "1", "--json"])  # the copy is never one of the request's files
    assert all("reading-copy" not in f for f in data(out)["files"])


def test_a_campaign_in_spanish_writes_each_letters_reading_copy(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """`--lang es cora --agencies FILE` (Chaffee County's sheriff, by mail): the campaign's
    letter had no Spanish reading copy beside it."""
    agencies = tmp_path / "agencies.txt"
    agencies.write_text("sheriff-chaffee\n", encoding="utf-8")
    out_dir = tmp_path / "c"
    code, out, err = cli(["--lang", "es", "cora", "--agencies", str(agencies), "--out", str(out_dir)])
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "2026-12-07-sheriff-chaffee-records-1-reading-copy-es.pdf",
        "2026-12-07-sheriff-chaffee-records-1-reading-copy-es.txt",
        "2026-12-07-sheriff-chaffee-records-1.pdf",
        "2026-12-07-sheriff-chaffee-records-1.txt",
    ]
    assert "n.º 1: copia de lectura (una traducción para usted, no se envía):" in out


def test_a_letter_written_again_in_spanish_gets_its_reading_copy(
    rosa: Path, tmp_path: Path, cli: Runner
) -> None:
    """`--lang es resend 1 --via email` (Spokeo's access request, first written for its web form)
    wrote the new letter without the reading copy `--lang es request` gives every letter."""
    out_dir = tmp_path / "l"
    args = ["--lang", "es", "request", "spokeo", "--kind", "access", "--out", str(out_dir)]
    assert cli(args)[0] == 0
    code, _, err = cli(["--lang", "es", "resend", "1", "--via", "email", "--out", str(out_dir)])
    assert code == 0, err
    copies = sorted(p.name for p in out_dir.glob("*-2-reading-copy-es.*"))
    assert copies == [
        "2026-12-07-spokeo-access-2-reading-copy-es.pdf",
        "2026-12-07-spokeo-access-2-reading-copy-es.txt",
    ]
    assert "n.º 2: copia de lectura (una traducción para usted, no se envía):" in err
