"""What a proposal does to net income: koopkracht, households below the low-income line, marginale druk.

- **Koopkracht** (static, as CPB's koopkrachtplaatje): the change of each household's net disposable income
  (:func:`simlib.engine.net_income.net_income`, with the allowances after take-up) in percent of the baseline; the
  median and the spread, per income decile and household type.
- **Low incomes**: households (and persons) whose net income excluding huurtoeslag, divided by the CBS equivalence
  factor, is below the CBS lage-inkomensgrens (data/targets/low_income_line.yaml), baseline and reform.
- **Marginale druk**: the share of working persons facing more than 60, 80 and 100%, baseline and reform
  (:mod:`simlib.analysis.marginale_druk`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simlib.analysis.marginale_druk import marginal_rates
from simlib.engine.net_income import net_income
from simlib.engine.simulate import Simulation
from simlib.population.statistics import below_low_income_line, low_income_line, weighted_quantile

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
NOTICEABLE = 0.005  # a change of net income of at least half a percent counts as better or worse off


def _quantiles(values: np.ndarray, w: np.ndarray) -> dict:
    q = weighted_quantile(values, w, np.array(QUANTILES)) if len(values) else np.full(len(QUANTILES), np.nan)
    return {f"p{int(round(x * 100))}": float(v) for x, v in zip(QUANTILES, q)}


@dataclass(frozen=True)
class NetIncomeComparison:
    """Koopkracht, low incomes and marginale druk of a comparison; ``tables`` for the CSV files and the report."""

    koopkracht: dict
    low_income: dict
    marginale_druk: dict
    tables: dict = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {"koopkracht": self.koopkracht, "low_income": self.low_income, "marginale_druk": self.marginale_druk}


def net_comparison(base: Simulation, reform: Simulation, df: pd.DataFrame, marginal: bool = True) -> NetIncomeComparison:
    """Koopkracht, low incomes and marginale druk of ``reform`` against ``base``; adds the columns netto_baseline,
    netto_reform and koopkracht (a share) to the household table ``df``."""
    w = df["weight"].to_numpy()
    nb, nr = net_income(base, detail=False), net_income(reform, detail=False)
    df["netto_baseline"], df["netto_reform"] = nb["netto"], nr["netto"]
    positive = nb["netto"] > 0
    change = np.divide(nr["netto"] - nb["netto"], nb["netto"], out=np.zeros(len(w)), where=positive)
    df["koopkracht"] = change
    kk = {"median": _quantiles(change[positive], w[positive])["p50"], **_quantiles(change[positive], w[positive]),
          "better_off": float(w[change >= NOTICEABLE].sum()), "worse_off": float(w[change <= -NOTICEABLE].sum()),
          "households": float(w[positive].sum()),
          "definition": "change of net disposable income (toetsingsinkomen - income tax and premiums + heffingskortingen "
                        "+ kinderbijslag + allowances after take-up) in percent of the baseline; households with a positive net income"}
    tables = {"koopkracht_by_decile": _by(df[positive], "decile"), "koopkracht_by_household_type": _by(df[positive], "household_type")}

    line, note = low_income_line(base.year)
    below_b, below_r = below_low_income_line(base, nb), below_low_income_line(reform, nr)
    P = base.population.persons
    persons = np.bincount(P["household"], weights=(~P["elsewhere"]).astype(float), minlength=base.population.n_households)
    low = {"line": line, "line_source": note, "households_baseline": float(w[below_b].sum()),
           "households_reform": float(w[below_r].sum()), "persons_baseline": float((w * persons)[below_b].sum()),
           "persons_reform": float((w * persons)[below_r].sum()),
           "definition": "net income excluding huurtoeslag divided by the CBS equivalence factor below the line; "
                         "student households and households without income left out, as CBS does"}
    low["households_change"] = low["households_reform"] - low["households_baseline"]
    low["persons_change"] = low["persons_reform"] - low["persons_baseline"]

    md: dict = {}
    if marginal:
        rates = {"baseline": marginal_rates(base), "reform": marginal_rates(reform)}
        md = {k: r.shares() for k, r in rates.items()}
        decile = df["decile"].to_numpy()
        tables["marginale_druk_by_decile"] = rates["baseline"].table(decile, "decile").merge(
            rates["reform"].table(decile, "decile"), on="decile", suffixes=("_baseline", "_reform"))
    return NetIncomeComparison(kk, low, md, tables)


def _by(df: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = []
    for value, g in df.groupby(key, sort=True):
        w = g["weight"].to_numpy()
        ch = g["koopkracht"].to_numpy()
        rows.append({key: value, "households": float(w.sum()), **_quantiles(ch, w),
                     "better_off": float(w[ch >= NOTICEABLE].sum() / w.sum()), "worse_off": float(w[ch <= -NOTICEABLE].sum() / w.sum()),
                     "netto_baseline_mean": float(np.average(g["netto_baseline"], weights=w))})
    return pd.DataFrame(rows)
