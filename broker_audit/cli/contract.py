"""The output contract: which typed result each command's `--json` data is.

`OUTPUTS` names, per command, the type its data is (or a list of). `cli/output.py` checks every
document against it before writing; `schema/output.schema.json` is generated from these types
(`python -m broker_audit.cli.contract`), and `tests/cli/test_output_contract.py` fails when a key
of it disappears or is renamed without a new `OUTPUT_VERSION`, and when a command with `--json`
has no entry here.

The types are named as strings, imported only when a command writes JSON (or the schema is
made), so listing them costs no start-up time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Shape:
    """Data that is an instance of `module.name`, or with `many` a list of them."""

    module: str
    name: str
    many: bool = False

    def type(self) -> type:
        found: type = getattr(importlib.import_module(self.module), self.name)
        return found

    def annotation(self) -> Any:
        """The type of `data`, as msgspec's schema generator takes it."""
        return list[self.type()] if self.many else self.type()  # type: ignore[misc]


def one(where: str) -> tuple[Shape, ...]:
    """An instance of the type at `where` ("package.module.Name")."""
    module, _, name = where.rpartition(".")
    return (Shape(module, name),)


def many(where: str) -> tuple[Shape, ...]:
    """A list of instances of the type at `where`, streamed."""
    module, _, name = where.rpartition(".")
    return (Shape(module, name, many=True),)


_SERVICES = "broker_audit.services"
_TRACKING = "broker_audit.tracking"

OUTPUTS: dict[str, tuple[Shape, ...]] = {
    "status": many(f"{_SERVICES}.tracking.StatusRow") + one(f"{_SERVICES}.campaign.CampaignReport"),
    "request": one(f"{_SERVICES}.letters.LettersResult"),
    "followup": one(f"{_SERVICES}.followup.FollowupResult"),
    "resend": one(f"{_SERVICES}.resend.ResendResult"),
    "cora": one(f"{_SERVICES}.letters.LetterResult") + one(f"{_SERVICES}.campaign.CampaignResult"),
    "campaign list": many(f"{_SERVICES}.campaign.CampaignSummary"),
    "campaign finding": one(f"{_TRACKING}.campaign_records.AgencyFindingRecorded"),
    "campaign export": one(f"{_SERVICES}.campaign.ExportResult"),
    "agencies list": many(f"{_SERVICES}.agencies.AgencyListing"),
    "agencies show": one("broker_audit.registry.agencies.Agency"),
    "init": one(f"{_SERVICES}.vaults.InitResult"),
    "vault verify": one(f"{_SERVICES}.vaults.VerifyResult"),
    "profile show": one("broker_audit.profile.Profile"),
    "profile edit": one("broker_audit.profile.Profile"),
    "brokers list": many("broker_audit.registry.schema.Broker"),
    "brokers show": one("broker_audit.registry.schema.Broker"),
    "registry import": one(f"{_SERVICES}.registry.ImportSummary"),
    "registry update": one(f"{_SERVICES}.registry.ImportSummary"),
    "registry check": one("broker_audit.registry.check.CheckSummary"),
    "send": one(f"{_SERVICES}.send.SendResult"),
    "inbox": one(f"{_SERVICES}.inbox.InboxResult"),
    "reply": one(f"{_SERVICES}.replies.ReplyAdded"),
    "evidence": one(f"{_SERVICES}.evidence.EvidenceResult"),
    "bulk letters": one(f"{_SERVICES}.batchsummary.BatchSummary"),
    "bulk mark": one(f"{_SERVICES}.clinic.BulkMarkResult"),
    "bulk status": many(f"{_SERVICES}.clinic.ClinicRow"),
    "bulk stats": one(f"{_SERVICES}.clinic.Stats"),
    "bulk recipients": one(f"{_SERVICES}.clinic_findings.RecipientCounts"),
    "findings": one(f"{_SERVICES}.findings.FindingsOverview") + one(f"{_SERVICES}.findings.FindingsSummary"),
    "scan": one(f"{_SERVICES}.scan.ScanSummary"),
    "audit": one(f"{_SERVICES}.audit.AuditSummary"),
    "mark": one(f"{_TRACKING}.shown.RequestRecord"),
    "show": one(f"{_SERVICES}.replies.ShownRequest"),
    "drop record": one(f"{_TRACKING}.shown.RequestRecord"),
    "drop result": one(f"{_TRACKING}.shown.RequestRecord"),
}
"""Per command (as typed, without options), the shapes its data may have: usually one; a
command whose options change what it reports (`status --campaign`, `findings ID`, `cora --all`)
has one per kind of report."""


def check_output(command: str, data: object) -> Callable[[list[object]], None]:
    """Refuse data that is not of a shape the command declares (a programming error: the tests
    that run the command find it). For a list, returns the check of each chunk of elements."""
    shapes = OUTPUTS.get(command)
    if shapes is None:
        raise TypeError(f"`{command} --json` has no output type in broker_audit/cli/contract.py")
    listed = isinstance(data, list | tuple | Iterator)
    for shape in shapes:
        kind = shape.type()
        if shape.many and listed:
            return _elements_of(command, kind)
        if not shape.many and isinstance(data, kind):
            return _nothing
    raise TypeError(
        f"`{command} --json` writes {type(data).__name__}, not "
        + " or ".join(f"a list of {s.name}" if s.many else s.name for s in shapes)
    )


def _elements_of(command: str, kind: type) -> Callable[[list[object]], None]:
    def check(chunk: list[object]) -> None:
        for item in chunk:
            if not isinstance(item, kind):
                raise TypeError(f"`{command} --json` writes a {type(item).__name__}, not {kind.__name__}")

    return check


def _nothing(chunk: list[object]) -> None:
    return None
