"""Impact analysis: a reform against a baseline on a population — cost, winners, losers, who changes.

Both runs use the same population and the same take-up draws, so every difference comes from the rules (and from
the scenario's own behaviour assumptions). Amounts are yearly euros after take-up, weighted to the country.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import simlib
from simlib.engine.model import Population
from simlib.parameters.loader import FILES, PARAMETER_DIR
from simlib.population.generate import TENURES, TYPES
from simlib.population.statistics import weighted_quantile
from simlib.parameters.scenario import Scenario, current_law
from simlib.rules import ALLOWANCES
from simlib.engine.simulate import Simulation, simulate

BUCKETS = ("loss > 5%", "loss ≤ 5%", "no change", "gain ≤ 5%", "gain > 5%")
EURO_BINS = [-np.inf, -2000, -1000, -500, -100, -0.5, 0.5, 100, 500, 1000, 2000, np.inf]
EURO_LABELS = ["< -2,000", "-2,000 to -1,000", "-1,000 to -500", "-500 to -100", "-100 to 0", "no change",
               "0 to 100", "100 to 500", "500 to 1,000", "1,000 to 2,000", "> 2,000"]
def repayment_comparison(baseline: Scenario, reform: Scenario, pop: Population, year: int, seeds: int) -> tuple[dict, dict]:
    """Repayments and back-payments of the year under baseline and reform (the same events for both)."""
    from simlib.analysis.repayments.runs import REPAYMENT_KEYS, mean_and_interval, repayment_runs

    if seeds <= 0:
        return {"status": "not computed (repayment_seeds = 0)"}, {}
    runs, tables = {}, {}
    for label, sc in (("baseline", baseline), ("reform", reform)):
        runs[label], t = repayment_runs(sc, pop, year, seeds)
        for name, df in t.items():
            tables.setdefault(name, []).append(df.assign(run=label))
    out = {"status": "modelled", "seeds": seeds, "method": "mean over the Monte Carlo runs of the year's events; the interval is min-max"}
    for label in ("baseline", "reform"):
        out[label] = mean_and_interval(runs[label])
    changes = [{key: r[key] - b[key] for key in REPAYMENT_KEYS} for b, r in zip(runs["baseline"], runs["reform"])]
    out["change"] = {key: float(np.mean([c[key] for c in changes])) for key in REPAYMENT_KEYS}
    out["change_interval"] = {key: [float(np.min([c[key] for c in changes])), float(np.max([c[key] for c in changes]))] for key in REPAYMENT_KEYS}
    return out, {name: pd.concat(parts, ignore_index=True) for name, parts in tables.items()}


@dataclass
class Comparison:
    """The result of :func:`compare`: the headline summary (a dict, see ``summary``) and the tables behind it."""

    summary: dict
    tables: dict[str, pd.DataFrame]
    baseline: Simulation
    reform: Simulation
    household: pd.DataFrame = field(repr=False)


def _standardised_income(pop: Population) -> np.ndarray:
    """Household toetsingsinkomen per equivalent adult (square-root scale), for the income deciles."""
    P = pop.persons
    resident = ~P["elsewhere"]
    n = pop.n_households
    income = np.bincount(P["household"], weights=np.where(resident, P["income"], 0.0), minlength=n)
    size = np.bincount(P["household"], weights=resident.astype(float), minlength=n)
    return income / np.sqrt(np.maximum(size, 1.0))


def _deciles(values, weights) -> np.ndarray:
    cuts = weighted_quantile(values, weights, np.arange(1, 10) / 10)
    return np.searchsorted(cuts, values, side="right") + 1


def gross_income(pop: Population) -> np.ndarray:
    """Gross household income: the toetsingsinkomen of the persons living at the address, summed per household."""
    P = pop.persons
    return np.bincount(P["household"], weights=np.where(P["elsewhere"], 0.0, P["income"]), minlength=pop.n_households)


def gain_buckets(change: np.ndarray, gross: np.ndarray) -> np.ndarray:
    """Index into BUCKETS of each household's change: loss/gain of more or less than 5% of gross income
    (at least EUR 1,000 as the base), changes under half a euro counting as no change."""
    rel = change / np.maximum(gross, 1000.0)
    return np.select([change <= -0.5, change < 0.5, rel <= 0.05], [np.where(rel < -0.05, 0, 1), 2, 3], default=4)


def household_frame(base: Simulation, reform: Simulation) -> pd.DataFrame:
    """One row per household: amounts under both, the change, income decile, type, tenure, partner change."""
    pop = base.population
    w = pop.households["weight"]
    df = pd.DataFrame({"weight": w})
    for a in ALLOWANCES:
        df[f"{a}_baseline"] = base.received[a]
        df[f"{a}_reform"] = reform.received[a]
        df[f"{a}_entitled_baseline"] = base.households[a] > 0
        df[f"{a}_entitled_reform"] = reform.households[a] > 0
    df["baseline"] = base.received["totaal"]
    df["reform"] = reform.received["totaal"]
    df["change"] = df["reform"] - df["baseline"]
    income = _standardised_income(pop)
    df["standardised_income"] = income
    df["decile"] = _deciles(income, w)
    df["bucket"] = np.asarray(BUCKETS, dtype=object)[gain_buckets(df["change"].to_numpy(), gross_income(pop))]
    ht = pop.households["household_type"]
    df["household_type"] = np.where(ht >= 0, np.asarray(TYPES, dtype=object)[np.maximum(ht, 0)], "onbekend")
    tn = pop.households["tenure"]
    df["tenure"] = np.where(tn >= 0, np.asarray(TENURES, dtype=object)[np.maximum(tn, 0)], "onbekend")
    changed = base.persons["partner"] != reform.persons["partner"]
    df["partner_changed"] = np.bincount(pop.persons["household"], weights=changed.astype(float), minlength=pop.n_households) > 0
    return df


def _by(df: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = []
    for value, g in df.groupby(key, sort=True):
        w = g["weight"]
        total = w.sum()
        row = {key: value, "households": total, "change_total": float((g["change"] * w).sum()),
               "change_mean": float((g["change"] * w).sum() / total) if total else 0.0}
        for b in BUCKETS:
            row[b] = float(w[g["bucket"] == b].sum() / total) if total else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def headline(df: pd.DataFrame) -> dict:
    w = df["weight"]
    out = {"cost_change": float((df["change"] * w).sum()),
           "winners": float(w[df["change"] >= 0.5].sum()),
           "losers": float(w[df["change"] <= -0.5].sum())}
    for a in ALLOWANCES:
        out[f"cost_change.{a}"] = float(((df[f"{a}_reform"] - df[f"{a}_baseline"]) * w).sum())
    return out


def cost_and_recipients(base: Simulation, ref: Simulation) -> tuple[dict, dict]:
    """Spending (``total`` included) and recipients per allowance: ``{"baseline", "reform", "change"}`` each."""
    cost, recipients = {}, {}
    for a in ALLOWANCES:
        b, r = base.total(a), ref.total(a)
        cost[a] = {"baseline": b, "reform": r, "change": r - b}
        rb, rr = base.recipients(a), ref.recipients(a)
        recipients[a] = {"baseline": rb, "reform": rr, "change": rr - rb}
    tb = sum(v["baseline"] for v in cost.values())
    tr = sum(v["reform"] for v in cost.values())
    cost["total"] = {"baseline": tb, "reform": tr, "change": tr - tb}
    return cost, recipients


def _git_commit() -> str:
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=5)
        return res.stdout.strip() or "unknown"
    except Exception:
        return "unknown"


def parameters_version() -> str:
    h = hashlib.sha256()
    for stem in FILES:
        h.update((PARAMETER_DIR / f"{stem}.yaml").read_bytes())
    return h.hexdigest()[:16]


def _run(scenario: Scenario, pop: Population, year: int, reuse: Simulation | None = None) -> Simulation:
    """``scenario`` on ``pop``; allowances whose inputs equal those of ``reuse`` (the baseline) are taken over."""
    return simulate(pop, scenario.parameter_set(year), take_up=scenario.take_up(pop.meta.get("take_up")), reuse=reuse)


AUTO_INTERVAL_SEEDS = 4  # further population seeds for the headline interval when none are asked for
AUTO_INTERVAL_MAX_HOUSEHOLDS = 1_000_000  # above this size no further populations are built unless asked for


def compare(
    reform: Scenario,
    baseline: Scenario | None = None,
    population: Population | None = None,
    year: int | None = None,
    seeds: int | None = 0,
    repayment_seeds: int = 3,
    log=None,
) -> Comparison:
    """Compare ``reform`` with ``baseline`` (current law by default) on ``population``.

    ``year`` defaults to the reform's year, then the population's. With ``seeds`` > 0 the headline numbers are
    also computed on that many other populations of the same size (other seeds), to give an interval; ``None``
    means 4 up to AUTO_INTERVAL_MAX_HOUSEHOLDS households and none above (each further seed of the whole country is a
    build of two minutes and 12 GB; its sampling noise is small anyway). The
    advances-and-repayments year is simulated ``repayment_seeds`` times (Monte Carlo over the year's events).
    """
    from simlib.population.build import DEFAULT_SEED, cached_population

    t0 = time.perf_counter()
    year = year or reform.year or (baseline.year if baseline else None) or (population.year if population else 2020)
    if population is None:
        population = cached_population(year, log=log)
    if population.year != year:
        raise simlib.InputError(f"year: the population is for {population.year}, the scenario for {year}; build a population for {year}")
    baseline = baseline or current_law(year)
    base = _run(baseline, population, year)
    ref = _run(reform, population, year, reuse=base)
    # the years of repayments first: the household table (1 GB for the whole country) does not exist yet at their peak
    repayments, rep_tables = repayment_comparison(baseline, reform, population, year, repayment_seeds)
    df = household_frame(base, ref)
    w = df["weight"]
    hl = headline(df)
    cost, recipients = cost_and_recipients(base, ref)

    summary: dict = {
        "year": year,
        "households": float(w.sum()),
        "reform": {"name": reform.name, "description": reform.description, "signal": reform.signal},
        "baseline": {"name": baseline.name},
        "cost": cost,
        "recipients": recipients,
        "winners": hl["winners"],
        "losers": hl["losers"],
        "no_change": float(w[df["change"].abs() < 0.5].sum()),
    }
    summary["entitlement_changes"] = {
        a: {
            "newly_entitled": float(w[~df[f"{a}_entitled_baseline"] & df[f"{a}_entitled_reform"]].sum()),
            "no_longer_entitled": float(w[df[f"{a}_entitled_baseline"] & ~df[f"{a}_entitled_reform"]].sum()),
        }
        for a in ALLOWANCES
    }
    summary["partner_changes"] = {"households": float(w[df["partner_changed"]].sum())}
    summary["repayments"] = repayments

    if seeds is None:
        seeds = AUTO_INTERVAL_SEEDS if population.n_households <= AUTO_INTERVAL_MAX_HOUSEHOLDS else 0
        if not seeds:
            summary["interval"] = {"seeds": 0, "method": (
                f"no interval over population seeds: {population.n_households:,} households is above "
                f"{AUTO_INTERVAL_MAX_HOUSEHOLDS:,} (ask for seeds explicitly to build further populations of this size)")}
            (log or (lambda m: None))(summary["interval"]["method"])
    if seeds:
        values = {k: [v] for k, v in hl.items()}
        for s in range(1, seeds + 1):
            pop_s = cached_population(year, population.n_households, DEFAULT_SEED + 1000 * s, log=log)
            base_s = _run(baseline, pop_s, year)
            h = headline(household_frame(base_s, _run(reform, pop_s, year, reuse=base_s)))
            for k, v in h.items():
                values[k].append(v)
            del pop_s  # one further population in memory at a time
        summary["interval"] = {
            "seeds": seeds + 1,
            "method": f"the headline on {seeds + 1} populations of {population.n_households:,} households with different seeds",
            **{k: {"mean": float(np.mean(v)), "min": float(np.min(v)), "max": float(np.max(v)), "sd": float(np.std(v, ddof=1))} for k, v in values.items()},
        }

    tables = {
        "by_allowance": pd.DataFrame(
            [{"allowance": a, **{f"cost_{k}": v for k, v in summary["cost"][a].items()},
              **{f"recipients_{k}": v for k, v in summary["recipients"].get(a, {}).items()},
              **summary["entitlement_changes"].get(a, {})} for a in (*ALLOWANCES, "total")]
        ),
        "by_decile": _by(df, "decile"),
        "by_household_type": _by(df, "household_type"),
        "by_tenure": _by(df, "tenure"),
        **rep_tables,
        "gain_distribution": (
            df.assign(bin=pd.cut(df["change"], EURO_BINS, labels=EURO_LABELS))
            .groupby("bin", observed=False)["weight"].sum().reset_index().rename(columns={"weight": "households"})
        ),
    }
    summary["provenance"] = {
        "reform_files": reform.files,
        "baseline_files": baseline.files,
        "reform_overrides": {k: v for k, v in reform.resolve(year).items()},
        "parameters_version": parameters_version(),
        "population": {k: population.meta.get(k) for k in ("year", "seed", "households", "generator_version")},
        "population_path": population.meta.get("path"),
        "code_version": simlib.__version__,
        "git_commit": _git_commit(),
        "run_seconds": round(time.perf_counter() - t0, 3),
    }
    return Comparison(summary, tables, base, ref, df)


def compare_all(scenarios=None, year: int | None = None, repayment_seeds: int = 1, log=None) -> dict[str, Comparison]:
    """Compare several scenarios (paths or names in scenarios/; default every shipped proposal) with current law.

    Each runs in its own year (the ``year`` in its file) unless ``year`` is given, on the default population of that
    year. Baseline files (``baseline-*``) are skipped: they compare to zero.
    """
    from simlib.population.build import cached_population
    from simlib.parameters.scenario import list_scenarios, load_scenario

    paths = scenarios if scenarios is not None else [p for p in list_scenarios() if not p.stem.startswith("baseline-")]
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
        s = c.summary
        ec = s["entitlement_changes"]
        row = {
            "scenario": key,
            "name": s["reform"]["name"],
            "year": s["year"],
            "cost_change_mln": s["cost"]["total"]["change"] / 1e6,
            **{f"{a}_mln": s["cost"][a]["change"] / 1e6 for a in ALLOWANCES},
            "winners": s["winners"],
            "losers": s["losers"],
            "newly_entitled": sum(v["newly_entitled"] for v in ec.values()),
            "no_longer_entitled": sum(v["no_longer_entitled"] for v in ec.values()),
            "partner_changes": s["partner_changes"]["households"],
        }
        rep = s["repayments"]
        if rep.get("status") == "modelled":
            row["repayments_ge_500_change"] = rep["change"]["count_ge_500"]
            row["problematic_change"] = rep["change"]["problematic"]
            row["repayment_amount_change_mln"] = rep["change"]["amount"] / 1e6
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values("cost_change_mln", ascending=False, ignore_index=True) if len(df) else df
