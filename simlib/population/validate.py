"""The validation table: every target of the year, its source, the simulated value and the deviation.

Targets used for calibration (fit) and targets kept out of it (evidence) are reported separately, so nobody
confuses fit with evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simlib.engine.simulate import Simulation
from simlib.population.build import load_targets
from simlib.population.statistics import household_columns, scalar_statistics

TOLERANCE = {"spending": 0.02, "recipients": 0.02}  # the bar for calibration targets; structure: 5%


def simulated_value(stat: str, cols: dict, scalars: dict, w: np.ndarray) -> float:
    if stat.startswith("primary_income_mean."):
        g = stat.split(".", 1)[1]
        return float(cols[f"primary_income.{g}"] @ w / (cols[f"households.{g}"] @ w))
    if stat in cols:
        return float(cols[stat] @ w)
    if stat in scalars:
        return float(scalars[stat])
    return float("nan")


def validation_table(sim: Simulation) -> pd.DataFrame:
    """One row per target of the simulation's year."""
    targets = load_targets(sim.year)["targets"]
    cols = household_columns(sim)
    scalars = scalar_statistics(sim)
    w = sim.population.households["weight"]
    rows = []
    for t in targets:
        value = float(t["value"])
        sim_value = simulated_value(t["statistic"], cols, scalars, w)
        dev = (sim_value - value) / value if value else float("nan")
        kind = t["statistic"].split(".")[0]
        tol = TOLERANCE.get(kind, 0.05)
        rows.append(
            {
                "role": t["role"],
                "statistic": t["statistic"],
                "target": value,
                "simulated": sim_value,
                "deviation": dev,
                "within_tolerance": bool(abs(dev) <= tol) if np.isfinite(dev) else False,
                "tolerance": tol,
                "status": t.get("status", ""),
                "source": t["source"],
                "note": t.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


def format_table(df: pd.DataFrame) -> str:
    """Plain-text rendering: calibration targets first, then validation targets."""
    out = []
    for role, title in (("calibration", "Calibration targets (the weights and take-up are fitted to these)"),
                        ("validation", "Validation targets (kept out of the fit: evidence)")):
        part = df[df.role == role]
        if part.empty:
            continue
        out.append(title)
        out.append(f"{'statistic':46s} {'target':>16s} {'simulated':>16s} {'dev':>8s}  source")
        for r in part.itertuples():
            flag = "" if r.within_tolerance else "  !"
            out.append(f"{r.statistic:46s} {r.target:16,.1f} {r.simulated:16,.1f} {r.deviation:+8.1%}{flag}  {r.source[:70]}")
        out.append("")
    return "\n".join(out)
