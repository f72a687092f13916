"""Dutch example texts for the demo's signals, plans, notes and contacts.

They are recorded data, not interface text, so they are written the way a Westwijk teacher
or family specialist would write them (in Dutch) and are not translated. `{name}` is the
child's given name.
"""

from __future__ import annotations

from kansrijk.cases.models import FamilyContact, Signal

D = Signal.Domain

SIGNALS: dict[str, tuple[str, ...]] = {
    D.LEARNING: (
        "{name} loopt sinds de kerstvakantie achter met lezen; de toetsen gaan achteruit.",
        "{name} kan de instructie bij rekenen niet volgen en haakt snel af.",
        "{name} maakt het huiswerk niet; ouders geven aan dat ze niet kunnen helpen.",
    ),
    D.BEHAVIOUR: (
        "{name} is de laatste weken onrustig en komt vaak in conflict op het plein.",
        "{name} is erg stil geworden en trekt zich terug in de klas.",
        "{name} reageert boos bij kleine tegenslagen en loopt dan de klas uit.",
    ),
    D.DEVELOPMENT: (
        "{name} heeft moeite met de taal; de woordenschat blijft achter bij de groep.",
        "{name} speelt nauwelijks met andere kinderen en heeft moeite met de motoriek.",
    ),
    D.HOME: (
        "{name} vertelt dat het thuis onrustig is; ouders hebben veel ruzie.",
        "{name} komt zonder ontbijt en in dezelfde kleren naar school.",
        "Moeder vertelde bij het ophalen dat ze het thuis niet meer aankan.",
    ),
    D.HEALTH: (
        "{name} is vaak moe en klaagt over buikpijn; ouders willen graag advies.",
        "{name} lijkt slecht te horen; het valt op bij de dictees.",
    ),
    D.ATTENDANCE: (
        "{name} is deze maand al zes keer te laat gekomen en twee dagen zonder bericht weg.",
        "{name} is vaak afwezig op maandag; ouders reageren niet op berichten van school.",
    ),
    D.MONEY_HOUSING: (
        "Het gezin van {name} heeft geldzorgen; er is geen geld voor het schoolreisje.",
        "Het gezin van {name} moet verhuizen en woont tijdelijk bij familie.",
    ),
}

PLANS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # domain: (approach, goals, actions)
    D.LEARNING: (
        "Extra ondersteuning in de klas en thuis oefenen met een vast ritme.",
        (
            "{name} leest aan het eind van de periode op het niveau van de groep.",
            "{name} weet wat er in de les van hem of haar verwacht wordt.",
        ),
        (
            "Dagelijks tien minuten extra leesinstructie",
            "Oefenblad voor thuis meegeven",
            "Gesprek met ouders over het huiswerk",
        ),
    ),
    D.BEHAVIOUR: (
        "Vaste afspraken in de klas, een rustige plek en wekelijks een kort gesprek.",
        (
            "{name} kan een conflict op het plein zelf oplossen of hulp vragen.",
            "{name} voelt zich veilig in de groep.",
        ),
        (
            "Wekelijks gesprekje met {name}",
            "Beloningskaart in de klas",
            "Pleinwacht let extra op {name}",
        ),
    ),
    D.DEVELOPMENT: (
        "Extra taalaanbod en spel in kleine groepjes.",
        ("{name} breidt de woordenschat uit met de woorden van het thema.",),
        ("Woordenschat in kleine kring", "Ouders uitnodigen in de ouderkamer"),
    ),
    D.HOME: (
        "Contact met ouders, steun thuis en een veilige plek op school.",
        (
            "Het gezin van {name} heeft weer rust en ritme.",
            "{name} komt uitgerust en met ontbijt op school.",
        ),
        (
            "Ouders bellen over de situatie thuis",
            "Ontbijt op school regelen",
            "Ouders wijzen op de ouderkamer",
        ),
    ),
    D.HEALTH: (
        "Advies van de schoolverpleegkundige en een afspraak met de ouders.",
        ("De klachten van {name} zijn in beeld en er is een passende aanpak.",),
        ("Afspraak bij de schoolverpleegkundige", "Terugkoppeling aan de leerkracht"),
    ),
    D.ATTENDANCE: (
        "Aanwezigheid elke week bespreken met ouders; bij geen reactie een huisbezoek.",
        ("{name} is elke dag op tijd op school.",),
        ("Dagelijks aanwezigheid bijhouden", "Gesprek met ouders over op tijd komen"),
    ),
    D.MONEY_HOUSING: (
        "Het gezin in contact brengen met het spreekuur van schuldhulp en de woningcorporatie.",
        ("Het gezin van {name} weet waar het terecht kan met geldzorgen.",),
        ("Ouders wijzen op het spreekuur schuldhulpverlening", "Schoolreisje via het fonds"),
    ),
}

CONSENT_NOTES = (
    "Moeder gebeld en uitgelegd wat het VOT is; zij denkt erover na.",
    "Ouders op school gesproken; ze willen het eerst samen bespreken.",
    "Vader gebeld, voicemail ingesproken; morgen opnieuw proberen.",
)
REFUSAL_NOTES = (
    "Ouders willen geen bespreking in het VOT; we gaan door met de aanpak in de klas.",
    "Moeder wil het eerst zelf oplossen; over zes weken opnieuw kijken.",
)
CONTACTS: tuple[tuple[str, str], ...] = (
    (FamilyContact.Channel.PHONE, "Moeder gebeld: het gaat iets beter, de avonden zijn rustiger."),
    (FamilyContact.Channel.WHATSAPP, "Via WhatsApp tips gestuurd over een vast slaapritme."),
    (
        FamilyContact.Channel.HOME_VISIT,
        "Huisbezoek: kennisgemaakt met beide ouders en de kinderen.",
    ),
    (FamilyContact.Channel.AT_SCHOOL, "Gesprek op school met moeder en de leerkracht."),
    (FamilyContact.Channel.PHONE, "Vader gebeld over de afspraken van vorige week; loopt goed."),
    (FamilyContact.Channel.VIDEO, "Videogesprek met ouders over de opvoedvragen."),
)
EVALUATIONS = (
    "VOT: de aanpak werkt, {name} is rustiger in de klas. Nog zes weken zo doorgaan.",
    "VOT: thuis gaat het beter, op school nog niet. Aanpak bijgesteld met de leerkracht.",
    "VOT: de ondersteuning is niet genoeg; er is meer nodig dan de gezinsspecialist kan bieden.",
    "VOT: doelen gehaald; ouders en school tevreden.",
)
ESCALATION_GOALS = {
    "district_team": "Het wijkteam ondersteunt het gezin thuis bij rust en structuur.",
    "psychologist": "De psycholoog onderzoekt de angst en somberheid van {name}.",
    "behavioural_scientist": "De gedragswetenschapper geeft advies over het gedrag van {name}.",
    "child_protection": "Jeugdbescherming blijft betrokken: wekelijks contact en een "
    "veiligheidsplan voor {name}.",
}
#: The approach agreed with the district-team worker who already knows the family.
KNOWN_APPROACHES = (
    "De ambulant hulpverlener van het wijkteam neemt school mee in de huisbezoeken.",
    "Schuldhulp loopt via het wijkteam; de GS stemt de ondersteuning thuis met hen af.",
)

#: The meldcode's five steps (kansrijk.safety): a summary and what the step records.
MELDCODE_STEPS: tuple[tuple[str, dict[str, object]], ...] = (
    ("Signalen in kaart gebracht: {name} vertelde over harde ruzies thuis en een blauwe plek.", {}),
    (
        "Overlegd met de aandachtsfunctionaris en advies gevraagd bij Veilig Thuis.",
        {"colleague": "Aandachtsfunctionaris van het kindcentrum", "veilig_thuis_advice": True},
    ),
    (
        "Gesprek met beide ouders op school; ouders herkennen de zorgen deels.",
        {"parents": True, "child": False},
    ),
    (
        "Afwegingskader doorlopen: vermoeden blijft, hulp wordt niet aanvaard.",
        {"q1": "yes", "q2": "no", "q3": "yes", "q4": "no", "q5": "no"},
    ),
    (
        "Besloten: melden bij Veilig Thuis en hulp blijven bieden via het wijkteam.",
        {"decision": "both"},
    ),
)
