"""Statistics of a population and its baseline that can be compared with official figures.

A *linear* statistic is a weighted sum over households, ``sum_i w_i x_i``; its per-household column ``x`` is what
the calibration uses. Other statistics (medians, shares) are for validation only. Statistic names are the keys used
in ``data/targets/targets_<year>.yaml``.
"""

from __future__ import annotations

import numpy as np

from simlib.population.generate import TENURES, TYPES
from simlib.simulate import ALLOWANCES, Simulation

PRIMARY_PROFILES = (0, 1, 2, 5, 6)  # vast, flex, zelfstandige, student, geen
AGE_BANDS = {"lt25": (0, 25), "25_35": (25, 35), "35_45": (35, 45), "45_55": (45, 55), "55_65": (55, 65),
             "65_75": (65, 75), "75_85": (75, 85), "85plus": (85, 200)}


def household_columns(sim: Simulation) -> dict[str, np.ndarray]:
    """Per-household columns x of every linear statistic (sum_i w_i x_i is the statistic)."""
    pop = sim.population
    P, H = pop.persons, pop.households
    n = pop.n_households
    hh = P["household"]
    resident = ~P["elsewhere"]
    first = np.r_[True, hh[1:] != hh[:-1]] if len(hh) else np.zeros(0, dtype=bool)
    head_age = np.zeros(n)
    head_age[hh[first]] = P["age"][first]
    size = np.bincount(hh, weights=resident.astype(float), minlength=n)
    cols: dict[str, np.ndarray] = {"households": np.ones(n)}
    for t, name in enumerate(TYPES):
        cols[f"household_type.{name}"] = (H["household_type"] == t).astype(float)
    for k in (1, 2, 3, 4):
        cols[f"household_size.{k}"] = (size == k).astype(float)
    cols["household_size.5plus"] = (size >= 5).astype(float)
    for t, name in enumerate(TENURES):
        cols[f"tenure.{name}"] = (H["tenure"] == t).astype(float)
    for band, (lo, hi) in AGE_BANDS.items():
        cols[f"head_age.{band}"] = ((head_age >= lo) & (head_age < hi)).astype(float)
    head_rows = np.flatnonzero(first)
    head_spouse = P["spouse"][head_rows]
    spouse_here = (head_spouse >= 0) & resident[np.maximum(head_spouse, 0)]
    cols["couples.married"] = np.zeros(n)
    cols["couples.married"][hh[head_rows]] = spouse_here.astype(float)
    cols["couples.unmarried"] = np.zeros(n)
    cols["couples.unmarried"][hh[head_rows]] = (P["cohabitant"][head_rows] >= 0).astype(float)
    cols["persons"] = size
    # primary income (CBS 'primair inkomen': from work and own business; benefits and pensions excluded)
    primary = np.isin(P["profile"], PRIMARY_PROFILES) & resident
    prim = np.bincount(hh, weights=np.where(primary, np.maximum(P["income"], 0.0), 0.0), minlength=n)
    aow_months = sim.params.huurtoeslag.pensioengerechtigde_leeftijd
    below_aow = head_age * 12 < aow_months
    groups = {
        "eenpersoons_onder_aow": (H["household_type"] == 0) & below_aow,
        "paar_zonder_kinderen_onder_aow": (H["household_type"] == 1) & below_aow,
        "paar_met_kinderen": H["household_type"] == 2,
        "eenouder": H["household_type"] == 3,
    }
    cols["primary_income.total"] = prim
    for name, sel in groups.items():
        cols[f"primary_income.{name}"] = np.where(sel, prim, 0.0)
        cols[f"households.{name}"] = sel.astype(float)
    cols["households_with.work_income"] = np.bincount(
        hh, weights=(np.isin(P["profile"], (0, 1)) & resident).astype(float), minlength=n
    ) > 0
    cols["households_with.self_employed_income"] = np.bincount(hh, weights=((P["profile"] == 2) & resident).astype(float), minlength=n) > 0
    cols["households_with.work_income"] = cols["households_with.work_income"].astype(float)
    cols["households_with.self_employed_income"] = cols["households_with.self_employed_income"].astype(float)
    minor = resident & (P["age"] < 18)
    cols["persons.under_18"] = np.bincount(hh, weights=minor.astype(float), minlength=n)
    unit_hh = sim.units["household"]
    for a in ALLOWANCES:
        amounts, _ = sim.claimant_amounts(a)
        if a == "huurtoeslag":
            cols[f"recipients.{a}"] = (amounts > 0).astype(float)
            cols[f"spending.{a}"] = amounts
        else:
            cols[f"recipients.{a}"] = np.bincount(unit_hh, weights=(amounts > 0).astype(float), minlength=n)
            cols[f"spending.{a}"] = np.bincount(unit_hh, weights=amounts, minlength=n)
    any_unit = np.zeros(len(unit_hh), dtype=bool)
    for a in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        any_unit |= sim.units[a + "_ontvangen"] > 0
    ht_only = (sim.homes["huurtoeslag_ontvangen"] > 0) & (sim.homes["huurder"] >= 0)
    head_unit = sim.persons["unit"][np.maximum(sim.homes["huurder"], 0)]
    any_unit[head_unit[ht_only & (head_unit >= 0)]] = True
    cols["recipients.any"] = np.bincount(unit_hh, weights=any_unit.astype(float), minlength=n)
    # children in childcare with kinderopvangtoeslag, by care type
    kot_units = sim.units["kinderopvangtoeslag_ontvangen"] > 0
    cu = sim.persons["child_unit"]
    in_care = (cu >= 0) & (P["childcare_type"] > 0)
    paid = in_care & kot_units[np.maximum(cu, 0)]
    for code, name in ((1, "dagopvang"), (2, "bso"), (3, "gastouderopvang")):
        cols[f"kot_children.{name}"] = np.bincount(hh, weights=(paid & (P["childcare_type"] == code)).astype(float), minlength=n)
    cols["kot_children.total"] = np.bincount(hh, weights=paid.astype(float), minlength=n)
    home_child = resident & ((P["parent1"] >= 0) | (P["parent2"] >= 0))  # CBS: home-living children of any age
    n_kids = np.bincount(hh, weights=home_child.astype(float), minlength=n)
    single_parent = H["household_type"] == 3
    for k, label in ((1, "1"), (2, "2")):
        cols[f"single_parent_children.{label}"] = (single_parent & (n_kids == k)).astype(float)
    return cols


def weighted_quantile(values, weights, q):
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if values.size == 0:
        return float("nan")
    order = np.argsort(values)
    cw = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cw, q * cw[-1])])


def scalar_statistics(sim: Simulation) -> dict[str, float]:
    """Statistics that are not weighted sums (validation only)."""
    pop = sim.population
    P, H = pop.persons, pop.households
    w = H["weight"]
    hh = P["household"]
    n = pop.n_households
    assets = np.bincount(hh, weights=np.where(P["elsewhere"], 0.0, P["assets"]), minlength=n)
    hhp = P["household"]
    resident = ~P["elsewhere"]
    prim = np.bincount(hhp, weights=np.where(np.isin(P["profile"], PRIMARY_PROFILES) & resident, np.maximum(P["income"], 0.0), 0.0), minlength=n)
    first = np.r_[True, hhp[1:] != hhp[:-1]] if len(hhp) else np.zeros(0, dtype=bool)
    head_age = np.zeros(n)
    head_age[hhp[first]] = P["age"][first]
    below_aow = head_age * 12 < sim.params.huurtoeslag.pensioengerechtigde_leeftijd
    med = {}
    for name, sel in {
        "all": np.ones(n, dtype=bool),
        "eenpersoons_onder_aow": (H["household_type"] == 0) & below_aow,
        "paar_zonder_kinderen_onder_aow": (H["household_type"] == 1) & below_aow,
        "paar_met_kinderen": H["household_type"] == 2,
        "eenouder": H["household_type"] == 3,
    }.items():
        if sel.any():
            med[f"primary_income_median.{name}"] = weighted_quantile(prim[sel], w[sel], 0.5)
    out = {"assets_median.all": weighted_quantile(assets, w, 0.5), "assets_mean.all": float(np.sum(assets * w) / np.sum(w))}
    for t, name in enumerate(TYPES):
        sel = H["household_type"] == t
        if sel.any():
            out[f"assets_median.{name}"] = weighted_quantile(assets[sel], w[sel], 0.5)
    care = P["childcare_type"] > 0
    pw = w[hh]
    for code, name in ((1, "dagopvang"), (2, "bso")):
        sel = P["childcare_type"] == code
        if sel.any():
            out[f"kot_hours_mean.{name}"] = float(np.sum(P["childcare_hours"][sel] * pw[sel]) / np.sum(pw[sel]))
    out.update(med)
    if care.any():
        out["kot_hours_mean.total"] = float(np.sum(P["childcare_hours"][care] * pw[care]) / np.sum(pw[care]))
    rent = H["bare_rent"]
    soc = H["tenure"] == 1
    if soc.any():
        out["rent_mean.sociale_huur"] = float(np.sum(rent[soc] * w[soc]) / np.sum(w[soc]))
    for a in ALLOWANCES:
        amounts, cw = sim.claimant_amounts(a)
        pos = amounts > 0
        if pos.any():
            out[f"mean_amount.{a}"] = float(np.sum(amounts[pos] * cw[pos]) / np.sum(cw[pos]))
    return out
