"""The model's headline figures beside the published estimates of the same thing (data/targets/proposal_estimates.yaml).

Every estimate names a comparator — a shipped scenario against current law, the law of one year against another, or
the baseline year of advances and repayments — a year and a measure. :func:`validate` computes the measure on the
default populations of five seeds (the mean and the min-max interval) and the deviation from the published value;
:func:`write_report` writes docs/validation.md (``simlib validate-proposals``), so the document never drifts from the
code. :func:`headline_status` gives ``simlib compare`` the validation status of each headline number.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from simlib.analysis.impact import Comparison, cost_and_recipients, entitlement_changes, household_frame, impact
from simlib.analysis.repayments.runs import REPAYMENT_KEYS, SEED0, TUNING_SEEDS
from simlib.analysis.repayments.year import CAUSES, YearResult, simulate_year, summarise
from simlib.analysis.repayments.events import draw_events
from simlib.engine.model import Population
from simlib.engine.simulate import Simulation, simulate
from simlib.errors import InputError
from simlib.parameters import load_parameters
from simlib.parameters.scenario import current_law, load_scenario
from simlib.population.generate import DATA
from simlib.rules import ALLOWANCES

ESTIMATES = DATA / "targets" / "proposal_estimates.yaml"
TOLERANCE = 0.15  # a deviation within 15% of the published figure counts as a match
POPULATION_SEEDS = 5  # populations (seeds) each figure is computed on


@dataclass(frozen=True)
class Estimate:
    """A published estimate and the comparator that gives the model's figure for it."""

    id: str
    comparator: dict
    year: int
    measure: str
    value: float
    unit: str
    definition: str
    source: str
    quote: str
    status: str
    comparable: bool
    tuned: bool
    note: str = ""
    explanation: str = ""

    @property
    def scenario(self) -> str | None:
        return self.comparator.get("scenario")


@functools.cache
def load_estimates(path: str | None = None) -> tuple[Estimate, ...]:
    """The published estimates (data/targets/proposal_estimates.yaml), checked."""
    p = Path(path) if path else ESTIMATES
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    out = []
    for i, e in enumerate(data["estimates"]):
        missing = [k for k in ("id", "comparator", "year", "measure", "value", "source", "status") if k not in e]
        if missing:
            raise InputError(f"{p}: estimates[{i}].{missing[0]} is missing")
        fields = {k: e.get(k, "") for k in Estimate.__dataclass_fields__}
        fields.update(value=float(e["value"]), year=int(e["year"]), comparable=bool(e.get("comparable", True)),
                      tuned=bool(e.get("tuned", False)), note=" ".join(str(e.get("note", "")).split()),
                      definition=" ".join(str(e.get("definition", "")).split()),
                      explanation=" ".join(str(e.get("explanation", "")).split()))
        out.append(Estimate(**fields))
    return tuple(out)


# --- the model's figure for a measure ------------------------------------------------------------------------------

def comparison_measure(base: Simulation, reform: Simulation, df: pd.DataFrame, measure: str) -> float:
    """A measure of a reform against its baseline (see proposal_estimates.yaml): newly entitled, their mean monthly
    entitlement, a change in spending."""
    kind, _, allowance = measure.partition(".")
    w = df["weight"].to_numpy()
    if kind in ("winners", "losers"):
        change = df["change"].to_numpy()
        return float(w[change >= 0.5].sum() if kind == "winners" else w[change <= -0.5].sum())
    if kind == "newly_entitled":
        return entitlement_changes(df)[allowance].newly_entitled
    if kind == "mean_monthly_newly_entitled":
        new = (~df[f"{allowance}_entitled_baseline"] & df[f"{allowance}_entitled_reform"]).to_numpy()
        amounts = reform.households[allowance][new].astype(float)
        return float(np.sum(amounts * w[new]) / np.sum(w[new]) / 12.0) if new.any() else 0.0
    if kind == "cost":
        cost, _ = cost_and_recipients(base, reform)
        return cost[allowance].change
    raise InputError(f"proposal_estimates.yaml: measure {measure!r} is not a measure of a comparison")


def year_measure(res: YearResult, measure: str) -> float:
    """A measure of the baseline year of advances and repayments (see proposal_estimates.yaml)."""
    kind, _, rest = measure.partition(".")
    if kind == "repayments":
        if rest not in REPAYMENT_KEYS:
            raise InputError(f"proposal_estimates.yaml: repayments.{rest}: not one of {', '.join(REPAYMENT_KEYS)}")
        return summarise(res)[rest]
    allowance, _, cause = rest.partition(".")
    if allowance not in res.claimants:
        raise InputError(f"proposal_estimates.yaml: {measure}: unknown allowance {allowance!r}")
    w = res.weight[res.claimants[allowance]]
    repaid, back, advance = res.repayment[allowance], res.backpayment[allowance], res.advance[allowance]
    per_allowance = {
        "repayment_share": lambda: w[repaid > 0].sum() / w.sum(),
        "backpayment_share": lambda: w[back >= 1].sum() / w.sum(),
        "repayment_count": lambda: w[repaid > 0].sum(),
        "repayment_amount": lambda: (w * repaid).sum(),
        "mean_repayment": lambda: (w * repaid).sum() / w[repaid > 0].sum(),
        "repayment_amount_share": lambda: (w * repaid).sum() / (w * advance).sum(),
        "backpayment_count": lambda: w[back >= 1].sum(),
        "backpayment_amount": lambda: (w * back).sum(),
        "backpayment_amount_share": lambda: (w * back).sum() / (w * advance).sum(),
    }
    if kind in per_allowance:
        return float(per_allowance[kind]())
    if kind == "repayment_cause_share":  # causes joined by '+': their share together
        big = res.repayment[allowance] >= 500
        causes = np.isin(res.cause[allowance], [CAUSES.index(c) for c in cause.split("+")])
        return float(w[big & causes].sum() / w[big].sum())
    raise InputError(f"proposal_estimates.yaml: unknown measure {measure!r}")


def deflated(population: Population, year: int) -> Population:
    """``population`` with its incomes, assets and rents brought back to the level of ``year``: divided by the growth
    of the mean income of persons with an income, and of the mean rent of renters, between the default population of
    ``year`` and that of ``population.year`` (same size and seed). Applying the law of ``year`` to the result is
    applying that law, indexed, to the households of ``population.year``: the counterfactual 'unchanged policy'
    of a ministry's estimate, as long as the law's amounts follow incomes and rents (Wht art. 24; Awir art. 8)."""
    from simlib.population import build

    earlier = build.cached_population(year, population.meta["households"], population.meta["seed"])
    persons, households = dict(population.persons), dict(population.households)

    def growth(now: np.ndarray, then: np.ndarray) -> float:
        return float(now.mean() / then.mean())

    income = growth(population.persons["income"][population.persons["income"] > 0],
                    earlier.persons["income"][earlier.persons["income"] > 0])
    rent = growth(population.households["bare_rent"][population.households["renter"]],
                  earlier.households["bare_rent"][earlier.households["renter"]])
    for column in ("income", "assets"):
        persons[column] = population.persons[column] / income
    for column in ("bare_rent", "service_costs"):
        households[column] = population.households[column] / rent
    return Population(year=population.year, persons=persons, households=households, relations=population.relations,
                      meta=population.meta)


def model_values(est: Estimate, population) -> list[float]:
    """The model's figure for ``est`` on ``population`` (one value; for the baseline year one per Monte Carlo run)."""
    comp = est.comparator
    if "scenario" in comp:
        c = impact(load_scenario(comp["scenario"]), current_law(est.year), population, est.year, repayment_seeds=0)
        return [comparison_measure(c.baseline, c.reform, c.household, est.measure)]
    take_up = population.meta.get("take_up")
    if "law_change" in comp:
        change = comp["law_change"]
        earlier = int(change["from"])
        households = deflated(population, earlier) if change.get("indexed") else population
        base = simulate(households, load_parameters(earlier), take_up=take_up)
        reform = simulate(population, load_parameters(int(change["to"])), take_up=take_up)
        return [comparison_measure(base, reform, household_frame(base, reform), est.measure)]
    if comp.get("baseline"):
        p = load_parameters(est.year)
        return [year_measure(simulate_year(population, p, take_up, draw_events(population, SEED0 + k)), est.measure)
                for k in TUNING_SEEDS]
    raise InputError(f"proposal_estimates.yaml: {est.id}: comparator must be scenario, law_change or baseline")


def validate(estimates=None, n_households: int | None = None, seeds: int = POPULATION_SEEDS, log=None) -> pd.DataFrame:
    """One row per estimate: the published value, the model's mean and min-max over ``seeds`` populations (and, for
    the year of repayments, their Monte Carlo runs), the deviation and whether it is within TOLERANCE."""
    from simlib.population import build

    n = n_households or build.DEFAULT_HOUSEHOLDS
    rows = []
    for est in estimates if estimates is not None else load_estimates():
        values = []
        for s in range(seeds):
            values += model_values(est, build.cached_population(est.year, n, build.DEFAULT_SEED + 1000 * s, log=log))
        mean = float(np.mean(values))
        deviation = mean / est.value - 1 if est.value else float("nan")
        rows.append({"id": est.id, "scenario": est.scenario or _comparator_name(est), "year": est.year, "measure": est.measure,
                     "published": est.value, "unit": est.unit, "model": mean, "low": float(np.min(values)),
                     "high": float(np.max(values)), "deviation": deviation,
                     "within_15pct": bool(est.comparable and abs(deviation) <= TOLERANCE), "comparable": est.comparable,
                     "tuned": est.tuned, "status": est.status, "source": est.source})
    return pd.DataFrame(rows)


def _comparator_name(est: Estimate) -> str:
    comp = est.comparator
    if "law_change" in comp:
        change = comp["law_change"]
        indexed = " (indexed)" if change.get("indexed") else ""
        return f"law {change['from']}{indexed} -> {change['to']}, households of {est.year}"
    return "baseline (year of repayments)"


# --- what compare shows -----------------------------------------------------------------------------------------------

HEADLINE_MEASURES = ("cost.total", *(f"cost.{a}" for a in ALLOWANCES), "winners", "losers",
                     *(f"newly_entitled.{a}" for a in ALLOWANCES))


def headline_status(c: Comparison, scenario_files: list[dict], year: int) -> dict:
    """For each headline number of a comparison: the model's value, its interval over population seeds when the
    comparison has one, and the published counterpart with the deviation — or 'no published counterpart'."""
    stem = Path(scenario_files[-1]["path"]).stem if scenario_files else None
    published = {e.measure: e for e in load_estimates() if e.scenario == stem and e.year == year}
    interval = c.interval.stats if c.interval is not None else {}
    out = {}
    for measure in HEADLINE_MEASURES:
        ours = comparison_measure(c.baseline, c.reform, c.household, measure)
        key = "cost_change" if measure == "cost.total" else measure.replace("cost.", "cost_change.", 1)
        row = {"model": ours, "interval": [interval[key]["min"], interval[key]["max"]] if key in interval else None}
        est = published.get(measure)
        if est is None:
            row["status"] = "no published counterpart"
        else:
            row.update(published=est.value, deviation=ours / est.value - 1 if est.value else None, source=est.source,
                       tuned=est.tuned)
            row["status"] = ("published figure not comparable: " + est.note) if not est.comparable else (
                f"within {TOLERANCE:.0%} of the published figure" if abs(row["deviation"]) <= TOLERANCE else
                f"deviates {row['deviation']:+.0%} from the published figure")
        out[measure] = row
    return out


# --- docs/validation.md ---------------------------------------------------------------------------------------------

def _fmt(value: float, unit: str) -> str:
    if "share" in unit:
        return f"{value:.0%}"
    if "euros a month" in unit:
        return f"€{value:,.0f}"
    if unit.startswith("euros"):
        return f"€{value / 1e6:,.0f} mln"
    return f"{value:,.0f}"


def render_markdown(table: pd.DataFrame, n_households: int, seeds: int) -> str:
    """docs/validation.md: the table, and per estimate its definition, source, quote and why the figures differ."""
    by_id = {e.id: e for e in load_estimates()}
    lines = ["# The model beside the published estimates", "",
             "Generated by `simlib validate-proposals --out docs/validation.md` from `data/targets/proposal_estimates.yaml`;",
             "do not edit by hand. Each published figure is compared with the same measure in the model, for the year it",
             f"refers to, on the default populations of {seeds} seeds ({n_households:,} households each): the model's mean,",
             "and its lowest and highest value (for the year of repayments also over the Monte Carlo runs). *Tuned*: the",
             "model was fitted to the figure, or an assumption was set while looking at it — not independent evidence.",
             "*Not comparable*: the published definition differs in a way the model cannot follow; shown, not scored.", "",
             "| proposal or comparator | year | measure | published | model (interval) | deviation | verdict |",
             "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        verdict = ("not comparable" if not r.comparable else "within 15%" if r.within_15pct else "outside 15%") + (" (tuned)" if r.tuned else "")
        lines.append(f"| {r.scenario} | {r.year} | `{r.measure}` | {_fmt(r.published, r.unit)} | {_fmt(r.model, r.unit)} "
                     f"({_fmt(r.low, r.unit)}–{_fmt(r.high, r.unit)}) | {r.deviation:+.0%} | {verdict} |")
    from simlib.parameters.scenario import shipped_proposals

    covered = {e.scenario for e in load_estimates()}
    without = [p.stem for p in shipped_proposals() if p.stem not in covered]
    lines += ["", "## Shipped proposals without a published estimate", "",
              "No estimate by the ministries, the Dienst Toeslagen, CPB or an uitvoeringstoets of these proposals' figures",
              "was found (searched: Kamerstukken, the Stand van de uitvoering 2021 and its annex, Rijksoverheid news, CPB",
              "notes); `simlib compare` marks their headline numbers 'no published counterpart':", ""]
    lines += [f"- `{stem}`" for stem in without]
    lines += ["", "## Each estimate", ""]
    for r in table.itertuples():
        e = by_id[r.id]
        lines += [f"### {r.id}", "", f"- **Published:** {_fmt(e.value, e.unit)} ({e.unit}), {e.status.lower()}: {e.source}.",
                  f"- **Definition:** {e.definition}", f"- **Quote:** \"{' '.join(e.quote.split())}\""]
        if e.note:
            lines.append(f"- **Comparability:** {e.note}")
        lines.append(f"- **Model:** {_fmt(r.model, e.unit)} ({_fmt(r.low, e.unit)}–{_fmt(r.high, e.unit)}), deviation {r.deviation:+.0%}.")
        if e.explanation:
            lines.append(f"- **Why they differ:** {e.explanation}")
        lines.append("")
    return "\n".join(lines)
