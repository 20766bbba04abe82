"""A run that reuses a baseline (``simulate(..., reuse=base)``) takes over the allowances whose inputs are unchanged.
It must give exactly what a fresh run gives, for a change of any parameter, of take-up, of population or structure."""

import numpy as np
import pytest

from simlib.engine.simulate import rule_parameters, simulate
from simlib.engine.structure import slice_households
from simlib.errors import SimlibError
from simlib.parameters import load_parameters
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population
from simlib.rules import ALLOWANCES

YEARS = (2020, 2022, 2025, 2026)


@pytest.fixture(scope="module")
def pop():
    """3,000 households: above the size whose rule details are kept (reuse applies only there)."""
    return slice_households(load_population(DEFAULT_DIR), 0, 3000)[0]


def outputs(sim):
    return {f"{name}.{k}": v for name in ("units", "homes", "households", "received") for k, v in getattr(sim, name).items()}


def assert_same(a, b, label):
    oa, ob = outputs(a), outputs(b)
    assert oa.keys() == ob.keys(), label
    for k in oa:
        assert oa[k].dtype == ob[k].dtype, f"{label}: {k}"
        np.testing.assert_array_equal(oa[k], ob[k], err_msg=f"{label}: {k}")


def perturbed(value):
    """Other valid-looking values of a scalar parameter, to try in turn (none when there is none to try)."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        return [value * 1.1 + 1, value * 1.1] if value else [1, 0.5]
    return []


@pytest.mark.parametrize("year", YEARS)
def test_reusing_run_equals_fresh_run_for_every_parameter(pop, year):
    p = load_parameters(year)
    population = pop if year == pop.year else type(pop)(year, pop.persons, pop.households, pop.relations, pop.meta)
    base = simulate(population, p)
    tried = reused = 0
    for path, entry in p.entries.items():
        if path.startswith("awir.toeslagpartner."):
            continue  # structure parameters build another structure (tests/test_structure_cache.py)
        reform = None
        for new in perturbed(entry.value):
            try:
                reform = load_parameters(year, {path: new})
                break
            except SimlibError:
                continue  # outside the parameter's range: try the next
        if reform is None:
            continue
        run = simulate(population, reform, reuse=base)
        assert_same(run, simulate(population, reform), f"{year} {path}")
        tried += 1
        reused += sum(run.households[a] is base.households[a] for a in ALLOWANCES)
    assert tried >= 40 and reused >= 2 * tried  # most changes touch one allowance: the others are taken over


def test_an_asset_limit_reuses_the_other_allowances(pop):
    base = simulate(pop, load_parameters(2020))
    run = simulate(pop, load_parameters(2020, {"awir.vermogensgrens.huurtoeslag.alleenstaande": 60000}), reuse=base)
    assert {a for a in ALLOWANCES if run.households[a] is base.households[a]} == {"zorgtoeslag", "kindgebonden_budget",
                                                                                 "kinderopvangtoeslag"}
    assert not base.households["zorgtoeslag"].flags.writeable  # shared results are read-only in both runs
    with pytest.raises(ValueError):
        run.households["zorgtoeslag"][0] = 1.0


def test_awir_rounding_change_reuses_nothing(pop):
    base = simulate(pop, load_parameters(2020))
    p = load_parameters(2020)
    reform = load_parameters(2020, {"awir.minimum_tegemoetkoming": p.awir.minimum_tegemoetkoming + 100})
    run = simulate(pop, reform, reuse=base)
    assert not any(run.households[a] is base.households[a] for a in ALLOWANCES)
    assert_same(run, simulate(pop, reform), "minimum")


def test_take_up_change_is_not_taken_over(pop):
    p = load_parameters(2020)
    tu = dict(pop.meta["take_up"])
    base = simulate(pop, p, take_up=tu)
    other = dict(tu, huurtoeslag={"intercept": tu["huurtoeslag"]["intercept"] + 0.5, "slope": tu["huurtoeslag"]["slope"]})
    run = simulate(pop, p, take_up=other, reuse=base)
    assert run.homes["huurtoeslag_ontvangen"] is not base.homes["huurtoeslag_ontvangen"]
    assert run.households["zorgtoeslag"] is base.households["zorgtoeslag"]
    assert_same(run, simulate(pop, p, take_up=other), "take-up")


def test_other_population_or_structure_reuses_nothing(pop):
    p = load_parameters(2020)
    base = simulate(pop, p)
    other = slice_households(load_population(DEFAULT_DIR), 0, 3000)[0]  # equal content, another object
    run = simulate(other, p, reuse=base)
    assert not any(run.households[a] is base.households[a] for a in ALLOWANCES)
    partner = load_parameters(2020, {"awir.toeslagpartner.criterium_minderjarig_kind": False})
    run = simulate(pop, partner, reuse=base)
    assert not any(run.households[a] is base.households[a] for a in ALLOWANCES)
    assert_same(run, simulate(pop, partner), "partner rule")


def test_rule_parameters_split_the_asset_limits():
    p = load_parameters(2024)
    assert "awir.vermogensgrens.huurtoeslag.alleenstaande" in rule_parameters(p, "huurtoeslag")
    assert "awir.vermogensgrens.huurtoeslag.alleenstaande" not in rule_parameters(p, "zorgtoeslag")
    assert "awir.minimum_tegemoetkoming" in rule_parameters(p, "kinderopvangtoeslag")
