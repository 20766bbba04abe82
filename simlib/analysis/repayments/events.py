"""The events of one year of advances and repayments: what really happens, and the populations it leads to.

For every household (vectorised; no loop per household): the real toetsingsinkomen differs from the estimate the
advance rests on by an error typical of each person's work profile; at most one change of situation from a month m
(a partner moves out or in, a birth, a move with a new rent, fewer childcare hours, the least-working parent stops
working, an adult moves in with a single parent); whether the change and a new income estimate are reported in time.
The draws are shared by baseline and reform, so differences come from the rules. See docs/repayments.md.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from simlib.engine.model import PERSON_COLUMNS, PROFILES, Population, edit_population
from simlib.engine.structure import derive_from
from simlib.engine.threads import parallel_map, spans
from simlib.population.generate import uprating

HERE = Path(__file__).parent
EVENTS = ("geen", "partner_out", "partner_in", "birth", "move", "childcare_change", "job_loss", "medebewoner_in")
EVENT_BLOCK = 1 << 18  # households or persons per block of draw_events' arithmetic (the same result in any blocks)
_SITUATIONS_KEPT = 5  # Monte Carlo draws whose populations are kept per population


@functools.cache
def assumptions() -> dict:
    """The assumptions of the year (assumptions.yaml: event rates, reporting, income errors, payment capacity)."""
    with open(HERE / "assumptions.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass
class Levers:
    """Policy and behaviour levers of a scenario (``behaviour.repayments`` in the scenario file)."""

    actuele_gegevens: float = 0.0  # share of employees whose advance follows monthly income data
    signalering: float = 0.0  # extra probability that a change is reported (timely signalling)
    signalering_profielen: tuple = ("flex", "zelfstandige")
    matiging: float = 0.0  # share of a problematic repayment that is not reclaimed (Awir art. 26 lid 2)
    voorschot_korting: float = 0.0  # cautious advance: the share by which the advance is paid lower (Awir art. 16)
    voorschot_profielen: tuple = ("flex", "zelfstandige")  # work profiles of the first person it applies to
    inkomen_opslag: float = 0.0  # extra indexation of every estimated income at the year change (fraction)

    @classmethod
    def from_scenario(cls, repayments: dict | None) -> Levers:
        r = repayments or {}
        return cls(
            actuele_gegevens=float(r.get("actuele_gegevens", 0.0)),
            signalering=float(r.get("signalering", 0.0)),
            signalering_profielen=tuple(r.get("signalering_profielen", cls.signalering_profielen)),
            matiging=float(r.get("matiging", 0.0)),
            voorschot_korting=float(r.get("voorschot_korting", 0.0)),
            voorschot_profielen=tuple(r.get("voorschot_profielen", cls.voorschot_profielen)),
            inkomen_opslag=float(r.get("inkomen_opslag", 0.0)),
        )

    def on_estimates(self, ev: Events) -> Events:
        """The year's draws with every estimated income raised by ``inkomen_opslag`` (the estimate is the real
        income times exp(-error))."""
        if not self.inkomen_opslag:
            return ev
        return dataclasses.replace(ev, error=ev.error - np.log1p(self.inkomen_opslag))


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


def _eligible(pop: Population, head: np.ndarray) -> dict[str, np.ndarray]:
    """Per household and kind of change: whether it can happen (a partner can leave only where there is one, ...)."""
    P, H, n = pop.persons, pop.households, pop.n_households
    hh = P["household"]
    head_age = P["age"][head].astype(int)
    resident = ~P["elsewhere"]
    partner_here = (P["spouse"][head] >= 0) | (P["cohabitant"][head] >= 0)
    adults = np.bincount(hh, weights=(resident & (P["age"] >= 18)).astype(float), minlength=n)
    care = np.bincount(hh, weights=(P["childcare_type"] > 0).astype(float), minlength=n) > 0
    return {
        "partner_out": partner_here,
        "partner_in": ~partner_here & (adults == 1) & (head_age >= 20) & (head_age <= 50),
        "birth": partner_here & (head_age >= 25) & (head_age <= 42),
        "move": H["renter"].astype(bool),
        "childcare_change": care,
        "job_loss": care,
        # an adult (a lodger, a relative) moves in with a single parent: criterion 2e makes them toeslagpartners
        "medebewoner_in": (adults == 1) & (H["household_type"] == 3),
    }


def _changes(A: dict, levers: Levers, eligible: dict, u, u_rep, head_targeted) -> tuple[np.ndarray, np.ndarray]:
    """Per household the change of the year (index into EVENTS: at most one, the first whose interval holds the draw
    ``u``) and whether it is reported in time (more often where signalling targets the head's profile)."""
    ev, rep = A["events"], A["reporting"]
    n = len(u)
    kind = np.empty(n, dtype=np.int8)
    reported = np.empty(n, dtype=bool)

    def households(bounds: tuple[int, int]) -> None:  # in blocks on threads; each writes its own part
        sl = slice(*bounds)
        u_b = u[sl]
        k_b = np.zeros(len(u_b), dtype=np.int8)
        acc = np.zeros(len(u_b))
        for k, name in enumerate(EVENTS[1:], start=1):
            p = np.where(eligible[name][sl], ev[name], 0.0)
            k_b = np.where((k_b == 0) & (u_b >= acc) & (u_b < acc + p), k, k_b)
            acc = acc + p
        p_rep = np.select([k_b == k for k in range(1, len(EVENTS))], [rep[name] for name in EVENTS[1:]], 0.0)
        p_rep = np.clip(p_rep + np.where(head_targeted[sl], levers.signalering, 0.0), 0.0, 1.0)
        kind[sl] = k_b
        reported[sl] = u_rep[sl] < p_rep

    parallel_map(households, spans(n, EVENT_BLOCK))
    return kind, reported


def _income_errors(A: dict, levers: Levers, profile, targeted, z, uj, zj, u_upd) -> tuple[np.ndarray, np.ndarray]:
    """Per person log(real income / estimate): a normal error and sometimes a jump, by work profile (none without a
    listed profile); and whether a new estimate is reported (more likely the larger the error)."""
    ie, iu = A["income_estimate"], A["income_update"]
    scale = ie["scale"]
    # the parameters of each person's work profile, gathered (persons without a listed profile: no error)
    spec = [ie["profiles"].get(name) for name in PROFILES]
    listed = np.array([sp is not None for sp in spec] + [False])
    table = lambda f: np.array([f(sp) if sp else 0.0 for sp in spec] + [0.0])  # noqa: E731
    sigma_t, jump_p_t = table(lambda sp: scale * sp["sigma"]), table(lambda sp: min(sp["jump"] * scale, 0.5))
    jump_mean_t, jump_sd_t = table(lambda sp: sp["jump_mean"]), table(lambda sp: scale * sp["jump_sd"])
    n_p = len(profile)
    error = np.empty(n_p)
    income_reported = np.empty(n_p, dtype=bool)

    def persons(bounds: tuple[int, int]) -> None:  # in blocks on threads; each writes its own part
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
    return error, income_reported


def draw_events(pop: Population, seed: int, levers: Levers | None = None) -> Events:
    """Draw the year's events for every household (deterministic for a given population and seed). All draws are
    made first, in a fixed order; the arithmetic on them runs in blocks on threads (the same result in any blocks)."""
    A = assumptions()
    levers = levers or Levers()
    P = pop.persons
    n, n_p = pop.n_households, pop.n_persons
    rng = np.random.default_rng([seed, n, n_p, 7])
    hh = P["household"]
    head = np.flatnonzero(np.r_[True, hh[1:] != hh[:-1]])
    targeted = np.isin(P["profile"], [PROFILES.index(x) for x in levers.signalering_profielen if x in PROFILES])
    u, month, u_rep = rng.random(n), rng.integers(2, 13, n), rng.random(n)
    z, uj, zj, u_upd = rng.standard_normal(n_p), rng.random(n_p), rng.standard_normal(n_p), rng.random(n_p)
    knows = rng.random(n) < A["assets"]["know_above_limit"]
    rent_factor = np.exp(A["events"]["move_rent_sd"] * rng.standard_normal(n))
    new_income = 30000.0 * uprating()["income_wages"]["index"][pop.year] * np.exp(0.5 * rng.standard_normal(n))
    kind, reported = _changes(A, levers, _eligible(pop, head), u, u_rep, targeted[head])
    error, income_reported = _income_errors(A, levers, P["profile"], targeted, z, uj, zj, u_upd)
    return Events(kind, month, reported, error, income_reported, knows, rent_factor, new_income, seed)


def _newcomers(P: dict, ev: Events, in_sel: np.ndarray, heads: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of the persons who join a household during the year (rows of the old population): an incoming
    partner, a newborn child, an adult moving in with a single parent."""
    kind = ev.kind
    new_cols = []
    rows_in = np.flatnonzero(in_sel & (kind == EVENTS.index("partner_in")))
    if len(rows_in):
        h = heads[rows_in]
        new_cols.append({
            "household": rows_in, "age": np.clip(P["age"][h].astype(int) + 2, 18, 90).astype(np.int16),
            "income": np.round(ev.new_partner_income[rows_in]), "cohabitant": h, "partner_last_year": np.full(len(h), -1),
            "pension_partner": h, "profile": np.zeros(len(h), dtype=np.int8), "works": np.ones(len(h), dtype=bool),
            "hours_worked": np.full(len(h), 36 * 365 / 7 / 12), "takeup_draw": P["takeup_draw"][h],
        })
    rows_birth = np.flatnonzero(in_sel & (kind == EVENTS.index("birth")))
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
    add = {}
    for k in sorted(set().union(*new_cols)) if new_cols else ():
        parts = []
        for c in new_cols:
            if k in c:
                parts.append(np.asarray(c[k]))
            else:
                dtype, default, _ = PERSON_COLUMNS[k]
                parts.append(np.full(len(c["household"]), default if default is not None else 0, dtype=dtype))
        add[k] = np.concatenate(parts)
    return add


def _apply_changes(new: Population, ev: Events, sel_rows: np.ndarray) -> None:
    """The changes that alter a household's columns (in place, on the new population): a move brings a new rent and
    loses the verworven recht, childcare hours fall, the least-working adult parent of a household with childcare
    stops working."""
    NP, NH = new.persons, new.households
    kind = ev.kind[sel_rows]
    moved = kind == EVENTS.index("move")
    NH["bare_rent"] = np.where(moved, np.round(NH["bare_rent"] * ev.rent_factor[sel_rows], 2), NH["bare_rent"])
    NH["acquired_right"] = np.where(moved, False, NH["acquired_right"])
    new_hh = NP["household"]
    cc = kind[new_hh] == EVENTS.index("childcare_change")
    NP["childcare_hours"] = np.where(cc, np.round(NP["childcare_hours"] * assumptions()["events"]["childcare_hours_factor"]),
                                     NP["childcare_hours"])
    jl = kind[new_hh] == EVENTS.index("job_loss")
    if jl.any():
        hours = np.where(np.isnan(NP["hours_worked"]), 1e9, NP["hours_worked"])
        cand = jl & (NP["age"] >= 18) & NP["works"]
        order = np.lexsort((hours, ~cand, new_hh))
        firsts = np.r_[True, new_hh[order][1:] != new_hh[order][:-1]]
        stop = order[firsts & cand[order]]
        NP["works"][stop] = False
        NP["hours_worked"][stop] = 0.0


def _new_situation(pop: Population, ev: Events, households: np.ndarray) -> Population:
    """The population of ``households`` (rows) in the situation after their change of the year."""
    P = pop.persons
    hh = P["household"]
    in_sel = np.zeros(pop.n_households, dtype=bool)
    in_sel[households] = True
    # partner out: the second of the couple leaves
    rows = np.arange(pop.n_persons)
    second = ((P["spouse"] >= 0) & (P["spouse"] < rows)) | ((P["cohabitant"] >= 0) & (P["cohabitant"] < rows))
    keep = ~(in_sel[hh] & (ev.kind[hh] == EVENTS.index("partner_out")) & second)
    add = _newcomers(P, ev, in_sel, np.flatnonzero(np.r_[True, hh[1:] != hh[:-1]]))
    new = edit_population(pop, keep_households=in_sel, keep_persons=keep, add_persons=add or None)
    NP = new.persons
    # the head links to an incoming partner (cohabitant and pension partner, both ways): references to added rows
    # are known only after the edit
    if (in_sel & (ev.kind == EVENTS.index("partner_in"))).any():
        new_rows = np.flatnonzero((NP["cohabitant"] >= 0) & (NP["age"] >= 18))
        newcomers = new_rows[NP["person_id"][new_rows] > P["person_id"].max()]
        heads_new = NP["cohabitant"][newcomers]
        NP["cohabitant"][heads_new] = newcomers
        NP["pension_partner"][heads_new] = newcomers
    _apply_changes(new, ev, np.flatnonzero(in_sel))
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
