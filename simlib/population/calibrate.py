"""Calibration: reweight households so that the baseline reproduces the official totals.

Method: raking / minimum-entropy calibration (Deville & Särndal 1992). The calibrated weights are
``w_i = d_i exp(x_i' lambda)``, with d the design weights, x the household's contribution to each calibration
target; lambda minimises the convex dual ``sum_i d_i exp(x_i' lambda) - T' lambda`` (Newton's method with
numpy's least-squares solver, which copes with redundant targets), at which every calibration target is met. Take-up is solved alongside (the intercepts of :mod:`simlib.takeup`), so non-take-up
is in the model, not hidden in the weights: a few rounds alternate between take-up and weights until both settle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.errors import InputError
from simlib.takeup import ALLOWANCES, solve_intercept
from simlib.threads import spans


@dataclass
class CalibrationResult:
    weights: np.ndarray
    achieved: dict[str, float]
    converged: bool
    max_relative_error: float
    weight_ratio_p99: float
    iterations: int
    lam: np.ndarray | None = None  # the Lagrange multipliers


def entropy_calibration(X: np.ndarray, targets: np.ndarray, d: np.ndarray, names: list[str], tol: float = 1e-10) -> CalibrationResult:
    """Minimum-entropy (raking) weights w = d exp(X lambda) with X'w = targets.

    Newton's method on the convex dual with a backtracking line search; the Newton system is solved in the least
    squares sense, so redundant targets (e.g. household types and sizes that both add up to the total) are fine.
    """
    if X.shape[1] != len(targets):
        raise InputError("calibration: the number of columns and targets differ")
    scale = _scale(X, targets, d)
    return _solve(np.asfortranarray(X / scale), targets, scale, d, names, tol)


def _scale(X: np.ndarray, targets: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Each equation divided by its target (or, for a zero target, by the size of its column): a well-scaled system."""
    return np.where(targets != 0, np.abs(targets), np.maximum(np.abs(X).T @ d, 1.0))


SOLVE_ROWS = 1 << 14  # rows per chunk of a pass over the equations: the chunk's columns stay in the cache


def _dual(Xs: np.ndarray, d: np.ndarray, lam: np.ndarray, hessian: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """At ``lam``, in one pass over the rows of ``Xs`` (column-major, n x k): the weights w = d exp(Xs lam), the
    sums Xs'w and (with ``hessian``) the Hessian of the dual Xs' diag(w) Xs. One pass instead of three: each chunk
    of rows is read once, while it is in the cache (the whole country's equations are 2 GB). The Hessian is three
    quarters of the pass's cost."""
    n, k = Xs.shape
    w = np.empty(n)
    xw = np.zeros(k)
    H = np.zeros((k, k)) if hessian else None
    for lo, hi in spans(n, SOLVE_ROWS):
        xs = Xs[lo:hi]
        wc = w[lo:hi]
        np.multiply(d[lo:hi], np.exp(np.clip(xs @ lam, -50, 50)), out=wc)
        xw += xs.T @ wc
        if hessian:
            H += (xs * wc[:, None]).T @ xs
    return w, xw, H


def _solve(Xs: np.ndarray, targets: np.ndarray, scale: np.ndarray, d: np.ndarray, names: list[str], tol: float = 1e-10,
           lam0: np.ndarray | None = None, max_iter: int = 100) -> CalibrationResult:
    """The Newton iterations of :func:`entropy_calibration` on the scaled equations ``Xs`` (= X / scale,
    column-major). Each candidate point costs one pass over ``Xs`` (:func:`_dual`), which gives the next Newton
    system as well when the point is accepted.

    From a warm start (``lam0``, the previous round's solution) the Hessian of the first point is kept for the
    following steps (chord steps: a pass without the Hessian costs a quarter), and computed again only when a step
    does not at least quarter the largest error. The sums, and so the solution, are exact either way."""
    t = targets / scale
    chord = lam0 is not None
    lam = np.zeros(Xs.shape[1]) if lam0 is None else lam0.copy()
    w, xw, H = _dual(Xs, d, lam)
    f = w.sum() - t @ lam
    it = 0
    for it in range(1, max_iter + 1):
        g = xw - t
        error = np.max(np.abs(g))
        if error < tol:
            break
        step = -np.linalg.lstsq(H, g, rcond=None)[0]
        if -(g @ step) < 1e-24:  # the Newton decrement is at the floor of double precision: converged
            break
        alpha = 1.0
        while alpha > 1e-8:
            new = lam + alpha * step
            w_new, xw_new, H_new = _dual(Xs, d, new, hessian=not chord)
            f_new = w_new.sum() - t @ new
            # (a chord step near the solution changes f by less than its rounding: then a smaller error decides)
            if f_new <= f + 1e-4 * alpha * (g @ step) or (chord and np.max(np.abs(xw_new - t)) < error):
                break
            alpha /= 2
        else:  # no decrease along the Newton direction: rounding noise, the solution is as good as it gets
            break
        if chord and np.max(np.abs(xw_new - t)) > error / 4:  # slow: the Newton system of the new point
            w_new, xw_new, H_new = _dual(Xs, d, new)
        lam, w, xw, f = new, w_new, xw_new, f_new
        H = H if H_new is None else H_new
    achieved = xw * scale
    rel = np.abs(achieved - targets) / scale
    ratio = w / d
    return CalibrationResult(
        weights=w,
        achieved={n: float(a) for n, a in zip(names, achieved)},
        converged=bool(rel.max() < 1e-6),
        max_relative_error=float(rel.max()),
        weight_ratio_p99=float(np.quantile(ratio, 0.99)),
        iterations=it,
        lam=lam,
    )


def calibrate(sim_entitled, targets: list[dict], non_take_up: dict, slope: float, rounds: int = 20):
    """Solve take-up intercepts and household weights together.

    ``sim_entitled`` is a Simulation without take-up; ``targets`` the calibration targets (``statistic``, ``value``).
    Returns (weights, take_up parameters, CalibrationResult).
    """
    from simlib.population.statistics import household_columns

    pop = sim_entitled.population
    d = pop.households["weight"].copy()
    w = d.copy()
    take_up: dict[str, dict] = {}
    result = None
    names = [t["statistic"] for t in targets]
    # the scaled equations (one column per target) are kept in one column-major matrix: the columns that do not
    # depend on take-up are written once, the allowance columns again every round
    dynamic = [i for i, t in enumerate(targets) if t["statistic"].split(".")[0] in ("recipients", "spending")]
    static = [i for i in range(len(targets)) if i not in dynamic]
    Xs = np.empty((pop.n_households, len(targets)), order="F")
    T = np.empty(len(targets))
    scale = np.ones(len(targets))

    def fill(columns: list[int], cols) -> None:
        family = None
        for j in columns:
            if targets[j]["statistic"].split(".")[0] != family:
                cols.clear()  # the columns of the family written are dropped before the next is computed (memory)
                family = targets[j]["statistic"].split(".")[0]
            x, value = next(design_columns(cols, [targets[j]]))
            T[j] = value
            scale[j] = abs(value) if value != 0 else max(float(np.abs(x) @ d), 1.0)
            np.divide(x, scale[j], out=Xs[:, j])

    if static:
        fill(static, household_columns(sim_entitled))
    for _ in range(rounds):
        previous = {a: v["intercept"] for a, v in take_up.items()}
        for a in ALLOWANCES:  # (the population carries the current weights w)
            amounts, cw = sim_entitled.claimant_amounts(a, received=False)
            pos = amounts > 0
            take_up[a] = {"intercept": solve_intercept(amounts[pos].astype(float) / 12.0, cw[pos], non_take_up[a], slope,
                                                       start=previous.get(a)), "slope": slope}
        del amounts, cw, pos  # whole-population arrays: not kept through the round
        _apply_take_up(sim_entitled, take_up)
        if dynamic:
            fill(dynamic, household_columns(sim_entitled))
        elif result is not None:  # no target depends on take-up: the weights are final, take-up now follows them
            break
        # warm start from the previous round (usually a few Newton steps); from zero when that does not settle fast
        warm = _solve(Xs, T, scale, d, names, lam0=result.lam, max_iter=6) if result else None
        result = warm if warm is not None and warm.max_relative_error < 1e-10 else _solve(Xs, T, scale, d, names)
        w = result.weights
        pop.households["weight"] = w
        if previous and all(abs(previous[a] - take_up[a]["intercept"]) < 1e-6 for a in ALLOWANCES):
            break
    return w, take_up, result


def design_columns(cols: dict, targets: list[dict]):
    """For each target, its column and its value in the linear calibration equations.

    A mean target (``primary_income_mean.<group>``) becomes sum_i w_i (x_i / mean - 1) [i in group] = 0.
    """
    for t in targets:
        stat = t["statistic"]
        if stat.startswith("primary_income_mean."):
            group = stat.split(".", 1)[1]
            if f"primary_income.{group}" not in cols:
                raise InputError(f"targets: unknown statistic {stat!r}")
            yield cols[f"primary_income.{group}"] / float(t["value"]) - cols[f"households.{group}"], 0.0
        elif stat in cols:
            yield np.asarray(cols[stat], dtype=float), float(t["value"])
        else:
            raise InputError(f"targets: unknown statistic {stat!r}; known: {', '.join(cols.names())}")


def _apply_take_up(sim, take_up):
    """Recompute the received amounts of a Simulation for new take-up parameters (the rules are not re-run)."""
    from simlib.takeup import received

    sim.reusable = False  # its results no longer follow from its parameters and take-up alone (simulate(reuse=))
    draws = sim.structure  # the aanvrager's draw per unit, the huurder's per home (as in simulate)
    for a in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        t = take_up[a]
        sim.units[a + "_ontvangen"] = received(sim.units[a].astype(float), draws.units["takeup_draw"], t["intercept"], t["slope"])
    t = take_up["huurtoeslag"]
    sim.homes["huurtoeslag_ontvangen"] = received(sim.homes["huurtoeslag"].astype(float), draws.homes["takeup_draw"], t["intercept"],
                                                  t["slope"])
