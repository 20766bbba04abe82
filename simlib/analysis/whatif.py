"""What-if: the main levers of the four allowances as settings, answered in a fraction of a second.

:class:`WhatIf` is the engine: it runs the baseline (rules and the year of advances and repayments) once, and then
answers a dict of lever settings with the cost per allowance, winners and losers by income decile, and the change in
repayments. :func:`scenario_yaml` turns the settings into a scenario file for ``simlib compare``. The ipywidgets
panel around it is :class:`simlib.face.whatif_panel.WhatIfPanel`.

The levers (``default_settings`` gives current law of a year):

- ``vermogensgrens_huurtoeslag``, ``vermogensgrens_zorgtoeslag``, ``vermogensgrens_kindgebonden_budget``: the
  asset limit of a single person (Awir art. 7 lid 7 / Wet op de huurtoeslag art. 14, Wet op de zorgtoeslag art. 3,
  Wet op het kindgebonden budget art. 2). The partner limit moves with it in the ratio of current law.
- ``vermogenstoets``: ``harde_grens`` (one euro over the limit: nothing) or ``geleidelijke_afbouw`` (the allowance
  reduced by ``afbouw`` percent of the assets above the limit).
- ``maximale_huurgrens``: ``uitsluiting`` (a rent above it: no huurtoeslag, Wet op de huurtoeslag art. 13 until
  2025), ``aftopping`` (rent counted up to it, as from 2026) or ``geen``; ``huurgrens_bedrag`` its level.
- ``toeslagpartner``: a variant of the partner rule (Awir art. 3; see ``simlib.parameters.scenario.VARIANTS``).
- ``uurprijs_dagopvang``: the maximum hourly price of dagopvang (Besluit kinderopvangtoeslag art. 6); the other
  care types move by the same factor.
- ``kgb_bedrag_per_kind``: the kindgebonden budget per child (Wet op het kindgebonden budget art. 2 lid 1); in years
  with amounts by rank of the child, all ranks move by the same factor. ``alo_kop``: the alleenstaande-ouderkop.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import yaml

from simlib.analysis.impact import BUCKETS, cost_and_recipients, gain_buckets
from simlib.analysis.koopkracht import NOTICEABLE
from simlib.analysis.marginale_druk import marginal_rates
from simlib.engine.model import Population, edit_population
from simlib.engine.net_income import net_income
from simlib.engine.simulate import simulate
from simlib.errors import InputError
from simlib.parameters import load_parameters
from simlib.parameters.scenario import VARIANTS, Scenario, current_law
from simlib.population.statistics import gross_income, income_deciles, standardised_income, weighted_quantile
from simlib.rules import ASSET_TESTED

CHOICES = {
    "vermogenstoets": tuple(VARIANTS["vermogenstoets"]),
    "maximale_huurgrens": tuple(VARIANTS["maximale_huurgrens"]),
    "toeslagpartner": tuple(VARIANTS["toeslagpartner"]),
}
DEFAULT_AFBOUW = 10.0  # percent of the assets above the limit, when the phase-out is chosen
KGB_RANKS = ("eerste_kind", "tweede_kind", "derde_kind", "vierde_en_volgende_kind")
DKT = ("dagopvang", "buitenschoolse_opvang", "gastouderopvang")


def default_settings(year: int, baseline: Scenario | None = None) -> dict:
    """The lever settings of the baseline (current law of ``year`` by default)."""
    p = (baseline or current_law(year)).parameter_set(year)
    vg = p.awir.vermogensgrens
    afbouw = float(vg.afbouw or 0.0) * 100
    return {
        **{f"vermogensgrens_{a}": float(getattr(vg, a).alleenstaande) for a in ASSET_TESTED},
        "vermogenstoets": "geleidelijke_afbouw" if afbouw > 0 else "harde_grens",
        "afbouw": afbouw if afbouw > 0 else DEFAULT_AFBOUW,
        "maximale_huurgrens": p.huurtoeslag.maximale_huurgrens.werking,
        "huurgrens_bedrag": float(p.huurtoeslag.maximale_huurgrens.bedrag),
        "toeslagpartner": _partner_variant(p),
        "uurprijs_dagopvang": float(p.kinderopvangtoeslag.maximum_uurprijs.dagopvang),
        "kgb_bedrag_per_kind": float(p.kindgebonden_budget.bedrag_per_kind.eerste_kind),
        "alo_kop": float(p.kindgebonden_budget.alleenstaande_ouderkop),
    }


def _partner_variant(p) -> str:
    for name, values in VARIANTS["toeslagpartner"].items():
        if name != "huidig" and all(_value(p, k) == v for k, v in values.items()):
            return name
    return "huidig"


def _value(p, path: str):
    for part in path.split("."):
        p = getattr(p, part)
    return p


def overrides(settings: dict, year: int, baseline: Scenario | None = None) -> dict:
    """Parameter overrides (dotted paths, in the unit of the parameter files) that put ``settings`` into effect.

    Only the levers that differ from the baseline produce overrides. Unknown keys or values are an InputError.
    """
    base = default_settings(year, baseline)
    unknown = set(settings) - set(base)
    if unknown:
        raise InputError(f"what-if settings: unknown lever {sorted(unknown)[0]!r}; allowed: {', '.join(base)}")
    s = {**base, **settings}
    for key, options in CHOICES.items():
        if s[key] not in options:
            raise InputError(f"what-if settings: {key}: {s[key]!r} is not one of {', '.join(options)}")
    for key, value in s.items():
        if key not in CHOICES and (not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0):
            raise InputError(f"what-if settings: {key}: expected a number of at least 0, got {value!r}")
    p = (baseline or current_law(year)).parameter_set(year)
    out: dict = {}
    for a in ASSET_TESTED:
        v = s[f"vermogensgrens_{a}"]
        if v != base[f"vermogensgrens_{a}"]:
            lim = getattr(p.awir.vermogensgrens, a)
            out[f"awir.vermogensgrens.{a}.alleenstaande"] = round(v)
            out[f"awir.vermogensgrens.{a}.partners"] = round(v * lim.partners / lim.alleenstaande)
    if (s["vermogenstoets"], s["afbouw"]) != (base["vermogenstoets"], base["afbouw"]):
        out["awir.vermogensgrens.afbouw"] = s["afbouw"] if s["vermogenstoets"] == "geleidelijke_afbouw" else 0
    if s["maximale_huurgrens"] != base["maximale_huurgrens"]:
        out.update(VARIANTS["maximale_huurgrens"][s["maximale_huurgrens"]])
    if s["huurgrens_bedrag"] != base["huurgrens_bedrag"]:
        out["huurtoeslag.maximale_huurgrens.bedrag"] = round(s["huurgrens_bedrag"], 2)
    if s["toeslagpartner"] != base["toeslagpartner"]:
        for name in (base["toeslagpartner"], s["toeslagpartner"]):  # undo the baseline's variant, then set the new one
            for path in VARIANTS["toeslagpartner"][name]:
                out[path] = _value(load_parameters(year), path)
        out.update(VARIANTS["toeslagpartner"][s["toeslagpartner"]])
    if s["uurprijs_dagopvang"] != base["uurprijs_dagopvang"]:
        f = s["uurprijs_dagopvang"] / base["uurprijs_dagopvang"]
        for t in DKT:
            out[f"kinderopvangtoeslag.maximum_uurprijs.{t}"] = round(float(getattr(p.kinderopvangtoeslag.maximum_uurprijs, t)) * f, 2)
    if s["kgb_bedrag_per_kind"] != base["kgb_bedrag_per_kind"]:
        f = s["kgb_bedrag_per_kind"] / base["kgb_bedrag_per_kind"] if base["kgb_bedrag_per_kind"] else 1.0
        for r in KGB_RANKS:
            old = float(getattr(p.kindgebonden_budget.bedrag_per_kind, r))
            out[f"kindgebonden_budget.bedrag_per_kind.{r}"] = round(s["kgb_bedrag_per_kind"] if old == base["kgb_bedrag_per_kind"] else old * f)
    if s["alo_kop"] != base["alo_kop"]:
        out["kindgebonden_budget.alleenstaande_ouderkop"] = round(s["alo_kop"])
    return out


def reform_scenario(settings: dict, year: int, baseline: Scenario | None = None, name: str = "What-if") -> Scenario:
    """The settings as a scenario stacked on the baseline."""
    baseline = baseline or current_law(year)
    ov = overrides(settings, year, baseline)
    described = ", ".join(f"{k} = {v}" for k, v in ov.items()) or "no change"
    return Scenario(name, f"What-if settings: {described}", None, year, {**baseline.parameters, **ov},
                    dict(baseline.behaviour), list(baseline.files), dict(baseline.repayments))


def scenario_yaml(settings: dict, year: int, baseline: Scenario | None = None, name: str = "What-if") -> str:
    """A scenario file (text) with the settings' overrides, ready for ``simlib compare``."""
    ov = overrides(settings, year, baseline)
    doc = {"name": name, "description": "Made with the what-if panel: " + (", ".join(f"{k}" for k in ov) or "no change"),
           "year": year, "changes": {"parameters": ov}}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


MARGINAL_SAMPLE = 20_000  # households of the what-if's sample for the marginale druk


@dataclass
class _Static:
    weight: np.ndarray
    decile: np.ndarray
    gross: np.ndarray


class WhatIf:
    """Answers lever settings against a baseline on one population; the baseline is computed once.

    ``repayment_seed`` fixes the year's events (one Monte Carlo run; ``simlib compare`` gives the interval), or None
    to leave repayments out.
    """

    def __init__(self, population: Population | None = None, year: int | None = None, baseline: Scenario | None = None,
                 repayment_seed: int | None = 20200101, marginal: bool = True):
        from simlib.population.build import cached_population

        if population is None:
            population = cached_population(year or 2025)
        year = year or population.year
        if population.year != year:
            raise InputError(f"year: the population is for {population.year}, not {year}")
        self.population, self.year = population, year
        self.baseline = baseline or current_law(year)
        self.defaults = default_settings(year, self.baseline)
        t0 = time.perf_counter()
        self._take_up = self.baseline.take_up(population.meta.get("take_up"))
        self.base = simulate(population, self.baseline.parameter_set(year), take_up=self._take_up)
        w = population.households["weight"]
        self._static = _Static(w, income_deciles(standardised_income(population), w), gross_income(population))
        self.base_net = net_income(self.base, detail=False)["netto"]
        self.marginal = marginal
        self.base_marginal = None
        if marginal:
            # the marginale druk on a fixed sample (every k-th household): two runs per answer on the whole population
            # would take four times the panel's time; simlib compare gives it on every household
            step = max(1, population.n_households // MARGINAL_SAMPLE)
            keep = np.zeros(population.n_households, dtype=bool)
            keep[::step] = True
            self._md_population = edit_population(population, keep_households=keep) if step > 1 else population
            self.base_marginal = marginal_rates(
                simulate(self._md_population, self.baseline.parameter_set(year), take_up=self._take_up)).shares()
        self.repayment_seed = repayment_seed
        self._events = None
        self.base_repayments = None
        if repayment_seed is not None:
            from simlib.analysis.repayments import Levers, draw_events, simulate_year, summarise

            self._levers = Levers.from_scenario(self.baseline.repayments)
            self._events = draw_events(population, repayment_seed, self._levers)
            self.base_repayments = summarise(simulate_year(population, self.baseline.parameter_set(year), self._take_up,
                                                           self._events, self._levers))
        self.setup_seconds = time.perf_counter() - t0

    def evaluate(self, settings: dict | None = None) -> dict:
        """Cost, recipients, winners and losers (by decile) and repayments of ``settings`` against the baseline."""
        t0 = time.perf_counter()
        reform = reform_scenario(settings or {}, self.year, self.baseline)
        params = reform.parameter_set(self.year)
        sim = simulate(self.population, params, take_up=self._take_up, reuse=self.base)
        st, base = self._static, self.base
        w = st.weight
        cost, recipients = cost_and_recipients(base, sim)
        out: dict = {"year": self.year, "overrides": overrides(settings or {}, self.year, self.baseline),
                     "cost": {k: v.to_dict() for k, v in cost.items()}, "recipients": {k: v.to_dict() for k, v in recipients.items()}}
        change = sim.received["totaal"] - base.received["totaal"]
        out["winners"] = float(w[change >= 0.5].sum())
        out["losers"] = float(w[change <= -0.5].sum())
        bucket = gain_buckets(change, st.gross)
        cells = np.bincount((st.decile - 1) * len(BUCKETS) + bucket, weights=w, minlength=10 * len(BUCKETS)).reshape(10, len(BUCKETS))
        shares = cells / np.maximum(cells.sum(axis=1, keepdims=True), 1e-9)
        out["by_decile"] = pd.DataFrame({"decile": np.arange(1, 11), **{b: shares[:, i] for i, b in enumerate(BUCKETS)}})
        # net income: koopkracht of the households with a positive net income, and the marginale druk of every worker
        net = net_income(sim, detail=False)["netto"]
        positive = self.base_net > 0
        kk = np.divide(net - self.base_net, self.base_net, out=np.zeros_like(net), where=positive)
        out["koopkracht"] = {"median": float(weighted_quantile(kk[positive], w[positive], 0.5)),
                             "better_off": float(w[kk >= NOTICEABLE].sum()), "worse_off": float(w[kk <= -NOTICEABLE].sum())}
        if self.marginal:
            sample = simulate(self._md_population, params, take_up=self._take_up)
            out["marginale_druk"] = {"baseline": self.base_marginal, "reform": marginal_rates(sample).shares(),
                                     "households": self._md_population.n_households}
        if self._events is not None:
            from simlib.analysis.repayments import simulate_year, summarise

            rep = summarise(simulate_year(self.population, params, self._take_up, self._events, self._levers))
            keys = ("count_ge_500", "problematic", "amount")
            out["repayments"] = {"seed": self.repayment_seed,
                                 "baseline": {k: self.base_repayments[k] for k in keys},
                                 "reform": {k: rep[k] for k in keys},
                                 "change": {k: rep[k] - self.base_repayments[k] for k in keys}}
        out["seconds"] = time.perf_counter() - t0
        return out
