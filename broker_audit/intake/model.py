"""What reading a clinic spreadsheet gives back: validated clients, bad rows, duplicates."""

from __future__ import annotations

from dataclasses import dataclass, field

from broker_audit.intake.dates import ColumnOrder
from broker_audit.profile import Profile


@dataclass(frozen=True)
class Client:
    """One validated row, ready for letters."""

    row: int  # 1-based row number in the file, as a spreadsheet shows it (header = row 1)
    client_id: str  # the sheet's id/case number, else a stable hash of name + DOB + ZIP
    profile: Profile  # validated with broker_audit.profile.validate_profile
    language: str  # "en" or "es"
    warnings: tuple[str, ...] = ()  # fixable but not fatal: bad phone, unreadable previous address...
    unparsed_addresses: tuple[str, ...] = ()  # previous addresses that could not be split into parts
    id_generated: bool = False  # client_id is generated_id's, not the sheet's: the vault keys it


@dataclass(frozen=True)
class BadRow:
    """A row that cannot make a letter. `reason` names the column(s) and what to fix."""

    row: int
    reason: str
    raw: dict[str, str]  # column display name -> cell, exactly as read


@dataclass(frozen=True)
class Intake:
    """The whole file read. Every data row is in exactly one of: clients, bad, identical_rows, or
    counted in blank_rows; so rows_read == len(clients) + len(bad) + len(identical_rows) + blank_rows."""

    clients: list[Client]
    bad: list[BadRow]
    duplicates: list[tuple[int, int]]  # (row, earlier row it duplicates)
    unmapped_columns: list[str]
    mapping: dict[str, str]  # column display name -> field
    rows_read: int = 0  # data rows after the header
    blank_rows: int = 0
    identical_rows: list[int] = field(default_factory=list)  # exact repeats, also in duplicates
    header_row: int = 1
    encoding: str = ""
    delimiter: str = ""
    warnings: list[str] = field(default_factory=list)  # about the whole file, no personal data
    date_order: ColumnOrder = field(default_factory=ColumnOrder)  # how the birth dates were read
