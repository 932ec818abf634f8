"""California's DROP as a tracked route: `drop record` logs the request (date, DROP ID, which
identifiers were given), `drop result` each broker's status as DROP reports it, and `status`
shows them with their clock: brokers fetch DROP at least every 45 days from 2026-08-01 and
process a request within 45 days of fetching it (Cal. Civ. Code 1798.99.86(c)), so a request
made on 2026-09-01 must be processed by every broker by 2026-11-30 (2026-09-01 + 90 days), and
one made before 2026-08-01 counts from 2026-08-01 (due 2026-10-30)."""

from __future__ import annotations

from pathlib import Path

import pytest
from clijson import data
from cliutil import Runner
from test_law_choice import person_of


@pytest.fixture
def californian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Runner) -> Path:
    monkeypatch.setenv("BROKER_AUDIT_VAULT", str(tmp_path / "v" / "vault.db"))
    monkeypatch.setenv("BROKER_AUDIT_PASSPHRASE", "correct horse battery staple")
    monkeypatch.setenv("BROKER_AUDIT_TODAY", "2026-10-15")
    assert cli(["init", "--passphrase", "--profile", str(person_of(tmp_path, "CA"))])[0] == 0
    return tmp_path


def test_drop_round_trip_through_status(californian: Path, cli: Runner) -> None:
    code, out, err = cli(
        [
            "drop",
            "record",
            "--on",
            "2026-09-01",
            "--drop-id",
            "D-0042-XYZ",
            "--identifiers",
            "name,email,zip",
            "--json",
        ]
    )
    assert code == 0, err
    drop = data(out)
    # submitted on DROP's own site: sent and received that day, so the clock is no estimate
    assert drop["kind"] == "drop" and drop["state"] == "delivered"
    assert drop["sent"] == drop["delivered"] == "2026-09-01" and not drop["due_estimated"]
    assert drop["broker_name"] == "Delete Request and Opt-out Platform (DROP)"
    assert drop["due"] == "2026-11-30" and drop["reference"] == "D-0042-XYZ"

    code, out, err = cli(["drop", "result", "lexisnexis", "exempted", "--on", "2026-10-10", "--json"])
    assert code == 0, err
    lexis = data(out)
    assert lexis["kind"] == "drop-result" and lexis["state"] == "exempted"
    assert lexis["broker"] == "lexisnexis-risk-solutions" and lexis["linked_to"] == drop["id"]
    assert lexis["sent"] == "2026-09-01" and lexis["due"] == "2026-11-30"
    code, out, err = cli(["drop", "result", "spokeo", "pending", "--on", "2026-10-12"])
    assert code == 0, err
    assert "DROP status for Spokeo recorded: pending" in out

    code, out, err = cli(["status", "--json"])
    assert code == 0, err
    rows = {(r["kind"], r["broker"]): r for r in data(out)}
    assert rows[("drop", "")]["state"] == "delivered"
    assert rows[("drop-result", "lexisnexis-risk-solutions")]["state"] == "exempted"
    pending = rows[("drop-result", "spokeo")]
    assert pending["state"] == "pending" and pending["days_left"] == 46 and not pending["overdue"]
    # a status may change at a later cycle; the broker's row is updated, not duplicated
    code, out, err = cli(["drop", "result", "spokeo", "deleted", "--on", "2026-10-14"])
    assert code == 0 and "DROP status for Spokeo updated: deleted" in out
    code, out, err = cli(["status", "--json"])
    assert sum(1 for r in data(out) if r["kind"] == "drop-result") == 2
    # and `mark` takes DROP's statuses for a DROP row, not a letter's
    code, out, err = cli(["mark", str(pending["id"]), "denied"])
    assert code == 1 and "cannot become denied" in err
    # the audit says what the recorded DROP request has given so far, and what DROP does not do
    code, out, err = cli(["audit", "--json"])
    assert code == 0, err
    (drop_action,) = [a for a in data(out)["next_actions"] if "DROP" in a["text"]]
    assert "Your DROP request of 2026-09-01" in drop_action["text"]
    assert "deleted 1, exempted 1" in drop_action["text"]
    assert "does not give you a copy of your data" in drop_action["text"]
    assert "public records, FCRA consumer reports" in drop_action["text"]
    # a pending status past the processing cycle is overdue
    code, out, err = cli(["drop", "result", "spokeo", "pending", "--on", "2026-10-15"])
    assert code == 0, err
    code, out, err = cli(["status", "--as-of", "2026-12-01", "--json"])
    late = next(r for r in data(out) if r["kind"] == "drop-result" and r["state"] == "pending")
    assert late["overdue"] and late["due"] == "2026-11-30"


def test_drop_before_processing_began_counts_from_august_first(californian: Path, cli: Runner) -> None:
    code, out, err = cli(["drop", "record", "--on", "2026-03-02", "--json"])
    assert code == 0, err
    assert data(out)["due"] == "2026-10-30"  # 2026-08-01 + 90 days


def test_drop_refusals(californian: Path, tmp_path: Path, cli: Runner) -> None:
    code, out, err = cli(["drop", "result", "lexisnexis", "deleted"])
    assert code == 1 and "no DROP request is recorded yet" in err
    code, out, err = cli(["drop", "record", "--on", "2026-09-01", "--identifiers", "ssn"])
    assert code == 1 and "'ssn' is not an identifier DROP takes" in err
    code, out, err = cli(["drop", "record", "--on", "2026-09-01"])
    assert code == 0, err
    code, out, err = cli(["drop", "result", "lexisnexis", "fulfilled"])
    assert code == 1 and "not a status DROP reports" in err
    assert cli(["profile", "edit", "--state", "CO"])[0] == 0
    code, out, err = cli(["drop", "record", "--on", "2026-09-02"])
    assert code == 1 and "DROP is for California residents" in err


def test_drop_result_with_a_misspelt_status_lists_drops_statuses(californian: Path, cli: Runner) -> None:
    """`drop result spokeo delted` answered with the hint for a request's 18 states (drafted,
    sent, ..., appealed), most of which DROP never reports (QA pass)."""
    assert cli(["drop", "record", "--on", "2026-09-01"])[0] == 0
    code, _, err = cli(["drop", "result", "spokeo", "delted"])
    assert code == 1 and "'delted' is not a status DROP reports" in err
    assert "DROP statuses: deleted, exempted, not-found, opted-out, pending" in err
    assert "appealed" not in err
