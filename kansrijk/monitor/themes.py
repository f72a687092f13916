"""The monitor as a dashboard: the PACT's headline figures first, then the figures grouped by
theme, each with a definition in plain words (the exact formula stays in definitions.py).

Labels follow definitions.py: Dutch and English side by side, chosen by the active language.
"""

from __future__ import annotations

from dataclasses import dataclass

from kansrijk.monitor.charts import Section
from kansrijk.monitor.definitions import LEAD_TIMES, UNIT_LABELS, Unit, _dutch
from kansrijk.monitor.tables import Table


@dataclass(frozen=True)
class Theme:
    key: str
    label_nl: str
    label_en: str
    figures: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.label_nl if _dutch() else self.label_en


THEMES: tuple[Theme, ...] = (
    Theme("signals", "Signalen", "Signals", ("signals", "share_signalled")),
    Theme(
        "lead-times",
        "Doorlooptijden",
        "Lead times",
        ("lead_times", *(key for key, *_rest in LEAD_TIMES)),
    ),
    Theme(
        "outcomes",
        "Uitkomsten en verwijzingen",
        "Outcomes and referrals",
        ("outcomes", "referral_rates"),
    ),
    Theme(
        "families",
        "Gezinnen en samenwerking",
        "Families and working together",
        ("one_contact_person", "stalled", "consent", "handovers", "homework"),
    ),
    Theme(
        "provision",
        "Aanbod en bezetting",
        "Provision and staffing",
        ("participation", "roster_coverage"),
    ),
    Theme(
        "education",
        "Speciaal onderwijs en dyslexie",
        "Special education and dyslexia",
        ("integrated_arrangements", "dyslexia"),
    ),
    Theme("experience", "Ervaring van ouders", "Parents' experience", ("experience",)),
)
OTHER = Theme("other", "Overige cijfers", "Other figures", ())

#: The PACT's headline figures, in this order, for the summary at the top.
HEADLINES = (
    "signals",
    "share_signalled",
    "lead_times",
    "one_contact_person",
    "stalled",
    "outcomes",
    "referral_rates",
    "experience",
)

_FIRST_SIGNAL_NL = "Hoeveel dagen het duurt van het eerste signaal over een kind tot "
_FIRST_SIGNAL_EN = "How many days it takes from the first signal about a child until "
_MEDIAN_NL = (
    ": de middelste waarde (mediaan) en de waarde waar 9 van de 10 gezinnen onder blijven, "
    "voor de gezinnen bij wie die stap in de gekozen periode viel."
)
_MEDIAN_EN = (
    ": the middle value (median) and the value 9 in 10 families stay below, for the families "
    "whose step fell in the chosen period."
)
_STEPS = {
    "lead_plan": ("er een plan is", "there is a plan"),
    "lead_consent_asked": ("de ouders om toestemming is gevraagd", "the parents are asked"),
    "lead_consent_given": ("de ouders toestemming gaven", "the parents gave consent"),
    "lead_family_specialist": (
        "de gezinsspecialist contact heeft met het gezin",
        "the family specialist is in touch with the family",
    ),
    "lead_evaluation": ("de evaluatie in het VOT", "the evaluation in the VOT"),
    "lead_closure": ("de casus wordt afgesloten", "the case is closed"),
}

#: What each figure tells, in words a policy officer reads.
PLAIN: dict[str, tuple[str, str]] = {
    "signals": (
        "Hoeveel signalen leerkrachten, pedagogisch medewerkers en anderen over kinderen "
        "afgaven, per kindcentrum, onderwerp en maand.",
        "How many signals teachers, childcare workers and others gave about children, per "
        "centre, subject and month.",
    ),
    "share_signalled": (
        "Welk deel van de ingeschreven kinderen in de periode minstens één signaal kreeg.",
        "Which share of the enrolled children got at least one signal in the period.",
    ),
    "lead_times": (
        "Hoe snel een kind na het eerste signaal de volgende stappen van de zorgroute "
        "bereikt, in dagen: de mediaan en de waarde waar 9 van de 10 gezinnen onder blijven.",
        "How quickly a child reaches the next steps of the care route after the first signal, "
        "in days: the median and the value 9 in 10 families stay below.",
    ),
    "outcomes": (
        "Hoe de casussen die in de periode werden afgesloten afliepen: in de gewone school "
        "gebleven, opgelost, verwezen, gemeld bij Veilig Thuis of verhuisd.",
        "How the cases closed in the period ended: stayed in regular school, resolved, "
        "referred, reported to Veilig Thuis or moved away.",
    ),
    "referral_rates": (
        "Hoeveel kinderen per 100 leerlingen werden verwezen naar speciaal onderwijs of "
        "specialistische jeugdhulp, naast het landelijke cijfer.",
        "How many children per 100 pupils were referred to special education or specialist "
        "youth care, next to the national figure.",
    ),
    "one_contact_person": (
        "Hoeveel gezinnen met een lopende casus de hele periode één vast aanspreekpunt "
        "hadden (1 gezin, 1 plan, 1 aanspreekpunt).",
        "How many families with an open case had one and the same contact person all period "
        "(one family, one plan, one contact person).",
    ),
    "stalled": (
        "Hoeveel lopende casussen al een tijd geen nieuwe stap hadden: die vragen aandacht in "
        "het zorgoverleg.",
        "How many open cases had no new step for some time: they need attention in the care "
        "meeting.",
    ),
    "consent": (
        "Hoe vaak ouders toestemming gaven, weigerden of introkken.",
        "How often parents gave, refused or withdrew consent.",
    ),
    "handovers": (
        "Hoeveel kinderen met een warme overdracht van de kinderopvang naar de school gingen, "
        "en hoe vaak het gesprek en de terugkoppeling echt plaatsvonden.",
        "How many children moved from childcare to school with a warm handover, and how "
        "often the conversation and the follow-up really happened.",
    ),
    "roster_coverage": (
        "Hoe vaak het rooster de afgesproken bezetting haalde (bijvoorbeeld het spreekuur "
        "van de gezinsspecialist), gemiddeld per week.",
        "How often the roster met the agreed staffing (for example the family specialist's "
        "consultation hour), on average per week.",
    ),
    "participation": (
        "Hoeveel kinderen en ouders meededen aan activiteiten zoals taalles, VVE en de ouderkamer.",
        "How many children and parents took part in activities such as language lessons, "
        "early education and the parents' room.",
    ),
    "experience": (
        "Hoe ouders de hulp beoordeelden (1 = slecht, 5 = goed), bij evaluatie en afsluiting.",
        "How parents rated the support (1 = poor, 5 = good), at evaluation and closure.",
    ),
    **{
        key: (_FIRST_SIGNAL_NL + nl + _MEDIAN_NL, _FIRST_SIGNAL_EN + en + _MEDIAN_EN)
        for key, (nl, en) in _STEPS.items()
    },
}


def plain(figure: str) -> str:
    nl, en = PLAIN.get(figure, ("", ""))
    return nl if _dutch() else en


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    unit: str
    anchor: str


def headlines(tables: list[Table]) -> list[Headline]:
    """The region's (or the centre's) total of each headline figure's first charted column."""
    found: list[Headline] = []
    for figure in HEADLINES:
        table = next((t for t in tables if t.figure == figure and not t.variant), None)
        if table is None or not table.available or not table.charts:
            continue
        index = next((i for i, c in enumerate(table.columns) if c.key == table.charts[0]), None)
        if index is None:
            continue
        rows = list(zip(table.rows, table.cells, strict=True))
        total = next((cells for row, cells in rows if row.total), rows[-1][1] if rows else None)
        if total is None:
            continue
        column = table.columns[index]
        unit = Unit(table.column_unit(column))
        nl, en = UNIT_LABELS[unit]
        found.append(
            Headline(
                label=f"{table.title}: {column.label}",
                value=table.display(total[index], column),
                unit=nl if _dutch() else en,
                anchor=table.anchor,
            )
        )
    return found


@dataclass(frozen=True)
class ThemeSections:
    theme: Theme
    sections: list[Section]


def in_theme_order(tables: list[Table]) -> list[Table]:
    """The tables in the dashboard's order (the exports follow the screen)."""
    theme_of = {figure: n for n, theme in enumerate(THEMES) for figure in theme.figures}
    return sorted(tables, key=lambda table: theme_of.get(table.figure, len(THEMES)))


def by_theme(sections: list[Section]) -> list[ThemeSections]:
    """The sections grouped by theme, in the themes' order; empty themes left out."""
    grouped = [
        ThemeSections(theme, [s for s in sections if s.table.figure in theme.figures])
        for theme in THEMES
    ]
    placed = {figure for theme in THEMES for figure in theme.figures}
    grouped.append(ThemeSections(OTHER, [s for s in sections if s.table.figure not in placed]))
    return [group for group in grouped if group.sections]
