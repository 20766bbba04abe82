"""The budget window: a proposal costed over several years (a cabinet period, say 2026-2030).

Each year is compared on its own: the population of that year (uprated, data/projections for 2027-2030), current law
of that year (enacted amounts, else indexed: parameters/indexation.py) against the proposal as in force that year
(its ``phase_in``). Per year: the change in spending, static and with behavioural take-up, winners and losers, the
newly entitled and the repayments of EUR 500 or more; over the window: the totals. Amounts are in euros of each year
(nominal), as a Rijksbegroting counts them.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import pandas as pd

from simlib.analysis.compare import compare
from simlib.engine.memory import release_freed_memory
from simlib.errors import InputError
from simlib.parameters import SUPPORTED_YEARS
from simlib.parameters.indexation import LAST_ENACTED_YEAR
from simlib.parameters.scenario import Scenario, current_law
from simlib.rules import ALLOWANCES

WINDOW = tuple(range(2026, 2031))  # the default window: the cabinet period from the last enacted year
SUMMED = ("cost", "behavioural_cost", "take_up_response", *(f"cost_{a}" for a in ALLOWANCES),
          "net_cost_labour_supply", "tax_change_labour_supply",
          "repayments_ge_500_change", "problematic_change", "repayment_amount_change")


@dataclass
class BudgetWindow:
    """A proposal over several years: one row per year and the totals."""

    scenario: dict
    years: list[int]
    rows: list[dict]
    notes: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    @property
    def totals(self) -> dict:
        t = self.table
        return {k: float(t[k].sum()) for k in SUMMED if k in t and t[k].notna().any()}

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "years": self.years, "per_year": self.rows, "total": self.totals,
                "notes": self.notes}


def parse_years(text: str) -> list[int]:
    """'2026-2030' or '2026,2028' -> the years (checked against the supported years)."""
    text = str(text).strip()
    try:
        if "-" in text[1:]:
            a, b = text.split("-", 1)
            years = list(range(int(a), int(b) + 1))
        else:
            years = [int(x) for x in text.split(",")]
    except ValueError:
        raise InputError(f"--years: expected a range such as 2026-2030 or a list such as 2026,2028, got {text[:40]!r}") from None
    bad = [y for y in years if y not in SUPPORTED_YEARS]
    if not years or bad or len(years) > len(SUPPORTED_YEARS):
        raise InputError(f"--years: every year must lie in {SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]}, got {text[:40]!r}")
    return sorted(set(years))


def year_row(c, year: int, share: float) -> dict:
    """The figures of one year's comparison that a budget window adds up."""
    row = {"year": year, "parameters": "enacted" if year <= LAST_ENACTED_YEAR else "projected", "share_in_force": share,
           "cost": c.cost["total"].change, **{f"cost_{a}": c.cost[a].change for a in ALLOWANCES},
           "winners": c.winners, "losers": c.losers,
           "newly_entitled": sum(v.newly_entitled for v in c.entitlement_changes.values()),
           "no_longer_entitled": sum(v.no_longer_entitled for v in c.entitlement_changes.values())}
    if c.behaviour:
        row.update(behavioural_cost=c.behaviour["behavioural_cost"], take_up_response=c.behaviour["take_up_response"])
    if c.labour_supply:
        row.update(net_cost_labour_supply=c.labour_supply["net_cost"], tax_change_labour_supply=c.labour_supply["tax_change"])
    if c.repayments.modelled:
        row.update(repayments_ge_500_change=c.repayments.change["count_ge_500"],
                   problematic_change=c.repayments.change["problematic"],
                   repayment_amount_change=c.repayments.change["amount"])
    return row


def budget_window(reform: Scenario, years=WINDOW, baseline: Scenario | None = None, repayment_seeds: int = 1,
                  n_households: int | None = None, log=None) -> BudgetWindow:
    """``reform`` against current law (or ``baseline``) in each of ``years``, on the default population of each year
    (``n_households`` for another size). The advances-and-repayments year runs ``repayment_seeds`` times a year
    (0: no repayments and no behavioural cost). No marginale druk and no seed interval: a window is about money."""
    from simlib.population.build import DEFAULT_HOUSEHOLDS, cached_population

    say = log or (lambda m: None)

    def one_year(y: int) -> dict:  # its population and comparison are freed on return (the whole country: ~10 GB a year)
        pop = cached_population(y, n_households or DEFAULT_HOUSEHOLDS, log=log)
        base = baseline.phased(y) if baseline is not None else current_law(y)
        c = compare(reform.phased(y), base, pop, year=y, seeds=0, repayment_seeds=repayment_seeds, marginal=False, log=log)
        return year_row(c, y, reform.share(y))

    rows = []
    for y in years:
        rows.append(one_year(y))
        gc.collect()  # the year's arrays are in reference cycles (simulations <-> population caches)
        release_freed_memory()
        say(f"{reform.name}: {y} cost EUR {rows[-1]['cost'] / 1e6:+,.0f} mln")
    first = min((y for y in years if y > LAST_ENACTED_YEAR), default=None)
    notes = [f"{first}: parameters projected (enacted or announced amounts where written, else indexed; data/projections)"] if first else []
    if reform.phase_in:
        notes.append("phase-in: " + ", ".join(f"{y} {s:.0%}" for y, s in reform.phase_in.items()))
    return BudgetWindow({"name": reform.name, "description": reform.description, "signal": reform.signal},
                        list(years), rows, notes)


def window_all(scenarios=None, years=WINDOW, repayment_seeds: int = 1, log=None) -> dict[str, BudgetWindow]:
    """Every shipped proposal (or ``scenarios``: paths or names) over ``years``; the populations of the years are
    built once and shared."""
    from pathlib import Path

    from simlib.parameters.scenario import load_scenario, shipped_proposals

    paths = scenarios if scenarios is not None else shipped_proposals()
    return {Path(str(p)).stem: budget_window(load_scenario(p), years, repayment_seeds=repayment_seeds, log=log) for p in paths}


def window_overview(windows: dict[str, BudgetWindow]) -> pd.DataFrame:
    """One row per proposal: the cost of each year and the total (EUR mln), ranked by the total."""
    rows = []
    for key, w in windows.items():
        t = w.table.set_index("year")
        row = {"scenario": key, "name": w.scenario["name"],
               **{f"{y}_mln": t.loc[y, "cost"] / 1e6 for y in w.years}, "total_mln": w.totals.get("cost", 0.0) / 1e6}
        if "behavioural_cost" in w.totals:
            row["total_behavioural_mln"] = w.totals["behavioural_cost"] / 1e6
        if "repayments_ge_500_change" in w.totals:
            row["repayments_ge_500_change_total"] = w.totals["repayments_ge_500_change"]
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values("total_mln", ascending=False, ignore_index=True) if len(df) else df
