"""Calibration: reweight households so that the baseline reproduces the official totals.

Method: raking / minimum-entropy calibration (Deville & Särndal 1992). The calibrated weights are
``w_i = d_i exp(x_i' lambda)``, with d the design weights, x the household's contribution to each calibration
target; lambda minimises the convex dual ``sum_i d_i exp(x_i' lambda) - T' lambda`` (Newton's method with
numpy's least-squares solver, which copes with redundant targets), at which every calibration target is met. Take-up
is solved alongside (the intercepts of :mod:`simlib.engine.takeup`), so non-take-up is in the model, not hidden in the
weights: a few rounds alternate between take-up and weights until both settle.

The targets that follow take-up (recipients and spending per allowance) are met in expectation: a claimant counts
with its probability of claiming p (and p times its amount), not with its draw. So the weights depend on the
entitlements and the take-up model only, never on who happened to draw "claims": entitled non-claimers keep their
weight, and the realised non-take-up of the weighted population equals the published one up to sampling noise
(before, the weights favoured the households whose draw said "claims", and the weighted non-take-up came out at half
the published figure). ``tests/test_calibrate.py`` redraws the take-up and checks that the weights do not move.

Most targets count households of a kind (a type, a size, a tenure, an age band): their columns hold only 0 and 1.
Those are not stored per household (:class:`Equations`): each household has a *pattern*, which of them are 1, and
the few hundred patterns that occur are kept once. Only the other columns (amounts, means) are kept in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simlib.engine.model import Population
from simlib.engine.simulate import simulate
from simlib.engine.structure import CHUNK_HOUSEHOLDS, slice_households
from simlib.engine.takeup import probability, solve_intercept
from simlib.engine.threads import parallel_map, spans
from simlib.errors import InputError
from simlib.parameters import ParameterSet
from simlib.population.statistics import HouseholdColumns
from simlib.rules import ALLOWANCES


@dataclass
class CalibrationResult:
    weights: np.ndarray
    achieved: dict[str, float]
    converged: bool
    max_relative_error: float
    iterations: int
    design_weights: np.ndarray
    lam: np.ndarray | None = None  # the Lagrange multipliers

    @property
    def weight_ratio_p99(self) -> float:
        """The 99th percentile of calibrated over design weight."""
        return float(np.quantile(self.weights / self.design_weights, 0.99))


MAX_PATTERNS = 4096  # more distinct patterns of 0/1 columns than this: those columns are kept in full instead
SOLVE_ROWS = 1 << 14  # rows per chunk of a pass over the equations: the chunk's columns stay in the cache


@dataclass
class Equations:
    """The scaled calibration equations ``X / scale`` (one row per household, one column per target) and ``T``.

    Row i of ``X / scale`` is ``patterns[cell[i]]`` in the 0/1 columns and ``dense[i]`` in ``dense_columns``
    (``patterns`` is zero there). The columns that follow take-up (``dynamic``) are the first full columns, written by
    :func:`calibrate` every round."""

    names: list[str]  # the targets' statistics
    design: np.ndarray  # d, the design weights
    targets: np.ndarray  # T
    scale: np.ndarray  # each equation is divided by its target (or, for a zero target, by the size of its column)
    cell: np.ndarray  # (n,) int32: the pattern of each household
    patterns: np.ndarray  # (patterns, k)
    dense: np.ndarray  # (n, len(dense_columns)), column-major
    dense_columns: np.ndarray
    dynamic: list[int]


class _EquationsBuilder:
    """Collects the columns of :class:`Equations` one at a time: a 0/1 column becomes a bit of each household's
    pattern code (64 bits; further 0/1 columns are kept in full), another column is kept (scaled). The columns listed
    in ``dynamic`` (the allowance columns, which follow take-up) get a full column each, which the caller writes
    whenever they change."""

    def __init__(self, names: list[str], d: np.ndarray, dynamic: list[int]):
        self.names, self.d, self.dynamic = list(names), d, list(dynamic)
        self.n, self.k = len(d), len(names)
        self.targets = np.zeros(self.k)
        self.scale = np.ones(self.k)
        self.code = np.zeros(self.n, dtype=np.uint64)
        self.bits: dict[int, int] = {}  # 0/1 column -> its bit in the code
        self.full: dict[int, np.ndarray] = {}  # other columns (scaled)

    def add(self, j: int, x: np.ndarray, target: float) -> None:
        self.targets[j] = target
        self.scale[j] = _column_scale(x, target, self.d)
        if len(self.bits) < 64 and bool(((x == 0) | (x == 1)).all()):
            self.bits[j] = len(self.bits)
            self.code |= x.astype(np.uint64) << np.uint64(self.bits[j])
        else:
            self.full[j] = x / self.scale[j]

    def equations(self) -> Equations:
        cell, codes = pd.factorize(self.code)  # in order of first appearance: deterministic
        if len(codes) > MAX_PATTERNS:  # too many: the 0/1 columns are kept in full, every household in one pattern
            for j, b in self.bits.items():
                self.full[j] = ((self.code >> np.uint64(b)) & np.uint64(1)) / self.scale[j]
            self.bits, cell, codes = {}, np.zeros(self.n, dtype=np.intp), np.zeros(1, dtype=np.uint64)
        cell = cell.astype(np.int32)
        self.code = None
        patterns = np.zeros((len(codes), self.k))
        for j, b in self.bits.items():
            patterns[:, j] = ((codes >> np.uint64(b)) & np.uint64(1)) / self.scale[j]
        columns = self.dynamic + sorted(self.full)
        dense = np.empty((self.n, len(columns)), order="F")
        for slot, j in enumerate(columns):
            if j in self.full:
                dense[:, slot] = self.full.pop(j)
        return Equations(self.names, self.d, self.targets, self.scale, cell, patterns, dense, np.array(columns, dtype=np.intp),
                         self.dynamic)


def entropy_calibration(X: np.ndarray, targets: np.ndarray, d: np.ndarray, names: list[str], tol: float = 1e-10) -> CalibrationResult:
    """Minimum-entropy (raking) weights w = d exp(X lambda) with X'w = targets.

    Newton's method on the convex dual with a backtracking line search; the Newton system is solved in the least
    squares sense, so redundant targets (e.g. household types and sizes that both add up to the total) are fine.
    """
    if X.shape[1] != len(targets):
        raise InputError("calibration: the number of columns and targets differ")
    builder = _EquationsBuilder(names, d, [])
    for j in range(X.shape[1]):
        builder.add(j, np.asarray(X[:, j], dtype=float), float(targets[j]))
    return _solve(builder.equations(), tol)


def _column_scale(x: np.ndarray, target: float, d: np.ndarray) -> float:
    """Each equation is divided by its target (or, for a zero target, by the size of its column): a well-scaled
    system."""
    return abs(target) if target != 0 else max(float(np.abs(x) @ d), 1.0)


def _dual(eq: Equations, lam: np.ndarray, hessian: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """At ``lam``, in one pass over the households: the weights w = d exp(X lam), the sums X'w and (with
    ``hessian``) the Hessian of the dual X' diag(w) X, X the scaled equations.

    Per pattern p only the sum of its households' weights s_p and of their weighted full columns M_p are needed:
    the 0/1 part of X'w is patterns' s and of the Hessian patterns' diag(s) patterns; the full columns add their
    own sums, their own Hessian block (BLAS) and the cross block patterns' M. Each chunk of rows is read once,
    while it is in the cache."""
    P, D, cols, d = eq.patterns, eq.dense, eq.dense_columns, eq.design
    n, kd, n_p = len(eq.cell), len(cols), len(P)
    eta_p = P @ lam
    lam_d = lam[cols]
    w = np.empty(n)
    s = np.zeros(n_p)
    xw_d = np.zeros(kd)
    H_dd = np.zeros((kd, kd))
    M = np.zeros(kd * n_p)  # (column, pattern): sum of w x over the pattern's households
    slot = (np.arange(kd) * n_p)[:, None]
    for lo, hi in spans(n, SOLVE_ROWS):
        c = eq.cell[lo:hi]
        wc = w[lo:hi]
        eta = eta_p[c]
        if kd:
            xs = D[lo:hi]
            eta += xs @ lam_d
        np.multiply(d[lo:hi], np.exp(np.clip(eta, -50, 50)), out=wc)
        s += np.bincount(c, weights=wc, minlength=n_p)
        if kd:
            xw_d += xs.T @ wc
            if hessian:
                xsw = (xs * wc[:, None]).T  # (kd, rows), C-contiguous
                H_dd += xsw @ xs
                M += np.bincount((slot + c).ravel(), weights=xsw.ravel(), minlength=kd * n_p)
    xw = P.T @ s
    xw[cols] += xw_d
    if not hessian:
        return w, xw, None
    H = P.T @ (P * s[:, None])
    cross = P.T @ M.reshape(kd, n_p).T  # (k, kd)
    H[:, cols] += cross
    H[cols, :] += cross.T
    H[np.ix_(cols, cols)] += H_dd
    return w, xw, H


def _solve(eq: Equations, tol: float = 1e-10, lam0: np.ndarray | None = None, max_iter: int = 100) -> CalibrationResult:
    """The Newton iterations of :func:`entropy_calibration` on the scaled equations ``eq``. Each candidate point
    costs one pass over the households (:func:`_dual`), which gives the next Newton system as well when the point
    is accepted.

    From a warm start (``lam0``, the previous round's solution) the Hessian of the first point is kept for the
    following steps (chord steps: a pass without the Hessian costs less), and computed again only when a step
    does not at least quarter the largest error. The sums, and so the solution, are exact either way."""
    t = eq.targets / eq.scale
    d = eq.design
    chord = lam0 is not None
    lam = np.zeros(len(t)) if lam0 is None else lam0.copy()
    w, xw, H = _dual(eq, lam)
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
            w_new, xw_new, H_new = _dual(eq, new, hessian=not chord)
            f_new = w_new.sum() - t @ new
            # (a chord step near the solution changes f by less than its rounding: then a smaller error decides)
            if f_new <= f + 1e-4 * alpha * (g @ step) or (chord and np.max(np.abs(xw_new - t)) < error):
                break
            alpha /= 2
        else:  # no decrease along the Newton direction: rounding noise, the solution is as good as it gets
            break
        if chord and np.max(np.abs(xw_new - t)) > error / 4:  # slow: the Newton system of the new point
            w_new, xw_new, H_new = _dual(eq, new)
        lam, w, xw, f = new, w_new, xw_new, f_new
        H = H if H_new is None else H_new
    achieved = xw * eq.scale
    rel = np.abs(achieved - eq.targets) / eq.scale
    return CalibrationResult(
        weights=w,
        achieved={n: float(a) for n, a in zip(eq.names, achieved)},
        converged=bool(rel.max() < 1e-6),
        max_relative_error=float(rel.max()),
        iterations=it,
        design_weights=d,
        lam=lam,
    )


@dataclass
class Claimants:
    """The claimants of one allowance with a positive entitlement (benefit units; homes for huurtoeslag): what
    take-up acts on (:mod:`simlib.engine.takeup`)."""

    amount: np.ndarray  # the yearly entitlement (euros)
    household: np.ndarray  # the claimant's household (row)
    draw: np.ndarray  # its take-up draw (the aanvrager's, or the huurder's): used in a run, never by the calibration

    def probability(self, take_up: dict) -> np.ndarray:
        """Each claimant's probability of claiming under ``take_up`` (intercept and slope)."""
        return probability(self.amount / 12.0, take_up["intercept"], take_up["slope"])


def entitled_claimants(population: Population, params: ParameterSet) -> dict[str, Claimants]:
    """Per allowance, the claimants of ``population`` entitled under ``params`` (everybody claims).

    Run in blocks of households (``CHUNK_HOUSEHOLDS``, on threads) of which only the claimants are kept, so the
    structure of a whole country (1.5 GB) is never held; households are independent, so the amounts are those of one
    run over all households."""
    def block(bounds: tuple[int, int]) -> dict[str, tuple]:
        part, _ = slice_households(population, *bounds)
        sim = simulate(part, params, take_up={})
        out = {}
        for a in ALLOWANCES:
            amount = sim.amounts(a, received=False)
            rows = np.flatnonzero(amount > 0)
            per_home = a == "huurtoeslag"
            household = rows if per_home else sim.units["household"][rows]
            draw = (sim.structure.homes if per_home else sim.structure.units)["takeup_draw"][rows]
            out[a] = (amount[rows].astype(float), (household + bounds[0]).astype(np.int32), draw)
        return out

    parts = parallel_map(block, spans(population.n_households, CHUNK_HOUSEHOLDS))
    return {a: Claimants(*(np.concatenate([part[a][k] for part in parts]) for k in range(3))) for a in ALLOWANCES}


TAKE_UP_TARGETS = ("recipients", "spending")  # statistics that follow take-up: recipients.<allowance>, spending.<allowance>


def calibration_equations(population: Population, params: ParameterSet, targets: list[dict]) -> Equations:
    """The calibration equations of ``targets`` (``statistic``, ``value``) on ``population``, whose weights are the
    design weights. The columns that follow take-up (``recipients.<allowance>``, ``spending.<allowance>``) are left
    to :func:`calibrate`; the others are computed here, a family at a time, from the population alone (``params``
    gives the AOW age), so the population is not needed afterwards."""
    names = [t["statistic"] for t in targets]
    dynamic = [i for i, name in enumerate(names) if _take_up_target(name)]
    builder = _EquationsBuilder(names, population.households["weight"].copy(), dynamic)
    for j in dynamic:
        builder.targets[j] = float(targets[j]["value"])
    cols = HouseholdColumns(population, params)
    family = None
    for j in (i for i in range(len(targets)) if i not in dynamic):
        if names[j].split(".")[0] != family:
            cols.clear()  # the columns of the family written are dropped before the next is computed (memory)
            family = names[j].split(".")[0]
        builder.add(j, *next(design_columns(cols, [targets[j]])))
    del cols
    return builder.equations()


def calibrate(eq: Equations, claimants: dict[str, Claimants], non_take_up: dict, slope: float, rounds: int = 20):
    """Solve take-up intercepts and household weights together.

    The intercepts make the weighted expected non-take-up among the entitled equal ``non_take_up`` per allowance;
    the weights meet the targets with every take-up-dependent column in expectation (the claimants' probabilities,
    not their draws). ``eq`` are the calibration equations (:func:`calibration_equations`), ``claimants`` the entitled claimants of
    the same population (:func:`entitled_claimants`). Returns (weights, take_up parameters, CalibrationResult). When
    no target depends on take-up (a year calibrated on its household structure only) the weights are solved once and
    take-up follows them.
    """
    d, n = eq.design, len(eq.design)
    if not eq.dynamic:
        result = _solve(eq)
        return result.weights, _take_up(claimants, result.weights, non_take_up, slope, {}), result
    take_up: dict[str, dict] = {}
    result = None
    w = d
    for _ in range(rounds):
        previous = {a: v["intercept"] for a, v in take_up.items()}
        take_up = _take_up(claimants, w, non_take_up, slope, previous)
        p = {}
        for slot, j in enumerate(eq.dynamic):  # the allowance columns: expected after take-up
            kind, allowance = eq.names[j].split(".")
            c = claimants[allowance]
            if allowance not in p:
                p[allowance] = c.probability(take_up[allowance])
            x = np.bincount(c.household, weights=p[allowance] * c.amount if kind == "spending" else p[allowance], minlength=n)
            eq.scale[j] = _column_scale(x, eq.targets[j], d)
            np.divide(x, eq.scale[j], out=eq.dense[:, slot])
        del p, x
        # warm start from the previous round (usually a few Newton steps); from zero when that does not settle fast
        warm = _solve(eq, lam0=result.lam, max_iter=6) if result else None
        result = warm if warm is not None and warm.max_relative_error < 1e-10 else _solve(eq)
        w = result.weights
        if previous and all(abs(previous[a] - take_up[a]["intercept"]) < 1e-6 for a in ALLOWANCES):
            break
    return w, take_up, result


def _take_up_target(name: str) -> bool:
    """Whether the statistic ``name`` follows take-up (its column is written again every round)."""
    family, _, allowance = name.partition(".")
    if family in HouseholdColumns.AFTER_TAKE_UP:
        if family not in TAKE_UP_TARGETS or allowance not in ALLOWANCES:
            raise InputError(f"targets: {name} cannot be a calibration target (of the statistics that follow take-up, "
                             f"only {', '.join(f'{k}.<allowance>' for k in TAKE_UP_TARGETS)} can)")
        return True
    return False


def _take_up(claimants: dict[str, Claimants], w: np.ndarray, non_take_up: dict, slope: float, start: dict) -> dict:
    """The take-up intercept of each allowance at the household weights ``w`` (Newton from ``start``)."""
    return {a: {"intercept": solve_intercept(c.amount / 12.0, w[c.household], non_take_up[a], slope, start=start.get(a)),
                "slope": slope} for a, c in claimants.items()}


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
