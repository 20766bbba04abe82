"""Behavioural take-up (issue 18): today's non-take-up by default, and the right direction under every lever."""

import numpy as np
import pytest

import simlib
from simlib.analysis import behaviour as B
from simlib.parameters.scenario import load_scenario
from simlib.population.build import non_take_up_targets

YEAR = 2024


@pytest.fixture(scope="module")
def base():
    from simlib.engine.simulate import simulate
    from simlib.parameters import load_parameters
    from simlib.population.build import cached_population

    pop = cached_population(YEAR, 20_000, 7)
    sim = simulate(pop, load_parameters(YEAR), take_up=pop.meta["take_up"])
    return pop, sim, B.baseline_risk(pop, YEAR, seeds=2)


def test_the_behavioural_baseline_reproduces_the_published_non_take_up(base):
    pop, sim, risk = base
    targets = non_take_up_targets(YEAR)
    b = B.fit_behaviour(sim, risk, targets, B.risk_coefficient(), 0.8)
    for a, take_up in b.take_up(sim).items():
        assert 1 - take_up == pytest.approx(targets[a], abs=1e-9), a


def test_riskier_households_claim_less(base):
    pop, sim, risk = base
    b = B.fit_behaviour(sim, risk, non_take_up_targets(YEAR), 10.0, 0.8)
    z, v = B.profile_non_take_up(b, sim, "zelfstandige"), B.profile_non_take_up(b, sim, "pensioen")
    for a in ("zorgtoeslag", "huurtoeslag"):
        assert risk[a][B.PROFILES.index("zelfstandige")] > risk[a][B.PROFILES.index("pensioen")]
        assert z[a] > v[a], a


@pytest.mark.parametrize("scenario, strictly", [("actuele-gegevens", True), ("tijdige-signalering", True),
                                                ("matiging-terugvordering", False), ("doelmatigheidsgrens-250", False)])
def test_lower_repayment_risk_raises_take_up_and_cost(scenario, strictly):
    c = simlib.compare(load_scenario(f"scenarios/{scenario}.yaml"), population=_pop(), year=YEAR, seeds=0, repayment_seeds=1,
                       marginal=False)
    b = c.summary["behaviour"]
    assert b["static_cost"] == pytest.approx(0.0, abs=1.0)  # these levers change no entitlement
    assert b["take_up_response"] > 0 if strictly else b["take_up_response"] >= -1.0
    for a, v in b["per_allowance"].items():
        assert v["take_up_reform"] >= v["take_up_baseline"] - 1e-9, a


def test_without_the_risk_term_there_is_no_response():
    sc = load_scenario("scenarios/actuele-gegevens.yaml")
    zero = type(sc)(**{**sc.__dict__, "risk_coefficient": 0.0})
    b = simlib.compare(zero, population=_pop(), year=YEAR, seeds=0, repayment_seeds=1, marginal=False).summary["behaviour"]
    assert b["take_up_response"] == pytest.approx(0.0, abs=1.0)


def _pop():
    from simlib.population.build import cached_population

    return cached_population(YEAR, 20_000, 7)
