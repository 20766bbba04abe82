"""The marginale druk of every working person of a population: of a small rise of their own income, the share that
goes to income tax and premiums, lower heffingskortingen and lower allowances (docs/net_income.md).

Each household's first earner (the highest arbeidsinkomen) gets :data:`RAISE` more income, all at once in one run,
and the households' net income is computed again; then the same for the partner of the first earner, if he or she
works. Households are independent, so one run per role gives every worker's rate. The allowances are the
entitlements (a household that does not claim would otherwise show a rate of the take-up draw, not of the rules).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simlib.engine.model import Population
from simlib.engine.net_income import arbeidsinkomen, net_income
from simlib.engine.simulate import Simulation, simulate
from simlib.engine.structure import derive_from
from simlib.population.statistics import weighted_quantile

RAISE = 0.03  # a rise of 3% of the person's income, at least RAISE_MIN euros (an assumption, as in MIMOSI-type studies)
RAISE_MIN = 100.0
THRESHOLDS = (0.6, 0.8, 1.0)


@dataclass(frozen=True)
class MarginalRates:
    """Per working person below the AOW age: household row, person row, role (first earner or partner), weight and
    the marginale druk (a share)."""

    household: np.ndarray
    person: np.ndarray
    role: np.ndarray  # 0 first earner, 1 partner
    weight: np.ndarray
    rate: np.ndarray

    def shares(self) -> dict:
        """The share of workers above each threshold, the median and the 10th and 90th percentile; and the share of
        households (with a worker) whose first earner is above each threshold."""
        w = self.weight
        total = w.sum()
        out = {f"share_above_{int(t * 100)}": float(w[self.rate > t].sum() / total) if total else 0.0 for t in THRESHOLDS}
        p10, p50, p90 = weighted_quantile(self.rate, w, np.array([0.1, 0.5, 0.9])) if total else (np.nan,) * 3
        out.update({"median": float(p50), "p10": float(p10), "p90": float(p90), "workers": float(total)})
        first = self.role == 0  # households by the marginale druk of their first earner
        hw = w[first].sum()
        out.update({f"households_share_above_{int(t * 100)}": float(w[first & (self.rate > t)].sum() / hw) if hw else 0.0
                    for t in THRESHOLDS})
        out["households"] = float(hw)
        return out

    def table(self, groups: np.ndarray, name: str) -> pd.DataFrame:
        """Shares above each threshold and the median per group of the household (e.g. its income decile)."""
        rows = []
        g = groups[self.household]
        for value in np.unique(g):
            sel = g == value
            sub = MarginalRates(self.household[sel], self.person[sel], self.role[sel], self.weight[sel], self.rate[sel])
            rows.append({name: value, **sub.shares()})
        return pd.DataFrame(rows)


def _earners(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """Row of each household's first earner (the highest arbeidsinkomen below the AOW age; -1 if nobody works) and
    of that person's working toeslagpartner (-1 if none)."""
    pop = sim.population
    work = arbeidsinkomen(pop, sim.params)
    below_aow = pop.persons["age"].astype(np.int32) * 12 < sim.params.huurtoeslag.pensioengerechtigde_leeftijd
    working = (work > 0) & below_aow
    hh = pop.persons["household"]
    n = pop.n_households
    order = np.lexsort((-work, hh))  # by household, highest work income first
    first = np.full(n, -1)
    ranked = order[working[order]]
    _, at = np.unique(hh[ranked], return_index=True)
    first[hh[ranked[at]]] = ranked[at]
    partner = np.where(first >= 0, sim.persons["partner"][np.maximum(first, 0)], -1)
    partner = np.where((partner >= 0) & working[np.maximum(partner, 0)], partner, -1)
    return first, partner


def _raised(pop: Population, rows: np.ndarray, delta: np.ndarray) -> Population:
    persons = dict(pop.persons)
    income = pop.persons["income"].astype(float).copy()
    income[rows] += delta
    persons["income"] = income
    raised = Population(year=pop.year, persons=persons, households=pop.households, relations=pop.relations, meta=pop.meta)
    derive_from(raised, pop)  # only incomes differ: the structure (partners, units) is derived, not built again
    return raised


def marginal_rates(sim: Simulation) -> MarginalRates:
    """The marginale druk of every first earner and working partner of ``sim``'s population (see the module)."""
    pop = sim.population
    base = net_income(sim, received=False, detail=False)["netto"]
    parts = []
    for role, rows in enumerate(_earners(sim)):
        households = np.flatnonzero(rows >= 0)
        person = rows[households]
        income = pop.persons["income"][person].astype(float)
        delta = np.maximum(RAISE * np.abs(income), RAISE_MIN)
        raised = simulate(_raised(pop, person, delta), sim.params, take_up=sim.take_up)
        rate = 1.0 - (net_income(raised, received=False, detail=False)["netto"][households] - base[households]) / delta
        parts.append((households, person, np.full(len(households), role), pop.households["weight"][households], rate))
    return MarginalRates(*(np.concatenate(x) for x in zip(*parts)))
