"""The CP-SAT model of a week roster.

Coverage is soft (a shortfall variable per requirement with a dominant weight), so a sick call
that makes a requirement impossible still yields the best roster for the rest; unmet requirements
are then explained by pre-checks or by an infeasible core over assumption literals.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from kansrijk.roster.solver.explain import precheck
from kansrijk.roster.solver.model import (
    PARTS,
    Explanation,
    Options,
    Problem,
    Requirement,
    Result,
    Score,
    Shift,
    Shortfall,
    SolutionListener,
    Status,
    Unit,
)

VarKey = tuple[str, str, str, int]  # requirement, person, location, slot index


@dataclass(frozen=True)
class _Enforce:
    """Coverage as hard constraints: always (``hard``) or behind an assumption literal."""

    hard: frozenset[str]
    assumable: set[str]


@dataclass
class _Terms:
    shortfall: list[cp_model.LinearExprT] = field(default_factory=list)
    preference: list[cp_model.LinearExprT] = field(default_factory=list)
    spread: list[cp_model.LinearExprT] = field(default_factory=list)
    fairness: list[cp_model.LinearExprT] = field(default_factory=list)
    changes: list[cp_model.LinearExprT] = field(default_factory=list)
    stand_ins: list[cp_model.LinearExprT] = field(default_factory=list)


class _Model:
    """Builds the variables and constraints for one problem."""

    def __init__(
        self,
        problem: Problem,
        *,
        enforce: _Enforce | None = None,
        hint: bool = True,
    ) -> None:
        self.problem = problem
        self.hint = hint
        self.model = cp_model.CpModel()
        self.x: dict[VarKey, cp_model.IntVar] = {}
        self.units: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        self.shortfall: dict[str, cp_model.IntVar] = {}
        self.terms = _Terms()
        #: Frozen shifts of the previous roster that no variable can represent; kept as they are.
        self.passthrough: list[Shift] = []
        #: Assumption literals of requirements whose coverage is enforced conditionally.
        self.literals: dict[str, cp_model.IntVar] = {}
        self._build(enforce)

    def _build(self, enforce: _Enforce | None) -> None:
        p = self.problem
        m = self.model
        slots = p.slots
        known = {loc.code for loc in p.locations}
        frozen_previous = {
            (s.requirement, s.person, s.location, slot_key)
            for s in p.previous
            if (slot_key := (s.date, s.part)) in slots and p.is_frozen(slot_key)
        }
        used_frozen: set[tuple[object, ...]] = set()
        unit_slots: dict[VarKey, int] = {}
        for req in p.requirements:
            locations = [code for code in p.active_locations(req) if code in known]
            for person in p.people:
                for code in locations:
                    if not p.eligible(req, person, code):
                        continue
                    for si, (day, part) in enumerate(slots):
                        marker = (req.id, person.id, code, (day, part))
                        if p.is_frozen((day, part)):
                            if marker in frozen_previous:
                                used_frozen.add(marker)
                                var = m.new_constant(1)
                                self.x[(req.id, person.id, code, si)] = var
                        elif p.allowed(req, day, part) and person.is_available(day, part):
                            var = m.new_bool_var(f"x_{req.id}_{person.id}_{code}_{si}")
                            self.x[(req.id, person.id, code, si)] = var
                    if req.unit is Unit.DAY:
                        self._tie_days(req.id, person.id, code, unit_slots)
                    else:
                        for si in range(len(slots)):
                            if (key := (req.id, person.id, code, si)) in self.x:
                                unit_slots[key] = si
        for s in p.previous:
            marker = (s.requirement, s.person, s.location, (s.date, s.part))
            if marker in frozen_previous and marker not in used_frozen:
                self.passthrough.append(s)
        self._unit_slots = unit_slots
        for key, _si in unit_slots.items():
            self.units[key[0]].append(self.x[key])
        self._person_constraints()
        self._requirement_constraints(enforce)
        self._soft_terms()

    def _tie_days(
        self, req_id: str, person_id: str, code: str, unit_slots: dict[VarKey, int]
    ) -> None:
        """A day unit is the same person at the same place all day (a started day counts)."""
        p = self.problem
        for d, day in enumerate(p.days):
            morning, afternoon = (
                (req_id, person_id, code, 2 * d),
                (req_id, person_id, code, 2 * d + 1),
            )
            am, pm = self.x.get(morning), self.x.get(afternoon)
            split = p.is_frozen((day, PARTS[0])) and not p.is_frozen((day, PARTS[1]))
            if am is None and pm is None:
                continue
            if split:
                if am is None:
                    self.model.add(pm == 0)
                    continue
                if pm is not None:
                    self.model.add(pm <= am)
                unit_slots[morning] = 2 * d
            elif am is not None and pm is not None:
                self.model.add(am == pm)
                unit_slots[morning] = 2 * d
            else:
                # Only one half is possible: the day cannot be a day unit, unless it is past.
                only_key = morning if am is not None else afternoon
                if p.is_frozen((day, PARTS[0])):
                    unit_slots[only_key] = only_key[3]
                else:
                    self.model.add(self.x[only_key] == 0)

    def _person_constraints(self) -> None:
        p = self.problem
        by_person_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        by_person: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        by_room: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        rooms_needed = {r.id for r in p.requirements if r.needs_room}
        for (req_id, person_id, code, si), var in self.x.items():
            by_person_slot[(person_id, si)].append(var)
            by_person[person_id].append(var)
            if req_id in rooms_needed:
                by_room[(code, si)].append(var)
        busy: dict[tuple[str, int], int] = defaultdict(int)
        for s in self.passthrough:
            busy[(s.person, p.slots.index((s.date, s.part)))] += 1
        for key, variables in by_person_slot.items():
            self.model.add(sum(variables) <= max(1 - busy[key], 0))
        for person in p.people:
            variables = by_person[person.id]
            if len(variables) > person.max_half_days:
                frozen = sum(1 for v in variables if _is_constant(v))
                self.model.add(sum(variables) <= max(person.max_half_days, frozen))
        locations = {loc.code: loc for loc in p.locations}
        for (code, si), variables in by_room.items():
            day, part = p.slots[si]
            capacity = locations[code].rooms_at(day, part)
            if len(variables) > capacity:
                frozen = sum(1 for v in variables if _is_constant(v))
                self.model.add(sum(variables) <= max(capacity, frozen))

    def _requirement_constraints(self, enforce: _Enforce | None) -> None:
        p = self.problem
        per_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        per_day: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for key, si in self._unit_slots.items():
            per_slot[(key[0], si)].append(self.x[key])
            per_day[(key[0], si // 2)].append(self.x[key])
        limits = {
            r.id: (
                r.distinct_days or r.unit is Unit.DAY,
                1 if r.distinct_days else r.max_concurrent,
            )
            for r in p.requirements
        }
        for by_day, groups in ((True, per_day), (False, per_slot)):
            for (req_id, _), variables in groups.items():
                daily, limit = limits[req_id]
                if daily == by_day and len(variables) > limit:
                    frozen = sum(1 for v in variables if _is_constant(v))
                    self.model.add(sum(variables) <= max(limit, frozen))
        for req in p.requirements:
            units = self.units.get(req.id, [])
            frozen_units = sum(1 for v in units if _is_constant(v))
            self.model.add(sum(units) <= max(req.amount, frozen_units))
            if enforce is None:
                short = self.model.new_int_var(0, req.amount, f"short_{req.id}")
                self.model.add(sum(units) + short >= req.amount)
                self.shortfall[req.id] = short
                self.terms.shortfall.append(short * req.half_days_per_unit)
            elif req.id in enforce.hard:
                self.model.add(sum(units) >= req.amount)
            elif req.id in enforce.assumable:
                literal = self.model.new_bool_var(f"enforce_{req.id}")
                self.literals[req.id] = literal
                self.model.add(sum(units) >= req.amount).only_enforce_if(literal)

    def _soft_terms(self) -> None:
        p = self.problem
        people = {person.id: person for person in p.people}
        previous = {s.key for s in p.previous}
        stand_ins = {r.id: r.stand_ins for r in p.requirements if r.stand_ins}
        load: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (req_id, person_id, code, si), var in self.x.items():
            if _is_constant(var):
                continue
            day, part = p.slots[si]
            load[person_id].append(var)
            if person_id in stand_ins.get(req_id, ()):
                self.terms.stand_ins.append(var)
            preferred = people[person_id].preferred_days
            if preferred and day.weekday() not in preferred:
                self.terms.preference.append(var)
            if p.previous:
                if (req_id, person_id, code, day.weekday(), part) in previous:
                    self.terms.changes.append(1 - var)
                else:
                    self.terms.changes.append(var)
        per_location: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        members_of: dict[str, set[str]] = defaultdict(set)
        for rid, pid, code, si in self._unit_slots:
            per_location[(rid, code)].append(self.x[(rid, pid, code, si)])
            members_of[rid].add(pid)
        for req in p.requirements:
            locations = p.active_locations(req)
            if len(locations) < 2:
                continue
            counts = [cp_model.LinearExpr.sum(per_location[(req.id, c)]) for c in locations]
            hi = self.model.new_int_var(0, req.amount, f"hi_{req.id}")
            lo = self.model.new_int_var(0, req.amount, f"lo_{req.id}")
            self.model.add_max_equality(hi, counts)
            self.model.add_min_equality(lo, counts)
            self.terms.spread.append(hi - lo)
        by_role: dict[str, set[str]] = defaultdict(set)
        for req in p.requirements:
            if not req.people:
                by_role[req.role].update(members_of[req.id])
        for role, members in sorted(by_role.items()):
            if len(members) < 2:
                continue
            top = self.model.new_int_var(0, len(p.slots), f"maxload_{role}")
            for pid in members:
                self.model.add(top >= sum(load[pid]))
            self.terms.fairness.append(top)
        w = p.weights
        t = self.terms
        groups = (t.shortfall, t.preference, t.spread, t.fairness, t.changes, t.stand_ins)
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum(
                [cp_model.LinearExpr.sum(g) for g in groups],
                [w.shortfall, w.preference, w.spread, w.fairness, w.change, w.stand_in],
            )
        )
        for (req_id, person_id, code, si), var in self.x.items():
            if self.hint and p.previous and not _is_constant(var):
                day, part = p.slots[si]
                self.model.add_hint(var, (req_id, person_id, code, day.weekday(), part) in previous)

    def shifts(self, value: Callable[[cp_model.IntVar], int]) -> tuple[Shift, ...]:
        p = self.problem
        roles = {r.id: r.role for r in p.requirements}
        found = [
            Shift(person_id, req_id, roles[req_id], code, *p.slots[si])
            for (req_id, person_id, code, si), var in self.x.items()
            if value(var)
        ]
        found.extend(self.passthrough)
        return tuple(sorted(found, key=_shift_order(p)))

    def score(self, value: Callable[[cp_model.LinearExprT], int]) -> Score:
        t = self.terms
        parts = [
            value(sum(items)) if items else 0
            for items in (t.shortfall, t.preference, t.spread, t.fairness, t.changes, t.stand_ins)
        ]
        w = self.problem.weights
        objective = (
            w.shortfall * parts[0]
            + w.preference * parts[1]
            + w.spread * parts[2]
            + w.fairness * parts[3]
            + w.change * parts[4]
            + w.stand_in * parts[5]
        )
        return Score(objective, *parts)


def _is_constant(var: cp_model.IntVar) -> bool:
    domain = var.proto.domain
    return len(domain) == 2 and domain[0] == domain[1]


def _shift_order(problem: Problem) -> Callable[[Shift], tuple[object, ...]]:
    slots = problem.slots
    return lambda s: (slots.index((s.date, s.part)), s.location, s.requirement, s.person)


def _parameters(solver: cp_model.CpSolver, options: Options) -> None:
    params = solver.parameters
    params.random_seed = options.seed
    params.num_workers = options.num_workers
    params.max_time_in_seconds = options.time_limit_s
    if options.deterministic_time_limit is not None:
        params.max_deterministic_time = options.deterministic_time_limit
    if options.num_workers > 1:
        params.interleave_search = True


class _Listener(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, built: _Model, listener: SolutionListener | None, stop_when_complete: bool
    ) -> None:
        super().__init__()
        self._built = built
        self._listener = listener
        self._stop = stop_when_complete
        self._start = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self._listener is not None:
            self._listener(time.perf_counter() - self._start, self._built.score(self.value))
        if self._stop and all(self.value(v) == 0 for v in self._built.shortfall.values()):
            self.stop_search()


def solve(
    problem: Problem, options: Options | None = None, on_solution: SolutionListener | None = None
) -> Result:
    """Plan a week: the best roster found, and for every unmet requirement an explanation."""
    options = options or Options()
    started = time.perf_counter()
    built = _Model(problem, hint=options.hint_previous)
    solver = cp_model.CpSolver()
    _parameters(solver, options)
    callback = (
        _Listener(built, on_solution, options.stop_when_complete)
        if on_solution or options.stop_when_complete
        else None
    )
    status = solver.solve(built.model, callback)
    if status == cp_model.MODEL_INVALID:  # pragma: no cover - a bug, not an input problem
        raise RuntimeError(built.model.validate())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(
            Status.UNKNOWN,
            (),
            explanations=tuple(e for r in problem.requirements for e in precheck(problem, r)),
            wall_time_s=time.perf_counter() - started,
        )
    shifts = built.shifts(solver.value)
    score = built.score(solver.value)
    shortfalls = tuple(
        Shortfall(req.id, missing)
        for req in problem.requirements
        if (missing := solver.value(built.shortfall[req.id]))
    )
    proven = status == cp_model.OPTIMAL
    explanations: tuple[Explanation, ...] = ()
    if shortfalls and options.explain:
        explanations = _explain(problem, shortfalls, proven, options)
    if shortfalls:
        result_status = Status.INCOMPLETE
    else:
        result_status = Status.OPTIMAL if proven else Status.FEASIBLE
    return Result(
        result_status,
        shifts,
        shortfalls,
        explanations,
        score,
        proven,
        time.perf_counter() - started,
    )


def _explain(
    problem: Problem, shortfalls: tuple[Shortfall, ...], proven: bool, options: Options
) -> tuple[Explanation, ...]:
    """Pre-check reasons first; conflicts between requirements from an infeasible core."""
    requirements = {r.id: r for r in problem.requirements}
    found: list[Explanation] = []
    flawed = {r.id for r in problem.requirements if precheck(problem, r)}
    for short in shortfalls:
        req = requirements[short.requirement]
        reasons = precheck(problem, req)
        if reasons:
            found.extend(reasons)
            continue
        others = _core(problem, req, flawed, options)
        base = {"label": req.label, "unit": req.unit.value}
        if others is None:
            code = "impossible" if proven else "not_found"
            found.append(
                Explanation(code, req.id, {**base, "needed": req.amount, "missing": short.missing})
            )
        elif not others:
            found.append(Explanation("impossible", req.id, {**base, "needed": req.amount}))
        else:
            labels = [requirements[o].label for o in others]
            found.append(Explanation("conflict", req.id, {**base, "others": labels}))
    return tuple(found)


def _core(
    problem: Problem, req: Requirement, flawed: set[str], options: Options
) -> list[str] | None:
    """Requirements that together with ``req`` cannot all be met; ``None`` if none was found.

    ``req`` is enforced outright and every other sound requirement behind an assumption
    literal; CP-SAT's sufficient assumptions for infeasibility then name the rivals.
    """
    assumable = {r.id for r in problem.requirements if r.id != req.id and r.id not in flawed}
    built = _Model(problem, enforce=_Enforce(hard=frozenset({req.id}), assumable=assumable))
    model = built.model
    model.clear_objective()
    model.add_assumptions(list(built.literals.values()))
    solver = cp_model.CpSolver()
    _parameters(solver, Options(time_limit_s=min(options.time_limit_s, 1.0), seed=options.seed))
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return None
    by_index = {lit.index: rid for rid, lit in built.literals.items()}
    core = solver.sufficient_assumptions_for_infeasibility()
    return sorted(by_index[i] for i in core if i in by_index)
