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
    The Hessian X' diag(w) X is accumulated in chunks to keep memory flat for the full population.
    """
    if X.shape[1] != len(targets):
        raise InputError("calibration: the number of columns and targets differ")
    scale = _scale(X, targets, d)
    return _solve(X / scale, targets, scale, d, names, tol)


def _scale(X: np.ndarray, targets: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Each equation divided by its target (or, for a zero target, by the size of its column): a well-scaled system."""
    return np.where(targets != 0, np.abs(targets), np.maximum(np.abs(X).T @ d, 1.0))


def _solve(Xs: np.ndarray, targets: np.ndarray, scale: np.ndarray, d: np.ndarray, names: list[str], tol: float = 1e-10,
           lam0: np.ndarray | None = None, max_iter: int = 100) -> CalibrationResult:
    """The Newton iterations of :func:`entropy_calibration` on the scaled equations ``Xs`` (= X / scale)."""
    t = targets / scale
    lam = np.zeros(Xs.shape[1]) if lam0 is None else lam0.copy()

    def weights(lam):
        return d * np.exp(np.clip(Xs @ lam, -50, 50))

    w = weights(lam)
    f = w.sum() - t @ lam
    it = 0
    for it in range(1, max_iter + 1):
        g = Xs.T @ w - t
        if np.max(np.abs(g)) < tol:
            break
        H = np.zeros((Xs.shape[1], Xs.shape[1]))
        for lo in range(0, len(w), 1 << 19):
            xs = Xs[lo : lo + (1 << 19)]
            H += (xs * w[lo : lo + (1 << 19), None]).T @ xs
        step = -np.linalg.lstsq(H, g, rcond=None)[0]
        if -(g @ step) < 1e-24:  # the Newton decrement is at the floor of double precision: converged
            break
        alpha = 1.0
        while alpha > 1e-8:
            new = lam + alpha * step
            w_new = weights(new)
            f_new = w_new.sum() - t @ new
            if f_new <= f + 1e-4 * alpha * (g @ step):
                break
            alpha /= 2
        else:  # no decrease along the Newton direction: rounding noise, the solution is as good as it gets
            break
        lam, w, f = new, w_new, f_new
    achieved = (Xs.T @ w) * scale
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
    # the scaled equations (one column per target) are kept in one matrix: the columns that do not depend on
    # take-up are written once, the allowance columns again every round
    dynamic = [i for i, t in enumerate(targets) if t["statistic"].split(".")[0] in ("recipients", "spending")]
    static = [i for i in range(len(targets)) if i not in dynamic]
    Xs = np.empty((pop.n_households, len(targets)))
    T = np.empty(len(targets))
    scale = np.ones(len(targets))

    def fill(columns: list[int], cols) -> None:
        pending: list[tuple[int, np.ndarray]] = []
        pending_family = None
        for j in columns:
            family = targets[j]["statistic"].split(".")[0]
            if pending and (j != pending[-1][0] + 1 or len(pending) == FILL_GROUP or family != pending_family):
                _write_columns(Xs, pending, scale)
                pending = []
                cols.clear()  # the columns written are dropped before the next family is computed (memory)
            x, value = next(design_columns(cols, [targets[j]]))
            T[j] = value
            scale[j] = abs(value) if value != 0 else max(float(np.abs(x) @ d), 1.0)
            pending.append((j, x))
            pending_family = family
        if pending:
            _write_columns(Xs, pending, scale)

    if static:
        fill(static, household_columns(sim_entitled))
    for _ in range(rounds):
        previous = {a: v["intercept"] for a, v in take_up.items()}
        for a in ALLOWANCES:
            amounts, _ = sim_entitled.claimant_amounts(a, received=False)
            if a == "huurtoeslag":
                cw = w
            else:
                cw = w[sim_entitled.units["household"]]
            pos = amounts > 0
            take_up[a] = {"intercept": solve_intercept(amounts[pos].astype(float) / 12.0, cw[pos], non_take_up[a], slope,
                                                       start=previous.get(a)), "slope": slope}
        _apply_take_up(sim_entitled, take_up)
        if dynamic:
            fill(dynamic, household_columns(sim_entitled))
        # warm start from the previous round (usually a few Newton steps); from zero when that does not settle fast
        warm = _solve(Xs, T, scale, d, names, lam0=result.lam, max_iter=6) if result else None
        result = warm if warm is not None and warm.max_relative_error < 1e-10 else _solve(Xs, T, scale, d, names)
        w = result.weights
        pop.households["weight"] = w
        if previous and all(abs(previous[a] - take_up[a]["intercept"]) < 1e-6 for a in ALLOWANCES):
            break
    return w, take_up, result


FILL_GROUP = 8  # columns written into the (row-major) equation matrix together
FILL_ROWS = 1 << 16  # rows per chunk of that write


def _write_columns(Xs: np.ndarray, pending: list[tuple[int, np.ndarray]], scale: np.ndarray) -> None:
    """Write consecutive columns j0.. of ``Xs`` (each divided by its scale) a chunk of rows at a time: writing one
    column of a row-major matrix touches a cache line per row, which made filling the matrix a third of the
    calibration. The values are the same as column by column."""
    j0, j1 = pending[0][0], pending[-1][0] + 1
    xs = [x for _, x in pending]
    for lo in range(0, Xs.shape[0], FILL_ROWS):
        hi = min(lo + FILL_ROWS, Xs.shape[0])
        np.divide(np.column_stack([x[lo:hi] for x in xs]), scale[j0:j1], out=Xs[lo:hi, j0:j1])


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


def design_matrix(cols: dict, targets: list[dict]):
    """Columns and target values of the linear calibration equations (see :func:`design_columns`)."""
    xs, ts = zip(*design_columns(cols, targets)) if targets else ((), ())
    return np.column_stack(xs), np.array(ts)


def _apply_take_up(sim, take_up):
    """Recompute the received amounts of a Simulation for new take-up parameters (the rules are not re-run)."""
    from simlib.takeup import claims

    sim.reusable = False  # its results no longer follow from its parameters and take-up alone (simulate(reuse=))
    draw = sim.population.persons["takeup_draw"]
    heads = sim.units["head"]
    for a in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        t = take_up[a]
        amount = sim.units[a].astype(float)
        sim.units[a + "_ontvangen"] = np.where(claims(amount / 12.0, draw[heads], t["intercept"], t["slope"]), amount, 0.0)
    t = take_up["huurtoeslag"]
    huurder = np.maximum(sim.homes["huurder"], 0)
    amount = sim.homes["huurtoeslag"].astype(float)
    sim.homes["huurtoeslag_ontvangen"] = np.where(claims(amount / 12.0, draw[huurder], t["intercept"], t["slope"]), amount, 0.0)
