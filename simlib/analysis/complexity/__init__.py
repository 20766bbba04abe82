"""An indicative uitvoeringstoets (implementation test) for any scenario against its baseline.

``assess(reform, baseline, population)`` measures, on the population, what a proposal asks of the Dienst Toeslagen
and of citizens, and rates it in the shape of the summary box of a Belastingdienst/Toeslagen uitvoeringstoets:
interactie burgers/bedrijven, maakbaarheid systemen, handhaafbaarheid, fraudebestendigheid, complexiteitsgevolgen,
risico procesverstoringen, uitvoeringskosten (indicatief), gevolgen overall and invoering mogelijk per.

Every rating comes from one measured indicator and the thresholds in ``thresholds.yaml`` (shown beside the rating,
with their reasoning): no black-box score. The inputs the rules read and where they come from are in
``inputs.yaml``. The report writer is :mod:`simlib.face.complexity_report`.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from simlib.analysis.complexity import indicators as ind
from simlib.errors import InputError
from simlib.inputs import read_yaml, show

RATINGS = ("beperkt", "middelgroot", "ingrijpend")
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.yaml"


@functools.cache
def _default_thresholds() -> dict:
    with open(THRESHOLDS, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_thresholds(path: str | Path | None = None) -> dict:
    """The rating thresholds: the shipped file, or the author's own (same layout), checked."""
    if path is None:
        return copy.deepcopy(_default_thresholds())
    data, _ = read_yaml(path, "thresholds file")
    path = show(path)
    base = _default_thresholds()
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping like {THRESHOLDS.name}")
    for key in data:
        if key not in base:
            raise InputError(f"{path}: {key}: unknown section; allowed: {', '.join(base)}")
    merged = copy.deepcopy(base)
    for name, spec in (data.get("dimensions") or {}).items():
        if name not in base["dimensions"]:
            raise InputError(f"{path}: dimensions.{name}: unknown dimension; allowed: {', '.join(base['dimensions'])}")
        if not isinstance(spec, dict):
            raise InputError(f"{path}: dimensions.{name}: expected a mapping")
        merged["dimensions"][name].update(spec)
        t = merged["dimensions"][name]["thresholds"]
        if not (isinstance(t, list) and len(t) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in t) and 0 <= t[0] <= t[1]):
            raise InputError(f"{path}: dimensions.{name}.thresholds: expected two numbers [beperkt below, ingrijpend from], ascending, at least 0")
    for section in ("handling", "timing", "near_threshold_band"):
        if section in data:
            if isinstance(base[section], dict):
                if not isinstance(data[section], dict):
                    raise InputError(f"{path}: {section}: expected a mapping")
                merged[section].update(data[section])
            else:
                if not isinstance(data[section], (int, float)) or not 0 < data[section] < 1:
                    raise InputError(f"{path}: {section}: expected a share between 0 and 1")
                merged[section] = data[section]
    return merged


def rate(value: float, thresholds: list[float]) -> str:
    """beperkt below the first threshold, middelgroot below the second, ingrijpend from there."""
    lo, hi = thresholds
    return RATINGS[0] if value < lo else RATINGS[1] if value < hi else RATINGS[2]


@dataclass
class Assessment:
    """The summary box (``box``, one row per dimension) and the indicator tables behind it (``details``)."""

    scenario: dict
    baseline: dict
    year: int
    box: list[dict]
    details: dict
    thresholds: dict
    provenance: dict = field(default_factory=dict)

    def rating(self, key: str) -> str:
        return next(r["rating"] for r in self.box if r["key"] == key)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "baseline": self.baseline, "year": self.year, "box": self.box,
                "details": self.details, "thresholds": self.thresholds, "provenance": self.provenance}


def _per_input(names, need_b: set, need_r: set, measure) -> list[tuple[str, float, float]]:
    """``measure(name, side)`` for each input under baseline and reform (0 where the side does not need the input)."""
    return [(name, measure(name, "baseline") if name in need_b else 0.0, measure(name, "reform") if name in need_r else 0.0)
            for name in names]


def _manual_cases(cmp, sides: dict, need_b: set, need_r: set) -> list[dict]:
    """Cases whose outcome depends on a fact a person must judge, per input (inputs.yaml ``manual_cases``)."""
    reg = ind.registry()["inputs"]
    rep = cmp.summary.get("repayments", {})
    side_rep = {"baseline": rep.get("baseline"), "reform": rep.get("reform")} if rep.get("status") == "modelled" else {}
    names = [n for n in sorted(need_b | need_r) if reg[n].get("manual_cases")]
    rows = _per_input(names, need_b, need_r, lambda n, side: ind.manual_cases(
        reg[n]["manual_cases"], sides[side]["sim"], sides[side]["p"], sides[side]["levers"], side_rep.get(side)))
    return [{"input": n, "cases": reg[n]["manual_cases"], "source": reg[n]["source"], "baseline": b, "reform": r, "change": r - b}
            for n, b, r in rows]


def _extra_decisions(sides: dict, need_b: set, need_r: set) -> list[dict]:
    """(Automated) decisions an input brings in a year (inputs.yaml ``decisions``)."""
    reg = ind.registry()["inputs"]
    names = [n for n in sorted(need_b | need_r) if reg[n].get("decisions")]
    rows = _per_input(names, need_b, need_r, lambda n, side: ind.extra_decisions(reg[n]["decisions"], sides[side]["sim"], sides[side]["levers"]))
    return [{"input": n, "decisions": reg[n]["decisions"], "baseline": b, "reform": r, "change": r - b} for n, b, r in rows]


def _near_cliffs(pop, sides: dict, year: int, band: float) -> list[dict]:
    """Claimants entitled but for a cliff whose assets or rent lie within ``band`` of the threshold, both sides."""
    from simlib.engine.simulate import simulate

    near = {side: ind.near_cliffs(v["sim"], simulate(pop, ind.uncut_parameters(v["scenario"], year), take_up={}), v["p"], band)
            for side, v in sides.items()}
    b, r = near["baseline"], near["reform"]
    return [{"cliff": k, "baseline": b.get(k, 0.0), "reform": r.get(k, 0.0), "change": r.get(k, 0.0) - b.get(k, 0.0)}
            for k in sorted(set(b) | set(r))]


def _fraud(sides: dict, need_b: set, need_r: set, min_gain: float) -> list[dict]:
    """What a false declaration of an unverifiable input would gain (inputs.yaml ``counterfactual``)."""
    reg = ind.registry()["inputs"]
    zero = {"households": 0.0, "mean_gain": 0.0, "max_gain": 0.0, "total_gain": 0.0}
    out = []
    for name in sorted(need_b | need_r):
        cf = reg[name].get("counterfactual")
        if not cf:
            continue
        b = ind.fraud_gain(cf, sides["baseline"]["sim"], sides["baseline"]["p"], min_gain) if name in need_b else zero
        r = ind.fraud_gain(cf, sides["reform"]["sim"], sides["reform"]["p"], min_gain) if name in need_r else zero
        out.append({"input": name, "false_declaration": cf, "baseline": b, "reform": r, "change": r["households"] - b["households"]})
    return out


def _handling(citizens: dict, manual: list[dict], h: dict) -> dict:
    """The handling volume of the first year (an indication from the assumptions ``h`` in thresholds.yaml)."""
    reg = ind.registry()
    person_check = {n for n, s in reg["inputs"].items() if reg["sources"][s["source"]]["person_check"]}
    contact = {n for n, s in reg["inputs"].items() if s["source"] == "manual_contact"}
    case_minutes = max(0.0, sum(m["change"] * (h["minutes_per_contact"] if m["input"] in contact else h["minutes_per_manual_case"])
                                for m in manual if m["input"] in person_check))
    objections = citizens["losers"] * h["objection_share_of_losers"]
    questions = citizens["households_amount_changes"] * h["questions_per_changed_household"]
    minutes = (case_minutes + objections * h["minutes_per_objection"] + questions * h["minutes_per_question"]
               + citizens["decisions"] * h["minutes_per_decision"])
    return {"manual_case_minutes": case_minutes, "objections": objections, "questions": questions,
            "hours": minutes / 60.0, "fte": minutes / 60.0 / h["productive_hours_per_fte"]}


def _indicators(th: dict, diff: dict, data: list, citizens: dict, manual, near, fraud, handling) -> tuple[dict, dict]:
    """The measured value behind each rating, and whether the reform improves on the baseline where it is zero."""
    pts = th["dimensions"]["maakbaarheid_systemen"]["points"]
    new_inputs = [d for d in data if d["status"] == "new"]
    removed_inputs = [d for d in data if d["status"] == "no longer needed"]
    system_points = (pts["parameter"] * len([d for d in diff["parameters"] if not _in_variant(d["parameter"], diff["variants"])])
                     + pts["variant"] * len(diff["variants"]) + pts["lever"] * len(diff["levers"])
                     + sum(pts["new_input"][d["source"]] for d in new_inputs) + pts["removed_input"] * len(removed_inputs))
    # net within each group (an input that replaces another moves the same cases), increases only
    manual_added = max(0.0, sum(m["change"] for m in manual)) + max(0.0, sum(n["change"] for n in near))
    manual_change = sum(m["change"] for m in manual) + sum(n["change"] for n in near)
    fraud_change = sum(f["change"] for f in fraud)
    rep_change = citizens["repayments"]["count_ge_500"]["change"] if "count_ge_500" in citizens["repayments"] else 0.0
    values = {
        "decisions": citizens["decisions"] + citizens["partner_changes"],
        "system_points": float(system_points),
        "manual_cases_added": manual_added,
        "fraud_exposed_added": sum(max(0.0, f["change"]) for f in fraud),
        "complexity_added": citizens["stapeling"] + max(0.0, rep_change),
        "volume": citizens["decisions"] + citizens["expected_new_applications"] + manual_added,
        "fte": handling["fte"],
    }
    improves = {"handhaafbaarheid": manual_change < 0, "fraudebestendigheid": fraud_change < 0,
                "complexiteitsgevolgen": rep_change < 0 and citizens["stapeling"] == 0}
    return values, improves


def _summary_box(th: dict, values: dict, improves: dict, decision: date) -> tuple[list[dict], dict]:
    """The rows of the summary box: gevolgen overall (the worst rating), one row per dimension, invoering mogelijk
    per (the earliest 1 January); and the timing behind the last."""
    box = []
    for key, spec in th["dimensions"].items():
        value = values[spec["indicator"]]
        note = "improves on the baseline" if improves.get(key) and value == 0 else ""
        box.append({"key": key, "label": spec["label"], "rating": rate(value, spec["thresholds"]), "indicator": spec["indicator"],
                    "value": value, "thresholds": list(spec["thresholds"]), "description": spec["description"],
                    "reasoning": " ".join(spec["reasoning"].split()), "note": note})
    worst = max((RATINGS.index(r["rating"]) for r in box), default=0)
    box.insert(0, {"key": "gevolgen_overall", "label": th["overall"]["label"], "rating": RATINGS[worst], "indicator": "",
                   "value": None, "thresholds": [], "description": th["overall"]["rule"], "reasoning": "", "note": ""})
    build = next(r["rating"] for r in box if r["key"] == "maakbaarheid_systemen")
    start, why = ind.earliest_start(decision, th["timing"]["lead_months"][build], th["timing"]["law_ready_by"])
    box.append({"key": "invoering", "label": "Invoering mogelijk per", "rating": start.isoformat(), "indicator": "", "value": None,
                "thresholds": [], "description": why, "reasoning": " ".join(th["timing"]["reasoning"].split()), "note": ""})
    timing = {"decision_date": decision.isoformat(), "lead_months": th["timing"]["lead_months"][build], "earliest": start.isoformat()}
    return box, timing


def assess(reform, baseline=None, population=None, year: int | None = None, thresholds: dict | str | Path | None = None,
           decision_date: date | None = None, repayment_seeds: int = 1, comparison=None) -> Assessment:
    """The indicative uitvoeringstoets of ``reform`` against ``baseline`` (current law by default) on ``population``
    (the default population of the year by default). ``decision_date`` (default today) sets the earliest start."""
    from simlib.analysis.compare import compare
    from simlib.parameters.scenario import current_law

    th = thresholds if isinstance(thresholds, dict) else load_thresholds(thresholds)
    cmp = comparison or compare(reform, baseline, population, year=year, repayment_seeds=repayment_seeds)
    year = cmp.summary["year"]
    reform = reform.phased(year)  # as in force in the year (a phase-in)
    baseline = baseline or current_law(year)
    pop = cmp.baseline.population
    sides = {"baseline": {"scenario": baseline, "sim": cmp.baseline, "p": baseline.parameter_set(year), "levers": baseline.repayments},
             "reform": {"scenario": reform, "sim": cmp.reform, "p": reform.parameter_set(year), "levers": reform.repayments}}
    diff = ind.rule_diff(baseline, reform, sides["baseline"]["p"], sides["reform"]["p"])
    need_b = ind.needed_inputs(sides["baseline"]["p"], baseline.repayments)
    need_r = ind.needed_inputs(sides["reform"]["p"], reform.repayments)
    data = ind.data_needs(diff, need_b, need_r)
    citizens = ind.citizens(cmp.baseline, cmp.reform, cmp.summary, reform.take_up(pop.meta.get("take_up")))
    manual = _manual_cases(cmp, sides, need_b, need_r)
    extra = _extra_decisions(sides, need_b, need_r)
    citizens["extra_decisions"] = extra
    citizens["decisions"] += sum(max(0.0, e["change"]) for e in extra)
    band = th["near_threshold_band"]
    near = _near_cliffs(pop, sides, year, band)
    min_gain = th["dimensions"]["fraudebestendigheid"].get("minimum_gain", 100)
    fraud = _fraud(sides, need_b, need_r, min_gain)
    handling = _handling(citizens, manual, th["handling"])
    values, improves = _indicators(th, diff, data, citizens, manual, near, fraud, handling)
    box, timing = _summary_box(th, values, improves, decision_date or date.today())
    details = {"citizens": citizens, "rule_diff": diff, "data_needs": data, "manual_cases": manual, "near_cliffs": near,
               "near_threshold_band": band, "fraud": fraud, "fraud_minimum_gain": min_gain, "handling": handling,
               "timing": timing, "cost": cmp.summary["cost"]}
    s = cmp.summary
    return Assessment(
        scenario={"name": reform.name, "description": reform.description, "signal": reform.signal, "files": reform.files},
        baseline={"name": baseline.name, "files": baseline.files}, year=year, box=box, details=details, thresholds=th,
        provenance={k: s["provenance"][k] for k in ("parameters_version", "population", "code_version", "git_commit")}
        | {"repayment_seeds": repayment_seeds},
    )


def assess_all(scenarios=None, baseline=None, population=None, year: int | None = None, thresholds=None,
               decision_date: date | None = None, repayment_seeds: int = 1, log=None) -> dict[str, Assessment]:
    """:func:`assess` for several scenarios (paths or names; default every shipped proposal), each in its own year
    unless ``year`` is given, on ``population`` or the default population of that year."""
    from simlib.parameters.scenario import load_scenario, shipped_proposals
    from simlib.population.build import cached_population

    th = thresholds if isinstance(thresholds, dict) else load_thresholds(thresholds)
    paths = scenarios if scenarios is not None else shipped_proposals()
    populations: dict = {}
    out = {}
    for path in paths:
        reform = load_scenario(path)
        y = year or reform.year or (baseline.year if baseline else None) or 2024
        pop = population if population is not None else populations.setdefault(y, cached_population(y, log=log))
        out[Path(str(path)).stem] = assess(reform, baseline, pop, year=y, thresholds=th, decision_date=decision_date,
                                           repayment_seeds=repayment_seeds)
    return out


def _in_variant(path: str, variants: list[dict]) -> bool:
    """A parameter set by a switched variant is counted with the variant, not again as a parameter."""
    from simlib.parameters.scenario import VARIANTS

    return any(path in VARIANTS[v["group"]].get(v["reform"], {}) or path in VARIANTS[v["group"]].get(v["baseline"], {}) for v in variants)
