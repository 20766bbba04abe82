"""Labour supply of parents that responds to the price of childcare: a switch for the kinderopvangtoeslag proposals.

Who responds: in each household that uses childcare, the parent who earns least of the children's parents (the
second earner), or the single parent. The price is the parental share of the childcare costs: the costs
(hours x hourly price x 12 of every child in childcare) minus the kinderopvangtoeslag entitlement (Wko art. 1.7).
With a relative change ``r`` of that price under the reform (clipped to -100%..+100%):

- hours (intensive margin): a working carer works ``1 + e_hours x r`` times the hours and earns that much more;
- participation (extensive margin): the carers' employment rate P moves by ``e_participation x r x P``: when the price
  falls, a share ``e_participation x r x P / (1 - P)`` of the carers who do not work start (at the median hours and
  hourly income of the working carers); when it rises, a share ``-e_participation x r`` of those who work stop.

The elasticities are scenario parameters (``changes.behaviour.labour_supply``), 0 by default; the literature values
and their sources are in ``labour_supply.yaml``. The reform is then run again on the responded population: the
allowances change (more income, more hours for the link) and the income tax and premiums rise. Childcare use itself is
held (only its price is read); the year of repayments runs on the population without the response.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simlib.engine.model import PROFILES, Population
from simlib.engine.net_income import net_income
from simlib.engine.simulate import Simulation, simulate
from simlib.engine.structure import derive_from
from simlib.inputs import read_yaml
from simlib.population.statistics import weighted_quantile
from simlib.rules import ALLOWANCES
from simlib.rules.huishouden import FULL_TIME_HOURS_PER_MONTH

WORKING = [PROFILES.index(x) for x in ("vast", "flex", "zelfstandige")]
NOT_AVAILABLE = [PROFILES.index(x) for x in ("pensioen", "student")]
DRAW_SEED = 20270101  # the draws of who starts or stops work: the same for every reform on a population


@functools.cache
def assumptions() -> dict:
    data, _ = read_yaml(Path(__file__).with_name("labour_supply.yaml"), "labour supply assumptions")
    return data


@dataclass(frozen=True)
class Elasticities:
    hours: float = 0.0
    participation: float = 0.0

    @classmethod
    def of(cls, scenario) -> Elasticities:
        d = {**assumptions()["defaults"], **(getattr(scenario, "labour_supply", None) or {})}
        return cls(float(d["hours_elasticity"]), float(d["participation_elasticity"]))

    @property
    def off(self) -> bool:
        return self.hours == 0 and self.participation == 0


def carers(pop: Population) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Households that use childcare, their childcare costs a year and the row of the carer who responds."""
    P = pop.persons
    kids = np.flatnonzero((P["childcare_hours"] > 0) & (P["childcare_type"] > 0))
    cost = np.bincount(P["household"][kids], weights=12.0 * P["childcare_hours"][kids] * P["childcare_price"][kids],
                       minlength=pop.n_households)
    households, first = np.unique(P["household"][kids], return_index=True)
    p1, p2 = P["parent1"][kids[first]], P["parent2"][kids[first]]
    keep = p1 >= 0
    households, p1, p2 = households[keep], p1[keep], p2[keep]
    income = P["income"]
    carer = np.where(p2 < 0, p1, np.where(income[p1] <= income[np.maximum(p2, 0)], p1, p2))
    return households, cost, carer


def price_change(base: Simulation, reform: Simulation, households: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Relative change of the parental price of childcare per household in ``households`` (entitlements, before take-up)."""
    n = base.population.n_households

    def kot(sim: Simulation) -> np.ndarray:
        u = sim.units
        return np.bincount(u["household"], weights=u["kinderopvangtoeslag"].astype(float), minlength=n)

    own_base = np.maximum(cost - kot(base), 0.0)[households]
    own_reform = np.maximum(cost - kot(reform), 0.0)[households]
    r = np.where(own_base > 0, (own_reform - own_base) / np.maximum(own_base, 1e-9), 0.0)
    return np.clip(r, -1.0, 1.0)


def respond(pop: Population, rows: np.ndarray, r: np.ndarray, e: Elasticities) -> tuple[Population, dict]:
    """The population with the carers' ``rows`` responding to the price change ``r``; what changed."""
    P = pop.persons
    w = pop.households["weight"][P["household"][rows]]
    income, hours, works, profile = P["income"].copy(), P["hours_worked"].copy(), P["works"].copy(), P["profile"].copy()
    working = works[rows] & (income[rows] > 0) & np.isin(P["profile"][rows], WORKING)
    available = ~working & (P["age"][rows] >= 18) & (P["age"][rows] < 67) & ~np.isin(P["profile"][rows], NOT_AVAILABLE)
    # intensive margin
    f = np.where(working, 1.0 + e.hours * r, 1.0)
    income[rows] = np.round(income[rows] * f)
    hours[rows] = hours[rows] * f
    # extensive margin
    share = float(np.sum(w * working) / max(np.sum(w * (working | available)), 1e-9))
    u = np.random.default_rng([DRAW_SEED, pop.n_persons]).random(pop.n_persons)[rows]
    start = available & (r < 0) & (u < np.clip(e.participation * r * share / max(1 - share, 1e-9), 0, 1))
    stop = working & (r > 0) & (u < np.clip(-e.participation * r, 0, 1))
    known = working & ~np.isnan(P["hours_worked"][rows]) & (P["hours_worked"][rows] > 0)
    med_hours = weighted_quantile(P["hours_worked"][rows][known], w[known], 0.5) if known.any() else 80.0
    med_wage = weighted_quantile(P["income"][rows][known] / (12 * P["hours_worked"][rows][known]), w[known], 0.5) if known.any() else 15.0
    new = rows[start]
    income[new], hours[new], works[new], profile[new] = np.round(med_hours * 12 * med_wage), med_hours, True, PROFILES.index("vast")
    gone = rows[stop]
    income[gone], hours[gone], works[gone], profile[gone] = 0.0, 0.0, False, PROFILES.index("geen")
    persons = dict(P, income=income, hours_worked=hours, works=works, profile=profile)
    out = Population(pop.year, persons, pop.households, pop.relations, pop.meta)
    derive_from(out, pop)  # same people and homes, other incomes, hours and work: the structure is derived
    old_h = np.nan_to_num(P["hours_worked"][rows])
    new_h = np.nan_to_num(hours[rows])
    everyone = pop.households["weight"][P["household"]]
    all_hours = np.where(np.isnan(P["hours_worked"]), np.where(P["works"], FULL_TIME_HOURS_PER_MONTH, 0.0), P["hours_worked"])
    info = {"carers": float(w.sum()), "carers_working_share": share,
            "hours_change_all_workers": float(np.sum(w * (new_h - old_h)) / max(np.sum(everyone * all_hours), 1e-9)),
            "start_work": float(w[start].sum()), "stop_work": float(w[stop].sum()),
            "hours_change": float(np.sum(w * (new_h - old_h)) / max(np.sum(w * old_h), 1e-9)),
            "gross_income_change": float(np.sum(w * (income[rows] - P["income"][rows]))),
            "median_price_change": weighted_quantile(r, w, 0.5) if len(r) else 0.0}
    return out, info


def labour_supply_effect(reform, base: Simulation, ref: Simulation, take_up: dict | None, static_cost: float) -> dict | None:
    """The reform's cost with the parents' labour-supply response (None when the elasticities are 0): the response,
    the change of the allowances it brings, the extra income tax and premiums, and the net cost."""
    e = Elasticities.of(reform)
    if e.off:
        return None
    pop = ref.population
    households, cost, rows = carers(pop)
    r = price_change(base, ref, households, cost)
    responded, info = respond(pop, rows, r, e)
    again = simulate(responded, ref.params, take_up=take_up)
    allowances = sum(again.total(a) - ref.total(a) for a in ALLOWANCES)
    w = pop.households["weight"]
    tax = float(np.sum(w * net_income(again, detail=False)["te_betalen"]) - np.sum(w * net_income(ref, detail=False)["te_betalen"]))
    return {"hours_elasticity": e.hours, "participation_elasticity": e.participation, **info,
            "allowances_change": allowances, "tax_change": tax, "static_cost": static_cost,
            "net_cost": static_cost + allowances - tax,
            "method": "carers of households using childcare respond to the change of the parental price "
                      "(analysis/labour_supply.py; elasticities and sources: labour_supply.yaml)"}
