"""Summaries of a simulation for reports and the CLI."""

from __future__ import annotations

import numpy as np

from simlib.engine.simulate import Simulation
from simlib.rules import ALLOWANCES


def baseline_summary(sim: Simulation) -> dict:
    """Totals per allowance (weighted to the country): spending after take-up, recipients, entitled claimants, the
    entitlement before take-up and the realised non-take-up (the share of the entitled claimants who do not claim)."""
    w = sim.population.households["weight"]
    out = {
        "year": sim.year,
        "households": float(w.sum()),
        "sample_households": sim.population.n_households,
        "allowances": {},
    }
    for a in ALLOWANCES:
        out["allowances"][a] = {
            "spending": sim.total(a),
            "recipients": sim.recipients(a),
            "entitled": sim.recipients(a, received=False),
            "entitlement": sim.total(a, received=False),
        }
        entitled = out["allowances"][a]["entitled"]
        out["allowances"][a]["non_take_up"] = 1.0 - out["allowances"][a]["recipients"] / entitled if entitled else 0.0
    out["spending_total"] = sum(v["spending"] for v in out["allowances"].values())
    return out


def population_overview(pop) -> "pd.DataFrame":
    """Households (weighted to the country, thousands) by household type and tenure, with persons and mean income."""
    import pandas as pd

    from simlib.engine.model import TENURES, TYPES
    from simlib.population.statistics import gross_income

    H, P = pop.households, pop.persons
    w = H["weight"]
    persons = np.bincount(P["household"], weights=(~P["elsewhere"]).astype(float), minlength=pop.n_households)
    income = gross_income(pop)
    label = lambda codes, names: np.where(codes >= 0, np.asarray(names, dtype=object)[np.maximum(codes, 0)], "onbekend")  # noqa: E731
    df = pd.DataFrame({"household_type": label(H["household_type"], TYPES), "tenure": label(H["tenure"], TENURES),
                       "w": w, "wp": w * persons, "wi": w * income})
    g = df.groupby(["household_type", "tenure"], sort=True)[["w", "wp", "wi"]].sum()
    out = pd.DataFrame({"households_thousands": g["w"] / 1e3, "persons_thousands": g["wp"] / 1e3,
                        "mean_gross_income": g["wi"] / g["w"]}).reset_index()
    total = pd.DataFrame([{"household_type": "totaal", "tenure": "", "households_thousands": w.sum() / 1e3,
                           "persons_thousands": (w * persons).sum() / 1e3, "mean_gross_income": (w * income).sum() / w.sum()}])
    return pd.concat([out, total], ignore_index=True)
