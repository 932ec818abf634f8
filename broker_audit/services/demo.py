"""The built-in example."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from broker_audit.services.access import VaultAccess
from broker_audit.services.letters import LetterResult, NoRoute, request_letters
from broker_audit.services.resources import Resources
from broker_audit.services.tracking import StatusReport, mark, status_report
from broker_audit.services.vaults import forget_vault, init_vault


@dataclass(frozen=True)
class DemoResult:
    letters: list[LetterResult]
    no_route: list[NoRoute]
    status_today: StatusReport
    status_later: StatusReport
    later: dt.date


def run_demo(out_dir: Path, *, today: dt.date, resources: Resources) -> DemoResult:
    """The whole path on a fictional requester, in a throwaway vault that is shredded at the end.

    Access letters to LexisNexis, by the Consumer Center box it names for requests (with its
    portal's sheet beside), and for Appriss, which names no door: to its parent company and to
    the Colorado AG. The first is marked sent, and the status is shown today and 60 days on, when
    the 45-day Colorado deadline (counted from an estimated receipt) has passed.
    """
    import secrets
    import shutil
    import tempfile

    from broker_audit import datafiles
    from broker_audit.profile import load_profile_file

    folder = Path(tempfile.mkdtemp(prefix="broker-audit-demo-"))
    passphrase = secrets.token_urlsafe(24)
    access = VaultAccess(path=folder / "vault.db", passphrase=lambda: passphrase, use_keyring=False)
    try:
        init_vault(
            access.path,
            load_profile_file(datafiles.demo_profile_file()),
            passphrase=passphrase,
            use_keyring=False,
        )
        written = request_letters(
            access,
            ["lexisnexis-risk-solutions", "appriss-insights"],
            ["access"],
            out_dir=out_dir,
            today=today,
            resources=resources,
        )
        letters = written.letters
        if letters:
            mark(
                access,
                letters[0].request_id,
                "sent",
                today=today,
                via=letters[0].channel,
                note=f"demo: sent {letters[0].channel}",
            )
        later = today + dt.timedelta(days=60)
        result = DemoResult(
            letters=letters,
            no_route=written.no_route,
            status_today=status_report(access, today=today),
            status_later=status_report(access, today=later),
            later=later,
        )
        forget_vault(access)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result
