"""The measured indicators behind the uitvoeringstoets summary box (see :mod:`simlib.analysis.complexity`).

Every count is households weighted to the country, computed from runs of the rules on the population: the
baseline and the reform (shared with :func:`simlib.analysis.compare.compare`), the same two without the cliffs (to find the
claimants near a cliff), and the two under counterfactual declarations (to find what a false declaration gains).
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simlib.engine.model import PROFILES, Population
from simlib.engine.simulate import Simulation, simulate, structure
from simlib.engine.takeup import probability
from simlib.parameters import ParameterSet, load_parameters
from simlib.parameters.loader import MAX_AMOUNT
from simlib.parameters.scenario import VARIANTS, Scenario
from simlib.rules import ALLOWANCES, ASSET_TESTED
from simlib.rules.awir import boven_vermogensgrens, vermogensgrens
from simlib.rules.partner import GEEN_STEL, OPVANG_3A

HERE = Path(__file__).resolve().parent
UNCUT = {**{f"awir.vermogensgrens.{a}.{k}": MAX_AMOUNT for a in ASSET_TESTED for k in ("alleenstaande", "partners")},
         "huurtoeslag.maximale_huurgrens.werking": "geen"}


@functools.cache
def registry() -> dict:
    """The inputs the rules read and where they come from (inputs.yaml)."""
    with open(HERE / "inputs.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _value(p: ParameterSet, path: str) -> Any:
    """A parameter's value in the unit of the parameter file (percent as 10, not 0.1), as scenarios and variants use."""
    return p.entries[path].value


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return a == b


def _plain(v):
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v


# --- the rule diff -------------------------------------------------------------------------------------------------

def _variant(p: ParameterSet, group: str) -> str:
    """The named variant of ``group`` that the parameters are in (the first that matches all its values)."""
    options = VARIANTS[group]
    for name, values in options.items():
        if values and all(_same(_value(p, k), v) for k, v in values.items()):
            return name
    return next(name for name, values in options.items() if not values) if any(not v for v in options.values()) else "other"


def rule_diff(base: Scenario, reform: Scenario, p_base: ParameterSet, p_reform: ParameterSet) -> dict:
    """Parameters with another value, rule variants switched, and behaviour levers changed."""
    paths = sorted(set(base.resolve(p_base.year)) | set(reform.resolve(p_reform.year)))
    parameters = []
    for path in paths:
        b, r = p_base.entries[path].value, p_reform.entries[path].value
        if not _same(b, r):
            entry = p_base.entries[path]
            parameters.append({"parameter": path, "baseline": _plain(b), "reform": _plain(r), "source_of_baseline": entry.source})
    variants = []
    for group in VARIANTS:
        vb, vr = _variant(p_base, group), _variant(p_reform, group)
        if vb != vr:
            variants.append({"group": group, "baseline": vb, "reform": vr})
    levers = []
    for key in sorted(set(base.repayments) | set(reform.repayments)):
        b, r = base.repayments.get(key), reform.repayments.get(key)
        if b != r:
            levers.append({"lever": key, "baseline": b, "reform": r})
    take_up = []
    for a in sorted(set(base.behaviour) | set(reform.behaviour)):
        if base.behaviour.get(a) != reform.behaviour.get(a):
            take_up.append({"allowance": a, "baseline": base.behaviour.get(a), "reform": reform.behaviour.get(a)})
    return {"parameters": parameters, "variants": variants, "levers": levers, "take_up": take_up}


# --- data needs ----------------------------------------------------------------------------------------------------

def _holds(cond: dict, p: ParameterSet, levers: dict) -> bool:
    if "lever" in cond:
        value = float(levers.get(cond["lever"], 0.0) or 0.0)
    else:
        value = _value(p, cond["parameter"])
    if "equals" in cond:
        return _same(value, cond["equals"])
    return value is not None and float(value) > float(cond["greater_than"])


def needed_inputs(p: ParameterSet, levers: dict) -> set[str]:
    """The inputs the rules need under parameters ``p`` and repayment levers ``levers``."""
    out = set()
    for name, spec in registry()["inputs"].items():
        if spec.get("always") or all(_holds(c, p, levers) for c in spec.get("needed_when", [])) and spec.get("needed_when"):
            out.add(name)
    return out


def inputs_of_parameter(path: str) -> list[str]:
    """The inputs a parameter acts on (longest matching prefix in the registry)."""
    best, inputs = "", []
    for prefix, names in registry()["parameters"].items():
        if (path == prefix or path.startswith(prefix + ".")) and len(prefix) > len(best):
            best, inputs = prefix, names
    return list(inputs)


def data_needs(diff: dict, need_base: set[str], need_reform: set[str]) -> list[dict]:
    """Every input that is new, no longer needed, or read by a changed parameter, with where it comes from."""
    reg = registry()
    touched = {i for row in diff["parameters"] for i in inputs_of_parameter(row["parameter"])}
    rows = []
    for name, spec in reg["inputs"].items():
        if name in need_reform and name not in need_base:
            status = "new"
        elif name in need_base and name not in need_reform:
            status = "no longer needed"
        elif name in touched and name in need_reform:
            status = "read by a changed rule"
        else:
            continue
        src = spec["source"]
        rows.append({"input": name, "status": status, "description": spec["description"], "source": src,
                     "source_label": reg["sources"][src]["label"], "person_check": reg["sources"][src]["person_check"],
                     "where_from": spec.get("register", "")})
    return rows


# --- citizens ------------------------------------------------------------------------------------------------------

def _unit_amounts(sim: Simulation, allowance: str) -> tuple[np.ndarray, np.ndarray]:
    """Yearly entitlement per claimant (unit, or home for huurtoeslag) and the claimant's household row."""
    if allowance == "huurtoeslag":
        return sim.homes["huurtoeslag"].astype(float), np.arange(len(sim.homes["huurtoeslag"]))
    return sim.units[allowance].astype(float), sim.units["household"]


def citizens(base: Simulation, reform: Simulation, summary: dict, take_up: dict | None) -> dict:
    """Households whose amount changes, newly entitled and the applications they are expected to file, no longer
    entitled, decisions to send, changed toeslagpartner, stapeling, and the change in repayments."""
    w = base.population.households["weight"]
    rows, changed_count = [], np.zeros(len(w), dtype=np.int64)
    for a in ALLOWANCES:
        rb, rr = base.received[a], reform.received[a]
        eb, er = base.households[a] > 0, reform.households[a] > 0
        changed = np.abs(rr - rb) >= 1.0
        changed_count += changed
        newly = ~eb & er
        amount, hh = _unit_amounts(reform, a)
        t = (take_up or {}).get(a)
        p_claim = probability(amount / 12.0, t["intercept"], t["slope"]) if t else np.ones(len(amount))
        new_units = newly[hh] & (amount > 0)
        rows.append({
            "allowance": a,
            "amount_changes": float(w[changed].sum()),
            "higher": float(w[rr - rb >= 1.0].sum()),
            "lower": float(w[rb - rr >= 1.0].sum()),
            "newly_entitled": float(w[newly].sum()),
            "expected_new_applications": float((w[hh] * p_claim)[new_units].sum()),
            "no_longer_entitled": float(w[eb & ~er].sum()),
            "decisions": float(w[changed].sum()),
        })
    rep = summary.get("repayments", {})
    modelled = rep.get("status") == "modelled"
    return {
        "per_allowance": rows,
        "households_amount_changes": float(w[changed_count > 0].sum()),
        "stapeling": float(w[changed_count > 1].sum()),
        "partner_changes": summary["partner_changes"]["households"],
        "decisions": float(sum(r["decisions"] for r in rows)),
        "expected_new_applications": float(sum(r["expected_new_applications"] for r in rows)),
        "losers": summary["losers"],
        "repayments": {k: {side: rep[side][k] for side in ("baseline", "reform")} | {"change": rep["change"][k]}
                       for k in ("count_ge_500", "problematic", "amount")} if modelled else {"status": rep.get("status", "not computed")},
    }


# --- manual work -----------------------------------------------------------------------------------------------------

def _households_of_pairs(sim: Simulation, code: int) -> np.ndarray:
    """Households with a pair that is not partners for reason ``code`` while neither has another partner: there the
    judged fact (a declaration, a request) decides the partnership; elsewhere it is moot."""
    pr = sim.partners
    free = (pr.partner[pr.pair_i] < 0) & (pr.partner[pr.pair_j] < 0)
    rows = pr.pair_i[(pr.pair_exclusion == code) & free]
    out = np.zeros(sim.population.n_households, dtype=bool)
    out[sim.population.persons["household"][rows]] = True
    return out


def _hours_link_binds(sim: Simulation, p: ParameterSet) -> np.ndarray:
    care, kot = sim.details["kinderopvangtoeslag"]
    pop = sim.population
    wanted = np.minimum(pop.persons["childcare_hours"][care].astype(float), float(p.kinderopvangtoeslag.maximum_uren_per_maand))
    binds = kot["uren_vergoed"] < wanted - 1e-9
    out = np.zeros(pop.n_households, dtype=bool)
    out[pop.persons["household"][care[binds]]] = True
    return out


def _assets_above_limit(sim: Simulation, p: ParameterSet) -> np.ndarray:
    """Households with an allowance although a claimant's assets exceed the limit (only with a phase-out)."""
    out = np.zeros(sim.population.n_households, dtype=bool)
    u = sim.units
    for a in ("zorgtoeslag", "kindgebonden_budget"):  # per benefit unit: over the limit and still an amount
        over = boven_vermogensgrens(u["vermogen"], u["has_partner"], a, p) & (u[a] > 0)
        out[u["household"][over]] = True
    out |= sim.over_asset_limit("huurtoeslag") & (sim.homes["huurtoeslag"] > 0)
    return out


def _signalled(sim: Simulation, levers: dict) -> np.ndarray:
    """Households in the targeted work profiles with a change of situation or an income more than 10% off."""
    from simlib.analysis.repayments import Levers, draw_events
    from simlib.analysis.repayments.runs import SEED0

    pop = sim.population
    lv = Levers.from_scenario(levers)
    ev = draw_events(pop, SEED0, lv)
    hh = pop.persons["household"]
    off = np.bincount(hh, weights=(np.abs(ev.error) > 0.1).astype(float), minlength=pop.n_households) > 0
    first = np.r_[True, hh[1:] != hh[:-1]]
    targeted = np.isin(pop.persons["profile"][first], [PROFILES.index(x) for x in lv.signalering_profielen if x in PROFILES])
    return targeted & ((ev.kind > 0) | off) & (sim.received["totaal"] > 0)


def manual_cases(name: str, sim: Simulation, p: ParameterSet, levers: dict, summary_side: dict | None) -> float:
    """Weighted households (or cases) whose outcome depends on the input counted by ``name`` (inputs.yaml)."""
    w = sim.population.households["weight"]
    if name == "not_a_couple":
        return float(w[_households_of_pairs(sim, GEEN_STEL)].sum())
    if name == "shelter":
        return float(w[_households_of_pairs(sim, OPVANG_3A)].sum())
    if name == "hours_link_binds":
        return float(w[_hours_link_binds(sim, p)].sum())
    if name == "assets_above_limit":
        return float(w[_assets_above_limit(sim, p)].sum())
    if name == "signalled_households":
        return float(w[_signalled(sim, levers)].sum())
    if name == "problematic_repayments":
        return float(summary_side["problematic"]) if summary_side else 0.0
    raise KeyError(f"no counter for manual cases {name!r}")


def extra_decisions(name: str, sim: Simulation, levers: dict) -> float:
    """Weighted (automated) decisions the input brings in a year, counted by ``name`` (inputs.yaml)."""
    if name == "adjusted_advances":
        # households with an allowance and an employee whose income is more than 5% off the estimate: with monthly
        # income data their advance is adjusted (a new voorschotbeschikking), for the covered share of employees
        from simlib.analysis.repayments import Levers, draw_events
        from simlib.analysis.repayments.runs import SEED0

        pop = sim.population
        lv = Levers.from_scenario(levers)
        ev = draw_events(pop, SEED0, lv)
        employee = np.isin(pop.persons["profile"], (PROFILES.index("vast"), PROFILES.index("flex")))
        off = np.bincount(pop.persons["household"], weights=(employee & (np.abs(ev.error) > 0.05)).astype(float),
                          minlength=pop.n_households) > 0
        w = pop.households["weight"]
        return float(lv.actuele_gegevens * w[off & (sim.received["totaal"] > 0)].sum())
    raise KeyError(f"no counter for decisions {name!r}")


def near_cliffs(sim: Simulation, uncut: Simulation, p: ParameterSet, band: float) -> dict[str, float]:
    """Claimants entitled but for a cliff (assets, rent) whose assets or rent lie within ``band`` of the threshold."""
    w = sim.population.households["weight"]
    out = {}
    if not (p.awir.vermogensgrens.afbouw or 0) > 0:  # a cliff only without the phase-out
        u, uu = sim.units, uncut.units
        for a in ("zorgtoeslag", "kindgebonden_budget"):
            limit = vermogensgrens(u["has_partner"], a, p)
            near = (uu[a] > 0) & (np.abs(u["vermogen"] - limit) <= band * limit)
            out[f"vermogensgrens {a}"] = float(w[u["household"][near]].sum())
        limit = vermogensgrens(sim.homes["partner"] >= 0, "huurtoeslag", p)
        vermogen = structure(sim.population, p).homes["vermogen"]  # of huurder and partner
        near = (uncut.homes["huurtoeslag"] > 0) & (np.abs(vermogen - limit) <= band * limit)
        out["vermogensgrens huurtoeslag"] = float(w[near].sum())
    if p.huurtoeslag.maximale_huurgrens.werking == "uitsluiting":
        limit = _rent_limit(sim.population, p)
        rent = sim.population.households["bare_rent"]
        near = (uncut.homes["huurtoeslag"] > 0) & (np.abs(rent - limit) <= band * limit)
        out["maximale huurgrens"] = float(w[near].sum())
    return out


def _rent_limit(pop: Population, p: ParameterSet) -> np.ndarray:
    """The maximum rent limit that applies to each home (the lower one for young households)."""
    m = p.huurtoeslag.maximale_huurgrens
    hoge = structure(pop, p).homes["hoge_huurgrens"]
    return np.where(hoge, m.bedrag, m.jongeren if m.jongeren is not None else m.bedrag)


# --- fraud: what a false declaration would gain ------------------------------------------------------------------------

def _edit(pop: Population, persons: dict | None = None, households: dict | None = None) -> Population:
    return Population(pop.year, {**pop.persons, **(persons or {})}, {**pop.households, **(households or {})}, pop.relations, pop.meta)


def counterfactual(name: str, pop: Population, p: ParameterSet) -> Population:
    """The population as if every household that could gain declared the input falsely."""
    P, H = pop.persons, pop.households
    if name == "rent_at_limit":  # a rent above the limit declared at the limit
        return _edit(pop, households={"bare_rent": np.minimum(H["bare_rent"], _rent_limit(pop, p))})
    if name == "everyone_not_a_couple":  # unmarried couples declare they are not a couple
        return _edit(pop, persons={"cohabitant": np.full_like(P["cohabitant"], -1)})
    if name == "everyone_full_time":  # working parents declare full-time hours
        hours = P["hours_worked"].astype(float)
        return _edit(pop, persons={"hours_worked": np.where(P["works"], np.fmax(hours, 40 * 52 / 12), hours)})
    raise KeyError(f"no counterfactual {name!r}")


def fraud_gain(name: str, sim: Simulation, p: ParameterSet, minimum_gain: float) -> dict:
    """Households that would gain at least ``minimum_gain`` a year by the false declaration, and how much."""
    cf = simulate(counterfactual(name, sim.population, p), p, take_up={})
    gain = cf.households["totaal"].astype(float) - sim.households["totaal"]
    w = sim.population.households["weight"]
    exposed = gain >= minimum_gain
    return {"households": float(w[exposed].sum()),
            "mean_gain": float((gain * w)[exposed].sum() / w[exposed].sum()) if exposed.any() else 0.0,
            "max_gain": float(gain[exposed].max()) if exposed.any() else 0.0,
            "total_gain": float((gain * w)[exposed].sum())}


# --- timing --------------------------------------------------------------------------------------------------------

def earliest_start(decision: date, lead_months: int, ready_by: dict) -> tuple[date, str]:
    """The first 1 January at least ``lead_months`` after ``decision`` whose legislation can still go with the
    Belastingplan of the year before (decision before ``ready_by`` of that year)."""
    total = decision.year * 12 + decision.month - 1 + lead_months + (1 if decision.day > 1 else 0)
    year = total // 12 + (1 if total % 12 else 0)  # the first 1 January on or after decision + lead
    while decision > date(year - 1, ready_by["month"], ready_by["day"]):
        year += 1
    why = (f"decision {decision.isoformat()} + {lead_months} months to build and test; the law must be ready by "
           f"{ready_by['day']}-{ready_by['month']} of the year before (Belastingplan)")
    return date(year, 1, 1), why


def uncut_parameters(scenario: Scenario, year: int) -> ParameterSet:
    """The scenario's parameters without the asset limits and the maximum rent limit (who is entitled but for a cliff)."""
    return load_parameters(year, {**scenario.resolve(year), **UNCUT})
