"""THE definitions of the monitor's figures (seed 002, Kinderogen PACT), in one place.

Every figure the monitor shows, exports or serves through the API is defined here once:
its Dutch and English label, its formula in words, its unit, the tables it is computed
from and what the small-numbers rule counts. The definitions page, the exports and the
API all read this module, so a figure cannot mean one thing on screen and another in a
spreadsheet. National reference figures (CBS / DUO) live here too, with source and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import get_language

from kansrijk.cases.workflow import lead_times

#: Cells about fewer children (or families, or answers) than this are never shown.
SUPPRESSION_THRESHOLD = 5


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    SCORE = "score"


UNIT_LABELS: dict[Unit, tuple[str, str]] = {
    Unit.COUNT: ("aantal", "number"),
    Unit.PERCENT: ("procent", "per cent"),
    Unit.DAYS: ("dagen", "days"),
    Unit.SCORE: ("score 1-5", "score 1-5"),
}


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")


@dataclass(frozen=True)
class Reference:
    """A national figure shown as a reference line, never as if it were a local one."""

    key: str
    label_nl: str
    label_en: str
    percent: float
    source: str
    year: int

    @property
    def label(self) -> str:
        return self.label_nl if _dutch() else self.label_en

    @property
    def caption(self) -> str:
        number = f"{self.percent:.1f}"
        if _dutch():
            number = number.replace(".", ",")
        return f"{self.label}: {number} % ({self.source}, {self.year})"


REFERENCES: dict[str, Reference] = {
    ref.key: ref
    for ref in (
        Reference(
            "youth_care",
            "Landelijk: jongeren tot 23 jaar met jeugdhulp",
            "National: young people under 23 receiving youth care",
            10.6,
            "CBS",
            2023,
        ),
        Reference(
            "sbo",
            "Landelijk: leerlingen in het speciaal basisonderwijs (SBO)",
            "National: primary-age pupils in special primary education (SBO)",
            2.4,
            "DUO",
            2023,
        ),
        Reference(
            "so",
            "Landelijk: leerlingen in het speciaal onderwijs (SO)",
            "National: primary-age pupils in special education (SO)",
            2.4,
            "DUO",
            2023,
        ),
        Reference(
            "special_youth_care",
            "PACT Kinderogen: leerlingen op het S(B)O en VSO die ook jeugdhulp krijgen",
            "PACT Kinderogen: pupils of S(B)O and VSO who also get youth care",
            65.0,
            "PACT Kinderogen, programmalijn 3",
            2021,
        ),
    )
}


@dataclass(frozen=True)
class Figure:
    key: str
    label_nl: str
    label_en: str
    formula_nl: str
    formula_en: str
    unit: Unit
    sources: tuple[str, ...]
    #: What the small-numbers rule counts for this figure's cells.
    counts_nl: str = "kinderen"
    counts_en: str = "children"
    references: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.label_nl if _dutch() else self.label_en

    @property
    def formula(self) -> str:
        return self.formula_nl if _dutch() else self.formula_en

    @property
    def unit_label(self) -> str:
        nl, en = UNIT_LABELS[self.unit]
        return nl if _dutch() else en

    @property
    def counts(self) -> str:
        return self.counts_nl if _dutch() else self.counts_en

    @property
    def reference_lines(self) -> list[Reference]:
        return [REFERENCES[key] for key in self.references]


_PERIOD_NL = "in de gekozen periode (begin van de eerste tot het eind van de laatste maand)"
_PERIOD_EN = "in the chosen period (start of the first to the end of the last month)"

#: Lead times: (key, the Step.transitions that end the interval, Dutch label, English
#: label), from the rows of the transition table that carry a lead time.
LEAD_TIMES: tuple[tuple[str, tuple[str, ...], str, str], ...] = lead_times()


def _lead_time(key: str, transitions: tuple[str, ...], nl: str, en: str) -> Figure:
    if key == "lead_family_specialist":
        end_nl = (
            "de eerste stap 'start_support' of het eerste gelogde gezinscontact "
            "(FamilyContact.happened_at), wat het eerst was"
        )
        end_en = (
            "the first 'start_support' step or the first logged family contact "
            "(FamilyContact.happened_at), whichever came first"
        )
        sources: tuple[str, ...] = ("cases_case", "cases_step", "cases_familycontact")
    else:
        steps = "', '".join(transitions)
        end_nl = f"de eerste stap '{steps}' van de casus (Step.at)"
        end_en = f"the case's first '{steps}' step (Step.at)"
        sources = ("cases_case", "cases_step")
    return Figure(
        key,
        f"Doorlooptijd {nl}",
        f"Lead time {en}",
        "Mediaan en 90e percentiel van het aantal dagen tussen het eerste signaal "
        f"(Case.opened_at, het moment van het eerste signaal) en {end_nl}, over de casussen "
        f"waarbij dat eindmoment {_PERIOD_NL} viel. Percentiel: lineaire interpolatie. "
        "Minder dan 5 casussen: niet getoond.",
        "Median and 90th percentile of the number of days between the first signal "
        f"(Case.opened_at, the moment of the first signal) and {end_en}, over the cases whose "
        f"end moment fell {_PERIOD_EN}. Percentile: linear interpolation. Fewer than 5 "
        "cases: not shown.",
        Unit.DAYS,
        sources,
        "gezinnen (casussen)",
        "families (cases)",
    )


FIGURES: tuple[Figure, ...] = (
    Figure(
        "signals",
        "Signalen per kindcentrum, domein en maand",
        "Signals per centre, domain and month",
        "Aantal signalen (Signal) met aanmaakmoment (created_at) " + _PERIOD_NL + ", geteld per "
        "kindcentrum van het signaal (Signal.location), domein (Signal.domain) en kalendermaand "
        "(Europe/Amsterdam). Een cel wordt verborgen als de signalen over minder dan 5 "
        "verschillende kinderen gaan.",
        "Number of signals (Signal) created (created_at) " + _PERIOD_EN + ", counted per centre "
        "of the signal (Signal.location), domain (Signal.domain) and calendar month "
        "(Europe/Amsterdam). A cell is hidden when its signals are about fewer than 5 "
        "different children.",
        Unit.COUNT,
        ("cases_signal", "core_location"),
    ),
    Figure(
        "share_signalled",
        "Aandeel gesignaleerde leerlingen",
        "Share of pupils signalled",
        "Verschillende kinderen met minstens één signaal " + _PERIOD_NL + " bij het kindcentrum, "
        "gedeeld door de kinderen ingeschreven bij dat kindcentrum (Child.location) die er aan "
        "het begin van de periode nog niet waren vertrokken (left_on leeg of na de begindatum), "
        "keer 100.",
        "Distinct children with at least one signal " + _PERIOD_EN + " at the centre, divided "
        "by the children enrolled at that centre (Child.location) who had not left before the "
        "start of the period (left_on empty or after the start date), times 100.",
        Unit.PERCENT,
        ("cases_signal", "cases_child"),
    ),
    Figure(
        "lead_times",
        "Doorlooptijden in de zorgroute",
        "Lead times in the care route",
        "Per stap van de zorgroute: mediaan en 90e percentiel van het aantal dagen vanaf het "
        "eerste signaal, per kindcentrum en voor de regio; zie de zes doorlooptijden hieronder "
        "voor het eindmoment van elke stap. 'Casussen' is het aantal casussen waarover de "
        "doorlooptijd is berekend.",
        "Per step of the care route: median and 90th percentile of the number of days since "
        "the first signal, per centre and for the region; see the six lead times below for the "
        "end moment of each step. 'Cases' is the number of cases the lead time is computed over.",
        Unit.DAYS,
        ("cases_case", "cases_step", "cases_familycontact"),
        "gezinnen (casussen)",
        "families (cases)",
    ),
    *(_lead_time(*row) for row in LEAD_TIMES),
    Figure(
        "outcomes",
        "Uitkomsten van afgesloten casussen",
        "Outcomes of closed cases",
        "Aantal casussen afgesloten (Case.closed_at) " + _PERIOD_NL + ", per kindcentrum van de "
        "casus en per uitkomst (Case.outcome): in reguliere voorziening gebleven, opgelost door "
        "de school alleen, opgelost met de gezinsspecialist, verwezen naar speciaal onderwijs "
        "(SBO/SO/VSO), verwezen naar specialistische jeugdhulp, gemeld bij Veilig Thuis, "
        "verhuisd.",
        "Number of cases closed (Case.closed_at) " + _PERIOD_EN + ", per centre of the case and "
        "per outcome (Case.outcome): stayed in regular provision, resolved by the school alone, "
        "resolved with the family specialist, referred to special education (SBO/SO/VSO), "
        "referred to specialist youth care, reported to Veilig Thuis, moved away.",
        Unit.COUNT,
        ("cases_case",),
        "gezinnen (casussen)",
        "families (cases)",
    ),
    Figure(
        "referral_rates",
        "Verwijzingen per 100 leerlingen, naast het landelijk beeld",
        "Referrals per 100 pupils, beside the national picture",
        "Verschillende kinderen op casussen die " + _PERIOD_NL + " zijn afgesloten met de uitkomst "
        "'verwezen naar speciaal onderwijs' respectievelijk 'verwezen naar specialistische "
        "jeugdhulp', gedeeld door de ingeschreven leerlingen (als bij het aandeel gesignaleerde "
        "leerlingen), keer 100. De landelijke lijnen zijn standcijfers (alle leerlingen in SBO/SO, "
        "alle jongeren tot 23 met jeugdhulp in 2023), de lokale cijfers zijn instroom in de "
        "periode: vergelijk richting, geen gelijke maat.",
        "Distinct children on cases closed " + _PERIOD_EN + " with the outcome 'referred to "
        "special education' and 'referred to specialist youth care' respectively, divided by the "
        "enrolled pupils (as for the share of pupils signalled), times 100. The national lines are "
        "stock figures (all pupils in SBO/SO, all young people under 23 with youth care in 2023); "
        "the local figures are inflow in the period: compare direction, not like for like.",
        Unit.PERCENT,
        ("cases_case", "cases_signal", "cases_child"),
        references=("sbo", "so", "youth_care"),
    ),
    Figure(
        "one_contact_person",
        "Gezinnen met precies één aanspreekpunt",
        "Families with exactly one contact person",
        "Van de gezinnen met een casus die " + _PERIOD_NL + " open was (geopend vóór het eind, "
        "niet gesloten vóór het begin): het aantal dat in die periode precies één aanspreekpunt "
        "had (één rij ContactPersonAssignment die de periode overlapt), en dat aantal als "
        "percentage van alle gezinnen met een open casus.",
        "Of the families with a case open " + _PERIOD_EN + " (opened before its end, not closed "
        "before its start): the number that had exactly one contact person during the period "
        "(one ContactPersonAssignment row overlapping the period), and that number as a "
        "percentage of all families with an open case.",
        Unit.COUNT,
        ("cases_case", "cases_contactpersonassignment"),
        "gezinnen",
        "families",
    ),
    Figure(
        "stalled",
        "Casussen zonder stap",
        "Cases without a step",
        "Casussen die aan het eind van de periode (of nu, als dat eerder is) open waren en "
        "waarvan de laatste stap (Step.at, of het openen van de casus) meer dan "
        "KANSRIJK_STALLED_AFTER_DAYS dagen vóór dat moment lag.",
        "Cases open at the end of the period (or now, if that is earlier) whose last step "
        "(Step.at, or the opening of the case) lay more than KANSRIJK_STALLED_AFTER_DAYS days "
        "before that moment.",
        Unit.COUNT,
        ("cases_case", "cases_step"),
        "gezinnen (casussen)",
        "families (cases)",
    ),
    Figure(
        "consent",
        "Toestemming: geweigerd en ingetrokken",
        "Consent: refused and withdrawn",
        "Aantal vastgelegde toestemmingsantwoorden (Consent) met moment (recorded_at) "
        + _PERIOD_NL
        + ", per kindcentrum van het kind en per status: gegeven, geweigerd, "
        "ingetrokken. Een cel wordt verborgen als de antwoorden over minder dan 5 kinderen gaan.",
        "Number of recorded consent answers (Consent) recorded (recorded_at) "
        + _PERIOD_EN
        + ", per centre of the child and per status: given, refused, withdrawn. A cell is "
        "hidden when its answers are about fewer than 5 children.",
        Unit.COUNT,
        ("consent_consent", "cases_child"),
    ),
    Figure(
        "handovers",
        "Warme overdrachten",
        "Warm handovers",
        "Aantal kinderen met een warme overdracht (Handover) die is aangeboden (prepared_at) "
        + _PERIOD_NL
        + ", per kindcentrum of kinderopvang dat overdraagt: aangeboden, met toestemming van de "
        "ouders, warm (het gesprek is gevoerd), na zes weken teruggekoppeld, en met een "
        "VVE-indicatie (VveIndication) overgedragen aan een reguliere school. Een cel wordt "
        "verborgen als hij over minder dan 5 kinderen gaat.",
        "Number of children with a warm handover (Handover) offered (prepared_at) "
        + _PERIOD_EN
        + ", per sending centre or childcare: offered, with the parents' consent, warm (the "
        "conversation was held), followed up after six weeks, and with a VVE indication "
        "(VveIndication) handed over to a regular school. A cell is hidden when it is about "
        "fewer than 5 children.",
        Unit.COUNT,
        ("early_years_handover", "early_years_vveindication"),
    ),
    Figure(
        "homework",
        "Huiswerkbegeleiding door de gezinsspecialist",
        "Homework support by the family specialist",
        "Aantal kinderen voor wie de gezinsspecialist een huiswerkvraag van de ouders heeft "
        "opgepakt (HomeworkSupport, started_on) "
        + _PERIOD_NL
        + ", per kindcentrum van het kind: gestart, daarvan op school, en afgesloten met als "
        "resultaat dat de ouders het zelf redden. Een cel wordt verborgen als hij over minder "
        "dan 5 kinderen gaat.",
        "Number of children for whom the family specialist took up the parents' homework "
        "question (HomeworkSupport, started_on) "
        + _PERIOD_EN
        + ", per centre of the child: started, of which at school, and ended with the result "
        "that the parents manage on their own. A cell is hidden when it is about fewer than 5 "
        "children.",
        Unit.COUNT,
        ("homework_homeworksupport", "cases_child"),
    ),
    Figure(
        "integrated_arrangements",
        "Integrale arrangementen in het speciaal onderwijs",
        "Integrated arrangements in special education",
        "Per school voor speciaal (basis)onderwijs (SBO, SO, VSO): het aantal ingeschreven "
        "leerlingen, het aantal leerlingen met een integraal arrangement (Arrangement, niet in "
        "concept) dat " + _PERIOD_NL + " liep, en dat als percentage van de leerlingen; "
        "daarnaast het aantal losse indicaties dat door één pakket is vervangen (som over die "
        "leerlingen) en het aantal leerlingen van wie het arrangement " + _PERIOD_NL + " "
        "stopte omdat ze teruggingen naar het regulier onderwijs. Ter vergelijking het PACT "
        "Kinderogen: zo'n 65 % van de leerlingen op het S(B)O en VSO krijgt naast "
        "onderwijshulp ook jeugdhulp. Een cel wordt verborgen als hij over minder dan 5 "
        "leerlingen gaat.",
        "Per special school (SBO, SO, VSO): the number of pupils enrolled, the number of "
        "pupils with an integrated arrangement (Arrangement, not a draft) running "
        + _PERIOD_EN
        + ", and that as a percentage of the pupils; besides it the number of separate "
        "indications replaced by one package (summed over those pupils) and the number of "
        "pupils whose arrangement ended " + _PERIOD_EN + " because they went back to regular "
        "school. For comparison the PACT Kinderogen: about 65 % of the pupils of S(B)O and VSO "
        "get youth care next to their education support. A cell is hidden when it is about "
        "fewer than 5 pupils.",
        Unit.PERCENT,
        ("special_education_arrangement", "cases_child"),
        "leerlingen",
        "pupils",
        references=("special_youth_care",),
    ),
    Figure(
        "dyslexia",
        "Poortwachter dyslexie: dossiers, volledigheid, verwijzingen en doorlooptijd",
        "Dyslexia gatekeeper: files, completeness, referrals and lead time",
        "Per school: het aantal leerlingen met een dyslexiedossier (DyslexiaFile) dat voor het "
        "eerst is ingediend (first_submitted_at) "
        + _PERIOD_NL
        + "; daarvan compleet bij de eerste indiening (de automatische controle op het Protocol "
        "Dyslexie Diagnostiek en Behandeling 3.0 vond alles), verwezen voor diagnostiek, niet "
        "verwezen, en 'te versterken': onvolledig bij de eerste indiening of niet verwezen, "
        "ook als aandeel van de ingediende dossiers (waar de leesbegeleiding versterking nodig "
        "heeft). Doorlooptijd: mediaan van het aantal dagen van de eerste indiening tot het "
        "besluit (decided_at). Minder dan 5 leerlingen: niet getoond.",
        "Per school: the number of pupils with a dyslexia file (DyslexiaFile) first submitted "
        "(first_submitted_at) "
        + _PERIOD_EN
        + "; of those complete at first submission (the automatic check against the Protocol "
        "Dyslexie Diagnostiek en Behandeling 3.0 found everything), referred for diagnosis, not "
        "referred, and 'to strengthen': incomplete at first submission or not referred, also as a "
        "share of the files submitted (where reading support needs strengthening). Lead time: "
        "median number of days from the first submission to the decision (decided_at). Fewer "
        "than 5 pupils: not shown.",
        Unit.COUNT,
        ("dyslexia_dyslexiafile",),
    ),
    Figure(
        "roster_coverage",
        "Bezettingseisen gehaald",
        "Roster requirements met",
        "Per week " + _PERIOD_NL + ": het aantal actieve roosterregels (RosterRule) waarvan de "
        "geplande diensten (Shift) de gevraagde aanwezigheid volledig dekken, als percentage van "
        "alle actieve roosterregels, gemiddeld over de weken.",
        "Per week " + _PERIOD_EN + ": the number of active roster rules (RosterRule) whose "
        "planned shifts (Shift) fully cover the presence asked for, as a percentage of all "
        "active roster rules, averaged over the weeks.",
        Unit.PERCENT,
        ("roster_rosterrule", "roster_shift"),
        "roosterregels",
        "roster rules",
    ),
    Figure(
        "participation",
        "Deelname aan activiteiten",
        "Participation in activities",
        "Het aantal kinderen en ouders per kindcentrum dat " + _PERIOD_NL + " is aangemeld voor "
        "een activiteit (taalles, VVE-taal, lezen en schrijven, ouderkamer, naschools; Enrolment) "
        "of er ten minste één keer aanwezig was (Attendance); de wachtlijst telt niet mee. Minder "
        "dan 5: niet getoond.",
        "The number of children and parents per centre signed up " + _PERIOD_EN + " for an "
        "activity (language lessons, VVE language support, reading and writing, parent room, "
        "after-school; Enrolment) or present at least once (Attendance); the waiting list does "
        "not count. Fewer than 5: not shown.",
        Unit.COUNT,
        ("roster_enrolment", "roster_attendance"),
        "deelnemers",
        "participants",
    ),
    Figure(
        "experience",
        "Ervaring van ouders",
        "Parents' experience",
        "Gemiddelde score (1-5) per vraag over de antwoorden van ouders (ExperienceResponse, "
        "na een evaluatie en bij afsluiting, ook in het gezinsportaal) op casussen die "
        + _PERIOD_NL
        + " zijn afgesloten, per kindcentrum van de casus; daarnaast het aantal "
        "gezinnen dat antwoordde en het aantal opmerkingen. Minder dan 5 gezinnen: niet "
        "getoond. De opmerkingen zelf ziet alleen de regisseur, zonder namen.",
        "Average score (1-5) per question over parents' answers (ExperienceResponse, after an "
        "evaluation and at closing, also in the family portal) on cases closed "
        + _PERIOD_EN
        + ", per centre of the case; besides it the number of families who answered and the "
        "number of comments. Fewer than 5 families: not shown. Only the coordinator reads the "
        "comments themselves, without names.",
        Unit.SCORE,
        ("monitor_experienceresponse", "cases_case"),
        "antwoorden (gezinnen)",
        "answers (families)",
    ),
)

#: National reference lines drawn on the chart of a column.
CHART_REFERENCES: dict[str, tuple[str, ...]] = {
    "special_education_rate": ("sbo", "so"),
    "specialist_youth_care_rate": ("youth_care",),
    "integrated_share": ("special_youth_care",),
}

BY_KEY: dict[str, Figure] = {figure.key: figure for figure in FIGURES}

#: The outcomes that keep a child in a regular provision (the PACT's first ambition).
REGULAR_OUTCOMES = ("stayed_regular", "school_alone", "with_family_specialist")
