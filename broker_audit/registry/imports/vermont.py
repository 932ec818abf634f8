"""Vermont's data broker registry (Secretary of State), from its CSV export.

The registry search at bizfilings.vermont.gov offers a bulk download of data broker filings; the
portal refuses automated clients (HTTP 403), so `registry update` does not fetch it: a person
downloads it in a browser (save as CSV if it comes as a spreadsheet) and runs
`broker-audit registry import --source vt FILE`. Its columns are the questions of the annual
filing (9 V.S.A. § 2446): name, address, email, website, how to opt out, whether an authorized
agent may opt out for you, purchaser credentialing, breaches, and knowledge of minors' data.
"""

from __future__ import annotations

from broker_audit.registry.imports.base import CsvRegistry, Rule

VT_URL = "https://sos.vermont.gov/corporations/other-services/data-brokers/"

RULES: tuple[Rule, ...] = (
    Rule("note", (" statement detailing", " if so ")),
    Rule("bool:collects_minors", (" minors", " minor ")),
    Rule("instructions", (" method", " how to opt", " how a consumer")),
    Rule(
        "note",
        (
            " opt out",
            " credentialing",
            " breach",
            " additional information",
            " third party",
            " consumers affected",
        ),
    ),
    Rule("id", (" registration id", " registration number", " filing number")),
    Rule("ignore", (" renewal", " termination", " business type", " expiration")),
    Rule("registered", (" created date", " registration date", " date registered", " filing date")),
    Rule("status", (" status",)),
    Rule("email", (" email",)),
    Rule("phone", (" phone",)),
    Rule("website", (" internet address", " website", " web site", " url ")),
    Rule("name", (" broker name", " name ")),
    Rule("address", (" address",)),
)


Vermont = CsvRegistry(
    registry="vt",
    form="vt-sos",
    source_url=VT_URL,
    title="Vermont data broker registry (Secretary of State)",
    rules=RULES,
    min_filled=2,
)
