"""The minimum-entropy calibration against an independent method: raking by iterative proportional fitting."""

import numpy as np

from simlib.population import calibrate as C


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
    np.testing.assert_allclose(np.log(result.weights / d), (X / C._scale(X, targets, d)) @ result.lam, atol=1e-9)


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
