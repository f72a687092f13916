"""About 600 made-up pupils of the three centres, in families, with their guardians.

Names come from Faker (nl_NL) with a fixed seed and every other choice from one
`random.Random`, so each run makes the same pupils. BSNs are public test numbers only: nine
digits starting with 9999 that pass the elfproef, so no real citizen's number can appear.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from kansrijk.cases.bsn import bsn_is_valid
from kansrijk.cases.models import Child, Family, Guardian
from kansrijk.demo.people import CENTRES, CHILDCARE_GROUP, Westwijk

PUPIL_SEED = 20211222
PUPILS_PER_CENTRE = 200
GROUPS = range(1, 9)
#: Share of children whose BSN is known to the school; the rest have none.
BSN_SHARE = 0.85
TEST_BSN_PREFIX = "9999"


@dataclass
class DemoFamily:
    """A family as the case step needs it: its pupils, toddlers in childcare and guardians."""

    family: Family
    centre: str
    pupils: list[Child] = field(default_factory=list)
    toddlers: list[Child] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)

    @property
    def children(self) -> list[Child]:
        return [*self.pupils, *self.toddlers]


def test_bsns() -> Iterator[str]:
    """Every public test BSN (9999xxxxx passing the elfproef), in ascending order."""
    for prefix in range(10_000):
        head = f"{TEST_BSN_PREFIX}{prefix:04d}"
        total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
        check = total % 11
        if check <= 9 and bsn_is_valid(f"{head}{check}"):
            yield f"{head}{check}"


def school_year_start(today: datetime.date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def _birth_date(rng: random.Random, group: int, year: int) -> datetime.date:
    """A date of birth that fits the group: group g turned g + 3 before 1 October."""
    first = datetime.date(year - group - 4, 10, 1)
    last = datetime.date(year - group - 3, 9, 30)
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _phone(rng: random.Random) -> str:
    return f"06-{rng.randint(10_000_000, 99_999_999)}"


def _email(rng: random.Random, first: str, last: str) -> str:
    if rng.random() < 0.1:
        return ""
    return f"{slugify(first)}.{slugify(last).replace('-', '')}@example.org"


def seed_pupils(westwijk: Westwijk, today: datetime.date) -> list[DemoFamily]:
    """Families with ≈200 pupils per centre over groups 1-8, some siblings, some toddlers."""
    fake = Faker("nl_NL")
    fake.seed_instance(PUPIL_SEED)
    rng = random.Random(PUPIL_SEED)
    bsns = list(test_bsns())
    rng.shuffle(bsns)
    year = school_year_start(today)
    created = timezone.now() - datetime.timedelta(days=730)

    families: list[DemoFamily] = []
    pending_children: list[tuple[DemoFamily, Child, bool]] = []
    for centre in CENTRES:
        room = {g: PUPILS_PER_CENTRE // len(GROUPS) for g in GROUPS}
        while any(room.values()):
            size = rng.choices((1, 2, 3), weights=(55, 33, 12))[0]
            open_groups = [g for g in GROUPS if room[g]]
            groups = sorted(rng.sample(open_groups, min(size, len(open_groups))))
            last = fake.last_name()
            family = DemoFamily(
                Family(
                    name=last,
                    address=f"{fake.street_name()} {rng.randint(1, 220)}, Vlaardingen",
                    created_at=created,
                ),
                centre.code,
            )
            for group in groups:
                room[group] -= 1
                given = fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()
                child = Child(
                    given_name=given,
                    family_name=last,
                    date_of_birth=_birth_date(rng, group, year),
                    location=westwijk.centres[centre.code],
                    group=str(group),
                )
                pending_children.append((family, child, False))
            if rng.random() < 0.08:
                toddler = Child(
                    given_name=fake.first_name(),
                    family_name=last,
                    date_of_birth=today - datetime.timedelta(days=rng.randint(400, 1400)),
                    location=westwijk.childcare[centre.code],
                    group=CHILDCARE_GROUP,
                )
                pending_children.append((family, toddler, True))
            family.guardians = _guardians(fake, rng, last)
            families.append(family)

    Family.objects.bulk_create([f.family for f in families])
    for f in families:
        for guardian in f.guardians:
            guardian.family = f.family
    Guardian.objects.bulk_create([g for f in families for g in f.guardians])
    for family, child, is_toddler in pending_children:
        child.family = family.family
        if rng.random() < BSN_SHARE:
            child.bsn = bsns.pop()
        (family.toddlers if is_toddler else family.pupils).append(child)
    Child.objects.bulk_create([child for _, child, _ in pending_children])
    return families


def _guardians(fake: Faker, rng: random.Random, last: str) -> list[Guardian]:
    shape = rng.random()
    people: list[tuple[str, str, str, bool]] = []  # first, last, relation, authority
    mother_last = last if rng.random() < 0.6 else fake.last_name()
    if shape < 0.65:  # two parents
        people += [
            (fake.first_name_female(), mother_last, "moeder", True),
            (fake.first_name_male(), last, "vader", True),
        ]
    elif shape < 0.88:  # mother alone
        people.append((fake.first_name_female(), mother_last, "moeder", True))
    elif shape < 0.95:  # father alone
        people.append((fake.first_name_male(), last, "vader", True))
    else:  # mother and a stepfather without parental authority
        people += [
            (fake.first_name_female(), mother_last, "moeder", True),
            (fake.first_name_male(), fake.last_name(), "stiefvader", False),
        ]
    return [
        Guardian(
            name=f"{first} {surname}",
            relation=relation,
            phone=_phone(rng),
            email=_email(rng, first, surname),
            parental_authority=authority,
        )
        for first, surname, relation, authority in people
    ]
