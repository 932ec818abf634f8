"""The short questionnaire behind the exposure audit: what in a person's life feeds which brokers.

Answers (`tracking.records.Answers`) are stored only in the encrypted vault. Each answer is yes,
no or unknown (None): unknown counts as "maybe", so a skipped question never hides a broker.
"""

from __future__ import annotations

from dataclasses import dataclass

from broker_audit.i18n import N_


@dataclass(frozen=True)
class Question:
    key: str
    short: str
    text_en: str
    text_es: str
    # What a "yes" exposes: broker categories, and words in the broker's `holds` list.
    categories: tuple[str, ...]
    words: tuple[str, ...]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "booked_in_jail",
        N_("jail or arrest records"),
        "Have you ever been booked into a jail or arrested?",
        "¿Alguna vez lo/la han fichado en una cárcel o arrestado?",
        ("incarceration-data",),
        ("booking", "jail", "arrest", "mugshot", "incarceration", "criminal", "custody"),
    ),
    Question(
        "court_case",
        N_("court records"),
        "Have you ever been in a court case (criminal, civil, eviction, traffic)?",
        "¿Ha tenido algún caso en la corte (penal, civil, desalojo, tráfico)?",
        ("public-records",),
        ("court", "eviction", "criminal", "bankruptcy"),
    ),
    Question(
        "owns_vehicle",
        N_("vehicle records"),
        "Do you own, register or drive a car?",
        "¿Tiene, registra o maneja un carro?",
        ("location-data",),
        ("vehicle", "licence-plate", "license plate", "plate", "driver"),
    ),
    Question(
        "rents_home",
        N_("rental history"),
        "Do you rent your home?",
        "¿Renta su vivienda?",
        ("background-check",),
        ("tenant", "rental", "eviction", "housing"),
    ),
    Question(
        "owns_home",
        N_("property records"),
        "Do you own a home or land?",
        "¿Es dueño/a de una casa o terreno?",
        ("public-records",),
        ("property", "deed", "real estate"),
    ),
    Question(
        "credit_file",
        N_("credit file"),
        "Have you ever had a loan, credit card or credit check?",
        "¿Ha tenido alguna vez un préstamo, tarjeta de crédito o revisión de crédito?",
        ("consumer-reporting",),
        ("credit",),
    ),
    Question(
        "mobile_phone",
        N_("phone and location data"),
        "Do you use a mobile phone with apps?",
        "¿Usa un teléfono celular con aplicaciones?",
        ("location-data",),
        ("phone", "mobile", "device", "location", "app"),
    ),
    Question(
        "utility_accounts",
        N_("utility accounts"),
        "Are utilities, phone or TV accounts in your name?",
        "¿Tiene a su nombre cuentas de luz, gas, agua, teléfono o TV?",
        (),
        ("utility", "utilities", "telecom", "pay-tv"),
    ),
    Question(
        "employed_on_payroll",
        N_("payroll records"),
        "Are you, or were you, paid through a payroll (with pay stubs)?",
        "¿Le pagan, o le pagaban, por nómina (con talones de pago)?",
        (),
        ("payroll", "employment", "employer", "income"),
    ),
)
