"""Advances and repayments: the baseline reproduces the Dienst Toeslagen's figures; the levers move them the right way."""

import numpy as np
import pytest

from simlib.analysis.compare import compare
from simlib.analysis.repayments import draw_events, simulate_year, summarise
from simlib.parameters import load_parameters
from simlib.parameters.scenario import load_scenario
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population


@pytest.fixture(scope="module")
def pop():
    return load_population(DEFAULT_DIR)


def test_baseline_2020_reproduces_500k_and_150k(pop):
    p = load_parameters(2020)
    runs = [summarise(simulate_year(pop, p, pop.meta["take_up"], draw_events(pop, seed))) for seed in (1, 2, 3)]
    ge500 = np.mean([r["count_ge_500"] for r in runs])
    problematic = np.mean([r["problematic"] for r in runs])
    # Stand van de uitvoering Toeslagen 2021: about 500,000 and about 150,000 a year
    assert 450_000 <= ge500 <= 550_000, ge500
    assert 135_000 <= problematic <= 165_000, problematic
    # the older totals (2016: 2.3 mln repayments worth EUR 1 bn; 1.5 mln back-payments worth EUR 0.5 bn), as closely as can be
    count = np.mean([r["count"] for r in runs])
    back = np.mean([r["backpayment_count"] for r in runs])
    assert 1.5e6 <= count <= 3.0e6 and 1.0e6 <= back <= 2.0e6


def test_same_seed_same_result(pop):
    p = load_parameters(2020)
    a = summarise(simulate_year(pop, p, pop.meta["take_up"], draw_events(pop, 5)))
    b = summarise(simulate_year(pop, p, pop.meta["take_up"], draw_events(pop, 5)))
    assert a == b


def run(name, pop, **kw):
    return compare(load_scenario(f"scenarios/{name}.yaml"), population=pop, year=2020, seeds=0, repayment_seeds=2, **kw).summary["repayments"]


@pytest.mark.parametrize("name", ["actuele-gegevens", "tijdige-signalering"])
def test_information_levers_reduce_repayments(pop, name):
    r = run(name, pop)
    assert r["change"]["count_ge_500"] < 0 and r["change"]["amount"] < 0
    assert r["change_interval"]["count_ge_500"][1] < 0


def test_doelmatigheidsgrens_reduces_the_number_of_repayments(pop):
    r = run("doelmatigheidsgrens-250", pop)
    assert r["change"]["count"] < 0 and r["change"]["count_ge_500"] == 0


def test_matiging_reduces_the_amount_not_the_count(pop):
    r = run("matiging-terugvordering", pop)
    assert r["change"]["amount"] < 0 and r["change"]["problematic"] == 0


def test_asset_phase_out_reduces_large_repayments(pop):
    r = run("vermogenstoets-geleidelijke-afbouw", pop)
    assert r["change"]["count_ge_1500"] < 0


def test_partner_revision_reduces_repayments_from_new_co_residents(pop):
    r = run("partner-criterium-e-alleen-stellen", pop)
    base = r["baseline"]["per_allowance"]["kindgebonden_budget"]["causes_ge_500"]["huishouden"]
    reform = r["reform"]["per_allowance"]["kindgebonden_budget"]["causes_ge_500"]["huishouden"]
    assert reform <= base and r["change"]["count_ge_500"] <= 0


def test_decoupling_hours_in_2022_removes_the_repayments_from_hours_that_follow_income():
    """With the link, a wrong income estimate moves the hours worked and so the compensated childcare hours; without
    it those repayments go. (The net number of kinderopvangtoeslag repayments can rise: with larger advances an
    unreported change of childcare or a job loss costs more — the cause 'kinderopvang'.)"""
    from simlib.population.build import cached_population

    p2022 = cached_population(2022, n_households=20_000)
    c = compare(load_scenario("scenarios/kot-ontkoppeling-gewerkte-uren.yaml"), population=p2022, year=2022, seeds=0, repayment_seeds=2)
    r = c.summary["repayments"]
    base, reform = (r[side]["per_allowance"]["kinderopvangtoeslag"]["causes_ge_500"] for side in ("baseline", "reform"))
    assert reform["inkomen"] < 0.9 * base["inkomen"]


def test_scenario_against_itself_changes_no_repayments(pop):
    s = load_scenario("scenarios/tijdige-signalering.yaml")
    r = compare(s, s, population=pop, year=2020, seeds=0, repayment_seeds=1).summary["repayments"]
    assert all(v == 0 for v in r["change"].values())


def test_year_in_blocks_equals_one_block(pop, monkeypatch):
    import importlib

    S = importlib.import_module("simlib.engine.structure")
    p = load_parameters(2020)
    ev = draw_events(pop, 3)
    whole = summarise(simulate_year(pop, p, pop.meta["take_up"], ev))
    monkeypatch.setattr(S, "CHUNK_HOUSEHOLDS", 9_000)
    blocks = summarise(simulate_year(pop, p, pop.meta["take_up"], ev))
    assert whole["count_ge_500"] == pytest.approx(blocks["count_ge_500"]) and whole["problematic"] == pytest.approx(blocks["problematic"])
    assert whole["amount"] == pytest.approx(blocks["amount"])
