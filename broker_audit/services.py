"""One function per user action. The CLI parses, calls one of these, and renders the result.

Nothing here prints or prompts: passphrases come in as callables, progress as callbacks.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from broker_audit.errors import UserError
from broker_audit.journal import Journal, ProfileSet, now
from broker_audit.law.schema import Law
from broker_audit.profile import Profile, validate_profile
from broker_audit.registry.load import Registry, filter_brokers
from broker_audit.registry.schema import Broker
from broker_audit.tracking.due import days_left, is_overdue
from broker_audit.tracking.model import RequestMade, RequestView
from broker_audit.tracking.states import State, parse_state

FORMATS = ("pdf", "txt", "eml", "html")
VIAS = ("mail", "email", "web-form", "phone", "fax")


# ---------------------------------------------------------------- vault access


@dataclass(frozen=True)
class VaultAccess:
    """How to find and unlock the vault. The passphrase is asked for only when needed."""

    path: Path
    passphrase: Callable[[], str] | None = None
    recovery_key: str | None = None
    use_keyring: bool = True


def vault_path(option: Path | None = None) -> Path:
    """`--vault`, then BROKER_AUDIT_VAULT, then the platform's user data folder."""
    if option is not None:
        return option.expanduser()
    env = os.environ.get("BROKER_AUDIT_VAULT")
    if env:
        return Path(env).expanduser()
    from broker_audit.vault.vault import default_vault_path

    return default_vault_path()


@contextmanager
def open_journal(access: VaultAccess) -> Iterator[Journal]:
    from broker_audit.vault.vault import Vault

    vault = Vault.open(
        access.path,
        passphrase=access.passphrase,
        recovery_key=access.recovery_key,
        use_keyring=access.use_keyring,
    )
    try:
        yield Journal(vault)
    finally:
        vault.close()


def _profile(journal: Journal) -> Profile:
    if journal.profile is None:
        raise UserError(
            "the vault holds no profile yet",
            "set one with `broker-audit profile edit --from-file me.toml`",
        )
    return journal.profile


# ---------------------------------------------------------------- init and profile


@dataclass(frozen=True)
class InitResult:
    path: Path
    slots: list[str]
    recovery_key: str


def init_vault(
    path: Path, profile: Profile, *, passphrase: str | None, use_keyring: bool
) -> InitResult:
    """Create the encrypted vault holding `profile`; returns the one-time recovery key."""
    from broker_audit.vault.vault import Vault

    profile = validate_profile(profile)
    vault, recovery_key = Vault.create(path, passphrase=passphrase, use_keyring=use_keyring)
    try:
        Journal(vault).append([ProfileSet(profile=profile, recorded=now())])
        slots = vault.slots()
    finally:
        vault.close()
    return InitResult(path=path, slots=slots, recovery_key=recovery_key)


def show_profile(access: VaultAccess) -> Profile:
    with open_journal(access) as journal:
        return _profile(journal)


@dataclass(frozen=True)
class ProfileChanges:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    other_names: list[str] | None = None
    email: str | None = None
    phone: str | None = None
    birth_date: dt.date | None = None
    state: str | None = None
    replace_with: Profile | None = None


def edit_profile(access: VaultAccess, changes: ProfileChanges) -> Profile:
    """Record a new version of the profile (the old one stays in the append-only log)."""
    with open_journal(access) as journal:
        if changes.replace_with is not None:
            profile = changes.replace_with
        else:
            profile = _profile(journal)
            updates = {
                k: v
                for k, v in (
                    ("name", changes.name),
                    ("other_names", changes.other_names),
                    ("email", changes.email),
                    ("phone", changes.phone),
                    ("birth_date", changes.birth_date),
                    ("state", changes.state),
                )
                if v is not None
            }
            if not updates:
                raise UserError("nothing to change", "give at least one option, e.g. --email")
            profile = msgspec.structs.replace(profile, **updates)
        profile = validate_profile(profile)
        journal.append([ProfileSet(profile=profile, recorded=now())])
        return profile


def forget_vault(access: VaultAccess) -> Path:
    """Crypto-shred: destroy every key slot, then the file."""
    from broker_audit.vault.vault import Vault

    vault = Vault.open(
        access.path,
        passphrase=access.passphrase,
        recovery_key=access.recovery_key,
        use_keyring=access.use_keyring,
    )
    vault.forget()
    return access.path


def change_passphrase(access: VaultAccess, new: Callable[[], str]) -> list[str]:
    """Unlock with the current key, then set the passphrase that `new` gives."""
    from broker_audit.vault.vault import Vault

    vault = Vault.open(
        access.path,
        passphrase=access.passphrase,
        recovery_key=access.recovery_key,
        use_keyring=access.use_keyring,
    )
    try:
        vault.change_passphrase(new())
        return vault.slots()
    finally:
        vault.close()


# ---------------------------------------------------------------- registry


def list_brokers(
    registry: Registry,
    *,
    category: str | None = None,
    sells_to: str | None = None,
    state_registry: str | None = None,
    text: str | None = None,
) -> list[Broker]:
    return filter_brokers(
        registry.active(), category=category, sells_to=sells_to, registry=state_registry, text=text
    )


# ---------------------------------------------------------------- letters


@dataclass(frozen=True)
class LetterResult:
    request_id: int
    broker_id: str
    broker_name: str
    kind: str
    law_id: str
    reference: str
    files: list[Path]
    warnings: list[str] = field(default_factory=list)


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UserError(
            f"unknown format {', '.join(bad) or '(none)'}", "formats are: " + ",".join(FORMATS)
        )
    return list(dict.fromkeys(formats))


def broker_warnings(broker: Broker, law: Law) -> list[str]:
    """What the requester should know before sending this letter."""
    out = []
    if broker.contact.postal is None:
        out.append(f"{broker.id}: no confirmed postal address; send it by email or web form")
    v = broker.verification
    if v is not None and v.asks_ssn:
        out.append(f"{broker.id}: asks for a Social Security number; do not volunteer one")
    if v is not None and v.asks_id_copy:
        out.append(f"{broker.id}: asks for a copy of an ID; send one only if you must")
    if law.kind == "none":
        out.append(
            f"{broker.id}: your state has no privacy law in our data; the letter asks politely "
            "and cites no statute"
        )
    return out


def request_letters(
    access: VaultAccess,
    broker_names: Sequence[str],
    kinds: Sequence[str],
    *,
    out_dir: Path,
    formats: Sequence[str] = ("pdf", "txt"),
    today: dt.date,
    registry: Registry,
    laws: Sequence[Law],
    law_override: str | None = None,
    templates_dir: Path | None = None,
) -> list[LetterResult]:
    """Write a letter per broker and kind, and log each as a drafted request.

    All letters are rendered before any file is written, and the requests are logged in one
    vault transaction after every file is written, so a failure leaves neither stray log
    entries nor letters that the log does not know of.
    """
    from broker_audit.compose import (
        check_kind,
        letter_context,
        new_reference,
        recipient_lines,
        sender_lines,
    )
    from broker_audit.law.choose import federal_law, law_for_state
    from broker_audit.letters import render

    kinds = list(dict.fromkeys(check_kind(k) for k in kinds))
    brokers = list({b.id: b for b in (registry.resolve(n) for n in broker_names)}.values())
    if not brokers:
        raise UserError("name at least one broker", "e.g. `broker-audit request lexisnexis`")
    with open_journal(access) as journal:
        profile = _profile(journal)
        law = law_for_state(laws, profile.state, on=today, override=law_override)
        fcra = federal_law(laws)
        next_id = journal.next_request_id()
        planned = []
        for broker in brokers:
            for kind in kinds:
                reference = new_reference()
                context = letter_context(
                    kind=kind, profile=profile, broker=broker, law=law, fcra=fcra,
                    today=today, reference=reference,
                )
                document = render.render_letter(
                    kind,
                    context,
                    sender=tuple(sender_lines(profile)),
                    recipient=tuple(recipient_lines(broker)),
                    date=today,
                    reference=reference,
                    email_to=context["broker"]["email"] or None,
                    email_from=profile.email or None,
                    templates_dir=templates_dir,
                )
                planned.append((next_id, broker, kind, reference, document))
                next_id += 1
        written: list[Path] = []
        results = []
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for request_id, broker, kind, reference, document in planned:
                stem = out_dir / f"{today.isoformat()}-{broker.id}-{kind}-{request_id}"
                files = write_letter(document, stem, formats)
                written.extend(files)
                results.append(
                    LetterResult(
                        request_id=request_id, broker_id=broker.id, broker_name=broker.name,
                        kind=kind, law_id=law.id, reference=reference, files=files,
                        warnings=broker_warnings(broker, law),
                    )
                )
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        created = now()
        deadline = law.deadline
        journal.append(
            [
                RequestMade(
                    id=r.request_id, broker_id=r.broker_id, broker_name=r.broker_name,
                    kind=r.kind, law_id=law.id, law_name=law.name,
                    deadline_days=deadline.days if deadline else None,
                    extension_days=deadline.extension_days if deadline else 0,
                    appeal_days=law.appeal.response_days if law.appeal else None,
                    reference=r.reference, created=created,
                    files=[str(p.resolve()) for p in r.files],
                )
                for r in results
            ]
        )
    return results


def write_letter(document: object, stem: Path, formats: Sequence[str]) -> list[Path]:
    """Write one letter in each format next to `stem`; returns the paths written."""
    from broker_audit.letters import eml, html, pdf, text

    files = []
    for fmt in formats:
        path = stem.with_suffix("." + fmt)
        if fmt == "pdf":
            pdf.write_pdf([document], path)  # type: ignore[list-item]
        elif fmt == "txt":
            path.write_text(text.to_text(document), encoding="utf-8")  # type: ignore[arg-type]
        elif fmt == "eml":
            path.write_bytes(eml.to_eml(document))  # type: ignore[arg-type]
        else:
            path.write_text(html.to_html(document), encoding="utf-8")  # type: ignore[arg-type]
        files.append(path)
    return files


# ---------------------------------------------------------------- tracking


@dataclass(frozen=True)
class StatusRow:
    id: int
    broker: str
    broker_name: str
    kind: str
    state: str
    law: str
    sent: dt.date | None
    due: dt.date | None
    days_left: int | None
    overdue: bool
    reference: str


def status_rows(
    access: VaultAccess, *, today: dt.date, overdue_only: bool = False
) -> list[StatusRow]:
    with open_journal(access) as journal:
        views = journal.views()
    rows = [
        StatusRow(
            id=v.request.id, broker=v.request.broker_id, broker_name=v.request.broker_name,
            kind=v.request.kind, state=v.state.value, law=v.request.law_id, sent=v.sent,
            due=v.due, days_left=days_left(v, today), overdue=is_overdue(v, today),
            reference=v.request.reference,
        )
        for v in views
    ]
    return [r for r in rows if r.overdue] if overdue_only else rows


def mark(
    access: VaultAccess,
    request_id: int,
    state_text: str,
    *,
    today: dt.date,
    on: dt.date | None = None,
    via: str | None = None,
    tracking: str = "",
    note: str = "",
) -> RequestView:
    """Record a status change, refusing one the lifecycle does not allow."""
    state = parse_state(state_text)
    on = on or today
    if on > today:
        raise UserError(f"{on.isoformat()} is in the future", "give the day it happened with --on")
    if via is not None and via not in VIAS:
        raise UserError(f"unknown channel {via!r}", "--via is one of: " + ", ".join(VIAS))
    if state is State.SENT and not via:
        raise UserError(
            "say how the request was sent",
            f"e.g. `broker-audit mark {request_id} sent --via mail --tracking 9400...`",
        )
    with open_journal(access) as journal:
        current = journal.view(request_id)
        earliest = current.events[-1].on if current.events else current.request.created.date()
        if on < earliest:
            raise UserError(
                f"{on.isoformat()} is before the request's last change ({earliest.isoformat()})",
                "status changes are recorded in the order they happened",
            )
        return journal.change_status(
            request_id, state, on=on, via=via or "", tracking=tracking, note=note
        )


def show_request(access: VaultAccess, request_id: int) -> RequestView:
    with open_journal(access) as journal:
        return journal.view(request_id)
