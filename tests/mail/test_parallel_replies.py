"""Parallel `inbox` and `reply --file` runs keep every reply under its request, once (a property).

Each message and each file says which request it belongs to ("for #N"); whatever the mix (with or
without Message-ID, the same message read by two runs, replies flushed one at a time so the runs
interleave), every stored reply says "for #" its own request, no message is stored twice, and
`vault verify` finds every reply bound to its request.
"""

from __future__ import annotations

import itertools
import tempfile
import threading
from pathlib import Path

import pytest
from conftest import DEMO, PASS, TODAY, set_up_mail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mailservers import AUTHSERV_ID, PASSWORD, ImapServer

from broker_audit.profile import load_profile_file
from broker_audit.registry.load import shipped_registry
from broker_audit.services import VaultAccess, mark, open_journal, verify_vault
from broker_audit.services import replies as replies_module
from broker_audit.services.inbox import InboxOptions, read_inbox
from broker_audit.services.letters import request_letters
from broker_audit.services.replies import add_reply_file
from broker_audit.services.resources import Resources
from broker_audit.services.vaults import init_vault

BROKERS = {"lexisnexis": "consumer.documents@lexisnexis.com", "transunion": "privacy@transunion.com"}
_examples = itertools.count()

message = st.tuples(st.sampled_from(sorted(BROKERS)), st.booleans())  # (broker, has a Message-ID)
scenario = st.tuples(
    st.lists(message, min_size=1, max_size=5),
    st.lists(st.sampled_from(sorted(BROKERS)), min_size=1, max_size=3),  # reply --file, per broker
    st.integers(min_value=1, max_value=3),  # replies per flush
)


def _raw(sender: str, subject: str, body: str, message_id: str | None) -> bytes:
    lines = [
        f"Authentication-Results: {AUTHSERV_ID}; dmarc=pass header.from={sender.rpartition('@')[2]}",
        f"From: {sender}",
        "To: maria.nunez@example.org",
        f"Subject: {subject}",
    ]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario)
def test_parallel_inbox_and_reply_keep_every_reply_under_its_request(
    imap: ImapServer, monkeypatch: pytest.MonkeyPatch, case: tuple[list[tuple[str, bool]], list[str], int]
) -> None:
    messages, files, per_flush = case
    n = next(_examples)
    folder = f"run{n}"
    work = Path(tempfile.mkdtemp(prefix=f"ba-par{n}-"))
    path = work / "vault.db"
    init_vault(path, load_profile_file(DEMO), passphrase=PASS, use_keyring=False)
    access = VaultAccess(path=path, passphrase=lambda: PASS, use_keyring=False)
    ids: dict[str, int] = {}
    refs: dict[str, str] = {}
    for broker in BROKERS:
        (letter,) = request_letters(
            access,
            [broker],
            ["access"],
            out_dir=work / "letters",
            today=TODAY,
            resources=Resources(),
            via="email",
        ).letters
        mark(access, letter.request_id, "sent", today=TODAY, via="email")
        ids[broker], refs[broker] = letter.request_id, letter.reference
    set_up_mail(access, None, imap)
    expected_messages = set()
    for i, (broker, with_id) in enumerate(messages):
        body = f"for #{ids[broker]} message {n}-{i}. We have received your request."
        message_id = f"<m{n}-{i}@{BROKERS[broker].rpartition('@')[2]}>" if with_id else None
        imap.deliver(_raw(BROKERS[broker], f"Re: ref. {refs[broker]}", body, message_id), folder=folder)
        expected_messages.add(body)
    paths = []
    for j, broker in enumerate(files):
        file = work / f"scan-{j}.txt"
        file.write_text(f"for #{ids[broker]} file {n}-{j}. We have received your request.")
        paths.append((ids[broker], file))
    monkeypatch.setattr(replies_module.ReplyBuffer, "__init__", _small_buffer(per_flush))

    errors: list[BaseException] = []
    start = threading.Barrier(2 + len(paths))

    def run(action: object) -> None:
        start.wait()
        try:
            action()  # type: ignore[operator]
        except BaseException as exc:  # every failure is reported below
            errors.append(exc)

    def inbox() -> None:
        read_inbox(
            access,
            InboxOptions(folder=folder, cafile=imap.cafile),
            resources=Resources(registry=shipped_registry()),
            today=TODAY,
            password=lambda: PASSWORD,
        )

    actions = [inbox, inbox] + [
        (lambda rid=rid, file=file: add_reply_file(access, rid, file, today=TODAY)) for rid, file in paths
    ]
    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    with open_journal(access) as journal:
        stored = list(journal.replies.values())
        for reply in stored:
            assert reply.text.startswith(f"for #{reply.request_id} "), (
                reply.id,
                reply.request_id,
                reply.text,
            )
        texts = [r.text for r in stored]
        assert len(texts) == len(set(texts))  # nothing stored twice
        assert {t for t in texts if " message " in t} == expected_messages
        assert len([t for t in texts if " file " in t]) == len(paths)
        assert sorted(journal.replies) == list(range(1, len(stored) + 1))
    result = verify_vault(access)
    assert result.replies == len(stored) and result.warnings == ()


def _small_buffer(per_flush: int) -> object:
    original = replies_module.ReplyBuffer.__init__

    def init(self: object, journal: object, **kwargs: object) -> None:
        kwargs["max_items"] = per_flush
        original(self, journal, **kwargs)  # type: ignore[arg-type]

    return init
