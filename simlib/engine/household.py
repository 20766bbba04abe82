"""The household calculator: one household in, the four allowances out, with the reasons.

It converts the household (a dict, as in the README; :mod:`simlib.engine.household_input`) into a one-household
:class:`~simlib.engine.model.Population` and runs the same vectorised :func:`~simlib.engine.simulate.simulate` as the
population run — one implementation, not two.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simlib.engine.household_input import parse_household, to_population
from simlib.engine.model import CARE_TYPE_NAMES
from simlib.engine.net_income import PARTS, net_income
from simlib.engine.simulate import simulate
from simlib.rules.inkomstenbelasting import CREDITS
from simlib.errors import InputError, did_you_mean
from simlib.parameters import load_parameters
from simlib.rules import ALLOWANCES
from simlib.rules.huishouden import HT_MEDEBEWONER, HT_ONDERHUURDER, HT_ROLE_NAMES
from simlib.rules.huurtoeslag import TYPE_NAMES
from simlib.rules.partner import CRITERION_NAMES, EXCLUSION_NAMES, GEEN


def _num(x) -> float:
    return round(float(x), 2)


def calculate_household(household: dict, explain: bool = True, scenario=None) -> dict:
    """Allowances of one household for one year.

    ``household`` follows the contract in the README: ``year``, ``persons`` (id, age, income, assets, spouse,
    parents, childcare, works, insured, and the optional fields the partner rule needs) and ``rent`` (per month;
    absent = not a tenant). Returns ``annual`` (awarded euros for the year, Awir-rounded, all benefit units of the
    household summed), ``monthly`` (euros per month for a situation constant through the year) and, with
    ``explain``, per benefit unit the toeslagpartner and why, and the intermediate values of each rule;
    ``net_income``: the household's toetsingsinkomen, box 1 tax and premiums, each heffingskorting, kinderbijslag,
    the allowances and the net disposable income (euros a year; :mod:`simlib.engine.net_income`).
    ``scenario`` (a :class:`simlib.parameters.scenario.Scenario`) applies a proposal instead of current law.
    """
    hh = parse_household(household)
    p = scenario.parameter_set(hh.year) if scenario is not None else load_parameters(hh.year)
    pop, ids = to_population(hh)
    sim = simulate(pop, p)
    annual = {a: int(sim.households[a][0]) for a in ALLOWANCES}
    m = sim.details["monthly"]
    monthly = {
        "zorgtoeslag": _num(m["zorgtoeslag"].sum()),
        "huurtoeslag": _num(m["huurtoeslag"][0]),
        "kindgebonden_budget": _num(m["kindgebonden_budget"].sum()),
        "kinderopvangtoeslag": _num(m["kinderopvangtoeslag"].sum()),
    }
    result: dict[str, Any] = {"year": hh.year, "annual": annual, "monthly": monthly, "total_annual": int(sum(annual.values()))}
    net = net_income(sim, received=False)
    result["net_income"] = {k: round(float(net[k][0]), 2) for k in ("toetsingsinkomen", *PARTS, "kinderbijslag", "toeslagen", "netto")}
    if explain:
        result.update(_explain(sim, ids, p))
    return result


def _explain(sim, ids, p) -> dict:
    """Per benefit unit, for the huurtoeslag household and per person: who is who and why, and the rules'
    intermediate values (the ``units``, ``huurtoeslag`` and ``persons`` of :func:`calculate_household`)."""
    return {"units": [_explain_unit(sim, ids, p, k) for k in range(len(sim.units["head"]))],
            "huurtoeslag": _explain_huurtoeslag(sim, ids), "persons": _explain_persons(sim, ids)}


def _name(ids: list[str], row) -> str | None:
    return ids[row] if row >= 0 else None


def _explain_unit(sim, ids, p, k: int) -> dict:
    """Benefit unit ``k``: aanvrager, toeslagpartner and why, children, income, assets and each allowance's values."""
    P, u = sim.persons, sim.units
    head, partner = u["head"][k], int(u["partner"][k])
    zt = sim.details["zorgtoeslag"]
    unit = {
        "aanvrager": ids[head],
        "toeslagpartner": _name(ids, partner),
        "reden_toeslagpartner": CRITERION_NAMES[int(P["criterion"][head])] if partner >= 0 else "geen toeslagpartner",
        "kinderen": [ids[c] for c in np.flatnonzero(P["child_unit"] == k)],
        "toetsingsinkomen": _num(u["toetsingsinkomen"][k]),
        "vermogen": _num(u["vermogen"][k]),
        "zorgtoeslag": {
            "annual": int(u["zorgtoeslag"][k]),
            "monthly": _num(sim.details["monthly"]["zorgtoeslag"][k]),
            "maanden": int(u["zorgtoeslag_maanden"][k]),
            "standaardpremie": _num(zt["standaardpremie"][k]),
            "drempelinkomen": _num(p.zorgtoeslag.drempelinkomen),
            "normpremie": _num(zt["normpremie"][k]),
            "jaarbedrag_voor_afronding": _num(zt["jaarbedrag"][k]),
            "vermogen_ok": bool(zt["vermogen_ok"][k]),
        },
    }
    kgb_units, kgb, counts = sim.details["kindgebonden_budget"]
    kgb_pos = {int(x): i for i, x in enumerate(kgb_units)}
    if k in kgb_pos:
        i = kgb_pos[k]
        unit["kindgebonden_budget"] = {
            "annual": int(u["kindgebonden_budget"][k]),
            "monthly": _num(sim.details["monthly"]["kindgebonden_budget"][k]),
            "kinderen_per_maand": counts["kinderen"][i].tolist(),
            "basis_per_jaar_per_maand": [_num(x) for x in kgb["basis"][i]],
            "drempelinkomen": _num(kgb["drempel"][i]),
            "afbouw_per_jaar": _num(kgb["afbouw"][i]),
            "alleenstaande_ouderkop": not bool(u["has_partner"][k]),
            "vermogen_ok": bool(kgb["vermogen_ok"][i]),
        }
    care, kot = sim.details["kinderopvangtoeslag"]
    childcare_type = sim.population.persons["childcare_type"]
    mine = [j for j in np.flatnonzero(childcare_type[care] > 0) if P["child_unit"][care[j]] == k]
    if mine:
        unit["kinderopvangtoeslag"] = {
            "annual": int(u["kinderopvangtoeslag"][k]),
            "monthly": _num(sim.details["monthly"]["kinderopvangtoeslag"][k]),
            "kinderen": [
                {
                    "id": ids[care[j]],
                    "soort": CARE_TYPE_NAMES[int(childcare_type[care[j]])],
                    "uren_vergoed": _num(kot["uren_vergoed"][j]),
                    "uurprijs_vergoed": _num(kot["uurprijs_vergoed"][j]),
                    "eerste_kind": bool(kot["eerste_kind"][j]),
                    "percentage": round(float(kot["percentage"][j]) * 100, 2),
                    "per_maand": _num(kot["per_maand"][j]),
                }
                for j in mine
            ],
        }
    return unit


def _explain_huurtoeslag(sim, ids) -> dict:
    """The huurtoeslag household of the home (huurder, partner, medebewoners, onderhuurders) and the rule's values."""
    h = sim.details["huurtoeslag"]
    homes = sim.homes
    out: dict[str, Any] = {"annual": int(homes["huurtoeslag"][0]), "monthly": _num(sim.details["monthly"]["huurtoeslag"][0])}
    if not sim.population.households["renter"][0]:
        return out
    roles = sim.persons["ht_role"]
    out.update({
        "huurder": _name(ids, int(homes["huurder"][0])),
        "partner": _name(ids, int(homes["partner"][0])),
        "medebewoners": [ids[r] for r in np.flatnonzero(roles == HT_MEDEBEWONER)],
        "onderhuurders": [ids[r] for r in np.flatnonzero(roles == HT_ONDERHUURDER)],
        "aantal_personen": int(homes["aantal_personen"][0]),
        "huishoudtype": TYPE_NAMES[int(h["huishoudtype"][0])],
        "rekeninkomen": _num(homes["rekeninkomen"][0]),
        "rekenhuur": _num(h["rekenhuur"][0]),
        "maximale_huurgrens": _num(h["maximale_huurgrens"][0]),
        "boven_maximale_huurgrens": bool(h["boven_maximale_huurgrens"][0]),
        "uitgesloten_door_huurgrens": bool(h["uitgesloten_huurgrens"][0]),
        "normhuur": _num(h["normhuur"][0]),
        "basishuur": _num(h["basishuur"][0]),
        "kwaliteitskortingsgrens": _num(h["kwaliteitskortingsgrens"][0]),
        "aftoppingsgrens": _num(h["aftoppingsgrens"][0]),
        "deel_100_procent": _num(h["deel_100"][0]),
        "deel_65_procent": _num(h["deel_65"][0]),
        "deel_40_procent": _num(h["deel_40"][0]),
        "afbouw": _num(h["afbouw"][0]),
        "vermogen_ok": bool(h["vermogen_ok"][0]),
    })
    return out


def _explain_persons(sim, ids) -> dict:
    """Per person: the toeslagpartner and why, the candidate pairs the partner rule considered, the huurtoeslag role."""
    P, pr = sim.persons, sim.partners
    persons = {}
    for r, pid in enumerate(ids):
        cands = []
        for i, j, c, e in zip(pr.pair_i, pr.pair_j, pr.pair_criterion, pr.pair_exclusion):
            if r in (i, j) and (c != GEEN or e):
                other = j if r == i else i
                cands.append({"met": ids[other], "criterium": CRITERION_NAMES[int(c)], "uitgesloten": EXCLUSION_NAMES.get(int(e))})
        persons[pid] = {
            "toeslagpartner": _name(ids, int(P["partner"][r])),
            "reden": CRITERION_NAMES[int(P["criterion"][r])] if P["partner"][r] >= 0 else None,
            "kandidaten": cands,
            "rol_huurtoeslag": HT_ROLE_NAMES[int(P["ht_role"][r])] or None,
        }
    return persons


def household_sweep(household: dict, income: Any = None, person: str | None = None, assets: Any = None, rent: Any = None,
                    scenario=None):
    """The household over a grid of one variable, in one vectorised run.

    Give exactly one grid: ``income`` or ``assets`` (of ``person``; default the first adult listed) or ``rent``
    (the kale huur per month). ``scenario`` (a :class:`simlib.parameters.scenario.Scenario`) evaluates a proposal instead of
    current law. Returns a pandas DataFrame: the grid and the awarded yearly amount of each allowance and the total.
    """
    import pandas as pd

    grids = {k: v for k, v in (("income", income), ("assets", assets), ("rent", rent)) if v is not None}
    if len(grids) != 1:
        raise InputError("sweep: give exactly one of income, assets or rent as a list of values")
    (name, values), = grids.items()
    hh = parse_household(household)
    grid = np.asarray(values, dtype=float).ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)):
        raise InputError(f"{name}: expected a non-empty list of finite numbers")
    pop, ids = to_population(hh, copies=len(grid))
    n = len(ids)
    if name == "rent":
        if hh.rent is None:
            raise InputError("rent: the household has no rent; add 'rent' to sweep over it")
        if (grid < 0).any():
            raise InputError("rent: must not be negative")
        pop.households["bare_rent"] = grid
    else:
        if person is None:
            adults = [q.id for q in hh.persons if q.age >= 18 and not q.lives_elsewhere]
            if not adults:
                raise InputError("person: the household has no adult whose income or assets could vary")
            person = adults[0]
        if person not in ids:
            raise InputError(f"person: {person!r} is not the id of a person in this household{did_you_mean(person, ids)}")
        pop.persons["income" if name == "income" else "assets"][np.arange(len(grid)) * n + ids.index(person)] = grid
    params = scenario.parameter_set(hh.year) if scenario is not None else load_parameters(hh.year)
    sim = simulate(pop, params)
    data = {name: grid}
    for a in ALLOWANCES:
        data[a] = sim.households[a]
    data["totaal"] = sim.households["totaal"]
    net = net_income(sim, received=False)
    for k in ("toetsingsinkomen", *PARTS, "kinderbijslag", "netto"):
        data[k] = net[k]
    df = pd.DataFrame(data)
    return df.join(marginale_druk(df, name)) if name == "income" else df


CAUSES = ("belasting_en_premies", *CREDITS, "kinderbijslag", *ALLOWANCES)


def marginale_druk(df, x: str = "income"):
    """The marginale druk from each grid point to the next (a share: 0.45 = 45 cents of the next euro earned go),
    and the part of each cause: the tax and premiums, each heffingskorting, kinderbijslag and each allowance (they add
    up to the total); a credit counts as far as it is used (Wet IB art. 8.1: the credits reduce the tax to nil, not
    below). The last point has no next one (NaN)."""
    import pandas as pd

    dx = np.diff(df[x].to_numpy(dtype=float))
    parts = {"belasting_en_premies": df["belasting"].to_numpy(dtype=float) + df["premies_volksverzekeringen"].to_numpy(dtype=float)}
    parts.update({c: -df[c].to_numpy(dtype=float) for c in CREDITS})  # as far as used (rules.inkomstenbelasting)
    parts.update({c: -df[c].to_numpy(dtype=float) for c in ("kinderbijslag", *ALLOWANCES)})
    out = {f"md_{c}": np.append(np.diff(v) / dx, np.nan) for c, v in parts.items()}
    out["marginale_druk"] = np.append(1.0 - np.diff(df["netto"].to_numpy(dtype=float)) / dx, np.nan)
    return pd.DataFrame(out, index=df.index)


def marginal_cliffs(df, x: str = "income", above: float = 1.0) -> list[dict]:
    """Where one euro more earned leaves the household with less (marginale druk above ``above``): each range of
    ``x``, the net income lost over it, and the causes, largest first."""
    md = df["marginale_druk"].to_numpy(dtype=float)
    xs = df[x].to_numpy(dtype=float)
    hit = np.flatnonzero(md > above)
    out = []
    for start in hit[np.r_[True, np.diff(hit) > 1]] if hit.size else []:
        end = start
        while end + 1 < len(md) and md[end + 1] > above:
            end += 1
        rows = slice(start, end + 1)
        dx = xs[end + 1] - xs[start]
        causes = {c: float(np.sum(df[f"md_{c}"].to_numpy(dtype=float)[rows] * np.diff(xs)[rows]) / dx) for c in CAUSES}
        out.append({"from": float(xs[start]), "to": float(xs[end + 1]),
                    "net_lost": float(df["netto"].iloc[start] - df["netto"].iloc[end + 1]),
                    "marginale_druk": float(1.0 - (df["netto"].iloc[end + 1] - df["netto"].iloc[start]) / dx),
                    "causes": dict(sorted(((c, v) for c, v in causes.items() if abs(v) >= 0.005), key=lambda kv: -kv[1]))})
    return out


def sweep_cliffs(df, x: str, minimum_drop: float = 100.0) -> list[tuple[float, float, str]]:
    """Ranges of ``x`` where an allowance is nil after dropping at once by at least ``minimum_drop`` (a cliff)."""
    xs = df[x].to_numpy(dtype=float)
    out = []
    for a in ALLOWANCES:
        y = df[a].to_numpy(dtype=float)
        for i in np.flatnonzero((y[:-1] >= minimum_drop) & (y[1:] == 0)) + 1:
            j = i
            while j + 1 < len(y) and y[j + 1] == 0:
                j += 1
            out.append((float(xs[i - 1] + xs[i]) / 2, float(xs[j]), a))
    return out


# default sweep ranges: (from, to, step) per variable
SWEEP_RANGES = {"income": (0.0, 80_000.0, 100.0), "assets": (0.0, 200_000.0, 250.0), "rent": (200.0, 1_400.0, 2.5)}


def sweep_grid(household: dict, x: str, person: str | None = None, points: int | None = None) -> np.ndarray:
    """A grid for :func:`household_sweep` over ``x`` (income, assets or rent) that covers the household's own value
    and the range where the allowances phase out."""
    if x not in SWEEP_RANGES:
        raise InputError(f"sweep: {x!r} is not one of {', '.join(SWEEP_RANGES)}")
    lo, hi, step = SWEEP_RANGES[x]
    hh = parse_household(household)
    if x == "rent" and hh.rent is not None:
        hi = max(hi, 1.5 * float(hh.rent.bare_rent))
    elif x != "rent":
        field = "income" if x == "income" else "assets"
        own = max((float(getattr(q, field) or 0.0) for q in hh.persons if person in (None, q.id)), default=0.0)
        hi = max(hi, 1.5 * own)
    if points:
        return np.linspace(lo, hi, points)
    return np.arange(lo, hi + step / 2, step)


def compare_household(household: dict, scenario) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The household under current law and under ``scenario``: the yearly allowances (euros) and, per adult, the
    toeslagpartner with the criterion (Awir art. 3) that makes them partners."""
    import pandas as pd

    base = calculate_household(household, explain=True)
    reform = calculate_household(household, explain=True, scenario=scenario)
    amounts = pd.DataFrame({"baseline": {**base["annual"], "totaal": base["total_annual"]},
                            "reform": {**reform["annual"], "totaal": reform["total_annual"]}})
    amounts["change"] = amounts["reform"] - amounts["baseline"]
    partners = pd.DataFrame([
        {"person": pid, "toeslagpartner_baseline": info["toeslagpartner"], "reason_baseline": info["reden"],
         "toeslagpartner_reform": reform["persons"][pid]["toeslagpartner"], "reason_reform": reform["persons"][pid]["reden"]}
        for pid, info in base["persons"].items()
    ]).set_index("person")
    return amounts, partners
