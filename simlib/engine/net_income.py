"""Net disposable income per household: box 1 income tax and premiums, the heffingskortingen, kinderbijslag and the
four allowances, over a :class:`~simlib.engine.simulate.Simulation` (docs/net_income.md).

    netto = toetsingsinkomen - (belasting + premies volksverzekeringen - heffingskortingen) + kinderbijslag + toeslagen

Per person: the toetsingsinkomen is taken as box 1 income (no deductions, no boxes 2 and 3); the arbeidsinkomen is
the income of a person who works (profiles vast, flex, zelfstandige and student; in the household calculator, who
``works`` and is below the AOW age); the fiscal partner is the toeslagpartner (both follow AWR art. 5a and Awir
art. 3); the AOW age is reached when the age on 1 January is at least the pensioengerechtigde leeftijd.
"""

from __future__ import annotations

import numpy as np

from simlib.engine.model import PROFILES
from simlib.rules import ALLOWANCES
from simlib.rules.inkomstenbelasting import CREDITS, inkomstenbelasting
from simlib.rules.kinderbijslag import kinderbijslag

WORKING_PROFILES = tuple(PROFILES.index(p) for p in ("vast", "flex", "zelfstandige", "student"))
PARTS = ("belasting", "premies_volksverzekeringen", *CREDITS, "heffingskortingen", "te_betalen")


def arbeidsinkomen(population, params) -> np.ndarray:
    """Income from work per person (arbeidsinkomen, Wet IB art. 8.11 lid 1): see the module docstring."""
    P = population.persons
    profile = P["profile"]
    aow = _aow(P["age"], params)
    works = np.where(profile >= 0, np.isin(profile, WORKING_PROFILES), P["works"] & ~aow)
    return np.where(works, np.maximum(P["income"], 0.0), 0.0)


def _aow(age: np.ndarray, params) -> np.ndarray:
    return age.astype(np.int32) * 12 >= params.huurtoeslag.pensioengerechtigde_leeftijd


def person_tax(sim) -> dict[str, np.ndarray]:
    """Tax, premiums and each heffingskorting per person of the simulation's population."""
    pop, params = sim.population, sim.params
    P = pop.persons
    age = P["age"].astype(np.int32)
    aow = _aow(age, params)
    # a child under 12 at the start of the year in the taxpayer's benefit unit (Wet IB art. 8.14a lid 1 b)
    child_unit = sim.persons["child_unit"]
    young = (child_unit >= 0) & (age < params.inkomstenbelasting.inkomensafhankelijke_combinatiekorting.leeftijd_jongste_kind)
    n_units = len(sim.units["head"])
    unit_has_young = np.bincount(child_unit[young], minlength=n_units) > 0
    unit = sim.persons["unit"]
    kind_onder_12 = (unit >= 0) & unit_has_young[np.maximum(unit, 0)] & (child_unit < 0)
    return inkomstenbelasting(P["income"].astype(float), arbeidsinkomen(pop, params), aow, age >= sim.year - 1946,
                              sim.persons["partner"], age, kind_onder_12, params.inkomstenbelasting)


def person_kinderbijslag(sim) -> np.ndarray:
    """Kinderbijslag per child of a benefit unit (AKW art. 7, 11-12); nil for everyone else."""
    P = sim.population.persons
    child = sim.persons["child_unit"] >= 0
    amounts = kinderbijslag(P["age"].astype(np.int32), P["birth_month"].astype(np.int32), sim.params.kinderbijslag)
    return np.where(child, amounts, 0.0)


def net_income(sim, received: bool = True) -> dict[str, np.ndarray]:
    """Per household: the toetsingsinkomen, each part of the income tax, kinderbijslag, each allowance (after take-up
    when ``received``, else the entitlement) and ``netto``, the net disposable income (euros a year)."""
    P = sim.population.persons
    hh = P["household"]
    n = sim.population.n_households
    tax = person_tax(sim)

    def per_household(x: np.ndarray) -> np.ndarray:
        return np.bincount(hh, weights=x, minlength=n)

    out = {"toetsingsinkomen": per_household(P["income"].astype(float))}
    out.update({k: per_household(v) for k, v in tax.items()})
    out["kinderbijslag"] = per_household(person_kinderbijslag(sim))
    source = sim.received if received else sim.households
    for a in ALLOWANCES:
        out[a] = source[a].astype(float)
    out["toeslagen"] = sum(out[a] for a in ALLOWANCES)
    out["netto"] = out["toetsingsinkomen"] - out["te_betalen"] + out["kinderbijslag"] + out["toeslagen"]
    return out
