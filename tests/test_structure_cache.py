"""The structure of a population (partners, benefit units, huurtoeslag households) is cached per population and
structure parameters: results with and without the cache must be identical, and the cache must never go stale."""

import numpy as np
import pytest

from simlib.engine.model import Population
from simlib.engine.simulate import simulate
from simlib.engine.structure import STRUCTURE_PARAMETERS, _structure_parameters
from simlib.parameters import load_parameters
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population


@pytest.fixture(scope="module")
def pop():
    return load_population(DEFAULT_DIR)


def fresh(pop):
    """The same population as a new object (no cache)."""
    copy = lambda d: {k: v.copy() for k, v in d.items()}  # noqa: E731
    return Population(pop.year, copy(pop.persons), copy(pop.households), copy(pop.relations), dict(pop.meta))


def same(a, b):
    for name in ("households", "received"):
        for k in getattr(a, name):
            np.testing.assert_array_equal(getattr(a, name)[k], getattr(b, name)[k], err_msg=f"{name}.{k}")
    np.testing.assert_array_equal(a.persons["partner"], b.persons["partner"])


def test_cached_run_equals_fresh_run_for_amount_parameters(pop):
    base = load_parameters(2020)
    simulate(pop, base)  # fills the cache
    reform = load_parameters(2020, {"awir.vermogensgrens.huurtoeslag.alleenstaande": 60000, "zorgtoeslag.standaardpremie": 1500})
    same(simulate(pop, reform), simulate(fresh(pop), reform))


def test_structure_parameter_change_is_not_served_from_the_cache(pop):
    simulate(pop, load_parameters(2020))
    no_e = load_parameters(2020, {"awir.toeslagpartner.criterium_minderjarig_kind": False})
    cached = simulate(pop, no_e)
    same(cached, simulate(fresh(pop), no_e))
    assert (cached.persons["partner"] != simulate(pop, load_parameters(2020)).persons["partner"]).any()


def test_replacing_a_column_invalidates_the_cache(pop):
    p = load_parameters(2020)
    mine = fresh(pop)
    before = simulate(mine, p)
    mine.persons["income"] = mine.persons["income"] * 0.5
    after = simulate(mine, p)
    assert after.households["totaal"].sum() > before.households["totaal"].sum()
    same(after, simulate(fresh(mine), p))


def test_the_structure_view_exposes_only_structure_parameters():
    key, view = _structure_parameters(load_parameters(2024))
    assert key and all(any(path == g or path.startswith(g + ".") for g in STRUCTURE_PARAMETERS) for path, _ in key)
    assert view.awir.toeslagpartner.criterium_minderjarig_kind is True
    with pytest.raises(AttributeError):
        view.zorgtoeslag  # noqa: B018
    with pytest.raises(AttributeError):
        view.awir.vermogensgrens  # noqa: B018


def test_loaded_populations_are_read_only(pop):
    with pytest.raises(ValueError):
        pop.persons["income"][0] = 1.0


def test_structure_derived_for_an_income_estimate_equals_a_built_one(pop):
    from simlib.engine.structure import derive_from, structure

    p = load_parameters(2020)
    persons = dict(pop.persons)
    persons["income"] = np.round(pop.persons["income"] * 0.9)
    persons["hours_worked"] = pop.persons["hours_worked"] * 0.8
    est = Population(pop.year, persons, pop.households, pop.relations, pop.meta)
    derive_from(est, pop)
    derived = structure(est, p)
    built = structure(fresh(est), p)
    for table in ("units", "homes", "persons", "kgb", "care"):
        for k, v in getattr(built, table).items():
            np.testing.assert_array_equal(getattr(derived, table)[k], v, err_msg=f"{table}.{k}")
    same(simulate(est, p), simulate(fresh(est), p))
