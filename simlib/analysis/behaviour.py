"""Take-up that responds to the rules: the fear of a repayment (docs/behaviour.md).

The static take-up of :mod:`simlib.engine.takeup` depends on the monthly amount only. Here the probability that an
entitled household claims falls also with the risk of a high repayment that households like it face:

    p = 1 / (1 + exp(-(intercept + slope * ln(1 + monthly amount / 10) - risk_coefficient * risk)))

where ``risk`` is the share of the households with an advance of that allowance, and the same work profile of the
household's first person, whose repayment is EUR 500 or more (the 'hoge terugvordering' of the Stand van de
uitvoering Toeslagen 2021), measured in the year of advances and repayments (:mod:`simlib.analysis.repayments`).
The intercepts are solved so that the baseline reproduces the published non-take-up per allowance, as the static
model does; ``risk_coefficient`` is fitted to the published non-take-up of the self-employed (behaviour.yaml), whose
incomes are the most volatile. A reform that lowers the risk (timely data, signalling, cautious advances) then
raises take-up, and with it the cost: compare reports that part separately from the static cost.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simlib.analysis.repayments.year import head_profile, mean_risk, repayment_risk
from simlib.engine.model import PROFILES, Population
from simlib.engine.simulate import Simulation
from simlib.engine.takeup import solve_intercept
from simlib.inputs import read_yaml
from simlib.rules import ALLOWANCES

ASSUMPTIONS = Path(__file__).with_name("behaviour.yaml")


@functools.cache
def assumptions() -> dict:
    data, _ = read_yaml(ASSUMPTIONS, "behaviour assumptions file")
    return data


@dataclass(frozen=True)
class Claimants:
    """The entitled claimants of one allowance in a simulation: award (yearly), take-up draw, household weight and
    the work profile of their household's first person."""

    award: np.ndarray
    draw: np.ndarray
    weight: np.ndarray
    profile: np.ndarray


def claimants(sim: Simulation, allowance: str) -> Claimants:
    st = sim.structure
    w = sim.population.households["weight"]
    profile = np.maximum(head_profile(sim.population), 0)
    if allowance == "huurtoeslag":
        award, draw, household = sim.homes["huurtoeslag"], st.homes["takeup_draw"], np.arange(len(w))
    else:
        award, draw, household = sim.units[allowance], st.units["takeup_draw"], sim.units["household"]
    pos = np.flatnonzero(award > 0)
    return Claimants(award[pos].astype(float), draw[pos], w[household[pos]], profile[household[pos]])


def _x(c: Claimants, slope: float, beta: float, risk: np.ndarray) -> np.ndarray:
    return slope * np.log1p(c.award / 12.0 / 10.0) - beta * risk[c.profile]


def probability(c: Claimants, intercept: float, slope: float, beta: float, risk: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(intercept + _x(c, slope, beta, risk))))


@dataclass(frozen=True)
class Behaviour:
    """Behavioural take-up fitted on a baseline: the risk coefficient, the amount slope, the intercept of each
    allowance (so that the baseline's expected non-take-up is the published one) and the baseline's risk."""

    risk_coefficient: float
    slope: float
    intercept: dict
    risk: dict

    def received(self, sim: Simulation, risk: dict | None = None, shift: dict | None = None) -> dict[str, float]:
        """Spending after behavioural take-up per allowance (weighted to the country), at ``risk`` (default: the
        baseline's), with the simulation's own draws; ``shift``: a scenario's change of the take-up intercepts
        (reminder letters, say)."""
        risk = risk or self.risk
        shift = shift or {}
        out = {}
        for a in ALLOWANCES:
            c = claimants(sim, a)
            claim = c.draw < probability(c, self.intercept[a] + shift.get(a, 0.0), self.slope, self.risk_coefficient, risk[a])
            out[a] = float(np.sum(c.award * c.weight * claim))
        return out

    def take_up(self, sim: Simulation, risk: dict | None = None, shift: dict | None = None) -> dict[str, float]:
        """Expected take-up (weighted share of the entitled who claim) per allowance at ``risk``."""
        risk = risk or self.risk
        shift = shift or {}
        out = {}
        for a in ALLOWANCES:
            c = claimants(sim, a)
            p = probability(c, self.intercept[a] + shift.get(a, 0.0), self.slope, self.risk_coefficient, risk[a])
            out[a] = float(np.sum(p * c.weight) / c.weight.sum()) if c.weight.sum() else 1.0
        return out


def fit_behaviour(sim: Simulation, risk: dict, non_take_up: dict, risk_coefficient: float, slope: float) -> Behaviour:
    """The intercepts at which the baseline ``sim`` has the published ``non_take_up`` (expected, among the entitled)
    with the given risk coefficient and slope."""
    intercept = {}
    for a in ALLOWANCES:
        c = claimants(sim, a)
        offset = -risk_coefficient * risk[a][c.profile]
        intercept[a] = solve_intercept(c.award / 12.0, c.weight, non_take_up[a], slope, offset=offset)
    return Behaviour(risk_coefficient, slope, intercept, risk)


def profile_non_take_up(b: Behaviour, sim: Simulation, profile: str) -> dict[str, float]:
    """Expected non-take-up among the entitled whose household's first person has ``profile``."""
    code = PROFILES.index(profile)
    out = {}
    for a in ALLOWANCES:
        c = claimants(sim, a)
        sel = c.profile == code
        p = probability(c, b.intercept[a], b.slope, b.risk_coefficient, b.risk[a])
        out[a] = float(np.sum((1 - p[sel]) * c.weight[sel]) / c.weight[sel].sum()) if sel.any() else float("nan")
    return out


SELF_EMPLOYED_ALLOWANCES = ("huurtoeslag", "zorgtoeslag", "kindgebonden_budget")  # CPB's published three


def baseline_risk(pop: Population, year: int, seeds: int = 4) -> dict[str, np.ndarray]:
    """The repayment risk of the baseline of ``year`` on ``pop``: the mean over ``seeds`` Monte Carlo runs."""
    from simlib.analysis.repayments.events import draw_events
    from simlib.analysis.repayments.runs import SEED0
    from simlib.analysis.repayments.year import simulate_year
    from simlib.parameters import load_parameters

    p = load_parameters(year)
    tu = pop.meta.get("take_up")
    return mean_risk([repayment_risk(simulate_year(pop, p, tu, draw_events(pop, SEED0 + k)), pop) for k in range(seeds)])


def fit_risk_coefficient(pop: Population | None = None) -> float:
    """The risk coefficient at which the behavioural baseline of the targets' year reproduces the published
    non-take-up of the self-employed (behaviour.yaml ``fit``: least squares over the three allowances), the intercepts
    solved at every trial so that each allowance's overall non-take-up stays the published one. Changes no file:
    copy the value into behaviour.yaml (docs/behaviour.md)."""
    from scipy.optimize import minimize_scalar

    from simlib.engine.simulate import simulate
    from simlib.parameters import load_parameters
    from simlib.population.build import cached_population, non_take_up_targets

    fit = assumptions()["fit"]
    year = int(fit["year"])
    pop = pop or cached_population(year)
    sim = simulate(pop, load_parameters(year), take_up=pop.meta["take_up"])
    risk = baseline_risk(pop, year)
    ntu = non_take_up_targets(year)
    slope = float(pop.meta["take_up"]["zorgtoeslag"]["slope"])
    target = {a: float(fit["self_employed_non_take_up"][a]["value"]) for a in SELF_EMPLOYED_ALLOWANCES}

    def loss(beta: float) -> float:
        got = profile_non_take_up(fit_behaviour(sim, risk, ntu, beta, slope), sim, "zelfstandige")
        return sum((got[a] - target[a]) ** 2 for a in target)

    return round(float(minimize_scalar(loss, bounds=(0.0, 50.0), method="bounded", options={"xatol": 1e-3}).x), 2)


def risk_coefficient(scenario=None) -> float:
    """The scenario's risk coefficient, or the fitted default of behaviour.yaml."""
    own = getattr(scenario, "risk_coefficient", None)
    return float(own) if own is not None else float(assumptions()["risk_coefficient"])


def behavioural_effect(base: Simulation, reform: Simulation, risk: dict, static_cost: dict, beta: float,
                       shift: dict | None = None) -> dict:
    """Spending per allowance under the behavioural take-up: the reform's rules at the baseline's repayment risk, and
    at its own (``risk``: the baseline's and the reform's, from the year of repayments); the take-up response is
    their difference. ``static_cost``: the change in spending with the static take-up (compare's headline);
    ``shift``: the reform's own change of the take-up intercepts against the baseline's (in both reform runs)."""
    from simlib.population.build import non_take_up_targets

    slope = float((base.take_up or {}).get("zorgtoeslag", {}).get("slope", 0.8))
    b = fit_behaviour(base, risk["baseline"], non_take_up_targets(base.year), beta, slope)
    at_base = b.received(base)
    rules = b.received(reform, shift=shift)  # the reform's awards, the baseline's repayment risk
    responded = b.received(reform, risk["reform"], shift)
    take_up = {"baseline": b.take_up(base), "reform": b.take_up(reform, risk["reform"], shift)}
    out = {"risk_coefficient": beta, "per_allowance": {}}
    for a in ALLOWANCES:
        out["per_allowance"][a] = {
            "static_cost": static_cost[a], "behavioural_cost": responded[a] - at_base[a],
            "take_up_response": responded[a] - rules[a],
            "take_up_baseline": take_up["baseline"][a], "take_up_reform": take_up["reform"][a]}
    for key in ("static_cost", "behavioural_cost", "take_up_response"):
        out[key] = sum(v[key] for v in out["per_allowance"].values())
    out["method"] = ("behavioural take-up: the probability of claiming falls with the share of similar households "
                     "(allowance, work profile) facing a repayment of EUR 500 or more in the year of repayments; "
                     "fitted to the non-take-up of the self-employed (analysis/behaviour.yaml)")
    return out
