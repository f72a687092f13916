"""Each figure of definitions.py against the hand-counted data set of conftest.py.

The small-numbers rule is switched off here (threshold 0) to read the raw counts back; that
the rule holds is tested in test_suppression.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from kansrijk.cases.models import Signal
from kansrijk.monitor.definitions import BY_KEY, FIGURES, LEAD_TIMES, REFERENCES, Unit
from kansrijk.monitor.figures import compute_report, percentile
from kansrijk.monitor.periods import Period
from kansrijk.monitor.services import experience_record
from tests.monitor.conftest import at, signal
from tests.monitor.reading import grid, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw(dataset):
    return compute_report(dataset.period, threshold=0)


@pytest.fixture
def keys(dataset):
    return str(dataset.world.school.pk), str(dataset.world.other_school.pk)


def test_every_figure_has_labels_formula_unit_and_sources():
    for figure in FIGURES:
        assert figure.label_nl and figure.label_en and figure.formula_nl and figure.formula_en
        assert figure.unit in Unit and figure.sources
    with translation.override("en"):
        assert BY_KEY["outcomes"].label == "Outcomes of closed cases"
    with translation.override("nl"):
        assert BY_KEY["outcomes"].label == "Uitkomsten van afgesloten casussen"
    assert {f"lead_{k}" for k in ("plan", "closure")} <= set(BY_KEY)
    assert [(r.percent, r.source, r.year) for r in REFERENCES.values()] == [
        (10.6, "CBS", 2023),
        (2.4, "DUO", 2023),
        (2.4, "DUO", 2023),
        (65.0, "PACT Kinderogen, programmalijn 3", 2021),
    ]


def test_signals_per_centre_and_domain(raw, keys):
    school, other = keys
    g = grid(table(raw, "signals"))
    assert (g[(school, "learning")], g[(school, "behaviour")], g[(school, "*")]) == (6, 2, 8)
    assert (g[(other, "home")], g[(other, "*")]) == (2, 2)
    assert (g[("*", "learning")], g[("*", "home")], g[("*", "*")]) == (6, 2, 10)
    assert g[(school, "health")] == 0


def test_signals_per_month(raw, keys):
    school, other = keys
    g = grid(table(raw, "signals", "trend"))
    assert (g[("2025-01", school)], g[("2025-02", school)], g[("2025-02", other)]) == (7, 1, 2)
    assert (g[("2025-01", "*")], g[("2025-02", "*")], g[("2025-03", "*")]) == (7, 3, 0)
    learning = grid(table(raw, "signals", "trend", "learning"))
    assert (learning[("2025-01", school)], learning[("2025-02", school)]) == (5, 1)


def test_months_follow_amsterdam_time(dataset, keys):
    school, _other = keys
    child = dataset.children[7]
    # 31 March 23:30 in Amsterdam is 21:30 UTC: still March, still in the quarter.
    signal(dataset.world.teacher, child, "health", at("2025-03-31", 23).replace(minute=30))
    g = grid(table(compute_report(dataset.period, threshold=0), "signals", "trend", "health"))
    assert g[("2025-03", school)] == 1


def test_share_of_pupils_signalled(raw, keys):
    school, other = keys
    g = grid(table(raw, "share_signalled"))
    assert (g[(school, "pupils")], g[(school, "signalled")], g[(school, "share")]) == (10, 7, 70.0)
    assert (g[(other, "pupils")], g[(other, "signalled")], g[(other, "share")]) == (4, 2, 50.0)
    assert g[("*", "share")] == pytest.approx(100 * 9 / 14)
    behaviour = grid(table(raw, "share_signalled", domain="behaviour"))
    assert behaviour[(school, "signalled")] == 2


def test_a_pupil_who_left_before_the_period_is_not_enrolled(dataset, keys):
    school, _other = keys
    left = dataset.children[9]
    left.left_on = datetime.date(2024, 12, 20)
    left.save()
    g = grid(table(compute_report(dataset.period, threshold=0), "share_signalled"))
    assert g[(school, "pupils")] == 9


def test_percentile_interpolates_linearly():
    assert percentile([8.0, 9.0, 10.0, 11.0, 12.0], 0.5) == 10.0
    assert percentile([8.0, 9.0, 10.0, 11.0, 12.0], 0.9) == pytest.approx(11.6)
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([], 0.5) is None


def test_lead_times(raw, keys):
    school, other = keys
    g = grid(table(raw, "lead_times"))
    expected = {
        "lead_plan": (6, 2.0, 2.0),
        "lead_consent_asked": (6, 3.0, 3.0),
        "lead_consent_given": (5, 5.0, 5.0),
        "lead_family_specialist": (5, 10.0, 11.6),  # days 8..12
        "lead_evaluation": (5, 30.0, 30.0),
        "lead_closure": (5, 40.0, 40.0),
    }
    assert [key for key, *_rest in LEAD_TIMES] == list(expected)
    for key, (n, median, p90) in expected.items():
        assert (
            g[(f"{key}|{school}", "n")],
            g[(f"{key}|{school}", "median")],
            g[(f"{key}|{school}", "p90")],
        ) == (n, median, p90), key
        assert g[(f"{key}|*", "median")] == median
        assert g[(f"{key}|{other}", "n")] == 0


def test_a_family_contact_before_start_support_ends_that_lead_time(dataset, keys):
    from kansrijk.cases.models import FamilyContact

    school, _other = keys
    case = dataset.school_cases[4]  # support started on day 12
    FamilyContact.objects.create(
        case=case,
        by=dataset.world.family_specialist,
        channel="phone",
        summary="Gebeld",
        happened_at=at("2025-01-09"),
    )
    g = grid(table(compute_report(dataset.period, threshold=0), "lead_times"))
    assert g[(f"lead_family_specialist|{school}", "median")] == 9.0  # 3, 8, 9, 10, 11 days


def test_outcomes_of_closed_cases(raw, keys):
    school, other = keys
    g = grid(table(raw, "outcomes"))
    row = {
        k: g[(school, k)]
        for k in (
            "stayed_regular",
            "school_alone",
            "with_family_specialist",
            "special_education",
            "specialist_youth_care",
            "veilig_thuis",
            "moved_away",
            "total",
            "kept",
        )
    }
    assert row == {
        "stayed_regular": 2,
        "school_alone": 1,
        "with_family_specialist": 1,
        "special_education": 1,
        "specialist_youth_care": 0,
        "veilig_thuis": 0,
        "moved_away": 0,
        "total": 5,
        "kept": 4,
    }
    assert g[(school, "kept_share")] == 80.0
    assert g[(other, "total")] == 0 and g[("*", "total")] == 5


def test_referrals_per_100_pupils(raw, keys):
    school, _other = keys
    g = grid(table(raw, "referral_rates"))
    assert (g[(school, "special_education")], g[(school, "special_education_rate")]) == (1, 10.0)
    assert g[("*", "special_education_rate")] == pytest.approx(100 / 14)
    assert g[("*", "specialist_youth_care")] == 0


def test_families_with_exactly_one_contact_person(raw, keys):
    school, other = keys
    g = grid(table(raw, "one_contact_person"))
    # s1..s5 changed from the internal coach to the family specialist; s6, s7, w1, w2 did not.
    assert (g[(school, "families")], g[(school, "one")]) == (7, 2)
    assert (g[(other, "families")], g[(other, "one")]) == (2, 2)
    assert (g[("*", "families")], g[("*", "one")]) == (9, 4)


def test_cases_without_a_step(raw, keys, settings):
    school, other = keys
    g = grid(table(raw, "stalled"))
    assert (g[(school, "open")], g[(school, "stalled")]) == (2, 2)
    assert (g[(other, "open")], g[(other, "stalled")]) == (2, 2)


def test_stalled_counts_days_since_the_last_step(dataset, keys, settings):
    school, _other = keys
    settings.KANSRIJK_STALLED_AFTER_DAYS = 60  # end of March: the w cases (3 Feb) are fresh
    g = grid(table(compute_report(dataset.period, threshold=0), "stalled"))
    assert g[(school, "stalled")] == 2  # s6 (10 Jan) and s7 (6 Jan) are older than 60 days
    assert g[("*", "stalled")] == 2


def test_consent_refusals_and_withdrawals(dataset, raw, keys):
    from kansrijk.consent.models import Consent

    school, _other = keys
    g = grid(table(raw, "consent"))
    assert (
        g[(school, "given")],
        g[(school, "refused")],
        g[(school, "withdrawn")],
        g[(school, "total")],
    ) == (5, 1, 0, 6)
    given = Consent.objects.filter(case=dataset.school_cases[0]).first()
    assert given is not None
    Consent.objects.create(
        child=given.child,
        case=given.case,
        purpose=given.purpose,
        status=Consent.Status.WITHDRAWN,
        method="verbal",
        recorded_by=dataset.world.coach,
        recorded_at=at("2025-03-01"),
    )
    g = grid(table(compute_report(dataset.period, threshold=0), "consent"))
    assert (g[(school, "withdrawn")], g[(school, "total")]) == (1, 7)


def test_roster_coverage_says_why_it_is_not_available(raw):
    roster = table(raw, "roster_coverage")
    assert not roster.available
    assert roster.reason


def test_parents_experience_averages(dataset, keys):
    school, _other = keys
    cases = dataset.school_cases[:3]
    for case, score in zip(cases, (5, 4, 2), strict=True):
        experience_record(
            by=dataset.world.coach,
            case_id=case.pk,
            scores={
                "knew_contact": score,
                "listened": 5,
                "in_time": 3,
                "fitted": 4,
                "overall": score,
            },
            comment="Fijn geholpen" if score == 5 else "",
        )
    g = grid(table(compute_report(dataset.period, threshold=0), "experience"))
    assert g[(school, "responses")] == 3
    assert g[(school, "overall")] == pytest.approx(11 / 3, abs=0.01)
    assert (g[(school, "listened")], g[(school, "in_time")]) == (5.0, 3.0)
    assert g[(school, "comments")] == 1


def test_periods_are_whole_months():
    period = Period.parse("2025-03", "2025-01")
    assert (period.start, period.end) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    assert Period.quarter(2024, 4).month_keys() == ["2024-10", "2024-11", "2024-12"]
    assert len(Period.parse("2020-01", "2025-12").month_keys()) == 36
    with pytest.raises(ValueError):
        Period.parse("2025-13", "2025-12")
    assert Signal.Domain.LEARNING in Signal.Domain.values
