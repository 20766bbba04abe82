"""The parents' labour-supply response to the price of childcare (analysis/labour_supply.py)."""

import numpy as np
import pytest

from simlib.analysis.labour_supply import Elasticities, carers, respond
from simlib.engine.model import Population
from simlib.engine.simulate import simulate
from simlib.parameters import load_parameters
from simlib.parameters.scenario import load_scenario
from simlib.population.build import cached_population


@pytest.fixture(scope="module")
def pop():
    return cached_population(2025)


def test_off_by_default():
    assert Elasticities.of(load_scenario("kot-96-procent-werkende-ouders")).off
    e = Elasticities.of(load_scenario("kot-96-procent-werkende-ouders-arbeidsaanbod"))
    assert (e.hours, e.participation) == (-0.12, -0.06)


def test_carers_are_parents_of_children_in_childcare(pop):
    households, cost, rows = carers(pop)
    P = pop.persons
    assert (cost[households] > 0).all() and (P["household"][rows] == households).all()
    assert (P["age"][rows] >= 16).all()
    # a carer is a parent of a child in childcare in the household, and not the higher earner of two parents
    kids = np.flatnonzero(P["childcare_hours"] > 0)
    parents = set(P["parent1"][kids]) | set(P["parent2"][kids])
    assert set(rows.tolist()) <= parents


def test_hours_move_by_the_elasticity_and_nobody_else(pop):
    _households, _cost, rows = carers(pop)
    r = np.full(len(rows), -0.5)
    out, info = respond(pop, rows, r, Elasticities(hours=-0.12, participation=0.0))
    P, Q = pop.persons, out.persons
    working = P["works"][rows] & (P["income"][rows] > 0) & np.isin(P["profile"][rows], [0, 1, 2])
    assert np.allclose(Q["income"][rows][working], np.round(P["income"][rows][working] * 1.06))
    others = np.ones(pop.n_persons, dtype=bool)
    others[rows[working]] = False
    assert np.array_equal(Q["income"][others], P["income"][others]) and info["start_work"] == 0


def test_participation_share_follows_the_elasticity(pop):
    _households, _cost, rows = carers(pop)
    r = np.full(len(rows), -0.8)
    e = Elasticities(hours=0.0, participation=-0.5)  # large, so enough carers start to measure the share
    out, info = respond(pop, rows, r, e)
    share = info["carers_working_share"]
    P = pop.persons
    available = ~(P["works"][rows] & (P["income"][rows] > 0) & np.isin(P["profile"][rows], [0, 1, 2])) \
        & (P["age"][rows] >= 18) & (P["age"][rows] < 67) & ~np.isin(P["profile"][rows], [4, 5])
    w = pop.households["weight"][P["household"][rows]]
    expected = min(1.0, 0.5 * 0.8 * share / (1 - share)) * float(w[available].sum())
    assert info["start_work"] == pytest.approx(expected, rel=0.25)
    Q = out.persons
    now = Q["works"][rows] & (Q["income"][rows] > 0) & np.isin(Q["profile"][rows], [0, 1, 2])
    before = P["works"][rows] & (P["income"][rows] > 0) & np.isin(P["profile"][rows], [0, 1, 2])
    assert now.sum() > before.sum() and (now | ~before).all()  # more work, and nobody stopped (the price fell)


def test_derived_structure_follows_who_works(pop):
    # the structure of the responded population, derived from the original, gives the same awards as one built anew
    _households, _cost, rows = carers(pop)
    out, _ = respond(pop, rows, np.full(len(rows), -0.9), Elasticities(hours=-0.12, participation=-1.0))
    fresh = Population.from_columns(pop.year, {k: np.array(v) for k, v in out.persons.items()},
                                    {k: np.array(v) for k, v in pop.households.items()},
                                    {k: np.array(v) for k, v in pop.relations.items()}, dict(pop.meta))
    p = load_parameters(2025)
    a, b = simulate(out, p, take_up={}), simulate(fresh, p, take_up={})
    assert np.array_equal(a.units["kinderopvangtoeslag"], b.units["kinderopvangtoeslag"])
    assert np.array_equal(a.structure.units["works"], b.structure.units["works"])


def test_cheaper_childcare_raises_hours_and_tax(pop):
    from simlib.analysis.compare import compare

    c = compare(load_scenario("kot-96-procent-werkende-ouders-arbeidsaanbod"), population=pop, year=2025, seeds=0,
                repayment_seeds=0, marginal=False)
    ls = c.summary["labour_supply"]
    assert ls["median_price_change"] < 0 and ls["hours_change"] > 0 and ls["start_work"] > 0
    assert ls["tax_change"] > 0 and ls["allowances_change"] < 0  # more income: more tax, less income-dependent support
    assert ls["net_cost"] < ls["static_cost"] == pytest.approx(c.cost["total"].change)
    plain = compare(load_scenario("kot-96-procent-werkende-ouders"), population=pop, year=2025, seeds=0, repayment_seeds=0, marginal=False)
    assert "labour_supply" not in plain.summary
