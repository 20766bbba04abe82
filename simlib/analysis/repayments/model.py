"""Advances (voorschotten) and final awards through the year: the repayments and back-payments a rule causes.

For every household of a population, one year (vectorised; no loop per household):

1. **What really happens** is drawn: the real toetsingsinkomen differs from the estimate the advance rests on by an
   error typical of each person's work profile; and at most one change of situation from a month m (a partner moves
   out or in, a birth, a move with a new rent, fewer childcare hours, the least-working parent stops working).
2. **The advance** is the award on what is known: the situation at the start of the year and the income estimate,
   revised when a change is reported in time (with a probability per kind of change) and when a new income estimate
   is reported (more likely the larger the change). Advances ignore the asset test; units above an asset limit who
   know it do not apply.
3. **The final award** is the entitlement of the real year: months before m in the old situation, months from m in
   the new one, the real income, the asset test on 1 January. Yearly amounts are rounded and the EUR 24 minimum
   applies (Awir art. 14).
4. The difference is a back-payment or a repayment; repayments up to the doelmatigheidsgrens are not reclaimed
   (Awir art. 26a). A household's repayment is **problematic** when it exceeds what it can pay in the standard
   payment plan (assumptions.yaml: plan months x payment capacity).

Amounts are per household and allowance (the units of a household are summed). Both runs of a comparison use the
same draws, so differences come from the rules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from simlib.engine.model import Population, edit_population
from simlib.parameters import ParameterSet, load_parameters
from simlib.engine.model import PROFILES, TYPES
from simlib.population.generate import uprating
from simlib.population.statistics import income_deciles, standardised_income
from simlib.rules.awir import round_half_up
from simlib.rules import ALLOWANCES
from simlib.engine.simulate import Simulation, simulate
from simlib.engine.structure import derive_from, household_blocks
from simlib.engine.threads import parallel_map, spans

HERE = Path(__file__).parent
EVENTS = ("geen", "partner_out", "partner_in", "birth", "move", "childcare_change", "job_loss", "medebewoner_in")
CAUSES = ("inkomen", "huishouden", "huur", "kinderopvang", "vermogen")
ASSET_PATHS = tuple(
    f"awir.vermogensgrens.{a}.{k}" for a in ("huurtoeslag", "zorgtoeslag", "kindgebonden_budget") for k in ("alleenstaande", "partners")
)


_SITUATIONS_KEPT = 5  # Monte Carlo draws whose populations are kept per population


@functools.cache
def assumptions() -> dict:
    with open(HERE / "assumptions.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass
class Levers:
    """Policy and behaviour levers of a scenario (``behaviour.repayments`` in the scenario file)."""

    actuele_gegevens: float = 0.0  # share of employees whose advance follows monthly income data
    signalering: float = 0.0  # extra probability that a change is reported (timely signalling)
    signalering_profielen: tuple = ("flex", "zelfstandige")
    matiging: float = 0.0  # share of a problematic repayment that is not reclaimed (Awir art. 26 lid 2)

    @classmethod
    def from_scenario(cls, repayments: dict | None) -> Levers:
        r = repayments or {}
        return cls(
            actuele_gegevens=float(r.get("actuele_gegevens", 0.0)),
            signalering=float(r.get("signalering", 0.0)),
            signalering_profielen=tuple(r.get("signalering_profielen", cls.signalering_profielen)),
            matiging=float(r.get("matiging", 0.0)),
        )


@dataclass
class Events:
    """The draws of one year (shared by baseline and reform)."""

    kind: np.ndarray  # per household, index into EVENTS
    month: np.ndarray  # first month of the new situation (2..12)
    reported: np.ndarray  # the change reaches the Dienst in time
    error: np.ndarray  # per person: log(real income / estimate)
    income_reported: np.ndarray  # per person: a new estimate is reported during the year
    knows_assets: np.ndarray  # per household: a unit above an asset limit knows it (does not apply)
    rent_factor: np.ndarray  # per household
    new_partner_income: np.ndarray  # per household (for partner_in)
    seed: int


EVENT_BLOCK = 1 << 18  # households or persons per block of draw_events' arithmetic (the same result in any blocks)


def draw_events(pop: Population, seed: int, levers: Levers | None = None) -> Events:
    """Draw the year's events for every household (deterministic for a given population and seed)."""
    A = assumptions()
    levers = levers or Levers()
    P, H = pop.persons, pop.households
    n, n_p = pop.n_households, pop.n_persons
    rng = np.random.default_rng([seed, n, n_p, 7])
    hh = P["household"]
    first = np.r_[True, hh[1:] != hh[:-1]]
    head = np.flatnonzero(first)
    head_age = P["age"][head].astype(int)
    resident = ~P["elsewhere"]
    partner_here = (P["spouse"][head] >= 0) | (P["cohabitant"][head] >= 0)
    adults = np.bincount(hh, weights=(resident & (P["age"] >= 18)).astype(float), minlength=n)
    care = np.bincount(hh, weights=(P["childcare_type"] > 0).astype(float), minlength=n) > 0
    ev = A["events"]
    eligible = {
        "partner_out": partner_here,
        "partner_in": ~partner_here & (adults == 1) & (head_age >= 20) & (head_age <= 50),
        "birth": partner_here & (head_age >= 25) & (head_age <= 42),
        "move": H["renter"].astype(bool),
        "childcare_change": care,
        "job_loss": care,
        # an adult (a lodger, a relative) moves in with a single parent: criterion 2e makes them toeslagpartners
        "medebewoner_in": (adults == 1) & (H["household_type"] == 3),
    }
    # the draws of the households, in a fixed order; the arithmetic on them runs in blocks on threads below
    u, month, u_rep = rng.random(n), rng.integers(2, 13, n), rng.random(n)
    rep = A["reporting"]
    profile = P["profile"]
    targeted = np.isin(profile, [PROFILES.index(x) for x in levers.signalering_profielen if x in PROFILES])
    head_targeted = targeted[head]
    kind = np.empty(n, dtype=np.int8)
    reported = np.empty(n, dtype=bool)

    def households(bounds: tuple[int, int]) -> None:
        sl = slice(*bounds)
        u_b = u[sl]
        k_b = np.zeros(len(u_b), dtype=np.int8)
        acc = np.zeros(len(u_b))
        for k, name in enumerate(EVENTS[1:], start=1):  # at most one change: the first whose interval holds u
            p = np.where(eligible[name][sl], ev[name], 0.0)
            k_b = np.where((k_b == 0) & (u_b >= acc) & (u_b < acc + p), k, k_b)
            acc = acc + p
        p_rep = np.select([k_b == k for k in range(1, len(EVENTS))], [rep[name] for name in EVENTS[1:]], 0.0)
        p_rep = np.clip(p_rep + np.where(head_targeted[sl], levers.signalering, 0.0), 0.0, 1.0)
        kind[sl] = k_b
        reported[sl] = u_rep[sl] < p_rep

    parallel_map(households, spans(n, EVENT_BLOCK))

    ie = A["income_estimate"]
    scale = ie["scale"]
    # all draws first, in a fixed order; the arithmetic on them then runs in blocks of persons on threads
    z, uj, zj, u_upd = rng.standard_normal(n_p), rng.random(n_p), rng.standard_normal(n_p), rng.random(n_p)
    knows = rng.random(n) < A["assets"]["know_above_limit"]
    rent_factor = np.exp(ev["move_rent_sd"] * rng.standard_normal(n))
    new_income = 30000.0 * uprating()["income_wages"]["index"][pop.year] * np.exp(0.5 * rng.standard_normal(n))
    # the parameters of each person's work profile, gathered (persons without a listed profile: no error)
    spec = [ie["profiles"].get(name) for name in PROFILES]
    listed = np.array([sp is not None for sp in spec] + [False])
    table = lambda f: np.array([f(sp) if sp else 0.0 for sp in spec] + [0.0])  # noqa: E731
    sigma_t, jump_p_t = table(lambda sp: scale * sp["sigma"]), table(lambda sp: min(sp["jump"] * scale, 0.5))
    jump_mean_t, jump_sd_t = table(lambda sp: sp["jump_mean"]), table(lambda sp: scale * sp["jump_sd"])
    iu = A["income_update"]
    error = np.empty(n_p)
    income_reported = np.empty(n_p, dtype=bool)

    def persons(bounds: tuple[int, int]) -> None:
        sl = slice(*bounds)
        pr = profile[sl]
        code = np.where((pr >= 0) & (pr < len(PROFILES)), pr, len(PROFILES))
        jump = np.where(uj[sl] < jump_p_t[code], jump_mean_t[code] + jump_sd_t[code] * zj[sl], 0.0)
        err = np.where(listed[code], sigma_t[code] * z[sl] + jump, 0.0)
        p_upd = 1 / (1 + np.exp(-(iu["intercept"] + iu["slope"] * np.abs(err))))
        p_upd = np.clip(p_upd + np.where(targeted[sl], levers.signalering, 0.0), 0.0, 1.0)
        error[sl] = err
        income_reported[sl] = u_upd[sl] < p_upd

    parallel_map(persons, spans(n_p, EVENT_BLOCK))
    return Events(kind, month, reported, error, income_reported, knows, rent_factor, new_income, seed)


def _new_situation(pop: Population, ev: Events, households: np.ndarray) -> Population:
    """The population of ``households`` (rows) in the situation after their change of the year."""
    P = pop.persons
    A = assumptions()["events"]
    kind = ev.kind
    hh = P["household"]
    in_sel = np.zeros(pop.n_households, dtype=bool)
    in_sel[households] = True
    keep = np.ones(pop.n_persons, dtype=bool)
    # partner out: the second of the couple leaves
    out = in_sel[hh] & (kind[hh] == EVENTS.index("partner_out")) & (((P["spouse"] >= 0) & (P["spouse"] < np.arange(pop.n_persons))) | ((P["cohabitant"] >= 0) & (P["cohabitant"] < np.arange(pop.n_persons))))
    keep &= ~out
    first = np.r_[True, hh[1:] != hh[:-1]]
    add: dict[str, list] = {}
    rows_in = np.flatnonzero(in_sel & (kind == EVENTS.index("partner_in")))
    rows_birth = np.flatnonzero(in_sel & (kind == EVENTS.index("birth")))
    heads = np.flatnonzero(first)
    new_cols = []
    if len(rows_in):
        h = heads[rows_in]
        new_cols.append({
            "household": rows_in, "age": np.clip(P["age"][h].astype(int) + 2, 18, 90).astype(np.int16),
            "income": np.round(ev.new_partner_income[rows_in]), "cohabitant": h, "partner_last_year": np.full(len(h), -1),
            "pension_partner": h, "profile": np.zeros(len(h), dtype=np.int8), "works": np.ones(len(h), dtype=bool),
            "hours_worked": np.full(len(h), 36 * 365 / 7 / 12), "takeup_draw": P["takeup_draw"][h],
        })
    if len(rows_birth):
        h = heads[rows_birth]
        partner = np.where(P["spouse"][h] >= 0, P["spouse"][h], P["cohabitant"][h])
        new_cols.append({
            "household": rows_birth, "age": np.zeros(len(h), dtype=np.int16), "parent1": h, "parent2": partner,
            "takeup_draw": P["takeup_draw"][h],
        })
    rows_mb = np.flatnonzero(in_sel & (kind == EVENTS.index("medebewoner_in")))
    if len(rows_mb):
        h = heads[rows_mb]
        new_cols.append({
            "household": rows_mb, "age": np.clip(P["age"][h].astype(int) - 5, 18, 90).astype(np.int16),
            "income": np.round(ev.new_partner_income[rows_mb] * 0.8), "lodger": np.ones(len(h), dtype=bool),
            "profile": np.ones(len(h), dtype=np.int8), "works": np.ones(len(h), dtype=bool),
            "hours_worked": np.full(len(h), 24 * 365 / 7 / 12), "takeup_draw": P["takeup_draw"][h],
        })
    if new_cols:
        keys = set().union(*new_cols)
        from simlib.engine.model import PERSON_COLUMNS

        for k in keys:
            parts = []
            for c in new_cols:
                m = len(c["household"])
                if k in c:
                    parts.append(np.asarray(c[k]))
                else:
                    dtype, default, _ = PERSON_COLUMNS[k]
                    parts.append(np.full(m, default if default is not None else 0, dtype=dtype))
            add[k] = np.concatenate(parts)
        # the head links to the new partner: set after the edit (references to added rows are not known before)
    new = edit_population(pop, keep_households=in_sel, keep_persons=keep, add_persons=add or None)
    NP, NH = new.persons, new.households
    # link heads to incoming partners (symmetric cohabitant / pension partner)
    if len(rows_in):
        new_rows = np.flatnonzero((NP["cohabitant"] >= 0) & (NP["age"] >= 18))
        newcomers = new_rows[NP["person_id"][new_rows] > P["person_id"].max()]
        heads_new = NP["cohabitant"][newcomers]
        NP["cohabitant"][heads_new] = newcomers
        NP["pension_partner"][heads_new] = newcomers
    sel_rows = np.flatnonzero(in_sel)
    moved = kind[sel_rows] == EVENTS.index("move")
    NH["bare_rent"] = np.where(moved, np.round(NH["bare_rent"] * ev.rent_factor[sel_rows], 2), NH["bare_rent"])
    NH["acquired_right"] = np.where(moved, False, NH["acquired_right"])
    new_hh = NP["household"]
    cc = kind[sel_rows][new_hh] == EVENTS.index("childcare_change")
    NP["childcare_hours"] = np.where(cc, np.round(NP["childcare_hours"] * A["childcare_hours_factor"]), NP["childcare_hours"])
    jl = kind[sel_rows][new_hh] == EVENTS.index("job_loss")
    if jl.any():
        # the least-working adult parent of a household with childcare stops working
        hours = np.where(np.isnan(NP["hours_worked"]), 1e9, NP["hours_worked"])
        cand = jl & (NP["age"] >= 18) & NP["works"]
        order = np.lexsort((hours, ~cand, new_hh))
        firsts = np.r_[True, new_hh[order][1:] != new_hh[order][:-1]]
        stop = order[firsts & cand[order]]
        NP["works"][stop] = False
        NP["hours_worked"][stop] = 0.0
    return new


def _estimate(pop: Population, ev: Events, rows: np.ndarray | None = None) -> Population:
    """A copy of ``pop`` whose incomes are the estimates the advance rests on."""
    persons = dict(pop.persons)
    err = ev.error if rows is None else np.where(rows >= 0, ev.error[np.maximum(rows, 0)], 0.0)
    persons["income"] = np.round(pop.persons["income"] * np.exp(-err))
    # the hours worked known at the start of the year move with the income (the link to hours worked until 2022)
    persons["hours_worked"] = np.where(np.isnan(pop.persons["hours_worked"]), np.nan,
                                       np.minimum(pop.persons["hours_worked"] * np.exp(-np.clip(err, -1.0, 1.0)), 300.0))
    est = Population(pop.year, persons, pop.households, pop.relations, pop.meta)
    derive_from(est, pop)  # same people and homes, other incomes: its structure is derived, not built again
    return est


def _over_limit(sim: Simulation, p: ParameterSet) -> dict[str, np.ndarray]:
    """Per household and allowance: a unit (or the home) fails the asset test."""
    return {a: sim.over_asset_limit(a) for a in ALLOWANCES}


@dataclass
class YearResult:
    """Per allowance, for the households that receive an advance (rows ``claimants[a]``): advance, final award,
    repayment, back-payment and cause; per household: the total repayment, problematic, payment capacity, weight.
    Households without an advance of an allowance have nothing to settle for it; :meth:`full` gives a per-household
    array."""

    claimants: dict[str, np.ndarray]
    advance: dict[str, np.ndarray]
    final: dict[str, np.ndarray]
    repayment: dict[str, np.ndarray]
    backpayment: dict[str, np.ndarray]
    cause: dict[str, np.ndarray]
    repayment_total: np.ndarray
    problematic: np.ndarray
    capacity: np.ndarray
    weight: np.ndarray

    def full(self, field: str, allowance: str) -> np.ndarray:
        """``field`` (advance, final, repayment, backpayment, cause) of ``allowance`` for every household."""
        values = getattr(self, field)[allowance]
        out = np.full(len(self.weight), CAUSES.index("inkomen") if field == "cause" else 0, dtype=values.dtype)
        out[self.claimants[allowance]] = values
        return out


def _net_income(gross: np.ndarray) -> np.ndarray:
    pts = np.asarray(assumptions()["net_income"]["points"], dtype=float)
    rate = np.interp(gross, pts[:, 0], pts[:, 1])
    return gross * (1.0 - rate)


def simulate_year(pop: Population, params: ParameterSet, take_up: dict | None, ev: Events, levers: Levers | None = None) -> YearResult:
    """Advances, final awards and repayments of one year for every household of ``pop``.

    The rules run on the whole population (in blocks on threads, see :func:`simlib.engine.simulate.simulate`) for the
    situation at the start of the year, the changed situation and their income estimates; the settlement is
    arithmetic per household.
    """
    return _simulate_year(pop, params, take_up, ev, levers)


def _simulate_year(pop: Population, params: ParameterSet, take_up: dict | None, ev: Events, levers: Levers | None = None) -> YearResult:
    levers = levers or Levers()
    A = assumptions()
    year = params.year
    overrides = dict(params.overrides)
    adv_params = load_parameters(year, {**overrides, **{k: 1e15 for k in ASSET_PATHS}})
    n = pop.n_households
    P = pop.persons
    hh = P["household"]

    # the situation at the start of the year, and the new situation of households with a change
    est_pop, changed, b_pop, b_est_pop = _situations(pop, ev)
    # per household: the advance (on the estimate, after take-up), the award on the real situation, the asset tests,
    # and for the changed households both again. Each run's other results are dropped at once (the whole country:
    # 0.6 GB a run).
    advance = simulate(est_pop, adv_params, take_up=take_up).received
    a_true = simulate(pop, params, take_up={})
    over, award = _over_limit(a_true, params), a_true.households
    del a_true
    b_advance = simulate(b_est_pop, adv_params, take_up={}).households
    b_award = simulate(b_pop, params, take_up={}).households

    m = ev.month[changed].astype(float)
    before, after = (m - 1) / 12.0, (13 - m) / 12.0
    rep_ok = ev.reported[changed]
    iu = A["income_update"]
    hs = _household_static(pop)
    # how far the advance moved to the real income during the year (share of persons' income updates, weighted)
    upd = np.bincount(hh, weights=np.where(ev.income_reported, hs["income_pos"], 0.0), minlength=n)
    tot = hs["income_total"]
    lam = np.where(tot > 0, upd / np.maximum(tot, 1.0), 0.0) * iu["correction"]
    coverage = levers.actuele_gegevens * hs["employee_share"]
    lam = lam + (1 - lam) * coverage  # timely data: the employees' part of the advance follows the real income

    grens = params.awir.doelmatigheidsgrens
    minimum = params.awir.minimum_tegemoetkoming
    change_pos = np.full(n, -1, dtype=np.int64)
    change_pos[changed] = np.arange(len(changed))
    k = ev.kind
    household_event = _any_of(k, ("partner_out", "partner_in", "birth", "medebewoner_in"))
    childcare_event = _any_of(k, ("childcare_change", "job_loss"))
    def settle(a: str) -> tuple:  # one allowance (independent of the others: run on threads)
        # only households that receive an advance can end with a repayment or a back-payment
        adv_all = advance[a]
        idx = np.flatnonzero(adv_all > 0)
        adv_i = adv_all[idx].astype(float)  # whole euros (stored as float32); the year's arithmetic in float64
        true_i = award[a][idx].astype(float)
        over_i = over[a][idx]
        lam_i = lam[idx]
        # the advance moves toward the real income when income updates are reported (not for those above the
        # limit: they do not report their assets)
        adv_start = adv_i + lam_i * (np.where(over_i, adv_i, true_i) - adv_i)
        v, f = adv_start.copy(), true_i.copy()
        # households with a change: months before/after; the advance follows the change only when reported
        cp = change_pos[idx]
        has = np.flatnonzero(cp >= 0)
        j = cp[has]
        b_adv = b_advance[a][j].astype(float)
        b_fin = b_award[a][j].astype(float)
        adv_new = b_adv + lam_i[has] * (b_fin - b_adv)
        v[has] = np.where(rep_ok[j], before[j] * adv_start[has] + after[j] * adv_new, adv_start[has])
        f[has] = before[j] * true_i[has] + after[j] * b_fin
        # above an asset limit: who knows it claims only what is due (nothing under the cliff)
        v = np.where(over_i & ev.knows_assets[idx], f, v)
        f = round_half_up(f)
        f = np.where(f < minimum, 0.0, f)
        d = f - v
        r = np.maximum(-d, 0.0)
        r = np.where(r <= grens, 0.0, r)
        # the cause of a repayment: an unreported change of its kind, an asset limit, else the income
        unrep = np.zeros(len(idx), dtype=bool)
        unrep[has] = ~rep_ok[j]
        k_i = k[idx]
        c = np.full(len(idx), CAUSES.index("inkomen"), dtype=np.int8)
        if a == "kinderopvangtoeslag":
            c[unrep & childcare_event[idx]] = CAUSES.index("kinderopvang")
        if a == "huurtoeslag":
            c[unrep & (k_i == EVENTS.index("move"))] = CAUSES.index("huur")
        c[unrep & household_event[idx]] = CAUSES.index("huishouden")
        c[over_i & (v > 0)] = CAUSES.index("vermogen")
        return idx, v, f, r, np.maximum(d, 0.0), c

    settled = dict(zip(ALLOWANCES, parallel_map(settle, ALLOWANCES)))
    claimants, adv, fin, rep, back, cause = ({a: settled[a][i] for a in ALLOWANCES} for i in range(6))

    def per_household(values: dict) -> np.ndarray:
        out = np.zeros(n)
        for a in ALLOWANCES:
            out[claimants[a]] += values[a]
        return out

    total = per_household(rep)
    pb = A["problematic"]
    norm = np.where(hs["couple"], pb["bijstandsnorm_month_2020"]["couple"], pb["bijstandsnorm_month_2020"]["single"])
    norm *= uprating()["income_minimum_wage"]["index"][year]
    housing = hs["housing_costs"].copy()  # kale huur + service costs, minus the huurtoeslag of the final award
    housing[claimants["huurtoeslag"]] -= fin["huurtoeslag"] / 12.0
    housing = np.maximum(housing - pb["housing_in_norm"], 0.0)
    capacity = np.maximum(hs["net_income_month"] - pb["norm_share"] * norm - housing, 0.0) * pb["available_share"]
    problematic = (total > 0) & (total > pb["plan_months"] * capacity)
    if levers.matiging > 0:
        for a in ALLOWANCES:
            rep[a] = np.where(problematic[claimants[a]], rep[a] * (1 - levers.matiging), rep[a])
        total = per_household(rep)
    return YearResult(claimants, adv, fin, rep, back, cause, total, problematic, capacity, pop.households["weight"])


def _any_of(kind: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    out = np.zeros(kind.shape, dtype=bool)
    for name in names:
        out |= kind == EVENTS.index(name)
    return out


def _household_static(pop: Population) -> dict[str, np.ndarray]:
    """Per household, what the year needs from the population alone (cached on it): positive incomes, the share of
    employees' income, couples, the net income per month."""
    P = pop.persons
    key = (P["income"], P["profile"], P["spouse"], P["cohabitant"], P["elsewhere"], pop.households["bare_rent"], pop.households["service_costs"])
    hit = pop.__dict__.get("_household_static")
    if hit is not None and all(a is b for a, b in zip(hit[0], key)):
        return hit[1]
    n, hh = pop.n_households, P["household"]
    income_pos = np.empty(pop.n_persons)
    out = {k: np.empty(n) for k in ("income_total", "employee_share", "net_income_month")}
    out["couple"] = np.empty(n, dtype=bool)
    employee = np.array([PROFILES.index("vast"), PROFILES.index("flex")])

    def block(b: tuple[int, int, int, int]) -> None:  # households h0..h1-1 and their persons p0..p1-1
        h0, h1, p0, p1 = b
        ps, m, rows = slice(p0, p1), h1 - h0, hh[p0:p1] - h0
        inc = np.maximum(np.asarray(P["income"][ps], dtype=float), 0.0)
        income_pos[ps] = inc
        tot = np.bincount(rows, weights=inc, minlength=m)
        covered = np.bincount(rows, weights=np.where(np.isin(P["profile"][ps], employee), inc, 0.0), minlength=m)
        out["income_total"][h0:h1] = tot
        out["employee_share"][h0:h1] = np.where(tot > 0, covered / np.maximum(tot, 1.0), 0.0)
        partnered = (P["spouse"][ps] >= 0) | (P["cohabitant"][ps] >= 0)
        out["couple"][h0:h1] = np.bincount(rows, weights=partnered, minlength=m) > 0
        net = np.where(P["elsewhere"][ps], 0.0, _net_income(inc))
        out["net_income_month"][h0:h1] = np.bincount(rows, weights=net, minlength=m) / 12.0

    parallel_map(block, household_blocks(hh, n, EVENT_BLOCK))
    out["income_pos"] = income_pos
    out["housing_costs"] = pop.households["bare_rent"] + pop.households["service_costs"]
    pop.__dict__["_household_static"] = (key, out)
    return out


def _situations(pop: Population, ev: Events) -> tuple[Population, np.ndarray, Population, Population]:
    """The populations the year is computed on: the estimate at the start of the year, and for the households with a
    change (rows ``changed``) the new situation and its estimate.

    They depend on the population and the drawn changes only (not on the rules or the reporting levers), so they are
    kept with the population and reused by every scenario run on the same draws (checked on the arrays themselves).
    """
    drawn = (ev.kind, ev.error, ev.rent_factor, ev.new_partner_income)
    cache = pop.__dict__.setdefault("_situations", [])
    for key, result in cache:
        if all(np.array_equal(a, b) for a, b in zip(key, drawn)):
            return result
    changed = np.flatnonzero(ev.kind > 0)
    b_pop = _new_situation(pop, ev, changed)
    # estimate rows of the changed population map back to original persons where they exist
    orig_of_new = _original_rows(pop, b_pop, changed)
    result = (_estimate(pop, ev), changed, b_pop, _estimate(b_pop, ev, orig_of_new))
    cache.append((drawn, result))
    del cache[:-(_SITUATIONS_KEPT if pop.n_households <= 1_000_000 else 1)]  # the whole country: one draw (memory)
    return result


def _original_rows(pop: Population, new: Population, households: np.ndarray) -> np.ndarray:
    """For each person of ``new``: the row of the same person in ``pop`` (-1 for persons added)."""
    pid = pop.persons["person_id"]
    order = np.argsort(pid, kind="stable")
    pos = np.searchsorted(pid[order], new.persons["person_id"])
    pos = np.clip(pos, 0, len(pid) - 1)
    found = pid[order][pos] == new.persons["person_id"]
    return np.where(found, order[pos], -1)


def summarise(res: YearResult) -> dict:
    """Counts and amounts weighted to the country: per allowance and in total."""
    w = res.weight
    out = {"per_allowance": {}}
    count_500 = count_1500 = 0.0
    amount = back_amount = back_count = 0.0
    for a in ALLOWANCES:
        r, b, wa = res.repayment[a], res.backpayment[a], w[res.claimants[a]]
        d = {
            "count": float(wa[r > 0].sum()),
            "count_ge_500": float(wa[r >= 500].sum()),
            "count_ge_1500": float(wa[r >= 1500].sum()),
            "amount": float(np.sum(r * wa)),
            "backpayment_count": float(wa[b >= 1].sum()),
            "backpayment_amount": float(np.sum(b * wa)),
            "causes_ge_500": {c: float(wa[(r >= 500) & (res.cause[a] == i)].sum()) for i, c in enumerate(CAUSES)},
        }
        out["per_allowance"][a] = d
        count_500 += d["count_ge_500"]
        count_1500 += d["count_ge_1500"]
        amount += d["amount"]
        back_amount += d["backpayment_amount"]
        back_count += d["backpayment_count"]
    out.update({
        "count": float(sum(v["count"] for v in out["per_allowance"].values())),
        "count_ge_500": count_500,
        "count_ge_1500": count_1500,
        "problematic": float(w[res.problematic].sum()),
        "amount": amount,
        "backpayment_count": back_count,
        "backpayment_amount": back_amount,
    })
    return out


def breakdown(res: YearResult, pop: Population, by: str) -> dict:
    """Repayments of EUR 500 or more and problematic households by household type, income decile or work profile."""
    w = res.weight
    n = pop.n_households
    P, H = pop.persons, pop.households
    hh = P["household"]
    ge500 = np.zeros(n)
    for a in ALLOWANCES:
        ge500[res.claimants[a]] += res.repayment[a] >= 500
    if by == "household_type":
        codes, names = H["household_type"].astype(np.int64), list(TYPES)
    elif by == "profile":
        first = np.r_[True, hh[1:] != hh[:-1]]
        codes, names = P["profile"][first].astype(np.int64), list(PROFILES)
    else:
        codes, names = income_deciles(standardised_income(pop), w) - 1, [str(d) for d in range(1, 11)]
    codes = np.where(codes >= 0, codes, len(names))  # unknown codes last
    names = names + ["onbekend"]
    k = len(names)
    households = np.bincount(codes, weights=w, minlength=k)
    repayments = np.bincount(codes, weights=ge500 * w, minlength=k)
    problematic = np.bincount(codes, weights=w * res.problematic, minlength=k)
    present = np.bincount(codes, minlength=k) > 0
    return {names[i]: {"households": float(households[i]), "repayments_ge_500": float(repayments[i]),
                       "problematic": float(problematic[i])} for i in np.flatnonzero(present)}
