"""The minimum-entropy calibration against an independent method: raking by iterative proportional fitting."""

import numpy as np
import pytest

from simlib.engine.simulate import simulate
from simlib.errors import InputError
from simlib.parameters import load_parameters
from simlib.population import calibrate as C
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population


@pytest.fixture(scope="module")
def default():
    return load_population(DEFAULT_DIR)


def _ipf(a, b, d, ta, tb, rounds=2000):
    """Classic raking (Deming & Stephan 1940): scale the weights to each margin in turn. With categorical margins
    its fixed point is the minimum-entropy calibration (Deville & Särndal 1992)."""
    w = d.copy()
    for _ in range(rounds):
        w *= (ta / np.bincount(a, weights=w, minlength=len(ta)))[a]
        w *= (tb / np.bincount(b, weights=w, minlength=len(tb)))[b]
    return w


def test_entropy_calibration_equals_raking_with_redundant_margins(monkeypatch):
    rng = np.random.default_rng(5)
    n = 50_000
    a = rng.integers(0, 3, n)
    b = np.minimum(rng.integers(0, 5, n), 3 + (a == 0))  # unequal, correlated margins
    d = rng.uniform(50, 150, n)
    ta = np.array([1.9e6, 1.4e6, 1.7e6])
    tb = np.array([0.9e6, 1.2e6, 1.1e6, 1.3e6, 0.5e6])
    # the two margins both sum to the total, and the total is a target too: the system is redundant (lstsq copes)
    X = np.column_stack([np.ones(n), *(a == i for i in range(3)), *(b == j for j in range(5))]).astype(float)
    targets = np.r_[ta.sum(), ta, tb]
    monkeypatch.setattr(C, "SOLVE_ROWS", 4096)  # several chunks per pass
    result = C.entropy_calibration(X, targets, d, [f"t{i}" for i in range(len(targets))])
    expected = _ipf(a, b, d, ta, tb)
    assert result.converged and result.max_relative_error < 1e-10
    np.testing.assert_allclose(result.weights, expected, rtol=1e-9)
    # the weights have the raking form d exp(x' lambda)
    np.testing.assert_allclose(np.log(result.weights / d), (X / [C._column_scale(x, t, d) for x, t in zip(X.T, targets)]) @ result.lam, atol=1e-9)


def test_entropy_calibration_meets_a_mean_target_with_a_zero_right_hand_side():
    rng = np.random.default_rng(6)
    n = 20_000
    income = rng.lognormal(10, 0.6, n)
    d = np.full(n, 10.0)
    mean = 1.1 * income.mean()  # the weighted mean income must rise by 10 %
    X = np.column_stack([np.ones(n), income / mean - 1.0])
    result = C.entropy_calibration(X, np.array([n * 10.0, 0.0]), d, ["total", "mean"])
    w = result.weights
    assert abs(w.sum() / (n * 10.0) - 1) < 1e-10
    assert abs((w @ income) / w.sum() / mean - 1) < 1e-10
    assert result.converged


def _mixed_equations(n=40_000, seed=7):
    """Two categorical margins, a yes/no count and two amounts: most columns are 0/1, two are not."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, n)
    b = rng.integers(0, 3, n)
    married = rng.random(n) < 0.4 + 0.1 * (a == 1)
    income = rng.lognormal(10, 0.7, n) * (1 + 0.3 * married)
    rent = np.where(rng.random(n) < 0.3, rng.uniform(300, 900, n), 0.0)
    X = np.column_stack([*(a == i for i in range(4)), *(b == j for j in range(1, 3)), married, income, rent]).astype(float)
    d = rng.uniform(80, 120, n)
    shift = np.exp(0.15 * (a - 1.5) - 0.1 * married + 0.05 * (income > np.median(income)))  # a reachable solution
    targets = X.T @ (d * shift)
    return X, targets, d


def test_households_grouped_by_pattern_give_the_exact_calibration(monkeypatch):
    """The 0/1 columns kept as one pattern per household: the weights meet every equation, have the raking form
    d exp(x' lambda), and equal those of the same Newton steps on every column kept in full."""
    X, targets, d = _mixed_equations()
    names = [f"t{i}" for i in range(len(targets))]
    monkeypatch.setattr(C, "SOLVE_ROWS", 4096)
    grouped = C.entropy_calibration(X, targets, d, names)
    np.testing.assert_allclose(X.T @ grouped.weights, targets, rtol=1e-9)
    # log(w / d) lies in the span of the columns: its least-squares fit on X leaves no residual
    log_ratio = np.log(grouped.weights / d)
    fit = X @ np.linalg.lstsq(X, log_ratio, rcond=None)[0]
    assert np.max(np.abs(fit - log_ratio)) < 1e-8
    monkeypatch.setattr(C, "MAX_PATTERNS", 1)  # every column kept in full
    full = C.entropy_calibration(X, targets, d, names)
    assert full.iterations == grouped.iterations  # the same Newton systems: the grouped Hessian is exact
    np.testing.assert_allclose(grouped.weights, full.weights, rtol=1e-11)


def test_a_take_up_statistic_other_than_recipients_or_spending_is_refused(default):
    with pytest.raises(InputError, match="kot_children.total cannot be a calibration target"):
        C.calibration_equations(default, load_parameters(2020), [{"statistic": "kot_children.total", "value": 1.0}])


def test_entitled_claimants_in_blocks_equal_one_run(default, monkeypatch):
    p = load_parameters(2020)
    sim = simulate(default, p, take_up={})
    monkeypatch.setattr(C, "CHUNK_HOUSEHOLDS", 7_000)  # 15 blocks
    claimants = C.entitled_claimants(default, p)
    for a, c in claimants.items():
        amount = sim.amounts(a, received=False)
        rows = np.flatnonzero(amount > 0)
        per_home = a == "huurtoeslag"
        np.testing.assert_array_equal(c.amount, amount[rows])
        np.testing.assert_array_equal(c.household, rows if per_home else sim.units["household"][rows])
        np.testing.assert_array_equal(c.draw, (sim.structure.homes if per_home else sim.structure.units)["takeup_draw"][rows])


def test_more_yes_no_columns_than_a_pattern_code_holds():
    """70 categories of one margin: 64 of their columns fit a household's pattern code, the other 6 are kept in
    full; the result is the classic raking of one margin, each category scaled to its target."""
    rng = np.random.default_rng(8)
    n = 30_000
    a = rng.integers(0, 70, n)
    d = rng.uniform(50, 150, n)
    X = (a[:, None] == np.arange(70)).astype(float)
    targets = rng.uniform(0.8, 1.2, 70) * np.bincount(a, weights=d, minlength=70)
    result = C.entropy_calibration(X, targets, d, [f"t{i}" for i in range(70)])
    np.testing.assert_allclose(result.weights, d * (targets / np.bincount(a, weights=d, minlength=70))[a], rtol=1e-9)


def _calibrated_weights(pop):
    """Take-up and weights of ``pop`` solved against the 2020 calibration targets (as a build does)."""
    from simlib.population import build

    eq, claimants = build._prepared(pop, 2020, lambda m: None)
    weights, take_up, _ = C.calibrate(eq, claimants, build.non_take_up_targets(2020), build.assumptions()["take_up"]["slope"])
    return weights, take_up


def test_the_weights_do_not_depend_on_the_take_up_draws():
    """The calibration meets the take-up-dependent targets in expectation: redrawing every take-up draw with
    another seed leaves weights and take-up intercepts exactly as they were (before, the weights favoured the
    households whose draw said 'claims')."""
    from simlib.engine.model import Population
    from simlib.population.generate import generate

    pop = generate(2020, 20_000, 3)
    redrawn = Population(pop.year, pop.persons | {"takeup_draw": np.random.default_rng(99).random(pop.n_persons)},
                         dict(pop.households), pop.relations, dict(pop.meta))
    assert not np.array_equal(pop.persons["takeup_draw"], redrawn.persons["takeup_draw"])
    w1, t1 = _calibrated_weights(pop)
    w2, t2 = _calibrated_weights(redrawn)
    assert np.array_equal(w1, w2)
    assert t1 == t2


def test_realised_non_take_up_is_the_published_one(default):
    """On the bundled population the weighted share of the entitled who do not claim lies within one percentage point
    of the published figure of every allowance (the take_up targets of data/targets/targets_2020.yaml)."""
    from simlib.population.build import non_take_up_targets
    from simlib.population.statistics import take_up_statistics

    published = non_take_up_targets(2020)
    realised = take_up_statistics(simulate(default))
    for a, value in published.items():
        assert abs(realised[a]["non_take_up"] - value) <= 0.01, (a, realised[a]["non_take_up"], value)
        # smaller amounts are claimed less (CPB 2025): the share falls from the smallest to the largest class
        by_amount = list(realised[a]["by_amount"].values())
        assert by_amount[0] > by_amount[-1]
