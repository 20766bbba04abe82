"""Who forms a household with whom: the benefit unit and the huurtoeslag household (Awir art. 1-4, 7; Wht art. 1-2).

- **aanvrager** (belanghebbende): every resident of 18, or turning 18 during the year, who is not the second of a pair
  of toeslagpartners (the partner with the lower rank applies); a spouse living elsewhere who is not the
  toeslagpartner (Awir art. 3a) applies for himself.
- **benefit unit**: the aanvrager, the toeslagpartner (:mod:`simlib.rules.partner`) and the children under 18 of a
  parent at the address (Awir art. 4); toetsingsinkomen and assets are those of aanvrager and partner together
  (Awir art. 7 lid 1, 3; art. 8).
- **huurtoeslag household** of a rented home (Wht art. 1, 7; Awir art. 2 lid 1 e):
  the **huurder** (the person marked as tenant, else the oldest adult without a parent at the address who is not a
  lodger), his **partner** at the address, the **medebewoners** (everybody else who lives there), except the
  **onderhuurders**: lodgers with their partner and children, unless first-degree relatives of huurder or partner.
  The rekeninkomen is the income of huurder, partner and medebewoners; a young child of a member counts only above
  an exemption (Awir art. 7 lid 6). The asset test of a medebewoner is his own (Awir art. 7 lid 4).

Functions of person columns (rows sorted by household; references are row numbers, -1 for none), all vectorised.
"""

from __future__ import annotations

import numpy as np

# Roles in the huurtoeslag household
HT_NONE, HT_HUURDER, HT_PARTNER, HT_MEDEBEWONER, HT_ONDERHUURDER = 0, 1, 2, 3, 4
HT_ROLE_NAMES = {HT_NONE: "", HT_HUURDER: "huurder", HT_PARTNER: "partner", HT_MEDEBEWONER: "medebewoner", HT_ONDERHUURDER: "onderhuurder"}

MONTHS = np.arange(1, 13)
# an assumption, not law: the hours worked per month of someone who works when they are not known (40 hours a week,
# weeks counted as 365/7)
FULL_TIME_HOURS_PER_MONTH = 40 * 365 / 7 / 12


# --- the benefit unit (Awir art. 1-4) -------------------------------------------------------------------------------

def aanvragers(age, birth_month, resident, partner, rank) -> np.ndarray:
    """The rows of the aanvragers, one per benefit unit, in row order.

    A resident of 18, or turning 18 during the year, who is not the second of a pair of toeslagpartners (of a pair
    the partner with the lower ``rank`` applies); a spouse living elsewhere who is not the toeslagpartner (Awir art.
    3a) claims for himself, so that the couple's claims do not vanish."""
    turns_18 = (age == 17) & (birth_month < 12)
    partner_ok = partner >= 0
    may_apply = (resident & ((age >= 18) | turns_18)) | (~resident & ~partner_ok & (age >= 18))
    p_safe = np.where(partner_ok, partner, 0)
    secondary = partner_ok & resident[p_safe] & (rank[p_safe] < rank)
    return np.flatnonzero(may_apply & ~secondary)


def unit_of_person(heads: np.ndarray, partner: np.ndarray, n: int) -> np.ndarray:
    """The benefit unit of every aanvrager and toeslagpartner (-1 for the others)."""
    unit = np.full(n, -1, dtype=np.int64)
    unit[heads] = np.arange(len(heads))
    head_partner = partner[heads]
    has_partner = head_partner >= 0
    unit[head_partner[has_partner]] = np.flatnonzero(has_partner)
    return unit


def unit_of_child(age, resident, parent1, parent2, unit) -> np.ndarray:
    """The benefit unit of each child under 18 at the address: the unit of a parent at the address (Awir art. 4),
    the first parent's before the second's; -1 for everybody else."""
    child = resident & (age < 18)
    child_unit = np.full(len(age), -1, dtype=np.int64)
    for par in (parent2, parent1):
        ok = child & (par >= 0)
        par_unit = unit[np.where(ok, par, 0)]
        ok &= resident[np.where(ok, par, 0)] & (par_unit >= 0)
        child_unit[ok] = par_unit[ok]
    return child_unit


def unit_members(P: dict, heads: np.ndarray, partner: np.ndarray, age, birth_month) -> dict[str, np.ndarray]:
    """What the rules need of each unit's aanvrager and toeslagpartner: the partner, joint assets (Awir art. 7 lid 3),
    insured (Wzt art. 2 lid 4) and the months as an insured adult (Wzt art. 1 lid 1 c), the work requirement of
    both parents (Wko art. 1.6) and the aanvrager's take-up draw."""
    head_partner = partner[heads]
    has_partner = head_partner >= 0
    mate = np.where(has_partner, head_partner, heads)
    assets, insured, works = P["assets"].astype(float), P["insured"], P["works"]
    turns_18 = (age[heads] == 17) & (birth_month[heads] < 12)
    months_adult = np.where(age[heads] >= 18, 12, np.where(turns_18, 12 - birth_month[heads], 0))
    return {
        "head": heads,
        "partner": head_partner,
        "household": P["household"][heads],
        "has_partner": has_partner,
        "vermogen": assets[heads] + np.where(has_partner, assets[mate], 0.0),
        "both_insured": insured[heads] & np.where(has_partner, insured[mate], False),
        "zorgtoeslag_maanden": np.where(insured[heads] | np.where(has_partner, insured[mate], False), months_adult, 0),
        "works": works[heads] & np.where(has_partner, works[mate], True),
        "takeup_draw": P["takeup_draw"][heads],
    }


def unit_incomes(P: dict, heads: np.ndarray, partner: np.ndarray) -> dict[str, np.ndarray]:
    """Joint toetsingsinkomen of each unit (Awir art. 7 lid 1, art. 8) and the hours worked per month by the parent
    who works least (Besluit kinderopvangtoeslag art. 8a; unknown hours: full time for someone who works). Only the
    members of the units given are read (units may be a block)."""
    income = np.asarray(P["income"], dtype=float)
    hours_worked = np.asarray(P["hours_worked"], dtype=float)

    def hours(rows: np.ndarray) -> np.ndarray:
        h = hours_worked[rows]
        return np.where(np.isnan(h), np.where(P["works"][rows], FULL_TIME_HOURS_PER_MONTH, 0.0), h)

    has_partner = partner >= 0
    mate = np.where(has_partner, partner, heads)
    return {"toetsingsinkomen": income[heads] + np.where(has_partner, income[mate], 0.0),
            "least_hours": np.where(has_partner, np.minimum(hours(heads), hours(mate)), hours(heads))}


def children_per_month(child_unit, age, birth_month, n_units: int, max_age: int) -> dict[str, np.ndarray]:
    """The units with children and, per month, their children under ``max_age`` and those of 12-15 and 16-17 (Wkgb
    art. 2; a child counts from the month after a birthday, Awir art. 5)."""
    kids = np.flatnonzero(child_unit >= 0)
    has_kids = np.zeros(n_units, dtype=bool)
    has_kids[child_unit[kids]] = True
    kgb_units = np.flatnonzero(has_kids)
    kid_pos = (np.cumsum(has_kids) - 1)[child_unit[kids]]
    age_m = age[kids, None] + (MONTHS[None, :] > birth_month[kids, None])
    cell = (kid_pos[:, None] * 12 + np.arange(12)[None, :]).ravel()
    out = {"units": kgb_units}
    for name, cond in (
        ("kinderen", age_m < max_age),
        ("kinderen_12_15", (age_m >= 12) & (age_m < 16)),
        ("kinderen_16_17", (age_m >= 16) & (age_m < max_age)),
    ):
        out[name] = np.bincount(cell, weights=cond.ravel(), minlength=len(kgb_units) * 12).reshape(-1, 12).astype(np.int64)
    return out


def children_in_childcare(P: dict, child_unit, age) -> dict[str, np.ndarray]:
    """The children of a unit in childcare (Wko art. 1.5): row, household, unit, type, hours, price and age."""
    rows = np.flatnonzero((child_unit >= 0) & (P["childcare_type"] > 0))
    return {"rows": rows, "household": P["household"][rows], "unit": child_unit[rows], "type": P["childcare_type"][rows],
            "hours": P["childcare_hours"][rows], "price": P["childcare_price"][rows], "age": age[rows]}


# --- the huurtoeslag household (Wht art. 1, 7; Awir art. 2 lid 1 e, art. 7 lid 2-6) ---------------------------------

def _parent_here(P: dict, flag: np.ndarray) -> np.ndarray:
    """Per person: a parent at the address has ``flag``."""
    out = np.zeros(len(flag), dtype=bool)
    for col in ("parent1", "parent2"):
        par = P[col]
        ok = par >= 0
        out |= ok & flag[np.where(ok, par, 0)]
    return out


def _first_per_group(group: np.ndarray, sort_keys: tuple, candidates: np.ndarray, n_groups: int) -> np.ndarray:
    """Row of the best candidate per group (the first after sorting by ``sort_keys``), -1 where none."""
    out = np.full(n_groups, -1, dtype=np.int64)
    rows = np.flatnonzero(candidates)
    if len(rows) == 0:
        return out
    order = np.lexsort(tuple(k[rows] for k in sort_keys) + (group[rows],))
    rows = rows[order]
    g = group[rows]
    first = np.r_[True, g[1:] != g[:-1]]
    out[g[first]] = rows[first]
    return out


def huurder(P: dict, renter: np.ndarray, resident, rank, age, n_households: int) -> np.ndarray:
    """The huurder of every home (-1 where nobody rents): the person marked as tenant, else the oldest adult without a
    parent at the address who is not a lodger (Wht art. 1); among equals the lowest rank."""
    household = P["household"]
    has_parent_here = _parent_here(P, resident)
    candidate = resident & (age >= 18) & ~P["lodger"] & renter[household]
    return _first_per_group(
        household, (rank, -age, has_parent_here.astype(np.int64), (~P["tenant"]).astype(np.int64)), candidate, n_households
    )


def huurtoeslag_roles(P: dict, renter, resident, unit, partner, child_unit, huurder_row) -> tuple[np.ndarray, np.ndarray]:
    """The role of every person in the huurtoeslag household of the home (``HT_*``) and the huurder's partner at the
    address per home. Onderhuurders (Awir art. 2 lid 1 e 2°-3°): lodgers with their partner and children, unless
    first-degree relatives of the huurder or partner."""
    n = len(resident)
    household = P["household"]
    has_huurder = huurder_row >= 0
    hu = np.where(has_huurder, huurder_row, 0)
    ht_partner = np.where(has_huurder, partner[hu], -1)
    ht_partner = np.where((ht_partner >= 0) & resident[np.maximum(ht_partner, 0)], ht_partner, -1)

    role = np.zeros(n, dtype=np.int8)
    in_rented = resident & renter[household] & has_huurder[household]
    role[in_rented] = HT_MEDEBEWONER
    huurder_of = huurder_row[household]
    partner_of = ht_partner[household]
    rows = np.arange(n)
    first_degree = np.zeros(n, dtype=bool)
    for col in ("parent1", "parent2"):
        par = P[col]
        first_degree |= (par >= 0) & ((par == huurder_of) | (par == partner_of))
    for ref in (huurder_of, partner_of):
        ok = ref >= 0
        r = np.where(ok, ref, 0)
        first_degree |= ok & ((P["parent1"][r] == rows) | (P["parent2"][r] == rows))
    onder = in_rented & P["lodger"] & ~first_degree & (rows != huurder_of) & (rows != partner_of)
    onder_units = np.unique(unit[onder & (unit >= 0)])
    onder_household = onder.copy()
    if len(onder_units):
        onder_household |= in_rented & np.isin(unit, onder_units) & (rows != huurder_of) & (rows != partner_of)
        onder_household |= in_rented & np.isin(child_unit, onder_units)
    role[onder_household] = HT_ONDERHUURDER
    role[huurder_row[has_huurder]] = HT_HUURDER
    role[ht_partner[ht_partner >= 0]] = HT_PARTNER
    return role, ht_partner


def is_member(role: np.ndarray) -> np.ndarray:
    """Huurder, partner and medebewoners: the persons whose income counts (Wht art. 7 lid 1)."""
    return (role == HT_HUURDER) | (role == HT_PARTNER) | (role == HT_MEDEBEWONER)


def young_children_of_members(P: dict, role: np.ndarray, age, age_limit) -> np.ndarray:
    """Medebewoners younger than ``age_limit`` with a parent in the huurtoeslag household: their income counts only
    above the exemption (Awir art. 7 lid 6)."""
    return (role == HT_MEDEBEWONER) & _parent_here(P, is_member(role)) & (age < age_limit)


def rekeninkomen(P: dict, member: np.ndarray, young_child: np.ndarray, nh: int, exemption: float,
                 block: tuple | None = None) -> np.ndarray:
    """Income of the huurtoeslag household: huurder, partner and medebewoners; a young child of a member counts only
    above ``exemption`` (Awir art. 7 lid 6). ``block`` (h0, h1, p0, p1): only households h0..h1-1 (persons p0..p1-1)."""
    h0, h1, p0, p1 = block or (0, nh, 0, len(member))
    sl = slice(p0, p1)
    income = np.asarray(P["income"][sl], dtype=float)
    counted = np.where(young_child[sl], np.maximum(income - exemption, 0.0), income)
    return np.bincount(P["household"][sl] - h0, weights=np.where(member[sl], counted, 0.0), minlength=h1 - h0)


def _group_max(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Maximum of ``values`` per group (rows sorted by group); -inf for an empty group."""
    out = np.full(n_groups, -np.inf)
    if len(values):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.maximum.reduceat(values, starts)
    return out


def huurtoeslag_household(P: dict, H: dict, role, ht_partner, huurder_row, young_child, age, birth_month, p) -> dict:
    """Per home what the huurtoeslag rule needs of its household: rekeninkomen, members, medebewoners, the AOW age of
    a member (Wht art. 2), the high maximale huurgrens (art. 13 lid 1 a), the assets of huurder and partner and the
    largest of a medebewoner (Awir art. 7 lid 3-4), the exceptions of art. 13 lid 2, the huurder of age (art. 8)."""
    household = P["household"]
    nh = len(H["renter"])
    member = is_member(role)
    mede = role == HT_MEDEBEWONER
    has_huurder = huurder_row >= 0
    hu = np.where(has_huurder, huurder_row, 0)
    aantal = np.bincount(household, weights=member.astype(float), minlength=nh).astype(np.int64)
    age_months = 12 * age + (12 - birth_month)
    aow = member & (age_months >= p.huurtoeslag.pensioengerechtigde_leeftijd)
    old_enough = member & (age >= p.huurtoeslag.maximale_huurgrens.jongerenleeftijd)
    with_child = member & _parent_here(P, member)
    young_disabled = member & P["disability"]
    assets = P["assets"].astype(float)
    return {
        "huurder": huurder_row,
        "partner": ht_partner,
        "rekeninkomen": rekeninkomen(P, member, young_child, nh, p.awir.vrijstelling_inkomen_medebewoner_kind),
        "aantal_personen": aantal,
        "medebewoners": np.bincount(household, weights=mede.astype(float), minlength=nh).astype(np.int64),
        "ouderen": np.bincount(household, weights=aow.astype(float), minlength=nh) > 0,
        "hoge_huurgrens": np.bincount(household, weights=(old_enough | with_child | young_disabled).astype(float), minlength=nh) > 0,
        "vermogen": np.bincount(household, weights=np.where((role == HT_HUURDER) | (role == HT_PARTNER), assets, 0.0), minlength=nh),
        # the largest asset of a medebewoner: each one is tested against the limit of a single person
        "vermogen_medebewoner_max": _group_max(np.where(mede, assets, -np.inf), household, nh),
        "uitzondering_huurgrens": H["adapted_home"] | (H["home_for_8plus"] & (aantal >= 8)) | H["acquired_right"],
        "huurder_meerderjarig": has_huurder & (age[hu] >= p.huurtoeslag.minimumleeftijd_huurder),
        "rents": has_huurder & H["renter"],
        "takeup_draw": np.where(has_huurder, P["takeup_draw"][hu], 1.0),  # no huurder: nobody to claim
    }
