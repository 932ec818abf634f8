"""The agencies an answer may name: the directory `agencies.toml` when it ships, and built-in
names meanwhile.

The directory is read leniently, for names only: each `[[agency]]` table's `id`, `name`, `kind`,
`aliases` and `state` (other keys, such as its routes, are someone else's business). Built in:
the federal immigration agencies, and Colorado's sheriffs by the pattern "<county> County
Sheriff" over the state's 64 counties (ids `sheriff-<county>`, the directory's scheme), Denver's
and Broomfield's city-county forces, and four state agencies. A directory entry with the same id
replaces the built-in one.
"""

from __future__ import annotations

from pathlib import Path

from broker_audit.findings.names import AgencyName
from broker_audit.i18n import N_

COLORADO_COUNTIES = (
    "Adams", "Alamosa", "Arapahoe", "Archuleta", "Baca", "Bent", "Boulder", "Broomfield", "Chaffee",
    "Cheyenne", "Clear Creek", "Conejos", "Costilla", "Crowley", "Custer", "Delta", "Denver",
    "Dolores", "Douglas", "Eagle", "El Paso", "Elbert", "Fremont", "Garfield", "Gilpin", "Grand",
    "Gunnison", "Hinsdale", "Huerfano", "Jackson", "Jefferson", "Kiowa", "Kit Carson", "La Plata",
    "Lake", "Larimer", "Las Animas", "Lincoln", "Logan", "Mesa", "Mineral", "Moffat", "Montezuma",
    "Montrose", "Morgan", "Otero", "Ouray", "Park", "Phillips", "Pitkin", "Prowers", "Pueblo",
    "Rio Blanco", "Rio Grande", "Routt", "Saguache", "San Juan", "San Miguel", "Sedgwick", "Summit",
    "Teller", "Washington", "Weld", "Yuma",
)  # fmt: skip

FEDERAL_IMMIGRATION = (
    AgencyName(
        "us-ice",
        "U.S. Immigration and Customs Enforcement (ICE)",
        "federal-immigration",
        (
            "Immigration and Customs Enforcement",
            "ICE",
            "ICE ERO",
            "Enforcement and Removal Operations",
            "Homeland Security Investigations",
            "Servicio de Inmigracion y Control de Aduanas",
        ),
    ),
    AgencyName(
        "us-cbp",
        "U.S. Customs and Border Protection (CBP)",
        "federal-immigration",
        (
            "Customs and Border Protection",
            "CBP",
            "Border Patrol",
            "Patrulla Fronteriza",
            "Oficina de Aduanas y Proteccion Fronteriza",
        ),
    ),
    AgencyName(
        "us-dhs",
        "U.S. Department of Homeland Security (DHS)",
        "federal-immigration",
        ("Department of Homeland Security", "DHS", "Departamento de Seguridad Nacional"),
    ),
    AgencyName(
        "us-uscis",
        "U.S. Citizenship and Immigration Services (USCIS)",
        "federal-immigration",
        ("Citizenship and Immigration Services", "USCIS"),
    ),
)  # fmt: skip


def _slug(county: str) -> str:
    return county.lower().replace(" ", "-")


def colorado_agencies() -> list[AgencyName]:
    """Colorado's sheriffs by name pattern, and the state agencies that hold booking data."""
    out = []
    for county in COLORADO_COUNTIES:
        if county in ("Denver", "Broomfield"):
            continue
        out.append(
            AgencyName(
                f"sheriff-{_slug(county)}",
                f"{county} County Sheriff's Office",
                "county-sheriff",
                (
                    f"{county} County Sheriff",
                    f"{county} County Sheriffs Office",
                    f"{county} County Jail",
                    f"{county} County Detention Center",
                    f"Sheriff of {county} County",
                    f"Oficina del Sheriff del Condado de {county}",
                    f"Sheriff del Condado de {county}",
                    f"Alguacil del Condado de {county}",
                ),
                "CO",
            )
        )
    out += [
        AgencyName(
            "sheriff-denver",
            "Denver Sheriff Department",
            "city-county-sheriff",
            ("Denver Sheriff", "Denver County Jail", "Denver Detention Center", "Denver Sheriffs Department"),
            "CO",
        ),
        AgencyName(
            "sheriff-broomfield",
            "Broomfield Police Department",
            "city-county-sheriff",
            ("Broomfield Police", "Broomfield Detention Center"),
            "CO",
        ),
        AgencyName("state-cbi", "Colorado Bureau of Investigation", "state-agency", ("CBI",), "CO"),
        AgencyName(
            "state-cdoc",
            "Colorado Department of Corrections",
            "state-agency",
            ("CDOC", "Colorado DOC"),
            "CO",
        ),
        AgencyName(
            "state-dmv",
            "Colorado Division of Motor Vehicles (Department of Revenue)",
            "state-agency",
            (
                "Colorado Division of Motor Vehicles",
                "Colorado DMV",
                "Division de Vehiculos Motorizados de Colorado",
                "Division de Vehiculos de Motor de Colorado",
            ),
            "CO",
        ),
        AgencyName("state-csp", "Colorado State Patrol", "state-agency", (), "CO"),
    ]
    return out


def built_in_agencies() -> list[AgencyName]:
    return [*FEDERAL_IMMIGRATION, *colorado_agencies()]


def directory_file() -> Path:
    """Where the shipped agency directory is (it may not exist yet)."""
    from broker_audit.datafiles import data_root

    return data_root() / "agencies.toml"


def read_agency_names(path: Path) -> list[AgencyName]:
    """The names in an agency directory file; entries without an id or a name are left out.

    Lenient on purpose: only the keys this module needs are read, so the directory's own schema
    can grow without breaking the matching."""
    import tomllib

    from broker_audit.files import read_input_text

    data = tomllib.loads(read_input_text(path, what=N_("agency directory"), limit=16 * 1024 * 1024))
    out = []
    for table in data.get("agency", []):
        if not isinstance(table, dict):
            continue
        agency_id, name = table.get("id"), table.get("name")
        if not isinstance(agency_id, str) or not isinstance(name, str) or not agency_id or not name:
            continue
        aliases = tuple(a for a in table.get("aliases", []) if isinstance(a, str))
        state = table.get("state", "")
        kind = table.get("kind", "")
        if not state and (agency_id.startswith(("sheriff-", "state-")) or "colorado" in name.lower()):
            state = "CO"  # the directory is Colorado's
        out.append(
            AgencyName(
                agency_id,
                name,
                kind if isinstance(kind, str) else "",
                aliases,
                state if isinstance(state, str) else "",
            )
        )
    return out


def agency_names(path: Path | None = None) -> list[AgencyName]:
    """The directory's agencies (when the file exists), then the built-in ones it lacks. An agency
    in both keeps the directory's name and kind and the spellings of both (the directory names an
    office as it calls itself; answers often use the shorter names built in here)."""
    import dataclasses

    where = path or directory_file()
    listed = read_agency_names(where) if where.is_file() else []
    built_in = {a.id: a for a in built_in_agencies()}
    merged = []
    for agency in listed:
        known = built_in.pop(agency.id, None)
        if known is not None:
            spellings = (*agency.aliases, known.name, *known.aliases)
            agency = dataclasses.replace(agency, aliases=tuple(dict.fromkeys(spellings)))
        merged.append(agency)
    return [*merged, *built_in.values()]
