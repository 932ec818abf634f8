"""Defects found by using broker-audit as its users would (QA pass), each with the test that
failed before its fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from clijson import data
from cliutil import DEMO, Runner, demo_vault


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    return demo_vault(cli, tmp_path, monkeypatch, "2026-12-07")


def _denied_and_appealed(cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deletion request (#1) mailed 2026-12-07, received 2026-12-10, denied 2026-12-18, and its
    appeal (#2) written by `followup` and mailed on 2026-12-20; the letters' folder."""
    out_dir = tmp_path / "l"
    code, _, err = cli(
        ["request", "lexisnexis", "--kind", "delete", "--out", str(out_dir), "--format", "txt"]
    )
    assert code == 0, err
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-20")
    assert cli(["mark", "1", "delivered", "--on", "2026-12-10"])[0] == 0
    assert cli(["mark", "1", "denied", "--on", "2026-12-18"])[0] == 0
    assert cli(["followup", "--out", str(out_dir), "--format", "txt"])[0] == 0  # the appeal, #2
    assert cli(["mark", "2", "sent", "--via", "mail"])[0] == 0
    return out_dir


def test_evidence_after_an_appeal_states_the_requests_own_deadline(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Received 2026-12-10 (recorded), 45 days (C.R.S. 6-1-1306(2)(a)) -> 2027-01-24, extended by
    45 more -> 2027-03-10. The packet said 'receipt estimated as the day sent' and gave the
    appeal's due date (2027-01-20 + 45 = 2027-03-06) as the request's deadline."""
    code, _, err = cli(
        ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0, err
    assert cli(["mark", "1", "sent", "--via", "mail"])[0] == 0
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-01-20")
    for state, on in [
        ("delivered", "2026-12-10"),
        ("extended", "2027-01-15"),
        ("partially-fulfilled", "2027-01-18"),
        ("appealed", "2027-01-20"),
    ]:
        code, _, err = cli(["mark", "1", state, "--on", on])
        assert code == 0, err
    code, out, err = cli(["evidence", "1", "--out", str(tmp_path / "ev")])
    assert code == 0, err
    assert "due March 10, 2027" in out
    assert "estimated" not in out
    assert "answered (partially-fulfilled) on January 18, 2027, within the deadline" in out


def test_profile_control_characters_never_reach_the_vault_or_a_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """A name pasted with a terminal escape and a right-to-left override (U+202E) was stored as
    given and written into the letters, where the override reverses what follows it."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    profile = DEMO.read_text(encoding="utf-8").replace(
        'name = "María José Núñez Nguyễn"', 'name = "Ana\\u001b[31m Tést\\u202e Gómez"'
    )
    profile = profile.replace('city = "Denver"', 'city = "Den\\u202ever"', 1)
    (tmp_path / "me.toml").write_text(profile, encoding="utf-8")
    code, _, err = cli(["init", "--passphrase", "--profile", str(tmp_path / "me.toml")])
    assert code == 0, err
    code, out, _ = cli(["profile", "show", "--json"])
    assert code == 0 and "Ana Tést Gómez" in out and "\\u202e" not in out and "\\u001b" not in out
    code, _, err = cli(
        ["request", "spokeo", "--kind", "delete", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0, err
    (letter,) = (tmp_path / "l").glob("*.txt")
    text = letter.read_text(encoding="utf-8")
    assert "Ana Tést Gómez" in text
    assert "\x1b" not in text and "\u202e" not in text
    code, _, err = cli(["profile", "edit", "--other-name", "Ana\x1b]8;;http://x\x1b\\ G"])
    assert code == 0, err
    code, out, _ = cli(["profile", "show", "--json"])
    assert "\\u001b" not in out and "Ana G" in out


def test_cora_all_again_counts_the_agencies_with_a_route_not_every_agency(
    vault: Path, tmp_path: Path, cli: Runner
) -> None:
    """A second `cora --all` said 'every one of the 64 agencies with a route has an open records
    request' when only the agencies written to the first time (those with a route) had one."""
    code, out, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "s"), "--json"])
    assert code == 0, err
    body = data(out)
    written = len(body["letters"])
    assert written > 1 and body["without_route"]  # some agencies have no route
    code, _, err = cli(["cora", "--all", "co-sheriffs", "--out", str(tmp_path / "s2")])
    assert code == 1
    assert f"every one of the {written} agencies with a route has an open records request" in err


def test_vault_passwd_without_a_new_passphrase_says_so_and_exits_1(vault: Path, cli: Runner) -> None:
    """With the vault unlocked by BROKER_AUDIT_PASSPHRASE and no BROKER_AUDIT_NEW_PASSPHRASE,
    `vault passwd` said 'the vault needs its passphrase' and exited 3 (locked): the vault had
    opened; what was missing was the new passphrase, an input to fix (exit 1)."""
    code, _, err = cli(["vault", "passwd"])
    assert code == 1
    assert "the new passphrase is needed" in err and "BROKER_AUDIT_NEW_PASSPHRASE" in err
    assert "the vault needs its passphrase" not in err


def test_mark_errors_are_in_spanish_under_lang_es(vault: Path, tmp_path: Path, cli: Runner) -> None:
    """`mark`'s refusals (a date in the future, no --via, an unknown request, a state the
    lifecycle forbids, a channel the letter was not written for) came out in English under
    --lang es, one of them half and half: 'written to go por correo postal'."""
    code, _, err = cli(
        ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0, err
    said = {
        "future": cli(["--lang", "es", "mark", "1", "sent", "--via", "mail", "--on", "2026-12-09"])[2],
        "no via": cli(["--lang", "es", "mark", "1", "sent"])[2],
        "unknown": cli(["--lang", "es", "mark", "99", "sent", "--via", "mail"])[2],
        "state": cli(["--lang", "es", "mark", "1", "bogus"])[2],
        "lifecycle": cli(["--lang", "es", "mark", "1", "fulfilled"])[2],
        "channel": cli(["--lang", "es", "mark", "1", "sent", "--via", "email"])[2],
    }
    assert "2026-12-09 está en el futuro" in said["future"]
    assert "indique cómo se envió la solicitud" in said["no via"]
    assert "no hay ninguna solicitud con el id 99" in said["unknown"]
    assert "estado desconocido: 'bogus'" in said["state"]
    assert "la solicitud 1 está en drafted; no puede pasar a fulfilled" in said["lifecycle"]
    assert "desde drafted puede pasar a: sent, withdrawn" in said["lifecycle"]
    assert (
        "se escribió para ir por correo postal, así que no puede haber ido por correo electrónico"
        in said["channel"]
    )
    for text in said.values():
        for english in (
            "is in the future",
            "say how",
            "no request with",
            "unknown state",
            "cannot become",
            "written to go",
        ):
            assert english not in text


def test_mark_says_an_estimated_due_date_is_one_and_gives_none_once_closed(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mark 1 sent --via mail` printed 'due 2027-01-28' as a fact, while `status` shows the
    same day as '~2027-01-28', an estimate (sent 2026-12-07 + 7 days' mail allowance + 45 days);
    and `mark 1 fulfilled` still printed a due date for a request that was answered."""
    code, _, err = cli(
        ["request", "lexisnexis", "--kind", "access", "--out", str(tmp_path / "l"), "--format", "txt"]
    )
    assert code == 0, err
    code, out, _ = cli(["mark", "1", "sent", "--via", "mail"])
    assert code == 0 and "#1 is now sent, due ~2027-01-28 (estimated:" in out
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-12")
    code, out, _ = cli(["mark", "1", "delivered", "--on", "2026-12-10"])
    assert code == 0 and out.strip() == "#1 is now delivered, due 2027-01-24"  # received + 45 days
    code, out, _ = cli(["mark", "1", "fulfilled"])
    assert code == 0 and out.strip() == "#1 is now fulfilled"


def test_profile_file_with_a_state_name_says_what_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """`state = "Colorado"` in a profile file was refused with msgspec's words: "Expected `str`
    matching regex '^[A-Za-z]{2}$'"."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    profile = DEMO.read_text(encoding="utf-8").replace('state = "CO"', 'state = "Colorado"', 1)
    (tmp_path / "me.toml").write_text(profile, encoding="utf-8")
    code, _, err = cli(["init", "--passphrase", "--profile", str(tmp_path / "me.toml")])
    assert code == 1
    assert "state: Expected `str` of two letters (a state code, e.g. CO)" in err
    assert "regex" not in err


def test_complaint_after_an_appeal_names_the_answer_not_the_appeal(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Denied on 2026-12-18, appealed on 2026-12-20, the appeal unanswered: the complaint said
    'Answer received: December 18, 2026 (appealed)', the request's state now, where the log
    says the answer of that day was a denial."""
    out_dir = _denied_and_appealed(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-04-01")  # long after any appeal deadline
    code, _, err = cli(["followup", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    (complaint,) = out_dir.glob("*-complaint-*.txt")
    text = complaint.read_text(encoding="utf-8")
    assert "Answer received: December 18, 2026 (denied)" in text
    assert "Appeal sent: December 20, 2026" in text


def test_no_complaint_about_an_appeal_before_the_appeals_own_due_date(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The appeal (#2) mailed 2026-12-20 is estimated received 2026-12-27 (7 days' mail), its
    decision due 45 days later (C.R.S. 6-1-1306(3)(b)): 2027-02-10. The request it appeals (#1)
    counts from the day of mailing (2027-02-03), and on 2027-02-05 `followup` wrote a complaint
    to the Attorney General that the appeal went unanswered, five days before the appeal's own
    due date; on 2027-02-11 the complaint is due."""
    out_dir = _denied_and_appealed(cli, tmp_path, monkeypatch)
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-05")
    code, out, _ = cli(["show", "2", "--json"])
    assert data(out)["due"] == "2027-02-10"
    code, out, err = cli(["followup", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    assert not list(out_dir.glob("*-complaint-*"))
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2027-02-11")
    code, out, err = cli(["followup", "--out", str(out_dir), "--format", "txt"])
    assert code == 0, err
    assert len(list(out_dir.glob("*-complaint-*.txt"))) == 1


def test_an_appealed_requests_estimate_points_to_the_appeal_not_to_mark_delivered(
    vault: Path, tmp_path: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once appealed, a request's due date is the appeal decision's, estimated from the day the
    appeal went out; `show` told the user to record receipt with `mark ID delivered`, which is
    refused for that request (it was received on 2026-12-10 already)."""
    _denied_and_appealed(cli, tmp_path, monkeypatch)
    code, out, _ = cli(["show", "1"])
    assert code == 0 and "state: appealed; due 2027-02-03 (estimated from the day the appeal went out" in out
    assert "mark APPEAL-ID delivered" in out and "`mark ID delivered" not in out
    code, _, err = cli(["mark", "1", "delivered", "--on", "2026-12-20"])
    assert code == 1 and "already recorded as received" in err  # what the old hint led to


def test_bulk_letters_counts_in_words_and_no_none_request_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner
) -> None:
    """`bulk letters` said 'Batch ...: 1 letters for 1 clients' for one client, and
    '0 letters for 1 clients, ... (requests #None to #None)' when every letter repeated an open
    request (only the cover sheet was printed)."""
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-12-07")
    clinic = Path(__file__).resolve().parents[2] / "examples" / "clinic.toml"
    assert cli(["init", "--passphrase", "--clinic", str(clinic)])[0] == 0
    sheet = tmp_path / "one.csv"
    sheet.write_text(
        "Name,Address,City,State,ZIP,Date of birth,Email\n"
        "Ana Example,12 Elm St,Boulder,CO,80302,1990-01-30,ana@example.org\n",
        encoding="utf-8",
    )
    # two brokers: spokeo gets a letter, appriss-insights none (no route): a cover sheet is made
    run = ["bulk", "letters", str(sheet), "--brokers", "spokeo,appriss-insights", "--kind", "delete"]
    code, out, err = cli([*run, "--dry-run"])
    assert code == 0 and "Dry run: 1 client would get 1 letter. Nothing was written." in out, err
    code, out, err = cli([*run, "--out", str(tmp_path / "b1")])
    assert code == 0, err
    batch = r"Batch B-\d{8}-[0-9A-F]{6}: "
    assert re.search(batch + r"1 letter for 1 client, \d+ pages? \(requests #1 to #1\)\.", out), out
    code, out, err = cli([*run, "--out", str(tmp_path / "b2")])
    assert code == 0, err
    assert re.search(batch + r"0 letters for 1 client, \d+ pages?\.", out), out
    assert "None" not in out
