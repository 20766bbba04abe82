"""Net disposable income per household: box 1 income tax and premiums, the heffingskortingen, kinderbijslag and the
four allowances, over a :class:`~simlib.engine.simulate.Simulation` (docs/net_income.md).

    netto = toetsingsinkomen - (belasting + premies volksverzekeringen - heffingskortingen) + kinderbijslag + toeslagen

Per person: the toetsingsinkomen is taken as box 1 income (no deductions, no boxes 2 and 3); the arbeidsinkomen is
the income of a person who works (profiles vast, flex, zelfstandige and student; in the household calculator, who
``works`` and is below the AOW age); the fiscal partner is the toeslagpartner (both follow AWR art. 5a and Awir
art. 3); the AOW age is reached when the age on 1 January is at least the pensioengerechtigde leeftijd.

Like the allowances, a large population is run in blocks of households on threads: persons are sorted by household,
so a block is a contiguous slice of persons, partners stay inside it, and each block writes its own households.
"""

from __future__ import annotations

import numpy as np

from simlib.engine.model import PROFILES
from simlib.engine.threads import parallel_map, spans, workers
from simlib.rules import ALLOWANCES
from simlib.rules.inkomstenbelasting import CREDITS, inkomstenbelasting
from simlib.rules.kinderbijslag import kinderbijslag

WORKING_PROFILES = tuple(PROFILES.index(p) for p in ("vast", "flex", "zelfstandige", "student"))
PARTS = ("belasting", "premies_volksverzekeringen", *CREDITS, "heffingskortingen", "te_betalen")
BLOCK_HOUSEHOLDS = 50_000  # households per block: the block's arrays stay in the processor's caches
# index: profile + 1 (profile -1, unknown, decides by the person's 'works' below)
_WORKS_BY_PROFILE = np.isin(np.arange(-1, len(PROFILES)), WORKING_PROFILES)


def _aow(age: np.ndarray, params) -> np.ndarray:
    return age * 12 >= params.huurtoeslag.pensioengerechtigde_leeftijd  # ages to 120: fits the int16 of the column


def _works(P: dict, rows: slice | np.ndarray, aow: np.ndarray) -> np.ndarray:
    profile = P["profile"][rows]
    works = _WORKS_BY_PROFILE[profile + 1]
    unknown = profile < 0
    if unknown.any():  # the household calculator: who works and is below the AOW age
        works = works | (unknown & P["works"][rows] & ~aow)
    return works


def arbeidsinkomen(population, params) -> np.ndarray:
    """Income from work per person (arbeidsinkomen, Wet IB art. 8.11 lid 1): see the module docstring."""
    P = population.persons
    works = _works(P, slice(None), _aow(P["age"], params))
    return np.where(works & (P["income"] > 0), P["income"], 0.0)


def _young_units(sim) -> np.ndarray:
    """Per benefit unit: has it a child under 12 at the start of the year (Wet IB art. 8.14a lid 1 b)?"""
    child_unit = sim.persons["child_unit"]
    limit = sim.params.inkomstenbelasting.inkomensafhankelijke_combinatiekorting.leeftijd_jongste_kind
    young = (child_unit >= 0) & (sim.population.persons["age"] < limit)
    return np.bincount(child_unit[young], minlength=len(sim.units["head"])) > 0


def _block_tax(sim, p0: int, p1: int, young_units: np.ndarray, detail: bool = True) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Tax of the persons p0..p1-1 that have an income: their rows (within the block) and the parts for them."""
    P, S, params = sim.population.persons, sim.persons, sim.params
    span = slice(p0, p1)
    income = P["income"][span]
    age = P["age"][span]
    aow = _aow(age, params)
    work = np.where(_works(P, span, aow) & (income > 0), income, 0.0)
    rows = np.flatnonzero(income > 0)
    unit = S["unit"][span][rows]
    kind_onder_12 = (unit >= 0) & young_units[np.maximum(unit, 0)] & (S["child_unit"][span][rows] < 0)
    partner = S["partner"][span][rows] - p0  # a partner lives in the same household, so in the same block
    has = partner >= -p0
    other = np.maximum(partner, 0)
    partner_work = np.where(has, work[other], np.nan)
    partner_age = np.where(has, age[other], -1)
    age_t = age[rows]
    return rows, inkomstenbelasting(income[rows].astype(float), work[rows], aow[rows], age_t >= sim.year - 1946,
                                    partner_work, partner_age, age_t, kind_onder_12, params.inkomstenbelasting, detail=detail)


def person_tax(sim) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Tax, premiums and each heffingskorting of the persons with an income: their rows and the parts for them
    (everybody else owes nothing and their credits are nil: they cannot exceed the tax due, Wet IB art. 8.1)."""
    return _block_tax(sim, 0, sim.population.n_persons, _young_units(sim))


def person_kinderbijslag(sim) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the children of benefit units and their kinderbijslag (AKW art. 7, 11-12)."""
    P = sim.population.persons
    child = np.flatnonzero(sim.persons["child_unit"] >= 0)
    return child, kinderbijslag(P["age"][child].astype(np.int32), P["birth_month"][child].astype(np.int32), sim.params.kinderbijslag)


def net_income(sim, received: bool = True, detail: bool = True) -> dict[str, np.ndarray]:
    """Per household: the toetsingsinkomen, each part of the income tax (``detail``; else only ``te_betalen``),
    kinderbijslag, each allowance (after take-up when ``received``, else the entitlement) and ``netto``, the net
    disposable income (euros a year)."""
    P = sim.population.persons
    n = sim.population.n_households
    hh = P["household"]
    names = ("toetsingsinkomen", *(PARTS if detail else ("te_betalen",)), "kinderbijslag")
    out = {k: np.zeros(n) for k in names}
    young_units = _young_units(sim)

    def block(bounds: tuple[int, int]) -> None:
        h0, h1 = bounds
        p0, p1 = (int(x) for x in np.searchsorted(hh, np.array([h0, h1], dtype=hh.dtype)))
        local = (hh[p0:p1] - h0).astype(np.intp)
        size = h1 - h0
        out["toetsingsinkomen"][h0:h1] = np.bincount(local, weights=P["income"][p0:p1], minlength=size)
        rows, tax = _block_tax(sim, p0, p1, young_units, detail)
        for k in names[1:-1]:
            out[k][h0:h1] = np.bincount(local[rows], weights=tax[k], minlength=size)
        child = np.flatnonzero(sim.persons["child_unit"][p0:p1] >= 0)
        kb = kinderbijslag(P["age"][p0:p1][child].astype(np.int32), P["birth_month"][p0:p1][child].astype(np.int32),
                           sim.params.kinderbijslag)
        out["kinderbijslag"][h0:h1] = np.bincount(local[child], weights=kb, minlength=size)

    parallel_map(block, spans(n, min(BLOCK_HOUSEHOLDS, max(10_000, -(-n // workers())))))
    source = sim.received if received else sim.households
    for a in ALLOWANCES:
        out[a] = source[a].astype(float)
    out["toeslagen"] = sum(out[a] for a in ALLOWANCES)
    out["netto"] = out["toetsingsinkomen"] - out["te_betalen"] + out["kinderbijslag"] + out["toeslagen"]
    return out
