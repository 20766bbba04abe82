"""Generate a synthetic population of Dutch private households (before calibration).

Deterministic for a given seed, year and size; vectorised over all households (no Python loop per household).
The joint distributions are built step by step so that they make sense together, one function per family of
assumptions (each can be run and tested alone):

1. :func:`household_composition` — household type, age of the reference person, couples and marriage, children,
   the adults of an 'overig' household;
2. :func:`extra_members` — lodgers, an elderly parent taken in for care, adult siblings, others;
3. :func:`shelter_stays` — women's shelter stays and a spouse living elsewhere;
4. :func:`person_slots` — the persons of each household and their role (head, partner, child, other, extra, elsewhere);
5. :func:`ages` — ages of partners, children, others and extra members; birth months;
6. :func:`family_ties` — spouses, cohabitants, last year's and pension partners, parents (stepfamilies), relatives,
   lodgers and their contracts, requests, shelter;
7. :func:`work_profiles` — work profile by age; :func:`incomes` — income by profile, age and a household factor;
   :func:`hours_and_work` — hours worked and the work requirement of childcare;
8. :func:`tenure_and_rent` — tenure by income, age and type, rent, service costs and the exceptions of the maximum
   rent; :func:`assets` — box-3 assets by age, income and tenure; :func:`childcare` — use, type, hours and price.

Every number comes from ``assumptions.yaml`` (each with its source) and ``data/targets/uprating.yaml``. Each step
draws from its own random stream (:class:`Streams`), so the draws of one step never shift those of another, and do
not depend on the year: the same seed gives the same households in every year.
"""

from __future__ import annotations

import functools
import zlib
from pathlib import Path

import numpy as np
import yaml

from simlib.engine.model import EXTRA_KINDS, PROFILES, TYPES, Population
from simlib.parameters import indexation
from simlib.parameters import load_parameters
from simlib.rules.partner import RELATIVE_KINDS

HERE = Path(__file__).parent
DATA = Path(__file__).resolve().parents[2] / "data"
HOURS_PER_WEEK_TO_MONTH = 365 / 7 / 12


@functools.cache
def assumptions() -> dict:
    with open(HERE / "assumptions.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# the series of the projections file that carry each uprating index beyond the last year of uprating.yaml
PROJECTED_BY = {"income_wages": "contractloon", "income_minimum_wage": "minimumloon", "rent": "huurprijs", "assets": "vermogen"}


def uprating() -> dict:
    """The uprating indices of data/targets/uprating.yaml, carried into the projected years (2027-2030) by the growth
    of the projections file (contract wages, minimum wage, rents, assets, households)."""
    return _uprating(indexation.current_path())


@functools.cache
def _uprating(projections_path) -> dict:
    with open(DATA / "targets" / "uprating.yaml", encoding="utf-8") as fh:
        U = yaml.safe_load(fh)
    proj = indexation.projections(projections_path)
    for name, series in [*PROJECTED_BY.items(), ("households_private_total", "huishoudens")]:
        values = U[name]["index" if name in PROJECTED_BY else "value"]
        last = max(values)
        for y in indexation.PROJECTED_YEARS:
            if y not in values:
                values[y] = values[last] * proj.factor(series, last, y)
    return U


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


class Streams:
    """An independent random stream per named step: ``R("s1")`` (the seed, the size and the step's name decide it).
    The draws of one step never shift those of another, and they do not depend on the year."""

    def __init__(self, seed: int, n: int):
        self.seed, self.n = seed, n

    def __call__(self, name: str, *extra: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.n, zlib.crc32(name.encode()), *extra])


def generate(year: int = 2020, n_households: int = 100_000, seed: int = 20200101) -> Population:
    """A synthetic population for ``year`` with ``n_households`` households (weights sum to the national total).

    The result is not yet calibrated: see :func:`simlib.population.build_population`.
    """
    # (the draws' intermediate arrays, 1 GB for the whole country, are gone before the tables are checked)
    return Population.from_columns(year, *_draw_columns(year, n_households, seed))


# --- households ----------------------------------------------------------------------------------------------------

def household_composition(R: Streams, A: dict, n: int) -> dict[str, np.ndarray]:
    """Per household: type (CBS shares), age of the reference person (by type), couple and married, children (by
    type) and the other adults of an 'overig' household (2 or 3 unrelated adults)."""
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
    return {"htype": htype, "head_age": head_age, "couple": couple, "married": married, "n_kids": n_kids, "n_others": n_others}


def extra_members(R: Streams, A: dict, htype: np.ndarray, head_age: np.ndarray) -> np.ndarray:
    """Per household the kind of extra member (index into EXTRA_KINDS, -1 none): Awir 'medebewoners' that are neither
    partner nor child. Their number is CBS's count of 'overige leden'; the split by kind and the hosts are assumptions
    (lodgers by the host's household type, a parent taken in by hosts of 40-69)."""
    n = len(htype)
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
    return extra


def shelter_stays(R: Streams, A: dict, htype: np.ndarray, head_age: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per household: a woman (with children in some cases) staying in a women's shelter (16,500 persons a year), and
    whether her spouse lives elsewhere."""
    n = len(htype)
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
    return shelter, shelter & (R("s7").random(n) < sh["spouse_elsewhere"])


# --- persons -------------------------------------------------------------------------------------------------------

def person_slots(couple, n_kids, n_others, extra, spouse_elsewhere) -> dict[str, np.ndarray]:
    """The persons of each household in slot order — head, partner, children, others, extra member, a spouse
    elsewhere — with the household row of each person, its role, and the rows of its household's head and partner
    (person references are int32, their type in the population: a whole country has 18 million persons)."""
    n = len(couple)
    has_partner = couple.astype(np.int64)
    has_extra = (extra >= 0).astype(np.int64)
    size = 1 + has_partner + n_kids + n_others + has_extra + spouse_elsewhere.astype(np.int64)
    n_p = int(size.sum())
    hh = np.repeat(np.arange(n, dtype=np.int32), size)  # the household row of each person
    start = np.cumsum(size) - size
    slot = np.arange(n_p) - np.repeat(start, size)
    b_kids = 1 + has_partner
    b_others = b_kids + n_kids
    b_extra = b_others + n_others
    b_else = b_extra + has_extra
    head_row = start[hh].astype(np.int32)
    return {
        "hh": hh, "size": size, "has_partner": has_partner,
        "is_head": slot == 0,
        "is_partner": (slot == 1) & (has_partner[hh] == 1),
        "is_kid": (slot >= b_kids[hh]) & (slot < b_others[hh]),
        "is_other": (slot >= b_others[hh]) & (slot < b_extra[hh]),
        "is_extra": (slot >= b_extra[hh]) & (slot < b_else[hh]),
        "is_else": (slot == b_else[hh]) & spouse_elsewhere[hh],
        "head_row": head_row,
        "partner_row": np.where(has_partner[hh] == 1, head_row + 1, -1).astype(np.int32),
    }


def ages(R: Streams, A: dict, S: dict, head_age: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Age of every person and birth month: the partner's from the head's with the partner age gap, children's from
    the younger parent's and the parent's age at birth (at least ``min`` years younger), others near the head's, an
    elderly parent 22-37 years older, a sibling within 6 years, a lodger or other 18-40."""
    hh, n = S["hh"], len(head_age)
    is_partner, is_kid, is_other, is_extra, is_else = S["is_partner"], S["is_kid"], S["is_other"], S["is_extra"], S["is_else"]
    gap = A["partner_age_gap"]
    age = np.zeros(len(hh), dtype=np.int16)
    age[S["is_head"]] = head_age
    page = head_age + np.round(gap["mean"] + gap["sd"] * R("s8").standard_normal(n)).astype(np.int64)
    page = np.clip(page, 18, 100)
    age[is_partner] = page[hh[is_partner]]
    par_ref = np.where(S["has_partner"] == 1, np.minimum(head_age, page), head_age)
    pab = A["parent_age_at_birth"]
    kid_age = par_ref[hh[is_kid]] - np.round(pab["mean"] + pab["sd"] * R("s9").standard_normal(int(is_kid.sum()))).astype(np.int64)
    kid_age = np.clip(kid_age, 0, np.maximum(par_ref[hh[is_kid]] - pab["min"], 0))
    age[is_kid] = kid_age
    age[is_other] = np.clip(head_age[hh[is_other]] + R("s10").integers(-5, 6, int(is_other.sum())), 18, 90)
    kind_of = extra[hh[is_extra]]
    m = int(is_extra.sum())
    age[is_extra] = np.where(
        kind_of == 1,
        np.clip(head_age[hh[is_extra]] + R("s11").integers(22, 38, m), 65, 100),
        np.where(
            kind_of == 2,
            np.clip(head_age[hh[is_extra]] + R("s12").integers(-6, 7, m), 18, 95),
            np.clip(R("s13").integers(18, 41, m), 18, 95),
        ),
    )
    age[is_else] = np.clip(head_age[hh[is_else]] + R("s14").integers(0, 6, int(is_else.sum())), 18, 100)
    return age, R("s15").integers(1, 13, len(hh)).astype(np.int8)


def family_ties(R: Streams, A: dict, S: dict, H: dict, extra: np.ndarray, shelter: np.ndarray) -> tuple[dict, dict]:
    """References between persons and the flags the partner rule reads: spouses (married couples, a spouse living
    elsewhere), cohabitants (85% partners last year, 40% registered for a pension), parents (in stepfamilies the
    children are the head's only), relatives (a parent taken in, a sibling), lodgers (some on business terms), who
    files the requests the partner rule allows, who stays in a shelter. Returns (person columns, relations)."""
    hh, head_row, n_p = S["hh"], S["head_row"], len(S["hh"])
    is_partner, is_kid, is_extra = S["is_partner"], S["is_kid"], S["is_extra"]
    married, couple, n_kids = H["married"], H["couple"], H["n_kids"]
    refs = {k: np.full(n_p, -1, dtype=np.int32) for k in ("spouse", "cohabitant", "pension_partner", "partner_last_year")}
    spouse, cohabitant = refs["spouse"], refs["cohabitant"]
    for m in (married[hh] & is_partner, S["is_else"]):
        spouse[np.flatnonzero(m)] = head_row[m]
        spouse[head_row[m]] = np.flatnonzero(m)
    u = is_partner & ~married[hh]
    urows = np.flatnonzero(u)
    cohabitant[urows] = head_row[u]
    cohabitant[head_row[u]] = urows
    long_term = R("s16").random(len(urows)) < 0.85
    refs["partner_last_year"][urows[long_term]] = head_row[u][long_term]
    pens = R("s17").random(len(urows)) < 0.40
    refs["pension_partner"][urows[pens]] = head_row[u][pens]
    refs["parent1"] = np.where(is_kid, head_row, -1)
    # stepfamilies: in a share of couples with children the children are the head's only (CBS 'samengestelde gezinnen')
    step = couple & (n_kids > 0) & (R("stepfamily").random(len(couple)) < A["stepfamily_share"]["value"])
    refs["parent2"] = np.where(is_kid & ~step[hh], S["partner_row"], -1)
    kind_of = extra[hh]
    rel_rows = np.flatnonzero(is_extra & ((kind_of == 1) | (kind_of == 2)))
    rel_kind = np.where(kind_of[rel_rows] == 1, RELATIVE_KINDS["child"], RELATIVE_KINDS["sibling"])
    relations = {"rel_a": rel_rows, "rel_b": head_row[rel_rows], "rel_kind": rel_kind.astype(np.int16)}
    lodger = is_extra & (kind_of == 0)
    flags = {
        "lodger": lodger,
        "business_rental_contract": lodger & (R("s18").random(n_p) < A["other_members"]["lodger_business_contract"]),
        "requests_exception": R("s19").random(n_p) < A["requests_exception"]["value"],
        "in_shelter": S["is_head"] & shelter[hh],
    }
    return refs | flags, relations


# --- work, income, assets ------------------------------------------------------------------------------------------

def work_profiles(R: Streams, A: dict, age: np.ndarray, in_shelter: np.ndarray, aow_years: float) -> np.ndarray:
    """Work profile of every adult (index into PROFILES, -1 for children) by age band below the AOW age, pension
    from the AOW age; a woman in a shelter who would be employed has a benefit."""
    sba = A["status_by_age"]
    cuts = sorted(int(k) for k in sba if k not in ("source", "profiles"))
    profile = np.full(len(age), -1, dtype=np.int8)
    u_profile = R("profile").random(len(age))
    adult = age >= 18
    for i, lo in enumerate(cuts):
        hi = cuts[i + 1] if i + 1 < len(cuts) else 200
        sel = adult & (age >= lo) & (age < hi) & (age < aow_years)
        probs = np.array(sba[str(lo)], dtype=float)
        cum = np.cumsum(probs / probs.sum())
        profile[sel] = np.minimum(np.searchsorted(cum, u_profile[sel], side="right"), len(PROFILES) - 1)
    profile[adult & (age >= aow_years)] = PROFILES.index("pensioen")
    profile[in_shelter & (profile == PROFILES.index("vast"))] = PROFILES.index("uitkering")
    return profile


def incomes(R: Streams, A: dict, U: dict, year: int, profile, age, S: dict, htype) -> np.ndarray:
    """Yearly income (toetsingsinkomen, whole euros) by work profile: lognormal around the profile's median, times an
    age factor and a factor shared by the household (its level by household type) for work income; benefits and students around their medians;
    some without a profile have none; pensions are the AOW (single or couple) plus a supplementary pension. Amounts
    are uprated with the wage or minimum-wage index of the year."""
    hh, n_p = S["hh"], len(age)
    inc = A["income"]
    w_index = U["income_wages"]["index"][year]
    m_index = U["income_minimum_wage"]["index"][year]
    age_cuts = sorted(int(k) for k in inc["age_factor"])
    age_factor = np.ones(n_p)
    for i, lo in enumerate(age_cuts):
        hi = age_cuts[i + 1] if i + 1 < len(age_cuts) else 200
        age_factor[(age >= lo) & (age < hi)] = inc["age_factor"][str(lo)]
    type_factor = np.array([inc["household_type_factor"][name] for name in TYPES])[htype]
    hh_factor = (type_factor * np.exp(inc["household_factor_sigma"] * R("s20").standard_normal(len(S["size"]))))[hh]
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
    with_partner_hh = (S["has_partner"][hh] == 1) & (S["is_head"] | S["is_partner"])
    aow = np.where(with_partner_hh, c["aow_couple"], c["aow_single"]) * m_index
    extra_pension = np.where(R("s21").random(n_p) < c["extra_zero_share"], 0.0, _lognormal(R("s43"), c["extra_median"], c["extra_sigma"], n_p) * w_index)
    income[sel] = (aow + extra_pension)[sel]
    return np.round(income)


def hours_and_work(R: Streams, A: dict, profile: np.ndarray, adult: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hours worked per month by profile (0 for adults without listed hours, NaN for children) and whether the person
    meets the work requirement of kinderopvangtoeslag (a share per profile)."""
    n_p = len(profile)
    hours = np.full(n_p, np.nan)
    u_hours = R("hours").random(n_p)
    for name, spec in A["hours_worked_per_week"].items():
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
    return hours, np.where(adult, R("s22").random(n_p) < works_p, False)


def assets(R: Streams, A: dict, U: dict, year: int, S: dict, age, hh_income, head_age, tenure) -> np.ndarray:
    """Box-3 assets of every person: a household wealth by age of the head, income and tenure (lognormal, a share
    with none; renters hold far less than owners), split over head and partner; other adults their own (more from 65);
    a spouse elsewhere half the household's."""
    hh, n = S["hh"], len(head_age)
    is_core = S["is_head"] | S["is_partner"]
    w_index = U["income_wages"]["index"][year]
    asp = A["assets"]
    a_cuts = sorted(int(k) for k in asp["median_by_age"])
    a_med = np.zeros(n)
    for i, lo in enumerate(a_cuts):
        hi = a_cuts[i + 1] if i + 1 < len(a_cuts) else 200
        a_med[(head_age >= lo) & (head_age < hi)] = asp["median_by_age"][str(lo)]
    by_tenure = asp["tenure"]
    renter = tenure > 0
    factor = np.where(renter, by_tenure["huur"]["factor"], by_tenure["koop"]["factor"])
    sigma = np.where(renter, by_tenure["huur"]["sigma"], by_tenure["koop"]["sigma"])
    rel_income = np.maximum(hh_income, 1000.0) / (30000.0 * w_index)
    wealth = a_med * factor * rel_income ** asp["income_elasticity"] * np.exp(sigma * R("s23").standard_normal(n))
    wealth = np.where(R("s24").random(n) < asp["zero_share"], 0.0, wealth) * U["assets"]["index"][year]
    n_core = 1 + S["has_partner"]
    out = np.where(is_core, wealth[hh] / n_core[hh], 0.0)
    others = (age >= 18) & ~is_core
    out[others] = np.where(
        age[others] >= 65, _lognormal(R("s44"), 25000, 1.4, int(others.sum())), _lognormal(R("s45"), 2500, 1.3, int(others.sum()))
    ) * U["assets"]["index"][year]
    out[S["is_else"]] = wealth[hh[S["is_else"]]] * 0.5
    return np.round(out)


def tenure_and_rent(R: Streams, A: dict, U: dict, year: int, p, H: dict, S: dict, age, hh_income, shelter, profile) -> dict:
    """Per household: owner (logit in income, age and type as CBS counts it), social or private rent (logit in income; a shelter stay
    is social), kale huur (lognormal by tenure, uprated), service costs, a home adapted for a handicap (more with a
    member of 75+), a verworven recht above the maximale huurgrens; per person: (co-)owner of the home."""
    hh, n = S["hh"], len(hh_income)
    w_index = U["income_wages"]["index"][year]
    htype, head_age, couple = H["htype"], H["head_age"], H["couple"]
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
    rt = A["rent"]
    soc, pri = rt["social"], rt["private"]
    # the median rent rises with the household's income (an elasticity per sector)
    rel_income = np.maximum(hh_income, 1000.0) / (30000.0 * w_index)
    rent = np.where(
        tenure == 1,
        np.maximum(_lognormal(R("s46"), soc["median"] * rel_income ** soc["income_elasticity"], soc["sigma"], n), soc["min"]),
        np.clip(_lognormal(R("s47"), pri["median"] * rel_income ** pri["income_elasticity"], pri["sigma"], n), pri["min"], pri["max"]),
    ) * U["rent"]["index"][year]
    limit = p.huurtoeslag.maximale_huurgrens.bedrag
    # social homes above the liberalisatiegrens are let only to households above the DAEB income limit (Woningwet
    # art. 48); below it the rent stays at or below the limit (the same draw, within it)
    daeb = hh_income < rt["daeb_income_limit_2020"] * w_index
    rent = np.where((tenure == 1) & daeb & (rent > limit), limit * (0.80 + 0.20 * R("daeb").random(n)), rent)
    # passend toewijzen: a young household below the DAEB limit gets a social home at or below the
    # kwaliteitskortingsgrens (above it a huurder under the jongerenleeftijd gets no huurtoeslag)
    kkg = p.huurtoeslag.kwaliteitskortingsgrens
    young_low = (tenure == 1) & daeb & (head_age < p.huurtoeslag.maximale_huurgrens.jongerenleeftijd)
    passend = young_low & (R("passend").random(n) < soc["young_passend_share"]) & (rent > kkg)
    rent = np.where(passend, kkg * (0.85 + 0.15 * R("passend_rent").random(n)), rent)
    # private landlords ask a gross monthly income of `income_multiple` times the rent; most tenancies meet it
    test = (tenure == 2) & (R("income_test").random(n) < pri["income_test_share"])
    affordable = np.maximum(hh_income / 12.0 / pri["income_multiple"], pri["min"] * U["rent"]["index"][year])
    rent = np.where(test & (rent > affordable), affordable, rent)
    # a student living alone mostly rents a room (kamer), not a zelfstandige woonruimte
    room_spec = rt["room"]
    alone = htype == 0
    student = alone & (profile[S["head_row"][np.flatnonzero(S["is_head"])]] == PROFILES.index("student"))
    young = alone & ~student & (head_age < room_spec["young_below_age"])
    u_room = R("room").random(n)
    room = (tenure > 0) & ((student & (u_room < room_spec["student_share"])) | (young & (u_room < room_spec["young_share"])))
    rent = np.where(room, _lognormal(R("room_rent"), room_spec["median"], room_spec["sigma"], n) * U["rent"]["index"][year], rent)
    rent = np.where(tenure == 0, 0.0, np.round(rent, 2))
    sc = rt["service_costs"]
    service = np.where(
        tenure == 1,
        np.where(R("s27").random(n) < sc["social_share"], R("s28").random(n) * sc["social_max"], 0.0),
        np.where(R("s29").random(n) < sc["private_share"], R("s30").random(n) * sc["private_max"], 0.0),
    )
    elderly = np.bincount(hh, weights=(age >= 75).astype(float), minlength=n) > 0
    limit = p.huurtoeslag.maximale_huurgrens.bedrag
    return {
        "tenure": tenure, "rent": rent, "service": np.where(tenure == 0, 0.0, np.round(service, 2)), "room": room,
        "adapted": (tenure > 0) & (R("s31").random(n) < rt["adapted_home_share"] * np.where(elderly, 3.0, 0.5)),
        "acquired": (tenure > 0) & (rent > limit) & (R("s32").random(n) < rt["acquired_right_share_above_limit"]),
        "home_owner": (S["is_head"] | (S["is_partner"] & couple[hh])) & owner[hh],
    }


def childcare(R: Streams, A: dict, p, S: dict, age, works) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Childcare of every child whose parents both work: use by age (0-3, 4 to the maximum age), the type (dagopvang,
    bso or gastouderopvang), hours a month (gamma around the type's mean) and hourly price relative to the maximum."""
    cc = A["childcare"]
    n_p = len(age)
    head_row, partner_row, is_kid = S["head_row"], S["partner_row"], S["is_kid"]
    parents_work = works[head_row] & np.where(partner_row >= 0, works[np.maximum(partner_row, 0)], True)
    young = is_kid & (age <= 3)
    school = is_kid & (age >= 4) & (age <= int(p.kinderopvangtoeslag.maximumleeftijd_kind))
    use = parents_work & ((young & (R("s33").random(n_p) < cc["use_0_3"])) | (school & (R("s34").random(n_p) < cc["use_4_12"])))
    gast = np.where(young, R("s35").random(n_p) < cc["gastouder_share_0_3"], R("s36").random(n_p) < cc["gastouder_share_4_12"])
    ctype = np.where(use, np.where(gast, 3, np.where(young, 1, 2)), 0).astype(np.int8)
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
    return ctype, chours, cprice


# --- the tables ----------------------------------------------------------------------------------------------------

def _draw_columns(year: int, n_households: int, seed: int) -> tuple[dict, dict, dict]:
    """The persons, households and relations of :func:`generate`, as columns."""
    A, U, p, n = assumptions(), uprating(), load_parameters(year), int(n_households)
    R = Streams(seed, n)
    H = household_composition(R, A, n)
    extra = extra_members(R, A, H["htype"], H["head_age"])
    shelter, spouse_elsewhere = shelter_stays(R, A, H["htype"], H["head_age"], extra)
    # CBS counts a one-person household with another member as an 'overig meerpersoonshuishouden'
    H["htype"] = np.where((H["htype"] == 0) & (extra >= 0), 4, H["htype"])
    S = person_slots(H["couple"], H["n_kids"], H["n_others"], extra, spouse_elsewhere)
    hh = S["hh"]
    age, birth_month = ages(R, A, S, H["head_age"], extra)
    ties, relations = family_ties(R, A, S, H, extra, shelter)
    profile = work_profiles(R, A, age, ties["in_shelter"], p.huurtoeslag.pensioengerechtigde_leeftijd / 12.0)
    income = incomes(R, A, U, year, profile, age, S, H["htype"])
    adult = age >= 18
    hours, works = hours_and_work(R, A, profile, adult)
    hh_income = np.bincount(hh, weights=np.where(S["is_head"] | S["is_partner"], income, 0.0), minlength=n)
    homes = tenure_and_rent(R, A, U, year, p, H, S, age, hh_income, shelter, profile)
    ctype, chours, cprice = childcare(R, A, p, S, age, works)
    n_p = len(hh)
    persons = {
        "household": hh,
        "person_id": np.arange(n_p, dtype=np.int64),
        "age": age,
        "birth_month": birth_month,
        "income": income,
        "assets": assets(R, A, U, year, S, age, hh_income, H["head_age"], homes["tenure"]),
        "insured": R("s39").random(n_p) < A["insured_share"]["value"],
        "works": works,
        "hours_worked": np.where(adult, hours, np.nan),
        **{k: ties[k] for k in ("spouse", "cohabitant", "pension_partner", "partner_last_year", "parent1", "parent2")},
        "home_owner": homes["home_owner"],
        **{k: ties[k] for k in ("lodger", "business_rental_contract", "requests_exception", "in_shelter")},
        "temporary_protection": np.zeros(n_p, dtype=bool),
        "elsewhere": S["is_else"],
        "tenant": S["is_head"] & (homes["tenure"][hh] > 0),
        "disability": R("s40").random(n_p) < 0.01,
        "childcare_type": ctype,
        "childcare_hours": chours,
        "childcare_price": cprice,
        "profile": profile,
        "takeup_draw": R("s41").random(n_p),
    }
    households = {
        "household_id": np.arange(n, dtype=np.int64),
        "renter": homes["tenure"] > 0,
        "bare_rent": homes["rent"],
        "service_costs": homes["service"],
        "adapted_home": homes["adapted"],
        "home_for_8plus": (S["size"] >= 8) & (R("s42").random(n) < 0.5),
        "acquired_right": homes["acquired"],
        "independent_home": ~homes["room"],
        "weight": np.full(n, national_households(year) / n),
        "household_type": H["htype"].astype(np.int8),
        "tenure": homes["tenure"].astype(np.int8),
        "extra_member": extra.astype(np.int8),
    }
    return persons, households, relations
