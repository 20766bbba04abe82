"""Compare a proposal with current law: the public entry point (``simlib.compare``) and the shipped proposals side by side.

:func:`compare` finds the population of the year, runs :func:`simlib.analysis.impact.impact`, adds the interval over
further population seeds, the validation status of each headline number against the published estimates
(:mod:`simlib.analysis.validation`) and the provenance (:mod:`simlib.analysis.provenance`).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from simlib.analysis.impact import Comparison, Interval, headline, impact, seed_interval
from simlib.analysis.provenance import provenance
from simlib.analysis.validation import headline_status
from simlib.engine.model import Population
from simlib.parameters.scenario import Scenario, current_law
from simlib.rules import ALLOWANCES

AUTO_INTERVAL_SEEDS = 4  # further population seeds for the headline interval when none are asked for
AUTO_INTERVAL_MAX_HOUSEHOLDS = 1_000_000  # above this size no further populations are built unless asked for


def compare(reform: Scenario, baseline: Scenario | None = None, population: Population | None = None, year: int | None = None,
            seeds: int | None = 0, repayment_seeds: int = 3, marginal: bool = True, log=None) -> Comparison:
    """Compare ``reform`` with ``baseline`` (current law by default) on ``population`` (by default the default
    population of the year).

    ``year`` defaults to the reform's year, then the population's. With ``seeds`` > 0 the headline numbers are
    also computed on that many other populations of the same size (other seeds), to give an interval; ``None``
    means 4 up to AUTO_INTERVAL_MAX_HOUSEHOLDS households and none above (each further seed of the whole country is a
    build of two minutes and 12 GB; its sampling noise is small anyway). The
    advances-and-repayments year is simulated ``repayment_seeds`` times (Monte Carlo over the year's events).
    Net income (koopkracht, low incomes) is always compared; ``marginal`` adds the marginale druk of every worker,
    baseline and reform (four more runs of the population).
    """
    from simlib.population import build

    t0 = time.perf_counter()
    year = year or reform.year or (baseline.year if baseline else None) or (population.year if population else 2020)
    if population is None:
        population = build.cached_population(year, log=log)
    reform = reform.phased(year)  # as in force in the year: a phase-in gives that year's share (the scenario itself if none)
    baseline = baseline.phased(year) if baseline is not None else current_law(year)
    result = impact(reform, baseline, population, year, repayment_seeds, marginal=marginal)
    n = population.n_households
    if seeds is None:
        seeds = AUTO_INTERVAL_SEEDS if n <= AUTO_INTERVAL_MAX_HOUSEHOLDS else 0
        if not seeds:
            result.interval = Interval(0, f"no interval over population seeds: {n:,} households is above "
                                          f"{AUTO_INTERVAL_MAX_HOUSEHOLDS:,} (ask for seeds explicitly to build further populations of this size)")
            (log or (lambda m: None))(result.interval.method)
    if seeds:
        result.interval = seed_interval(reform, baseline, year, headline(result.household), n, seeds, log)
    result.validation = headline_status(result, reform.files, year)
    result.provenance = provenance(reform, baseline, year, population, t0)
    return result


def compare_all(scenarios=None, year: int | None = None, repayment_seeds: int = 1, log=None) -> dict[str, Comparison]:
    """Compare several scenarios (paths or names in scenarios/; default every shipped proposal) with current law.

    Each runs in its own year (the ``year`` in its file) unless ``year`` is given, on the default population of that
    year. Baseline files (``baseline-*``) are skipped: they compare to zero.
    """
    from simlib.parameters.scenario import load_scenario, shipped_proposals
    from simlib.population.build import cached_population

    paths = scenarios if scenarios is not None else shipped_proposals()
    out: dict[str, Comparison] = {}
    populations: dict[int, Population] = {}
    for path in paths:
        sc = load_scenario(path)
        y = year or sc.year or 2024
        if y not in populations:
            populations[y] = cached_population(y, log=log)
        out[Path(str(path)).stem] = compare(sc, population=populations[y], year=y, repayment_seeds=repayment_seeds, log=log)
    return out


def ranked_summary(comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """One row per scenario, ranked by the change in spending: cost, winners, losers, entitlement, partner and
    repayment changes (weighted to the country; euros per year)."""
    rows = []
    for key, c in comparisons.items():
        row = {
            "scenario": key,
            "name": c.reform_scenario["name"],
            "year": c.year,
            "cost_change_mln": c.cost["total"].change / 1e6,
            **{f"{a}_mln": c.cost[a].change / 1e6 for a in ALLOWANCES},
            "winners": c.winners,
            "losers": c.losers,
            "newly_entitled": sum(v.newly_entitled for v in c.entitlement_changes.values()),
            "no_longer_entitled": sum(v.no_longer_entitled for v in c.entitlement_changes.values()),
            "partner_changes": c.partner_changes,
        }
        if c.net is not None:
            row["koopkracht_median_pct"] = c.net.koopkracht["median"] * 100
            row["low_income_households_change"] = c.net.low_income["households_change"]
            if c.net.marginale_druk:
                md = c.net.marginale_druk
                row["md_above_60_pct_change"] = (md["reform"]["share_above_60"] - md["baseline"]["share_above_60"]) * 100
        if c.repayments.modelled:
            row["repayments_ge_500_change"] = c.repayments.change["count_ge_500"]
            row["problematic_change"] = c.repayments.change["problematic"]
            row["repayment_amount_change_mln"] = c.repayments.change["amount"] / 1e6
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values("cost_change_mln", ascending=False, ignore_index=True) if len(df) else df
