"""The year of advances (voorschotten) and final awards: the repayments and back-payments a rule causes.

For every household of a population, one year (vectorised; no loop per household), on the events of
:mod:`simlib.analysis.repayments.events`:

1. **The advance** is the award on what is known: the situation at the start of the year and the income estimate,
   revised when a change is reported in time (with a probability per kind of change) and when a new income estimate
   is reported (more likely the larger the change). Advances ignore the asset test; units above an asset limit who
   know it do not apply.
2. **The final award** is the entitlement of the real year: months before m in the old situation, months from m in
   the new one, the real income, the asset test on 1 January. Yearly amounts are rounded and the EUR 24 minimum
   applies (Awir art. 14).
3. The difference is a back-payment or a repayment; repayments up to the doelmatigheidsgrens are not reclaimed
   (Awir art. 26a). A household's repayment is **problematic** when it exceeds what it can pay in the standard
   payment plan (assumptions.yaml: plan months x payment capacity).

Amounts are per household and allowance (the units of a household are summed). Both runs of a comparison use the
same draws, so differences come from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.analysis.repayments.events import EVENT_BLOCK, EVENTS, Events, Levers, _situations, assumptions
from simlib.engine.model import PROFILES, TYPES, Population
from simlib.engine.simulate import simulate
from simlib.engine.structure import household_blocks
from simlib.engine.threads import parallel_map
from simlib.parameters import ParameterSet, load_parameters
from simlib.parameters.loader import MAX_AMOUNT
from simlib.population.generate import uprating
from simlib.population.statistics import income_deciles, standardised_income
from simlib.rules import ALLOWANCES, ASSET_TESTED
from simlib.rules.awir import round_half_up

CAUSES = ("inkomen", "huishouden", "huur", "kinderopvang", "vermogen")
# advances ignore the asset test: these limits are lifted for them
ASSET_PATHS = tuple(f"awir.vermogensgrens.{a}.{k}" for a in ASSET_TESTED for k in ("alleenstaande", "partners"))


@dataclass
class YearResult:
    """Per allowance, for the households that receive an advance (rows ``claimants[a]``): advance, final award,
    repayment, back-payment and cause; per household: the total repayment, problematic, payment capacity, weight.
    Households without an advance of an allowance have nothing to settle for it; :meth:`full` gives a per-household
    array."""

    claimants: dict[str, np.ndarray]
    advance: dict[str, np.ndarray]
    final: dict[str, np.ndarray]
    repayment: dict[str, np.ndarray]
    backpayment: dict[str, np.ndarray]
    cause: dict[str, np.ndarray]
    repayment_total: np.ndarray
    problematic: np.ndarray
    capacity: np.ndarray
    weight: np.ndarray

    def full(self, field: str, allowance: str) -> np.ndarray:
        """``field`` (advance, final, repayment, backpayment, cause) of ``allowance`` for every household."""
        values = getattr(self, field)[allowance]
        out = np.full(len(self.weight), CAUSES.index("inkomen") if field == "cause" else 0, dtype=values.dtype)
        out[self.claimants[allowance]] = values
        return out


def _net_income(gross: np.ndarray) -> np.ndarray:
    pts = np.asarray(assumptions()["net_income"]["points"], dtype=float)
    rate = np.interp(gross, pts[:, 0], pts[:, 1])
    return gross * (1.0 - rate)


@dataclass
class _Year:
    """What the settlement of each allowance reads: the advances and awards of the whole population and of the
    households with a change, the asset tests, the months before and after a change, how far the advance follows the
    real income (``lam``), and the kind of change."""

    advance: dict
    award: dict
    over: dict
    b_advance: dict
    b_award: dict
    change_pos: np.ndarray
    before: np.ndarray
    after: np.ndarray
    reported: np.ndarray
    lam: np.ndarray
    ev: Events


def _runs(pop: Population, params: ParameterSet, take_up: dict | None, ev: Events) -> tuple:
    """The four runs of the rules the year needs: the advance (on the income estimate, after take-up, no asset test),
    the award on the real situation and its asset tests, and for the households with a change both again. Each
    run's other results are dropped at once (the whole country: 0.6 GB a run)."""
    adv_params = load_parameters(params.year, {**dict(params.overrides), **{k: MAX_AMOUNT for k in ASSET_PATHS}})
    est_pop, changed, b_pop, b_est_pop = _situations(pop, ev)
    advance = simulate(est_pop, adv_params, take_up=take_up).received
    a_true = simulate(pop, params, take_up={})
    over, award = {a: a_true.over_asset_limit(a) for a in ALLOWANCES}, a_true.households
    del a_true
    b_advance = simulate(b_est_pop, adv_params, take_up={}).households
    b_award = simulate(b_pop, params, take_up={}).households
    return advance, award, over, changed, b_advance, b_award


def _income_updates(pop: Population, ev: Events, levers: Levers) -> np.ndarray:
    """Per household, how far the advance moves to the real income during the year: the share of the household's
    income whose new estimate is reported (times the correction), and timely income data for the employees' part."""
    hs = _household_static(pop)
    upd = np.bincount(pop.persons["household"], weights=np.where(ev.income_reported, hs["income_pos"], 0.0), minlength=pop.n_households)
    tot = hs["income_total"]
    lam = np.where(tot > 0, upd / np.maximum(tot, 1.0), 0.0) * assumptions()["income_update"]["correction"]
    coverage = levers.actuele_gegevens * hs["employee_share"]
    return lam + (1 - lam) * coverage  # timely data: the employees' part of the advance follows the real income


def _settle(a: str, y: _Year, params: ParameterSet) -> tuple:
    """One allowance (independent of the others: run on threads): for the households with an advance, the advance
    over the year, the final award, the repayment, the back-payment and the cause of a repayment."""
    ev = y.ev
    adv_all = y.advance[a]
    idx = np.flatnonzero(adv_all > 0)  # only households with an advance can end with a repayment or a back-payment
    adv_i = adv_all[idx].astype(float)  # whole euros (stored as float32); the year's arithmetic in float64
    true_i = y.award[a][idx].astype(float)
    over_i = y.over[a][idx]
    lam_i = y.lam[idx]
    # the advance moves toward the real income when income updates are reported (not for those above the limit:
    # they do not report their assets)
    adv_start = adv_i + lam_i * (np.where(over_i, adv_i, true_i) - adv_i)
    v, f = adv_start.copy(), true_i.copy()
    # households with a change: months before/after; the advance follows the change only when reported
    cp = y.change_pos[idx]
    has = np.flatnonzero(cp >= 0)
    j = cp[has]
    b_adv = y.b_advance[a][j].astype(float)
    b_fin = y.b_award[a][j].astype(float)
    adv_new = b_adv + lam_i[has] * (b_fin - b_adv)
    v[has] = np.where(y.reported[j], y.before[j] * adv_start[has] + y.after[j] * adv_new, adv_start[has])
    f[has] = y.before[j] * true_i[has] + y.after[j] * b_fin
    # above an asset limit: who knows it claims only what is due (nothing under the cliff)
    v = np.where(over_i & ev.knows_assets[idx], f, v)
    f = round_half_up(f)
    f = np.where(f < params.awir.minimum_tegemoetkoming, 0.0, f)
    d = f - v
    r = np.maximum(-d, 0.0)
    r = np.where(r <= params.awir.doelmatigheidsgrens, 0.0, r)
    return idx, v, f, r, np.maximum(d, 0.0), _causes(a, idx, has, ~y.reported[j], over_i & (v > 0), ev)


def _causes(a: str, idx, has, unreported, over_paid, ev: Events) -> np.ndarray:
    """The cause of a repayment: an unreported change of its kind, an asset limit, else the income."""
    k = ev.kind
    unrep = np.zeros(len(idx), dtype=bool)
    unrep[has] = unreported
    k_i = k[idx]
    c = np.full(len(idx), CAUSES.index("inkomen"), dtype=np.int8)
    if a == "kinderopvangtoeslag":
        c[unrep & _any_of(k_i, ("childcare_change", "job_loss"))] = CAUSES.index("kinderopvang")
    if a == "huurtoeslag":
        c[unrep & (k_i == EVENTS.index("move"))] = CAUSES.index("huur")
    c[unrep & _any_of(k_i, ("partner_out", "partner_in", "birth", "medebewoner_in"))] = CAUSES.index("huishouden")
    c[over_paid] = CAUSES.index("vermogen")
    return c


def _capacity(pop: Population, year: int, housing_ht: np.ndarray) -> np.ndarray:
    """Per household what it can repay a month: net income minus a share of the bijstandsnorm and the housing costs
    above what the norm holds (after the huurtoeslag of the final award, ``housing_ht`` a month), times the share
    available for repayment (assumptions.yaml: problematic)."""
    hs = _household_static(pop)
    pb = assumptions()["problematic"]
    norm = np.where(hs["couple"], pb["bijstandsnorm_month_2020"]["couple"], pb["bijstandsnorm_month_2020"]["single"])
    norm *= uprating()["income_minimum_wage"]["index"][year]
    housing = np.maximum(hs["housing_costs"] - housing_ht - pb["housing_in_norm"], 0.0)
    return np.maximum(hs["net_income_month"] - pb["norm_share"] * norm - housing, 0.0) * pb["available_share"]


def simulate_year(pop: Population, params: ParameterSet, take_up: dict | None, ev: Events, levers: Levers | None = None) -> YearResult:
    """Advances, final awards and repayments of one year for every household of ``pop``.

    The rules run on the whole population (in blocks on threads, see :func:`simlib.engine.simulate.simulate`) for the
    situation at the start of the year, the changed situation and their income estimates; the settlement is
    arithmetic per household.
    """
    levers = levers or Levers()
    n = pop.n_households
    ev = levers.on_estimates(ev)
    advance, award, over, changed, b_advance, b_award = _runs(pop, params, take_up, ev)
    if levers.voorschot_korting:  # a cautious advance: paid lower for the households of the profiles it targets
        cautious = np.isin(head_profile(pop), [PROFILES.index(x) for x in levers.voorschot_profielen if x in PROFILES])
        factor = np.where(cautious, 1.0 - levers.voorschot_korting, 1.0)
        advance = {a: np.round(v * factor) for a, v in advance.items()}
        b_advance = {a: np.round(v * factor[changed]) for a, v in b_advance.items()}
    m = ev.month[changed].astype(float)
    change_pos = np.full(n, -1, dtype=np.int64)
    change_pos[changed] = np.arange(len(changed))
    y = _Year(advance, award, over, b_advance, b_award, change_pos, (m - 1) / 12.0, (13 - m) / 12.0, ev.reported[changed],
              _income_updates(pop, ev, levers), ev)
    settled = dict(zip(ALLOWANCES, parallel_map(lambda a: _settle(a, y, params), ALLOWANCES)))
    claimants, adv, fin, rep, back, cause = ({a: settled[a][i] for a in ALLOWANCES} for i in range(6))

    def per_household(values: dict) -> np.ndarray:
        out = np.zeros(n)
        for a in ALLOWANCES:
            out[claimants[a]] += values[a]
        return out

    total = per_household(rep)
    housing_ht = np.zeros(n)
    housing_ht[claimants["huurtoeslag"]] = fin["huurtoeslag"] / 12.0
    capacity = _capacity(pop, params.year, housing_ht)
    problematic = (total > 0) & (total > assumptions()["problematic"]["plan_months"] * capacity)
    if levers.matiging > 0:
        for a in ALLOWANCES:
            rep[a] = np.where(problematic[claimants[a]], rep[a] * (1 - levers.matiging), rep[a])
        total = per_household(rep)
    return YearResult(claimants, adv, fin, rep, back, cause, total, problematic, capacity, pop.households["weight"])


def _any_of(kind: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    out = np.zeros(kind.shape, dtype=bool)
    for name in names:
        out |= kind == EVENTS.index(name)
    return out


def _household_static(pop: Population) -> dict[str, np.ndarray]:
    """Per household, what the year needs from the population alone (cached on it): positive incomes, the share of
    employees' income, couples, the net income per month."""
    P = pop.persons
    key = (P["income"], P["profile"], P["spouse"], P["cohabitant"], P["elsewhere"], pop.households["bare_rent"], pop.households["service_costs"])
    hit = pop.__dict__.get("_household_static")
    if hit is not None and all(a is b for a, b in zip(hit[0], key)):
        return hit[1]
    n, hh = pop.n_households, P["household"]
    income_pos = np.empty(pop.n_persons)
    out = {k: np.empty(n) for k in ("income_total", "employee_share", "net_income_month")}
    out["couple"] = np.empty(n, dtype=bool)
    employee = np.array([PROFILES.index("vast"), PROFILES.index("flex")])

    def block(b: tuple[int, int, int, int]) -> None:  # households h0..h1-1 and their persons p0..p1-1
        h0, h1, p0, p1 = b
        ps, m, rows = slice(p0, p1), h1 - h0, hh[p0:p1] - h0
        inc = np.maximum(np.asarray(P["income"][ps], dtype=float), 0.0)
        income_pos[ps] = inc
        tot = np.bincount(rows, weights=inc, minlength=m)
        covered = np.bincount(rows, weights=np.where(np.isin(P["profile"][ps], employee), inc, 0.0), minlength=m)
        out["income_total"][h0:h1] = tot
        out["employee_share"][h0:h1] = np.where(tot > 0, covered / np.maximum(tot, 1.0), 0.0)
        partnered = (P["spouse"][ps] >= 0) | (P["cohabitant"][ps] >= 0)
        out["couple"][h0:h1] = np.bincount(rows, weights=partnered, minlength=m) > 0
        net = np.where(P["elsewhere"][ps], 0.0, _net_income(inc))
        out["net_income_month"][h0:h1] = np.bincount(rows, weights=net, minlength=m) / 12.0

    parallel_map(block, household_blocks(hh, n, EVENT_BLOCK))
    out["income_pos"] = income_pos
    out["housing_costs"] = pop.households["bare_rent"] + pop.households["service_costs"]
    pop.__dict__["_household_static"] = (key, out)
    return out


def summarise(res: YearResult) -> dict:
    """Counts and amounts weighted to the country: per allowance and in total."""
    w = res.weight
    out = {"per_allowance": {}}
    count_500 = count_1500 = 0.0
    amount = back_amount = back_count = 0.0
    for a in ALLOWANCES:
        r, b, wa = res.repayment[a], res.backpayment[a], w[res.claimants[a]]
        d = {
            "count": float(wa[r > 0].sum()),
            "count_ge_500": float(wa[r >= 500].sum()),
            "count_ge_1500": float(wa[r >= 1500].sum()),
            "amount": float(np.sum(r * wa)),
            "backpayment_count": float(wa[b >= 1].sum()),
            "backpayment_amount": float(np.sum(b * wa)),
            "causes_ge_500": {c: float(wa[(r >= 500) & (res.cause[a] == i)].sum()) for i, c in enumerate(CAUSES)},
        }
        out["per_allowance"][a] = d
        count_500 += d["count_ge_500"]
        count_1500 += d["count_ge_1500"]
        amount += d["amount"]
        back_amount += d["backpayment_amount"]
        back_count += d["backpayment_count"]
    out.update({
        "count": float(sum(v["count"] for v in out["per_allowance"].values())),
        "count_ge_500": count_500,
        "count_ge_1500": count_1500,
        "problematic": float(w[res.problematic].sum()),
        "amount": amount,
        "backpayment_count": back_count,
        "backpayment_amount": back_amount,
    })
    return out


def breakdown(res: YearResult, pop: Population, by: str) -> dict:
    """Repayments of EUR 500 or more and problematic households by household type, income decile or work profile."""
    w = res.weight
    n = pop.n_households
    H = pop.households
    ge500 = np.zeros(n)
    for a in ALLOWANCES:
        ge500[res.claimants[a]] += res.repayment[a] >= HIGH_REPAYMENT
    if by == "household_type":
        codes, names = H["household_type"].astype(np.int64), list(TYPES)
    elif by == "profile":
        codes, names = head_profile(pop), list(PROFILES)
    else:
        codes, names = income_deciles(standardised_income(pop), w) - 1, [str(d) for d in range(1, 11)]
    codes = np.where(codes >= 0, codes, len(names))  # unknown codes last
    names = names + ["onbekend"]
    k = len(names)
    households = np.bincount(codes, weights=w, minlength=k)
    repayments = np.bincount(codes, weights=ge500 * w, minlength=k)
    problematic = np.bincount(codes, weights=w * res.problematic, minlength=k)
    present = np.bincount(codes, minlength=k) > 0
    return {names[i]: {"households": float(households[i]), "repayments_ge_500": float(repayments[i]),
                       "problematic": float(problematic[i])} for i in np.flatnonzero(present)}


HIGH_REPAYMENT = 500.0  # euros: a 'hoge terugvordering' (Stand van de uitvoering Toeslagen 2021, par. 3.3)


def head_profile(pop: Population) -> np.ndarray:
    """The work profile of each household's first person (code of engine.model.PROFILES; -1 unknown)."""
    hh = pop.persons["household"]
    first = np.r_[True, hh[1:] != hh[:-1]]
    return pop.persons["profile"][first].astype(np.int64)


def repayment_risk(res: YearResult, pop: Population) -> dict[str, np.ndarray]:
    """Per allowance and work profile: the weighted share of the households with an advance whose repayment is
    EUR 500 or more (a profile without claimants gets the allowance's overall share)."""
    profile = head_profile(pop)
    out = {}
    for a in ALLOWANCES:
        rows = res.claimants[a]
        w = res.weight[rows]
        high = res.repayment[a] >= HIGH_REPAYMENT
        cells = np.maximum(profile[rows], 0)
        total = np.bincount(cells, weights=w, minlength=len(PROFILES))
        hit = np.bincount(cells, weights=w * high, minlength=len(PROFILES))
        overall = float(hit.sum() / total.sum()) if total.sum() > 0 else 0.0
        out[a] = np.where(total > 0, hit / np.maximum(total, 1e-12), overall)
    return out


def mean_risk(risks: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The mean over Monte Carlo runs of :func:`repayment_risk`."""
    return {a: np.mean([r[a] for r in risks], axis=0) for a in risks[0]}
