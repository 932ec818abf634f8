"""Answers written after the extraction rules were frozen, in layouts and wordings the rules were
not tuned on: the held-out half of the fixture set. `bench/eval_findings.py` reports precision and
recall on both halves; the tests do not assert on these (they measure, they do not prove).
"""

from __future__ import annotations

from docs import Doc, H, R, T

# A credit-bureau style personal report: "Reported by" labels, month-name dates, inquiries.
BUREAU_REPORT = Doc(
    "bureau-report-en",
    "en",
    (
        H("Personal Credit Report"),
        T("Report number 4455-21, generated Jan 20, 2026. Here is your file as of this date."),
        H("Names and Addresses Reported"),
        R(("77 Pine Rd, Fort Collins CO 80521", "Reported by: Larimer County Treasurer", "")),
        R(("300 Oak St, Loveland CO 80537", "Reported by: Poudre Valley REA", "")),
        H("Employers"),
        R(("Front Range Packing LLC", "Reported by: The Work Number", "")),
        H("Public Records"),
        R(("Civil judgment, case 24C555", "Jun 3, 2025", "")),
        T("Source: Larimer County Court"),
        H("Inquiries Shown to Others"),
        R(("Company", "Date", "")),
        R(("Capital Auto Finance", "Dec 2, 2025", "")),
        R(("Fort Collins Police Services", "Jan 9, 2026", "")),
        H("Inquiries Shown Only to You"),
        R(("Experian", "Nov 14, 2025", "")),
    ),
    frozenset({
        ("holds", "addresses"), ("holds", "employment"), ("holds", "court-records"),
        ("source", "larimer county treasurer"), ("source", "poudre valley rea"),
        ("source", "broker:equifax-workforce-solutions"), ("source", "larimer county court"),
        ("recipient", "capital auto finance"), ("recipient", "fort collins police services"),
        ("recipient", "broker:experian"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# A people-search site's answer in Spanish, by e-mail, in prose with semicolon lists.
PEOPLE_SEARCH_ES = Doc(
    "buscador-personas-es",
    "es",
    (
        T("Hola:"),
        T("A continuación encontrará la información que mantenemos sobre usted."),
        T("Categorías de información personal que recopilamos:"),
        T("- Nombre, direcciones y números de teléfono"),
        T("- Antecedentes penales"),
        T("Fuentes de la información: registros públicos del Condado de Denver; Whitepages"),
        T("Terceros con quienes compartimos su información:"),
        T("- Agencias de cobro"),
        T("- Oficina del Sheriff del Condado de Arapahoe"),
        T("Saludos cordiales, el equipo de privacidad."),
    ),
    frozenset({
        ("holds", "addresses"), ("holds", "phones"), ("holds", "court-records"),
        ("source", "registros publicos del condado de denver"), ("source", "broker:whitepages"),
        ("recipient", "agencias de cobro"), ("recipient", "agency:sheriff-arapahoe"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# A location-data company's letter: what it collected, where from, who it licensed to.
LOCATION_LETTER = Doc(
    "location-letter-en",
    "en",
    (
        T("Re: Your request under the Colorado Privacy Act"),
        T("Enclosed is the information we hold about the device identifiers you gave us."),
        H("Data We Hold"),
        T("Precise geolocation points from mobile applications, 2024-2025."),
        H("Where We Obtained It"),
        T("- Mobile application publishers (software development kits)"),
        T("- Venntel, Inc."),
        H("Who We Licensed It To"),
        T("- U.S. Customs and Border Protection (contract dated 2025-06-30)"),
        T("- Fog Data Science LLC"),
    ),
    frozenset({
        ("holds", "location"),
        ("source", "mobile application publishers software development kits"), ("source", "broker:venntel"),
        ("recipient", "agency:us-cbp"), ("recipient", "broker:fog-data-science"),
        ("verdict", "fulfilled"),
    }),
)  # fmt: skip

# A not-found answer (English) and a partial one (Spanish).
NOT_FOUND = Doc(
    "not-found-en",
    "en",
    (
        T("Thank you for contacting us. After a search of our systems, we were unable to locate any "
          "records matching the information you provided. No further action is needed."),
    ),
    frozenset({("verdict", "not-found")}),
)  # fmt: skip

PARTIAL_ES = Doc(
    "parcial-es",
    "es",
    (
        T("Le enviamos su informe. Hemos omitido cierta información protegida por la ley."),
        H("Vehículos Registrados"),
        R(("Ford F-150 2018", "Placa QRS-456", "")),
        T("Fuente: División de Vehículos Motorizados de Colorado"),
        H("Destinatarios"),
        R(("Policía de Denver", "5 de febrero de 2026", "")),
    ),
    frozenset({
        ("holds", "vehicles"), ("source", "agency:state-dmv"),
        ("recipient", "policia de denver"), ("verdict", "partial"),
    }),
)  # fmt: skip

HELD_OUT = (BUREAU_REPORT, PEOPLE_SEARCH_ES, LOCATION_LETTER, NOT_FOUND, PARTIAL_ES)
