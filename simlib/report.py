"""Summaries of a simulation for reports and the CLI."""

from __future__ import annotations

from simlib.simulate import ALLOWANCES, Simulation


def baseline_summary(sim: Simulation) -> dict:
    """Totals per allowance (weighted to the country): spending after take-up, recipients, entitled claimants."""
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
    out["spending_total"] = sum(v["spending"] for v in out["allowances"].values())
    return out
