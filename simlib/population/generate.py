"""Generate a synthetic population of Dutch private households (before calibration).

Deterministic for a given seed, year and size; vectorised over all households (no Python loop per household).
The joint distributions are built step by step so that they make sense together: the household type decides the
members and ages; age decides the work profile; profile, age and a household factor decide income; income, age and
type decide tenure and rent; age and income decide assets; the parents' work, the child's age decide childcare.
All numbers come from ``assumptions.yaml`` (each with its source) and ``data/targets/uprating.yaml``.
"""

from __future__ import annotations

import functools
import zlib
from pathlib import Path

import numpy as np
import yaml

from simlib.engine.model import EXTRA_KINDS, PROFILES, TYPES, Population
from simlib.parameters import load_parameters
from simlib.rules.partner import RELATIVE_KINDS

HERE = Path(__file__).parent
DATA = Path(__file__).resolve().parents[2] / "data"
HOURS_PER_WEEK_TO_MONTH = 365 / 7 / 12


@functools.cache
def assumptions() -> dict:
    with open(HERE / "assumptions.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.cache
def uprating() -> dict:
    with open(DATA / "targets" / "uprating.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def national_households(year: int) -> float:
    return float(uprating()["households_private_total"]["value"][year])


def _band_draw(rng, bands, probs, size):
    probs = np.asarray(probs, dtype=float)
    idx = rng.choice(len(probs), size=size, p=probs / probs.sum())
    lo = np.asarray(bands[:-1])[idx]
    hi = np.asarray(bands[1:])[idx]
    return (lo + np.floor(rng.random(size) * (hi - lo))).astype(np.int64)


def _lognormal(rng, median, sigma, size):
    return median * np.exp(sigma * rng.standard_normal(size))


def generate(year: int = 2020, n_households: int = 100_000, seed: int = 20200101) -> Population:
    """A synthetic population for ``year`` with ``n_households`` households (weights sum to the national total).

    The result is not yet calibrated: see :func:`simlib.population.build_population`.
    """
    # (the draws' intermediate arrays, 1 GB for the whole country, are gone before the tables are checked)
    return Population.from_columns(year, *_draw_columns(year, n_households, seed))


def _draw_columns(year: int, n_households: int, seed: int) -> tuple[dict, dict, dict]:
    """The persons, households and relations of :func:`generate`, as columns."""
    A = assumptions()
    U = uprating()
    p = load_parameters(year)
    n = int(n_households)

    def R(name: str, *extra: int) -> np.random.Generator:
        """An independent random stream per step: the draws of one step never shift those of another, and the
        draws do not depend on the year, so the same seed gives the same households in every year."""
        return np.random.default_rng([seed, n, zlib.crc32(name.encode()), *extra])


    # --- households: type, head age, couple kind, children, extra members ---
    shares = A["household_types"]["shares"]
    htype = R("s1").choice(len(TYPES), size=n, p=np.array([shares[t] for t in TYPES]) / sum(shares.values()))
    ha = A["head_age"]
    head_age = np.zeros(n, dtype=np.int64)
    for t, name in enumerate(TYPES):
        sel = htype == t
        head_age[sel] = _band_draw(R("head_age", t), ha["bands"], ha[name], int(sel.sum()))
    couple = (htype == 1) | (htype == 2)
    married = couple & (R("s2").random(n) < A["married_share_of_couples"]["value"])
    n_kids = np.zeros(n, dtype=np.int64)
    for t, key in ((2, "paar"), (3, "eenouder")):
        sel = htype == t
        dist = A["children_per_household"][key]
        n_kids[sel] = R("n_kids", t).choice(np.array(list(dist), dtype=int), size=int(sel.sum()), p=np.array(list(dist.values())) / sum(dist.values()))
    # a parent must be old enough for the children
    head_age = np.where(n_kids > 0, np.maximum(head_age, 20), head_age)
    n_others = np.where(htype == 4, 1 + (R("s3").random(n) < 0.3), 0)  # 'overig': 2 or 3 unrelated adults

    # extra members (Awir 'medebewoners' that are neither partner nor child)
    om = A["other_members"]
    extra = np.full(n, -1, dtype=np.int64)
    free = np.ones(n, dtype=bool) & (htype != 4)
    total_extra = om["share_of_households"] * n
    for k, kind in enumerate(EXTRA_KINDS):
        count = int(round(total_extra * om["kinds"][kind]))
        if kind == "kamerhuurder":
            host_p = np.zeros(n)
            for t, name in enumerate(TYPES):
                host_p[htype == t] = om["lodger_host_type"].get(name, 0.0) / max((htype == t).sum(), 1)
            host_p *= free
        elif kind == "ouder_mantelzorg":
            host_p = (free & (head_age >= 40) & (head_age < 70)).astype(float)
        else:
            host_p = free.astype(float)
        if host_p.sum() == 0 or count == 0:
            continue
        count = min(count, int((host_p > 0).sum()))
        hosts = R("extra_hosts", k).choice(n, size=count, replace=False, p=host_p / host_p.sum())
        extra[hosts] = k
        free[hosts] = False
    del host_p, free

    # women's shelter: a woman (with children in some cases) whose spouse may live elsewhere
    sh = A["shelter"]
    n_shelter = int(round(sh["households_per_year"] / national_households(2020) * n))
    shelter = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(((htype == 0) | (htype == 3)) & (head_age >= 20) & (head_age < 50) & (extra < 0))
    if n_shelter and len(cand):
        want_kids = R("s4").random(n_shelter) < sh["with_children"]
        with_kids = cand[htype[cand] == 3]
        without = cand[htype[cand] == 0]
        pick = np.r_[
            R("s5").choice(with_kids, size=min(int(want_kids.sum()), len(with_kids)), replace=False),
            R("s6").choice(without, size=min(int((~want_kids).sum()), len(without)), replace=False),
        ]
        shelter[pick] = True
    spouse_elsewhere = shelter & (R("s7").random(n) < sh["spouse_elsewhere"])
    # CBS counts a one-person household with another member as an 'overig meerpersoonshuishouden'
    htype = np.where((htype == 0) & (extra >= 0), 4, htype)

    # --- persons: slots per household ---
    has_partner = couple.astype(np.int64)
    has_extra = (extra >= 0).astype(np.int64)
    size = 1 + has_partner + n_kids + n_others + has_extra + spouse_elsewhere.astype(np.int64)
    n_p = int(size.sum())
    hh = np.repeat(np.arange(n, dtype=np.int32), size)  # the household row of each person
    start = np.cumsum(size) - size
    slot = np.arange(n_p) - np.repeat(start, size)
    # roles by slot order: 0 head, then partner, kids, others, extra, elsewhere spouse
    b_partner = 1
    b_kids = 1 + has_partner
    b_others = b_kids + n_kids
    b_extra = b_others + n_others
    b_else = b_extra + has_extra
    is_head = slot == 0
    is_partner = (slot == b_partner) & (has_partner[hh] == 1)
    is_kid = (slot >= b_kids[hh]) & (slot < b_others[hh])
    is_other = (slot >= b_others[hh]) & (slot < b_extra[hh])
    is_extra = (slot >= b_extra[hh]) & (slot < b_else[hh])
    is_else = slot == b_else[hh]
    is_else &= spouse_elsewhere[hh]
    # full-length temporaries are dropped when done, and person references are int32 (their type in the population):
    # a whole country has 18 million persons
    del slot, b_kids, b_others, b_extra, b_else, has_extra
    head_row = start[hh].astype(np.int32)
    partner_row = np.where(has_partner[hh] == 1, head_row + 1, -1).astype(np.int32)
    del start

    # ages
    gap = A["partner_age_gap"]
    age = np.zeros(n_p, dtype=np.int16)
    age[is_head] = head_age
    page = head_age + np.round(gap["mean"] + gap["sd"] * R("s8").standard_normal(n)).astype(np.int64)
    page = np.clip(page, 18, 100)
    age[is_partner] = page[hh[is_partner]]
    par_ref = np.where(has_partner == 1, np.minimum(head_age, page), head_age)
    pab = A["parent_age_at_birth"]
    kid_age = par_ref[hh[is_kid]] - np.round(pab["mean"] + pab["sd"] * R("s9").standard_normal(int(is_kid.sum()))).astype(np.int64)
    kid_age = np.clip(kid_age, 0, np.maximum(par_ref[hh[is_kid]] - pab["min"], 0))
    age[is_kid] = kid_age
    age[is_other] = np.clip(head_age[hh[is_other]] + R("s10").integers(-5, 6, int(is_other.sum())), 18, 90)
    kind_of = extra[hh]
    ex_age = np.where(
        kind_of[is_extra] == 1,
        np.clip(head_age[hh[is_extra]] + R("s11").integers(22, 38, int(is_extra.sum())), 65, 100),
        np.where(
            kind_of[is_extra] == 2,
            np.clip(head_age[hh[is_extra]] + R("s12").integers(-6, 7, int(is_extra.sum())), 18, 95),
            np.clip(R("s13").integers(18, 41, int(is_extra.sum())), 18, 95),
        ),
    )
    age[is_extra] = ex_age
    age[is_else] = np.clip(head_age[hh[is_else]] + R("s14").integers(0, 6, int(is_else.sum())), 18, 100)
    birth_month = R("s15").integers(1, 13, n_p).astype(np.int8)
    del page, par_ref, kid_age, ex_age

    # relations
    spouse = np.full(n_p, -1, dtype=np.int32)
    cohabitant = np.full(n_p, -1, dtype=np.int32)
    pension_partner = np.full(n_p, -1, dtype=np.int32)
    partner_last_year = np.full(n_p, -1, dtype=np.int32)
    m = married[hh] & is_partner
    spouse[np.flatnonzero(m)] = head_row[m]
    spouse[head_row[m]] = np.flatnonzero(m)
    e = is_else
    spouse[np.flatnonzero(e)] = head_row[e]
    spouse[head_row[e]] = np.flatnonzero(e)
    u = is_partner & ~married[hh]
    urows = np.flatnonzero(u)
    cohabitant[urows] = head_row[u]
    cohabitant[head_row[u]] = urows
    long_term = R("s16").random(len(urows)) < 0.85
    partner_last_year[urows[long_term]] = head_row[u][long_term]
    pens = R("s17").random(len(urows)) < 0.40
    pension_partner[urows[pens]] = head_row[u][pens]
    parent1 = np.where(is_kid, head_row, -1)
    # stepfamilies: in a share of couples with children the children are the head's only (CBS 'samengestelde gezinnen')
    step = couple & (n_kids > 0) & (R("stepfamily").random(n) < A["stepfamily_share"]["value"])
    parent2 = np.where(is_kid & ~step[hh], partner_row, -1)
    rel_rows = np.flatnonzero(is_extra & ((kind_of == 1) | (kind_of == 2)))
    rel_kind = np.where(kind_of[rel_rows] == 1, RELATIVE_KINDS["child"], RELATIVE_KINDS["sibling"])
    relations = {"rel_a": rel_rows, "rel_b": head_row[rel_rows], "rel_kind": rel_kind.astype(np.int16)}
    lodger = is_extra & (kind_of == 0)
    business = lodger & (R("s18").random(n_p) < om["lodger_business_contract"])
    requests = R("s19").random(n_p) < A["requests_exception"]["value"]
    in_shelter = is_head & shelter[hh]
    del kind_of, m, u, urows, long_term, pens, step, married, n_kids, n_others, is_other, is_extra, spouse_elsewhere

    # --- work profile, hours, income ---
    sba = A["status_by_age"]
    cuts = sorted(int(k) for k in sba if k not in ("source", "profiles"))
    aow_years = p.huurtoeslag.pensioengerechtigde_leeftijd / 12.0
    profile = np.full(n_p, -1, dtype=np.int8)
    u_profile = R("profile").random(n_p)
    adult = age >= 18
    for i, lo in enumerate(cuts):
        hi = cuts[i + 1] if i + 1 < len(cuts) else 200
        sel = adult & (age >= lo) & (age < hi) & (age < aow_years)
        probs = np.array(sba[str(lo)], dtype=float)
        cum = np.cumsum(probs / probs.sum())
        profile[sel] = np.minimum(np.searchsorted(cum, u_profile[sel], side="right"), len(PROFILES) - 1)
    profile[adult & (age >= aow_years)] = PROFILES.index("pensioen")
    profile[in_shelter & (profile == PROFILES.index("vast"))] = PROFILES.index("uitkering")
    del u_profile

    inc = A["income"]
    w_index = U["income_wages"]["index"][year]
    m_index = U["income_minimum_wage"]["index"][year]
    age_cuts = sorted(int(k) for k in inc["age_factor"])
    age_factor = np.ones(n_p)
    for i, lo in enumerate(age_cuts):
        hi = age_cuts[i + 1] if i + 1 < len(age_cuts) else 200
        age_factor[(age >= lo) & (age < hi)] = inc["age_factor"][str(lo)]
    hh_factor = np.exp(inc["household_factor_sigma"] * R("s20").standard_normal(n))[hh]
    z = R("income_z").standard_normal(n_p)
    u_zero = R("income_zero").random(n_p)
    income = np.zeros(n_p)
    for name in ("vast", "flex", "zelfstandige"):
        sel = profile == PROFILES.index(name)
        c = inc[name]
        income[sel] = c["median"] * age_factor[sel] * hh_factor[sel] * np.exp(c["sigma"] * z[sel]) * w_index
    for name, index in (("uitkering", m_index), ("student", w_index)):
        sel = profile == PROFILES.index(name)
        c = inc[name]
        income[sel] = c["median"] * np.exp(c["sigma"] * z[sel]) * index
    sel = profile == PROFILES.index("geen")
    c = inc["geen"]
    income[sel] = np.where(u_zero[sel] < c["zero_share"], 0.0, c["median"] * np.exp(c["sigma"] * z[sel]) * w_index)
    sel = profile == PROFILES.index("pensioen")
    c = inc["pensioen"]
    with_partner_hh = (has_partner[hh] == 1) & (is_head | is_partner)
    aow = np.where(with_partner_hh, c["aow_couple"], c["aow_single"]) * m_index
    extra_pension = np.where(R("s21").random(n_p) < c["extra_zero_share"], 0.0, _lognormal(R("s43"), c["extra_median"], c["extra_sigma"], n_p) * w_index)
    income[sel] = (aow + extra_pension)[sel]
    income = np.round(income)
    del age_factor, hh_factor, z, u_zero, aow, extra_pension, with_partner_hh

    hw = A["hours_worked_per_week"]
    hours = np.full(n_p, np.nan)
    u_hours = R("hours").random(n_p)
    for name, spec in hw.items():
        if name == "source":
            continue
        sel = profile == PROFILES.index(name)
        cum = np.cumsum(np.array(spec["p"]) / sum(spec["p"]))
        idx = np.minimum(np.searchsorted(cum, u_hours[sel], side="right"), len(spec["values"]) - 1)
        hours[sel] = np.asarray(spec["values"], dtype=float)[idx] * HOURS_PER_WEEK_TO_MONTH
    hours = np.where(np.isnan(hours) & adult, 0.0, hours)
    works_p = np.zeros(n_p)
    for name, share in A["works_for_childcare"].items():
        if name in PROFILES:
            works_p[profile == PROFILES.index(name)] = share
    works = np.where(adult, R("s22").random(n_p) < works_p, False)
    del u_hours, works_p

    # --- assets (household level, split over the adults) ---
    asp = A["assets"]
    hh_income = np.bincount(hh, weights=np.where(is_head | is_partner, income, 0.0), minlength=n)
    a_cuts = sorted(int(k) for k in asp["median_by_age"])
    a_med = np.zeros(n)
    for i, lo in enumerate(a_cuts):
        hi = a_cuts[i + 1] if i + 1 < len(a_cuts) else 200
        a_med[(head_age >= lo) & (head_age < hi)] = asp["median_by_age"][str(lo)]
    rel_income = np.maximum(hh_income, 1000.0) / (30000.0 * w_index)
    wealth = a_med * rel_income ** asp["income_elasticity"] * np.exp(asp["sigma"] * R("s23").standard_normal(n))
    wealth = np.where(R("s24").random(n) < asp["zero_share"], 0.0, wealth) * U["assets"]["index"][year]
    n_core = 1 + has_partner
    assets = np.where(is_head | is_partner, wealth[hh] / n_core[hh], 0.0)
    others = adult & ~(is_head | is_partner)
    assets[others] = np.where(
        age[others] >= 65, _lognormal(R("s44"), 25000, 1.4, int(others.sum())), _lognormal(R("s45"), 2500, 1.3, int(others.sum()))
    ) * U["assets"]["index"][year]
    assets[is_else] = wealth[hh[is_else]] * 0.5
    assets = np.round(assets)
    del a_med, rel_income, wealth, n_core, others

    # --- tenure and rent ---
    tn = A["tenure"]
    ow = tn["owner"]
    logit = ow["intercept"] + ow["log_income"] * np.log(np.maximum(hh_income, 1000.0) / w_index) + ow["age"] * (head_age - 45)
    for name, key in ((0, "eenpersoons"), (3, "eenouder"), (4, "overig")):
        logit = np.where(htype == name, logit + ow[key], logit)
    logit = np.where(couple, logit + ow["paar"], logit)
    owner = (R("s25").random(n) < 1 / (1 + np.exp(-logit))) & ~shelter
    sg = tn["social_given_renter"]
    social = R("s26").random(n) < 1 / (1 + np.exp(-(sg["intercept"] + sg["log_income"] * np.log(np.maximum(hh_income, 1000.0) / w_index))))
    tenure = np.where(owner, 0, np.where(social | shelter, 1, 2))
    del logit, social, hh_income
    rt = A["rent"]
    r_index = U["rent"]["index"][year]
    soc = rt["social"]
    pri = rt["private"]
    rent = np.where(
        tenure == 1,
        np.clip(_lognormal(R("s46"), soc["median"], soc["sigma"], n), soc["min"], soc["max"]),
        np.clip(_lognormal(R("s47"), pri["median"], pri["sigma"], n), pri["min"], pri["max"]),
    ) * r_index
    rent = np.where(tenure == 0, 0.0, np.round(rent, 2))
    sc = rt["service_costs"]
    service = np.where(
        tenure == 1,
        np.where(R("s27").random(n) < sc["social_share"], R("s28").random(n) * sc["social_max"], 0.0),
        np.where(R("s29").random(n) < sc["private_share"], R("s30").random(n) * sc["private_max"], 0.0),
    )
    service = np.where(tenure == 0, 0.0, np.round(service, 2))
    elderly = np.bincount(hh, weights=(age >= 75).astype(float), minlength=n) > 0
    adapted = (tenure > 0) & (R("s31").random(n) < rt["adapted_home_share"] * np.where(elderly, 3.0, 0.5))
    limit = p.huurtoeslag.maximale_huurgrens.bedrag
    acquired = (tenure > 0) & (rent > limit) & (R("s32").random(n) < rt["acquired_right_share_above_limit"])
    home_owner = (is_head | (is_partner & couple[hh])) & owner[hh]
    del elderly

    # --- childcare ---
    cc = A["childcare"]
    parents_work = works[head_row] & np.where(partner_row >= 0, works[np.maximum(partner_row, 0)], True)
    young = is_kid & (age <= 3)
    school = is_kid & (age >= 4) & (age <= int(p.kinderopvangtoeslag.maximumleeftijd_kind))
    use = parents_work & ((young & (R("s33").random(n_p) < cc["use_0_3"])) | (school & (R("s34").random(n_p) < cc["use_4_12"])))
    gast = np.where(young, R("s35").random(n_p) < cc["gastouder_share_0_3"], R("s36").random(n_p) < cc["gastouder_share_4_12"])
    ctype = np.where(use, np.where(gast, 3, np.where(young, 1, 2)), 0).astype(np.int8)
    del gast
    # hours and price only for the children who use childcare; the draws are full-length (every child's draw is the
    # same whoever else uses childcare). Generator.gamma(shape, scale) is scale * standard_gamma(shape), draw by draw.
    users = np.flatnonzero(use)
    t_u, young_u = ctype[users], young[users]
    hm = cc["hours_mean"]
    mean_hours = np.select(
        [t_u == 1, t_u == 2, (t_u == 3) & young_u, t_u == 3], [hm["dagopvang"], hm["bso"], hm["gastouder_0_3"], hm["gastouder_4_12"]], 0.0
    )
    shape = cc["hours_shape"]
    chours = np.zeros(n_p)
    chours[users] = np.clip(mean_hours / shape * R("s37").standard_gamma(shape, n_p)[users], 4, 230).round()
    mp = p.kinderopvangtoeslag.maximum_uurprijs
    maxp = np.select([t_u == 1, t_u == 2, t_u == 3], [mp.dagopvang, mp.buitenschoolse_opvang, mp.gastouderopvang], 0.0)
    rel = cc["price_relative_to_max"]
    mean_rel = np.select([t_u == 1, t_u == 2, t_u == 3], [rel["dagopvang"][0], rel["bso"][0], rel["gastouderopvang"][0]], 0.0)
    sd_rel = np.select([t_u == 1, t_u == 2, t_u == 3], [rel["dagopvang"][1], rel["bso"][1], rel["gastouderopvang"][1]], 0.0)
    cprice = np.zeros(n_p)
    cprice[users] = np.round(maxp * np.clip(mean_rel + sd_rel * R("s38").standard_normal(n_p)[users], 0.5, 2.0), 2)
    del users, t_u, young_u, mean_hours, maxp, mean_rel, sd_rel
    hours_worked = np.where(adult, hours, np.nan)
    # (what is left of the draws' household-level arrays and masks: 0.7 GB for the whole country)
    del hours, adult, partner_row, head_row, has_partner, head_age, young, use, school, parents_work, sel, is_partner
    del is_kid, shelter, owner, couple
    refs = {"spouse": spouse, "cohabitant": cohabitant, "pension_partner": pension_partner, "partner_last_year": partner_last_year,
            "parent1": parent1, "parent2": parent2}

    persons = {
        "household": hh,
        "person_id": np.arange(n_p, dtype=np.int64),
        "age": age,
        "birth_month": birth_month,
        "income": income,
        "assets": assets,
        "insured": R("s39").random(n_p) < A["insured_share"]["value"],
        "works": works,
        "hours_worked": hours_worked,
        **refs,
        "home_owner": home_owner,
        "lodger": lodger,
        "business_rental_contract": business,
        "requests_exception": requests,
        "in_shelter": in_shelter,
        "temporary_protection": np.zeros(n_p, dtype=bool),
        "elsewhere": is_else,
        "tenant": is_head & (tenure[hh] > 0),
        "disability": R("s40").random(n_p) < 0.01,
        "childcare_type": ctype,
        "childcare_hours": chours,
        "childcare_price": cprice,
        "profile": profile,
        "takeup_draw": R("s41").random(n_p),
    }
    households = {
        "household_id": np.arange(n, dtype=np.int64),
        "renter": tenure > 0,
        "bare_rent": rent,
        "service_costs": service,
        "adapted_home": adapted,
        "home_for_8plus": (size >= 8) & (R("s42").random(n) < 0.5),
        "acquired_right": acquired,
        "weight": np.full(n, national_households(year) / n),
        "household_type": htype.astype(np.int8),
        "tenure": tenure.astype(np.int8),
        "extra_member": extra.astype(np.int8),
    }
    return persons, households, relations
