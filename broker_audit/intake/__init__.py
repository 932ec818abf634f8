"""Clinic intake: read a spreadsheet of clients (any common export) into validated profiles.

intake = read_clients(Path("clients.csv"), default_state="CO")
write_bad_rows_csv(intake.bad, Path("to-fix.csv"))
"""

from broker_audit.intake.clients import read_clients
from broker_audit.intake.csvsafe import neutralise_cell, write_bad_rows_csv, write_safe_csv
from broker_audit.intake.headers import FIELDS
from broker_audit.intake.model import BadRow, Client, Intake

__all__ = [
    "FIELDS",
    "BadRow",
    "Client",
    "Intake",
    "neutralise_cell",
    "read_clients",
    "write_bad_rows_csv",
    "write_safe_csv",
]
