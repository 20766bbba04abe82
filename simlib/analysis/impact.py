"""Impact analysis: a reform against a baseline on the population it is handed — cost, winners, losers, who changes.

Both runs use the same population and the same take-up draws, so every difference comes from the rules (and from
the scenario's own behaviour assumptions). Amounts are yearly euros after take-up, weighted to the country.
:func:`impact` returns a typed :class:`Comparison`; :func:`seed_interval` gives the headline on further populations.
The public entry point that finds the population and adds interval, validation status and provenance is
:func:`simlib.analysis.compare.compare`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simlib.analysis.behaviour import behavioural_effect, risk_coefficient
from simlib.analysis.koopkracht import NetIncomeComparison, net_comparison
from simlib.analysis.labour_supply import labour_supply_effect
from simlib.analysis.repayments.runs import RepaymentComparison, compare_repayments
from simlib.engine.model import TENURES, TYPES, Population
from simlib.engine.simulate import Simulation, simulate
from simlib.errors import InputError
from simlib.parameters.scenario import Scenario
from simlib.population.statistics import gross_income, income_deciles, standardised_income
from simlib.rules import ALLOWANCES

BUCKETS = ("loss > 5%", "loss ≤ 5%", "no change", "gain ≤ 5%", "gain > 5%")
EURO_BINS = [-np.inf, -2000, -1000, -500, -100, -0.5, 0.5, 100, 500, 1000, 2000, np.inf]
EURO_LABELS = ["< -2,000", "-2,000 to -1,000", "-1,000 to -500", "-500 to -100", "-100 to 0", "no change",
               "0 to 100", "100 to 500", "500 to 1,000", "1,000 to 2,000", "> 2,000"]


# --- the typed result --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A total under the baseline and under the reform (euros a year, or households)."""

    baseline: float
    reform: float

    @property
    def change(self) -> float:
        return self.reform - self.baseline

    def to_dict(self) -> dict:
        return {"baseline": self.baseline, "reform": self.reform, "change": self.change}


@dataclass(frozen=True)
class EntitlementChange:
    """Households newly entitled to an allowance under the reform, and households no longer entitled."""

    newly_entitled: float
    no_longer_entitled: float

    def to_dict(self) -> dict:
        return {"newly_entitled": self.newly_entitled, "no_longer_entitled": self.no_longer_entitled}


@dataclass(frozen=True)
class Interval:
    """The headline numbers over several populations of the same size with other seeds: per headline key the mean,
    min, max and standard deviation (``stats`` is empty when no further population was built, ``method`` says why)."""

    seeds: int
    method: str
    stats: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"seeds": self.seeds, "method": self.method, **self.stats}


@dataclass
class Comparison:
    """The result of :func:`compare`: typed headline figures, the tables behind them, both simulations and the
    household table. ``summary`` is the same as a plain dict (the contract of ``summary.json``)."""

    year: int
    households: float
    reform_scenario: dict  # name, description, signal
    baseline_name: str
    cost: dict[str, Change]  # per allowance and "total": spending after take-up
    recipients: dict[str, Change]  # per allowance: claimants with a positive amount after take-up
    winners: float
    losers: float
    no_change: float
    entitlement_changes: dict[str, EntitlementChange]
    partner_changes: float  # households in which somebody's toeslagpartner changes
    repayments: RepaymentComparison
    tables: dict[str, pd.DataFrame]
    baseline: Simulation
    reform: Simulation
    household: pd.DataFrame = field(repr=False)
    net: NetIncomeComparison | None = None  # koopkracht, low incomes, marginale druk
    behaviour: dict | None = None  # static against behavioural cost (analysis/behaviour.py)
    labour_supply: dict | None = None  # the parents' labour-supply response (analysis/labour_supply.py), when switched on
    interval: Interval | None = None
    validation: dict = field(default_factory=dict)  # per headline number: interval and the published counterpart
    provenance: dict = field(default_factory=dict)

    @property
    def summary(self) -> dict:
        out = {
            "year": self.year,
            "households": self.households,
            "reform": self.reform_scenario,
            "baseline": {"name": self.baseline_name},
            "cost": {k: v.to_dict() for k, v in self.cost.items()},
            "recipients": {k: v.to_dict() for k, v in self.recipients.items()},
            "winners": self.winners,
            "losers": self.losers,
            "no_change": self.no_change,
            "entitlement_changes": {k: v.to_dict() for k, v in self.entitlement_changes.items()},
            "partner_changes": {"households": self.partner_changes},
            "repayments": self.repayments.to_dict(),
        }
        if self.net is not None:
            out.update(self.net.to_dict())
        if self.behaviour is not None:
            out["behaviour"] = self.behaviour
        if self.labour_supply is not None:
            out["labour_supply"] = self.labour_supply
        if self.interval is not None:
            out["interval"] = self.interval.to_dict()
        if self.validation:
            out["validation"] = self.validation
        out["provenance"] = self.provenance
        return out


# --- the household table and what is read from it ----------------------------------------------------------------

def gain_buckets(change: np.ndarray, gross: np.ndarray) -> np.ndarray:
    """Index into BUCKETS of each household's change: loss/gain of more or less than 5% of gross income
    (at least EUR 1,000 as the base), changes under half a euro counting as no change."""
    rel = change / np.maximum(gross, 1000.0)
    return np.select([change <= -0.5, change < 0.5, rel <= 0.05], [np.where(rel < -0.05, 0, 1), 2, 3], default=4)


def _names(codes: np.ndarray, names: tuple) -> np.ndarray:
    return np.where(codes >= 0, np.asarray(names, dtype=object)[np.maximum(codes, 0)], "onbekend")


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
    income = standardised_income(pop)
    df["standardised_income"] = income
    df["decile"] = income_deciles(income, w)
    df["bucket"] = np.asarray(BUCKETS, dtype=object)[gain_buckets(df["change"].to_numpy(), gross_income(pop))]
    df["household_type"] = _names(pop.households["household_type"], TYPES)
    df["tenure"] = _names(pop.households["tenure"], TENURES)
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
    """The headline numbers of a household table: the change in spending (in total and per allowance), winners and
    losers (households whose yearly amount rises or falls by at least half a euro), the newly entitled per allowance."""
    w = df["weight"]
    out = {"cost_change": float((df["change"] * w).sum()),
           "winners": float(w[df["change"] >= 0.5].sum()),
           "losers": float(w[df["change"] <= -0.5].sum())}
    for a in ALLOWANCES:
        out[f"cost_change.{a}"] = float(((df[f"{a}_reform"] - df[f"{a}_baseline"]) * w).sum())
    for a, e in entitlement_changes(df).items():
        out[f"newly_entitled.{a}"] = e.newly_entitled
    return out


def cost_and_recipients(base: Simulation, ref: Simulation) -> tuple[dict[str, Change], dict[str, Change]]:
    """Spending (``total`` included) and recipients per allowance under baseline and reform."""
    cost = {a: Change(base.total(a), ref.total(a)) for a in ALLOWANCES}
    recipients = {a: Change(base.recipients(a), ref.recipients(a)) for a in ALLOWANCES}
    cost["total"] = Change(sum(v.baseline for v in cost.values()), sum(v.reform for v in cost.values()))
    return cost, recipients


def entitlement_changes(df: pd.DataFrame) -> dict[str, EntitlementChange]:
    """Per allowance the households newly entitled and no longer entitled (a positive entitlement before take-up)."""
    w = df["weight"]
    return {a: EntitlementChange(float(w[~df[f"{a}_entitled_baseline"] & df[f"{a}_entitled_reform"]].sum()),
                                 float(w[df[f"{a}_entitled_baseline"] & ~df[f"{a}_entitled_reform"]].sum()))
            for a in ALLOWANCES}


def _tables(df: pd.DataFrame, cost, recipients, entitlement, repayment_tables: dict) -> dict[str, pd.DataFrame]:
    by_allowance = pd.DataFrame(
        [{"allowance": a, **{f"cost_{k}": v for k, v in cost[a].to_dict().items()},
          **({f"recipients_{k}": v for k, v in recipients[a].to_dict().items()} if a in recipients else {}),
          **(entitlement[a].to_dict() if a in entitlement else {})} for a in (*ALLOWANCES, "total")]
    )
    return {
        "by_allowance": by_allowance,
        "by_decile": _by(df, "decile"),
        "by_household_type": _by(df, "household_type"),
        "by_tenure": _by(df, "tenure"),
        **repayment_tables,
        "gain_distribution": (
            df.assign(bin=pd.cut(df["change"], EURO_BINS, labels=EURO_LABELS))
            .groupby("bin", observed=False)["weight"].sum().reset_index().rename(columns={"weight": "households"})
        ),
    }


# --- comparing ---------------------------------------------------------------------------------------------------

def _run(scenario: Scenario, pop: Population, year: int, reuse: Simulation | None = None) -> Simulation:
    """``scenario`` on ``pop``; allowances whose inputs equal those of ``reuse`` (the baseline) are taken over."""
    return simulate(pop, scenario.parameter_set(year), take_up=scenario.take_up(pop.meta.get("take_up")), reuse=reuse)


def impact(reform: Scenario, baseline: Scenario, population: Population, year: int, repayment_seeds: int = 3,
           marginal: bool = True) -> Comparison:
    """``reform`` against ``baseline`` on ``population`` (of ``year``): both runs, the year of repayments
    (``repayment_seeds`` Monte Carlo runs of the year's events), the household table, the headline, and net income:
    koopkracht, low incomes and (``marginal``) the marginale druk of every worker (two more runs each)."""
    if population.year != year:
        raise InputError(f"year: the population is for {population.year}, the scenario for {year}; build a population for {year}")
    base = _run(baseline, population, year)
    ref = _run(reform, population, year, reuse=base)
    # the years of repayments first: the household table (1 GB for the whole country) does not exist yet at their peak
    repayments, repayment_tables = compare_repayments(baseline, reform, population, year, repayment_seeds)
    df = household_frame(base, ref)
    w = df["weight"]
    hl = headline(df)
    cost, recipients = cost_and_recipients(base, ref)
    entitlement = entitlement_changes(df)
    net = net_comparison(base, ref, df, marginal=marginal)
    behaviour = None
    if repayments.modelled and repayments.risk:
        beta = risk_coefficient(reform)
        shift = {a: reform.behaviour.get(a, {}).get("intercept_shift", 0.0) - baseline.behaviour.get(a, {}).get("intercept_shift", 0.0)
                 for a in ALLOWANCES}
        behaviour = behavioural_effect(base, ref, repayments.risk, {a: cost[a].change for a in ALLOWANCES}, beta, shift)
    labour = labour_supply_effect(reform, base, ref, reform.take_up(population.meta.get("take_up")), cost["total"].change)
    return Comparison(
        year=year, households=float(w.sum()),
        reform_scenario={"name": reform.name, "description": reform.description, "signal": reform.signal},
        baseline_name=baseline.name, cost=cost, recipients=recipients, winners=hl["winners"], losers=hl["losers"],
        no_change=float(w[df["change"].abs() < 0.5].sum()), entitlement_changes=entitlement,
        partner_changes=float(w[df["partner_changed"]].sum()), repayments=repayments,
        tables={**_tables(df, cost, recipients, entitlement, repayment_tables), **net.tables}, baseline=base, reform=ref,
        household=df, net=net, behaviour=behaviour, labour_supply=labour)


def seed_interval(reform: Scenario, baseline: Scenario, year: int, first: dict, n_households: int, seeds: int, log=None) -> Interval:
    """The headline numbers on ``seeds`` further populations of ``n_households`` households (other seeds), with
    ``first`` (the headline on the population compared): mean, min, max and standard deviation of each."""
    from simlib.population import build

    values = {k: [v] for k, v in first.items()}
    for s in range(1, seeds + 1):
        pop_s = build.cached_population(year, n_households, build.DEFAULT_SEED + 1000 * s, log=log)
        base_s = _run(baseline, pop_s, year)
        for k, v in headline(household_frame(base_s, _run(reform, pop_s, year, reuse=base_s))).items():
            values[k].append(v)
        del pop_s  # one further population in memory at a time
    stats = {k: {"mean": float(np.mean(v)), "min": float(np.min(v)), "max": float(np.max(v)), "sd": float(np.std(v, ddof=1))}
             for k, v in values.items()}
    return Interval(seeds + 1, f"the headline on {seeds + 1} populations of {n_households:,} households with different seeds", stats)
