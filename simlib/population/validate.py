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

TOLERANCE = {"spending": 0.02, "recipients": 0.02}  # relative, for calibration targets; structure: 5%
# shares: non-take-up within one percentage point of the published figure, other shares within two
ABSOLUTE_TOLERANCE = {"non_take_up": 0.01, "assets_share_le_5000": 0.02, "assets_share_ge_100000": 0.02,
                      "huurtoeslag_share": 0.02}


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
        absolute = kind in ABSOLUTE_TOLERANCE
        tol = ABSOLUTE_TOLERANCE[kind] if absolute else TOLERANCE.get(kind, 0.05)
        within = abs(sim_value - value) <= tol if absolute else abs(dev) <= tol
        rows.append(
            {
                "role": t["role"],
                "statistic": t["statistic"],
                "target": value,
                "simulated": sim_value,
                "deviation": dev,
                "within_tolerance": bool(within) if np.isfinite(sim_value) else False,
                "tolerance": tol,
                "tolerance_kind": "absolute" if absolute else "relative",
                "status": t.get("status", ""),
                "source": t["source"],
                "note": t.get("note", ""),
            }
        )
    return pd.DataFrame(rows)


SECTIONS = (("calibration", "Calibration targets (the weights are fitted to these)"),
            ("take_up", "Take-up targets (the take-up intercepts are fitted to these in expectation; the realised weighted "
                        "share of the entitled who do not claim is shown, tolerance one percentage point)"),
            ("validation", "Validation targets (kept out of the fit: evidence)"))


def format_table(df: pd.DataFrame, take_up: dict | None = None) -> str:
    """Plain-text rendering: calibration, take-up and validation targets; with ``take_up``
    (:func:`simlib.population.statistics.take_up_statistics`) also the non-take-up by monthly amount."""
    out = []
    for role, title in SECTIONS:
        part = df[df.role == role]
        if part.empty:
            continue
        out.append(title)
        out.append(f"{'statistic':46s} {'target':>16s} {'simulated':>16s} {'dev':>8s}  source")
        for r in part.itertuples():
            flag = "" if r.within_tolerance else "  !"
            if r.tolerance_kind == "absolute":
                cells = f"{r.target:16.3f} {r.simulated:16.3f} {(r.simulated - r.target) * 100:+7.1f}p"
            else:
                cells = f"{r.target:16,.1f} {r.simulated:16,.1f} {r.deviation:+8.1%}"
            out.append(f"{r.statistic:46s} {cells}{flag}  {r.source[:70]}")
        out.append("")
    if take_up:
        from simlib.population.statistics import AMOUNT_CLASSES

        out.append("Non-take-up by monthly entitlement (EUR a month; no shares per class are published: CPB 2025 finds it "
                   "highest up to EUR 50 a month, falling as the amount rises)")
        out.append(f"{'allowance':22s}" + "".join(f"{label:>10s}" for label, _, _ in AMOUNT_CLASSES))
        for a, row in take_up.items():
            out.append(f"{a:22s}" + "".join(f"{row['by_amount'][label]:10.1%}" if label in row["by_amount"] else f"{'':>10s}"
                                             for label, _, _ in AMOUNT_CLASSES))
        out.append("")
    return "\n".join(out)
