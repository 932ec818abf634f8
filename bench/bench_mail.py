"""Mail figures: `inbox` over a big mailbox, `status` with stored replies. Prints; never asserted.

    python bench/bench_mail.py [--messages 5000] [--requests 10000] [--replies 2000] [--runs 3]

1. `broker-audit inbox --accept` against a real Dovecot on 127.0.0.1 (needs dovecot-imapd, as
   scripts/test.sh installs it) holding N messages: one in ten a broker's reply to one of 500 sent
   requests (one in a hundred with a 200 kB PDF), the rest unrelated mail. Wall time and peak
   memory of the process (ru_maxrss), for the first run (stores) and a second (nothing new).
2. `broker-audit status --json` and the `status` table over a vault of R requests (each sent) and
   P stored replies (a 4 kB message each, kept as a blob as `inbox` keeps it), with the real
   Argon2id KDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "mail"), str(ROOT / "bench")]

BROKERS = ("lexisnexis-risk-solutions", "transunion", "experian", "equifax", "spokeo")
DOMAINS = {
    "lexisnexis-risk-solutions": "lexisnexis.com",
    "transunion": "transunion.com",
    "experian": "experian.com",
    "equifax": "equifax.com",
    "spokeo": "spokeo.com",
}
PASSPHRASE = "bench passphrase"


def peak_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Like run_measured, with the child's own peak RSS from wait4 (Linux: kB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, code, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(code) not in (0, 1):
        raise SystemExit(f"{cmd[3:]} failed: {err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out.decode()


def build_requests(journal: object, count: int, *, sent_on: dt.date) -> list[tuple[int, str, str]]:
    """`count` requests to real brokers, each sent by email; (id, broker id, reference)."""
    from broker_audit.tracking.journal import now
    from broker_audit.tracking.model import RequestMade, StatusChanged
    from broker_audit.tracking.states import State

    created = now()
    out, batch = [], []
    for i in range(1, count + 1):
        broker = BROKERS[i % len(BROKERS)]
        reference = "BA-" + f"{i:08d}".replace("0", "Z").replace("1", "Y")
        out.append((i, broker, reference))
        batch.append(
            RequestMade(
                id=i,
                broker_id=broker,
                broker_name=broker,
                kind="access",
                law_id="co-cpa",
                law_name="Colorado Privacy Act",
                deadline_days=45,
                extension_days=45,
                appeal_days=45,
                reference=reference,
                dated=sent_on,
                created=created,
                channel="email",
                channels=["email"],
            )
        )
        batch.append(
            StatusChanged(
                request_id=i,
                state=State.SENT,
                on=sent_on,
                via="email",
                tracking=f"<{i}@bench>",
                recorded=created,
            )
        )
        if len(batch) >= 2000:
            journal.append(batch)  # type: ignore[attr-defined]
            batch = []
    journal.append(batch)  # type: ignore[attr-defined]
    return out


def new_vault(path: Path) -> object:
    from broker_audit.profile import Address, Profile
    from broker_audit.tracking.journal import Journal, ProfileSet, now
    from broker_audit.vault.vault import Vault

    vault, _ = Vault.create(path, passphrase=PASSPHRASE, use_keyring=False)
    journal = Journal(vault)
    profile = Profile(
        name="Bench Person",
        state="CO",
        addresses=[Address(line1="1 Main St", city="Denver", state="CO", zip="80204", current=True)],
    )
    journal.append([ProfileSet(profile=profile, recorded=now())])
    return journal


def bench_inbox(messages: int, tmp: Path, env: dict[str, str]) -> None:
    from mailservers import AUTHSERV_ID, PASSWORD, USER, dovecot_binary, imap_server, reply_message, tiny_pdf

    from broker_audit.tracking.journal import now
    from broker_audit.tracking.mail_records import MailAccountSet

    if dovecot_binary() is None:
        print("inbox: skipped (dovecot-imapd is not installed)")
        return
    vault_path = tmp / "inbox" / "vault.db"
    journal = new_vault(vault_path)
    sent_on = dt.date.today() - dt.timedelta(days=10)
    requests = build_requests(journal, 500, sent_on=sent_on)
    pdf = tiny_pdf("x") + os.urandom(200 * 1024)
    with imap_server() as imap:
        journal.append(  # type: ignore[attr-defined]
            [
                MailAccountSet(
                    account_id="bench",
                    from_addr=USER,
                    smtp_host="127.0.0.1",
                    smtp_port=1,
                    smtp_security="tls",
                    smtp_user=USER,
                    imap_host="127.0.0.1",
                    imap_port=imap.port,
                    imap_user=USER,
                    cafile=str(imap.cafile),
                    recorded=now(),
                    authserv_id=AUTHSERV_ID,  # the replies carry the test provider's results
                )
            ]
        )
        journal.vault.close()  # type: ignore[attr-defined]
        start = time.perf_counter()
        arrived = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        replies = 0
        for n in range(messages):
            if n % 10 == 0:
                request_id, broker, reference = requests[(n // 10) % len(requests)]
                raw = reply_message(
                    sender=f"privacy@{DOMAINS[broker]}",
                    subject=f"Re: your request (ref. {reference})",
                    body="We have received your request and will answer within 45 days. " * 20,
                    attachment=("file.pdf", "application/pdf", pdf) if n % 100 == 0 else None,
                )
                replies += 1
            else:
                raw = reply_message(
                    sender=f"news{n % 50}@shop{n % 7}.example",
                    subject=f"Weekly offers #{n}",
                    body="Offers of the week. " * 150,
                )
            imap.deliver(raw, arrived=arrived)
        made = time.perf_counter() - start
        print(f"inbox: a maildir of {messages} messages ({replies} replies) made in {made:.1f} s")
        env2 = dict(
            env,
            BROKER_AUDIT_PASSPHRASE=PASSPHRASE,
            BROKER_AUDIT_VAULT=str(vault_path),
            BROKER_AUDIT_MAIL_PASSWORD=PASSWORD,
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        cmd = [sys.executable, "-m", "broker_audit", "--no-keyring", "inbox", "--accept", "--json"]
        wall, rss, out = peak_rss(cmd, env2)
        import json

        result = json.loads(out)["data"]
        print(
            f"inbox, first run: {result['scanned']} messages read, {len(result['stored'])} replies stored "
            f"({result['fetched']} fetched whole), {result['ignored']} ignored, "
            f"{len(result['applied'])} states applied: {wall:.1f} s wall, peak RSS {rss:.0f} MB"
        )
        env2["BROKER_AUDIT_MAIL_PASSWORD"] = PASSWORD
        wall, rss, out = peak_rss(cmd, env2)
        again = json.loads(out)["data"]
        print(
            f"inbox, second run (nothing new): {again['already_stored']} already stored: "
            f"{wall:.1f} s wall, peak RSS {rss:.0f} MB"
        )


def bench_status(requests: int, replies: int, runs: int, tmp: Path, env: dict[str, str]) -> None:
    from mailservers import reply_message

    from broker_audit.tracking.journal import now
    from broker_audit.tracking.mail_records import ReplyStored

    vault_path = tmp / "status" / "vault.db"
    journal = new_vault(vault_path)
    start = time.perf_counter()
    made = build_requests(journal, requests, sent_on=dt.date.today() - dt.timedelta(days=20))
    recorded = now()
    items: list = []
    for n in range(1, replies + 1):
        request_id, broker, reference = made[(n * 7) % len(made)]
        raw = reply_message(
            sender=f"privacy@{DOMAINS[broker]}",
            subject=f"Re: (ref. {reference})",
            body="We have received your request and will respond within 45 days. " * 50,
        )

        def build(
            refs: list,
            n: int = n,
            request_id: int = request_id,
            broker: str = broker,
            reference: str = reference,
            size: int = len(raw),
        ) -> ReplyStored:
            return ReplyStored(
                id=n,
                request_id=request_id,
                received=recorded,
                source="imap",
                matched_by="reference",
                from_addr=f"privacy@{DOMAINS[broker]}",
                subject=f"Re: (ref. {reference})",
                text="We have received your request and will respond within 45 days. " * 15,
                original_name="message.eml",
                original_type="message/rfc822",
                original_size=size,
                sha256="0" * 64,
                original=refs[0],
                suggested="acknowledged",
                recorded=recorded,
            )

        items.append(([raw], build))  # the original as a blob, as `inbox` keeps it
        if len(items) >= 500:
            journal.append_many_with_payloads(items)  # type: ignore[attr-defined]
            items = []
    if items:
        journal.append_many_with_payloads(items)  # type: ignore[attr-defined]
    journal.vault.close()  # type: ignore[attr-defined]
    size = vault_path.stat().st_size / 1024 / 1024
    print(
        f"status: a vault of {requests} requests and {replies} stored replies ({size:.0f} MB) built in "
        f"{time.perf_counter() - start:.1f} s"
    )
    env2 = dict(
        env,
        BROKER_AUDIT_PASSPHRASE=PASSPHRASE,
        BROKER_AUDIT_VAULT=str(vault_path),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        COLUMNS="120",
    )
    for label, args in (("status --json", ["status", "--json"]), ("status (table)", ["status"])):
        times = []
        for _ in range(runs):
            wall, rss, _ = peak_rss([sys.executable, "-m", "broker_audit", "--no-keyring", *args], env2)
            times.append(wall)
        print(
            f"{label}: median {statistics.median(times) * 1000:.0f} ms of {runs} runs "
            f"(peak RSS {rss:.0f} MB), "
            "including start-up and the Argon2id unlock (target < 1000 ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-inbox", action="store_true")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_AUDIT_TEST")}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if not args.skip_inbox:
            bench_inbox(args.messages, tmp, env)
        for replies in dict.fromkeys((0, args.replies)):  # the same requests, without and with replies
            bench_status(args.requests, replies, args.runs, tmp / f"r{replies}", env)


if __name__ == "__main__":
    main()
