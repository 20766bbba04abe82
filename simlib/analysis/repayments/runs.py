"""Monte Carlo runs of the year of advances and repayments for a scenario, and the fit against official figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simlib.analysis.repayments.events import Levers, draw_events
from simlib.analysis.repayments.year import breakdown, mean_risk, repayment_risk, simulate_year, summarise
from simlib.engine.model import Population
from simlib.parameters.scenario import Scenario

SEED0 = 20200101  # run k uses seed SEED0 + k: baseline and reform of a comparison share the year's events
REPAYMENT_KEYS = ("count", "count_ge_500", "count_ge_1500", "problematic", "amount", "backpayment_count", "backpayment_amount")
BREAKDOWNS = ("household_type", "decile", "profile")
OFFICIAL = Path(__file__).resolve().parents[3] / "data" / "targets" / "official_aggregates.yaml"


def repayment_runs(scenario: Scenario, pop: Population, year: int, seeds: int, tables: bool = True,
                   risks: list | None = None) -> tuple[list[dict], dict[str, pd.DataFrame]]:
    """``seeds`` runs of the year under ``scenario``: the summary of each run (see :func:`summarise`) and, from the
    first run, the repayments by household type, income decile and work profile. ``risks``, if given, gets each
    run's repayment risk by allowance and work profile (:func:`simlib.analysis.behaviour.repayment_risk`)."""
    levers = Levers.from_scenario(scenario.repayments)
    params = scenario.parameter_set(year)
    take_up = scenario.take_up(pop.meta.get("take_up"))
    runs, out_tables = [], {}
    for k in range(seeds):
        res = simulate_year(pop, params, take_up, draw_events(pop, SEED0 + k, levers), levers)
        runs.append(summarise(res))
        if risks is not None:
            risks.append(repayment_risk(res, pop))
        if k == 0 and tables:
            for by in BREAKDOWNS:
                out_tables[f"repayments_by_{by}"] = pd.DataFrame([{by: key, **v} for key, v in breakdown(res, pop, by).items()])
    return runs, out_tables


def mean_and_interval(runs: list[dict]) -> dict:
    """The mean over runs of every count and amount (also per allowance and cause), and the min-max interval."""
    out = {key: float(np.mean([r[key] for r in runs])) for key in REPAYMENT_KEYS}
    first = runs[0]["per_allowance"]
    out["per_allowance"] = {
        a: {key: float(np.mean([r["per_allowance"][a][key] for r in runs])) for key in ("count_ge_500", "count_ge_1500", "amount", "backpayment_amount")}
        | {"causes_ge_500": {c: float(np.mean([r["per_allowance"][a]["causes_ge_500"][c] for r in runs])) for c in first[a]["causes_ge_500"]}}
        for a in first
    }
    out["interval"] = {key: [float(np.min([r[key] for r in runs])), float(np.max([r[key] for r in runs]))] for key in REPAYMENT_KEYS}
    return out


@dataclass
class RepaymentComparison:
    """Repayments and back-payments of the year under baseline and reform, on the same events (``seeds`` runs): the
    mean of each count and amount (see :func:`mean_and_interval`), the mean change and its min-max interval."""

    status: str
    seeds: int = 0
    method: str = ""
    baseline: dict | None = None
    reform: dict | None = None
    change: dict | None = None
    change_interval: dict | None = None
    risk: dict | None = field(default=None, repr=False)  # baseline and reform: repayment risk by allowance and profile

    @property
    def modelled(self) -> bool:
        return self.status == "modelled"

    def to_dict(self) -> dict:
        if not self.modelled:
            return {"status": self.status}
        return {"status": self.status, "seeds": self.seeds, "method": self.method, "baseline": self.baseline,
                "reform": self.reform, "change": self.change, "change_interval": self.change_interval}


def compare_repayments(baseline: Scenario, reform: Scenario, pop: Population, year: int, seeds: int) -> tuple[RepaymentComparison, dict]:
    """The year of advances and repayments under ``baseline`` and ``reform`` (the same events for both), and the
    tables of both runs by household type, decile and work profile (a column ``run``)."""
    if seeds <= 0:
        return RepaymentComparison("not computed (repayment_seeds = 0)"), {}
    runs, tables, risks = {}, {}, {}
    for label, sc in (("baseline", baseline), ("reform", reform)):
        risks[label] = []
        runs[label], t = repayment_runs(sc, pop, year, seeds, risks=risks[label])
        for name, df in t.items():
            tables.setdefault(name, []).append(df.assign(run=label))
    changes = [{key: r[key] - b[key] for key in REPAYMENT_KEYS} for b, r in zip(runs["baseline"], runs["reform"])]
    result = RepaymentComparison(
        "modelled", seeds, "mean over the Monte Carlo runs of the year's events; the interval is min-max",
        mean_and_interval(runs["baseline"]), mean_and_interval(runs["reform"]),
        {key: float(np.mean([c[key] for c in changes])) for key in REPAYMENT_KEYS},
        {key: [float(np.min([c[key] for c in changes])), float(np.max([c[key] for c in changes]))] for key in REPAYMENT_KEYS},
        risk={label: mean_risk(r) for label, r in risks.items()})
    return result, {name: pd.concat(parts, ignore_index=True) for name, parts in tables.items()}


@cache
def official_figures() -> dict[str, dict]:
    """The official repayment figures (data/targets/official_aggregates.yaml) by name."""
    with open(OFFICIAL, encoding="utf-8") as fh:
        return {d["name"]: d for d in yaml.safe_load(fh)["targets"]}


# model statistic -> (official figure, tuned to it?)
FIT = {
    "count_ge_500": ("advances_with_repayment_ge_500", True),
    "problematic": ("households_repayment_problematic", True),
    "count": ("terugvorderingen_count", False),
    "amount": ("terugvorderingen_amount", False),
    "backpayment_count": ("nabetalingen_count", False),
    "backpayment_amount": ("nabetalingen_amount", False),
}


def fit_table(result: dict) -> pd.DataFrame:
    """The simulated year (mean and interval, from :func:`mean_and_interval`) against the official figures, with
    whether the model was tuned to each figure (see docs/repayments.md)."""
    off = official_figures()
    rows = []
    for stat, (name, tuned) in FIT.items():
        o = off[name]
        rows.append({"statistic": stat, "official": float(o["value"]), "official_year": o["year"], "simulated": result[stat],
                     "low": result["interval"][stat][0], "high": result["interval"][stat][1],
                     "deviation": result[stat] / float(o["value"]) - 1, "tuned": tuned, "source": o["source"]})
    return pd.DataFrame(rows)


TUNING_SEEDS = (11, 12, 13, 14)  # the Monte Carlo runs the two tuned parameters are fitted on (seeds SEED0 + k)


def tune(pop: Population | None = None, seeds: tuple[int, ...] = TUNING_SEEDS) -> dict[str, float]:
    """The two tuned behavioural parameters of assumptions.yaml, fitted again on the 2020 baseline of ``pop`` (the
    bundled population by default): ``income_estimate.scale`` so that the mean over ``seeds`` of the advances ending
    in a repayment of EUR 500 or more is the official figure, then ``problematic.available_share`` so that the
    problematic households are. Each is a one-dimensional root (scipy's brentq); nothing else is fitted. Prints
    nothing and changes no file: copy the values into assumptions.yaml (docs/repayments.md)."""
    from scipy.optimize import brentq

    from simlib.analysis.repayments.events import assumptions
    from simlib.parameters import load_parameters
    from simlib.population.build import cached_population

    pop = pop if pop is not None else cached_population(2020)
    params, take_up = load_parameters(pop.year), pop.meta.get("take_up")
    official = official_figures()
    A = assumptions()  # the cached dict the model reads: changed during the search, restored after
    saved = (A["income_estimate"]["scale"], A["problematic"]["available_share"])

    def mean_of(key: str) -> float:
        return float(np.mean([summarise(simulate_year(pop, params, take_up, draw_events(pop, SEED0 + k)))[key] for k in seeds]))

    def at(section: str, name: str, key: str, figure: str):
        def gap(x: float) -> float:
            A[section][name] = x
            return mean_of(key) / float(official[figure]["value"]) - 1
        return gap

    try:
        scale = brentq(at("income_estimate", "scale", "count_ge_500", FIT["count_ge_500"][0]), 0.5, 4.0, xtol=1e-4)
        A["income_estimate"]["scale"] = scale
        share = brentq(at("problematic", "available_share", "problematic", FIT["problematic"][0]), 0.02, 0.5, xtol=1e-5)
    finally:
        A["income_estimate"]["scale"], A["problematic"]["available_share"] = saved
    return {"income_estimate.scale": round(scale, 3), "problematic.available_share": round(share, 4)}
