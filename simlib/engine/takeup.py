"""Take-up: who of the entitled actually claims (non-gebruik), modelled explicitly.

Each benefit unit (and each rented home for huurtoeslag) claims an allowance when its uniform draw (the
``takeup_draw`` of the aanvrager, or of the huurder) is below the take-up probability

    p = 1 / (1 + exp(-(intercept + slope * ln(1 + monthly amount / 10))))

so small amounts are claimed less often, and one household tends to claim all or none of its allowances (one draw).
The intercepts are solved on the calibration year so that the share of the entitled who do not claim matches the
published non-take-up; the slope is an assumption. A scenario can change both (behaviour assumptions); baseline and
reform use the same draws, so a difference between them comes from the rules, not from the dice.
"""

from __future__ import annotations

import numpy as np


def probability(monthly_amount, intercept: float, slope: float):
    """Take-up probability for an entitled unit with this monthly amount."""
    x = intercept + slope * np.log1p(np.maximum(np.asarray(monthly_amount, dtype=float), 0.0) / 10.0)
    return 1.0 / (1.0 + np.exp(-x))


def claims(monthly_amount, draw, intercept: float, slope: float):
    """Whether each entitled unit claims (only meaningful where the award is positive)."""
    return np.asarray(draw) < probability(monthly_amount, intercept, slope)


def received(award, draw, intercept: float, slope: float):
    """The award of the units that claim, 0 for the others (the probability is computed for positive awards only)."""
    award = np.asarray(award)
    out = np.zeros_like(award)
    pos = np.flatnonzero(award > 0)
    a = award[pos]
    out[pos] = np.where(np.asarray(draw)[pos] < probability(a / 12.0, intercept, slope), a, 0.0)
    return out


def solve_intercept(monthly_amount, weight, non_take_up: float, slope: float, start: float | None = None,
                    offset=None) -> float:
    """The intercept at which the weighted expected non-take-up among the entitled equals ``non_take_up``
    (``offset``: a term per claimant added to the index, as the behavioural take-up's repayment risk).

    The expected non-take-up falls monotonically in the intercept: Newton's method from ``start`` (the previous
    round's value) with its exact derivative, checked by a bracketing solver (scipy's brentq) when it does not settle.
    """
    amount = np.asarray(monthly_amount, dtype=float)
    w = np.asarray(weight, dtype=float)
    if amount.size == 0 or w.sum() <= 0:
        return 10.0
    w = w / w.sum()
    x = slope * np.log1p(np.maximum(amount, 0.0) / 10.0)
    if offset is not None:
        x = x + np.asarray(offset, dtype=float)

    def gap(a):
        return float(np.sum(w / (1.0 + np.exp(a + x)))) - non_take_up  # 1 - p = 1 / (1 + exp(a + x))

    a = 0.0 if start is None else float(start)
    for _ in range(30):
        q = 1.0 / (1.0 + np.exp(a + x))
        g = float(np.sum(w * q)) - non_take_up
        if abs(g) < 1e-13:
            return a
        slope_g = -float(np.sum(w * q * (1.0 - q)))
        if slope_g >= -1e-15:
            break
        a_new = a - g / slope_g
        if not -30.0 < a_new < 30.0:
            break
        a = a_new
    from scipy.optimize import brentq  # imported here: scipy is only needed when calibrating

    return float(brentq(gap, -30.0, 30.0, xtol=1e-14))
