"""One run of the rules over a population: partner rule -> benefit units -> the four allowances -> Awir award.

Everything is vectorised over all persons, units and homes; there is no loop over households. The household
calculator runs this same function on a population of one household.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.model import REFERENCES, Population
from simlib.parameters import ParameterSet, load_parameters
from simlib.rules import huurtoeslag as ht_rules
from simlib.rules.awir import round_cents, toekenning
from simlib.rules.kindgebonden_budget import kindgebonden_budget
from simlib.rules.kinderopvangtoeslag import kinderopvangtoeslag
from simlib.rules.partner import PartnerResult, toeslagpartners
from simlib.rules.zorgtoeslag import zorgtoeslag
from simlib.takeup import claims

ALLOWANCES = ("zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag")
FULL_TIME_HOURS_PER_MONTH = 40 * 365 / 7 / 12  # assumed hours worked when unknown (weeks counted as 365/7)
MONTHS = np.arange(1, 13)


@dataclass
class Simulation:
    """Result of :func:`simulate`: per person, per benefit unit and per home (dicts of equal-length arrays).

    ``units`` holds the zorgtoeslag, kindgebonden budget and kinderopvangtoeslag of each benefit unit
    (aanvrager + toeslagpartner); ``homes`` the huurtoeslag of each rented home; ``households`` the awarded yearly
    entitlement of all four allowances summed per household, ``received`` the same after take-up (equal to the
    entitlement when no take-up model is given).
    """

    year: int
    params: ParameterSet
    population: Population
    partners: PartnerResult
    persons: dict[str, np.ndarray]
    units: dict[str, np.ndarray]
    homes: dict[str, np.ndarray]
    households: dict[str, np.ndarray]
    received: dict[str, np.ndarray]

    def claimant_amounts(self, allowance: str, received: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Yearly amount per claimant (benefit unit, or home for huurtoeslag) and the claimant's household weight."""
        w = self.population.households["weight"]
        suffix = "_ontvangen" if received else ""
        if allowance == "huurtoeslag":
            return self.homes["huurtoeslag" + suffix], w
        return self.units[allowance + suffix], w[self.units["household"]]

    def total(self, allowance: str, received: bool = True, weighted: bool = True) -> float:
        """Total yearly amount of one allowance (after take-up by default), weighted to the country by default."""
        amounts, w = self.claimant_amounts(allowance, received)
        return float(np.sum(amounts * (w if weighted else 1.0)))

    def recipients(self, allowance: str, received: bool = True, weighted: bool = True) -> float:
        """Number of claimants (benefit units; homes for huurtoeslag) with a positive amount."""
        amounts, w = self.claimant_amounts(allowance, received)
        return float(np.sum((amounts > 0) * (w if weighted else 1.0)))


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


def _rank(person_id: np.ndarray) -> np.ndarray:
    if len(person_id) < 2 or np.all(np.diff(person_id) > 0):
        return np.arange(len(person_id), dtype=np.int64)
    rank = np.empty(len(person_id), dtype=np.int64)
    rank[np.argsort(person_id, kind="stable")] = np.arange(len(person_id))
    return rank


CHUNK_HOUSEHOLDS = 250_000


def simulate(population: Population, params: ParameterSet | None = None, take_up: dict | None = None) -> Simulation:
    """Apply the rules of one year to every household of ``population``.

    ``take_up`` maps an allowance to ``{"intercept": .., "slope": ..}`` (see :mod:`simlib.takeup`); by default the
    population's own calibrated take-up (``population.meta["take_up"]``) is used, and without one everybody entitled
    claims. Large populations are run in blocks of households (households are independent), which keeps the arrays
    small enough for the processor's caches and the memory flat; the result is the same.
    """
    p = params if params is not None else load_parameters(population.year)
    if population.n_households > CHUNK_HOUSEHOLDS:
        return _simulate_blocks(population, p, take_up)
    return _simulate(population, p, take_up)


def _slice(pop: Population, h0: int, h1: int) -> tuple[Population, int]:
    """Households h0..h1-1 as a population of their own (persons are sorted by household, so a block is contiguous)."""
    hh = pop.persons["household"]
    p0, p1 = np.searchsorted(hh, [h0, h1])
    persons = {}
    for name, arr in pop.persons.items():
        part = arr[p0:p1]
        if name in REFERENCES:
            part = np.where(part >= 0, part - p0, -1).astype(arr.dtype)
        elif name == "household":
            part = (part - h0).astype(arr.dtype)
        persons[name] = part
    households = {k: v[h0:h1] for k, v in pop.households.items()}
    R = pop.relations
    rels = R
    if len(R["rel_a"]):
        keep = (R["rel_a"] >= p0) & (R["rel_a"] < p1)
        rels = {"rel_a": (R["rel_a"][keep] - p0).astype(R["rel_a"].dtype), "rel_b": (R["rel_b"][keep] - p0).astype(R["rel_b"].dtype),
                "rel_kind": R["rel_kind"][keep]}
    return Population(pop.year, persons, households, rels, pop.meta), int(p0)


def _shift(arr, offset):
    return np.where(arr >= 0, arr + offset, arr)


def _simulate_blocks(population: Population, p: ParameterSet, take_up) -> Simulation:
    nh = population.n_households
    parts = []
    u0 = 0
    for h0 in range(0, nh, CHUNK_HOUSEHOLDS):
        block, p0 = _slice(population, h0, min(h0 + CHUNK_HOUSEHOLDS, nh))
        sim = _simulate(block, p, take_up)
        parts.append((sim, p0, h0, u0))
        u0 += len(sim.units["head"])
    cat = np.concatenate
    person_refs = {"head", "partner", "huurder"}
    units = {k: cat([_shift(s.units[k], p0) if k in person_refs else (s.units[k] + h0 if k == "household" else s.units[k])
                     for s, p0, h0, _ in parts]) for k in parts[0][0].units}
    homes = {k: cat([_shift(s.homes[k], p0) if k in person_refs else s.homes[k] for s, p0, _, _ in parts]) for k in parts[0][0].homes}
    persons = {}
    for k in parts[0][0].persons:
        if k in ("unit", "child_unit"):
            persons[k] = cat([_shift(s.persons[k], u) for s, _, _, u in parts])
        elif k == "partner":
            persons[k] = cat([_shift(s.persons[k], p0) for s, p0, _, _ in parts])
        else:
            persons[k] = cat([s.persons[k] for s, _, _, _ in parts])
    households = {k: cat([s.households[k] for s, _, _, _ in parts]) for k in parts[0][0].households}
    received = {k: cat([s.received[k] for s, _, _, _ in parts]) for k in parts[0][0].received}
    pr = _Lazy(lambda: _merge_partners(parts))
    details = _Lazy(lambda: _merge_details(parts))
    sim = Simulation(population.year, p, population, pr, persons, units, homes, households, received)
    sim.details = details
    return sim


class _Lazy:
    """A value built on first use (the block results that few callers need are merged only when asked for)."""

    def __init__(self, build):
        object.__setattr__(self, "_build", build)
        object.__setattr__(self, "_value", None)

    def _get(self):
        if self._value is None:
            object.__setattr__(self, "_value", self._build())
        return self._value

    def __getattr__(self, name):
        return getattr(self._get(), name)

    def __getitem__(self, key):
        return self._get()[key]


def _merge_partners(parts) -> PartnerResult:
    cat = np.concatenate
    prs = [s.partners for s, _, _, _ in parts]
    return PartnerResult(
        partner=cat([_shift(x.partner, p0) for x, (_, p0, _, _) in zip(prs, parts)]),
        criterion=cat([x.criterion for x in prs]),
        pair_i=cat([x.pair_i + p0 for x, (_, p0, _, _) in zip(prs, parts)]),
        pair_j=cat([x.pair_j + p0 for x, (_, p0, _, _) in zip(prs, parts)]),
        pair_criterion=cat([x.pair_criterion for x in prs]),
        pair_exclusion=cat([x.pair_exclusion for x in prs]),
    )


def _merge_details(parts) -> dict:
    cat = np.concatenate
    d = [s.details for s, _, _, _ in parts]
    return {
        "zorgtoeslag": {k: cat([x["zorgtoeslag"][k] for x in d]) for k in d[0]["zorgtoeslag"]},
        "kindgebonden_budget": (
            cat([x["kindgebonden_budget"][0] + u for x, (_, _, _, u) in zip(d, parts)]),
            {k: cat([x["kindgebonden_budget"][1][k] for x in d]) for k in d[0]["kindgebonden_budget"][1]},
            {k: cat([x["kindgebonden_budget"][2][k] for x in d]) for k in d[0]["kindgebonden_budget"][2]},
        ),
        "kinderopvangtoeslag": (
            cat([x["kinderopvangtoeslag"][0] + p0 for x, (_, p0, _, _) in zip(d, parts)]),
            {k: cat([x["kinderopvangtoeslag"][1][k] for x in d]) for k in d[0]["kinderopvangtoeslag"][1]},
        ),
        "huurtoeslag": {k: cat([x["huurtoeslag"][k] for x in d]) for k in d[0]["huurtoeslag"]},
    }


def _simulate(population: Population, p: ParameterSet, take_up: dict | None) -> Simulation:
    P = population.persons
    H = population.households
    n, nh = population.n_persons, population.n_households
    rows = np.arange(n)
    age = P["age"].astype(np.int64)
    birth_month = P["birth_month"].astype(np.int64)
    resident = ~P["elsewhere"]
    household = P["household"]

    # --- toeslagpartner (Awir art. 3) ---
    view = dict(P)
    view["resident"] = resident
    view["rank"] = _rank(P["person_id"])
    pr = toeslagpartners(view, population.relations, p)
    partner = pr.partner

    # --- benefit units: an aanvrager (resident, 18 or older during the year) and the toeslagpartner ---
    turns_18 = (age == 17) & (birth_month < 12)
    partner_ok = partner >= 0
    # a spouse living elsewhere who is not the toeslagpartner (art. 3a) claims for himself: his zorgtoeslag is counted
    # with this household, so that the couple's claims do not vanish from the population
    may_apply = (resident & ((age >= 18) | turns_18)) | (~resident & ~partner_ok & (age >= 18))
    rank = view["rank"]
    p_safe = np.where(partner_ok, partner, 0)
    secondary = partner_ok & resident[p_safe] & (rank[p_safe] < rank)
    is_head = may_apply & ~secondary
    heads = np.flatnonzero(is_head)
    n_units = len(heads)
    unit = np.full(n, -1, dtype=np.int64)
    unit[heads] = np.arange(n_units)
    head_partner = partner[heads]
    has_partner = head_partner >= 0
    unit[head_partner[has_partner]] = np.flatnonzero(has_partner)
    hp_safe = np.where(has_partner, head_partner, heads)

    # children at the address belong to the unit of a parent at the address
    child = resident & (age < 18)
    child_unit = np.full(n, -1, dtype=np.int64)
    for col in ("parent2", "parent1"):
        par = P[col]
        ok = child & (par >= 0)
        par_unit = unit[np.where(ok, par, 0)]
        ok &= resident[np.where(ok, par, 0)] & (par_unit >= 0)
        child_unit[ok] = par_unit[ok]

    income = P["income"].astype(float)
    assets = P["assets"].astype(float)
    u_income = income[heads] + np.where(has_partner, income[hp_safe], 0.0)
    u_assets = assets[heads] + np.where(has_partner, assets[hp_safe], 0.0)
    u_household = household[heads]

    # --- zorgtoeslag ---
    insured = P["insured"]
    head_ins = insured[heads]
    partner_ins = np.where(has_partner, insured[hp_safe], False)
    months_adult = np.where(age[heads] >= 18, 12, np.where(turns_18[heads], 12 - birth_month[heads], 0))
    zt_months = np.where(head_ins | partner_ins, months_adult, 0)
    zt = zorgtoeslag(u_income, has_partner, head_ins & partner_ins, u_assets, zt_months, p)
    zt_award = toekenning(zt["jaarbedrag"], p)

    # --- kindgebonden budget: per month, children up to and including the month they turn 18 ---
    kids = np.flatnonzero(child_unit >= 0)
    kgb_award = np.zeros(n_units)
    kgb_month = np.zeros(n_units)
    has_kids = np.zeros(n_units, dtype=bool)
    has_kids[child_unit[kids]] = True
    kgb_units = np.flatnonzero(has_kids)
    kid_pos = (np.cumsum(has_kids) - 1)[child_unit[kids]]
    age_m = age[kids, None] + (MONTHS[None, :] > birth_month[kids, None])  # Awir art. 5: from the next month
    max_age = int(p.kindgebonden_budget.maximumleeftijd_kind)
    counts = {}
    cell = (kid_pos[:, None] * 12 + np.arange(12)[None, :]).ravel()
    for name, cond in (
        ("kinderen", age_m < max_age),
        ("kinderen_12_15", (age_m >= 12) & (age_m < 16)),
        ("kinderen_16_17", (age_m >= 16) & (age_m < max_age)),
    ):
        counts[name] = np.bincount(cell, weights=cond.ravel(), minlength=len(kgb_units) * 12).reshape(-1, 12).astype(np.int64)
    kgb = kindgebonden_budget(
        u_income[kgb_units], has_partner[kgb_units], u_assets[kgb_units], counts["kinderen"], counts["kinderen_12_15"],
        counts["kinderen_16_17"], p,
    )
    kgb_award[kgb_units] = toekenning(kgb["jaarbedrag"], p)
    kgb_month[kgb_units] = round_cents(kgb["jaarbedrag"] / 12.0)

    # --- kinderopvangtoeslag ---
    in_care = (child_unit >= 0) & (P["childcare_type"] > 0)
    care = np.flatnonzero(in_care)
    works = P["works"]
    hours = P["hours_worked"].astype(float)
    hours = np.where(np.isnan(hours), np.where(works, FULL_TIME_HOURS_PER_MONTH, 0.0), hours)
    u_works = works[heads] & np.where(has_partner, works[hp_safe], True)
    u_least_hours = np.where(has_partner, np.minimum(hours[heads], hours[hp_safe]), hours[heads])
    kot = kinderopvangtoeslag(
        child_unit[care], P["childcare_type"][care], P["childcare_hours"][care], P["childcare_price"][care], age[care],
        n_units, u_income, u_works, u_least_hours, p,
    )
    kot_month = round_cents(kot["per_maand_eenheid"])
    kot_award = toekenning(12.0 * kot_month, p)

    units = {
        "head": heads,
        "partner": head_partner,
        "household": u_household,
        "has_partner": has_partner,
        "toetsingsinkomen": u_income,
        "vermogen": u_assets,
        "zorgtoeslag": zt_award,
        "zorgtoeslag_per_maand": np.where(zt_award > 0, zt["per_maand"], 0.0),
        "kindgebonden_budget": kgb_award,
        "kindgebonden_budget_per_maand": np.where(kgb_award > 0, kgb_month, 0.0),
        "kinderopvangtoeslag": kot_award,
        "kinderopvangtoeslag_per_maand": np.where(kot_award > 0, kot_month, 0.0),
        "zorgtoeslag_maanden": zt_months,
    }
    details = {"zorgtoeslag": zt, "kindgebonden_budget": (kgb_units, kgb, counts), "kinderopvangtoeslag": (care, kot)}

    # --- huurtoeslag: one per rented home ---
    homes, ht_details, roles = _huurtoeslag(population, p, unit, partner, child_unit, resident, rank)
    details["huurtoeslag"] = ht_details

    # --- take-up (non-gebruik) ---
    take_up = take_up if take_up is not None else population.meta.get("take_up")
    draw = P["takeup_draw"]
    for name in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        units[name + "_ontvangen"] = _received(units[name], draw[heads], take_up, name)
    homes["huurtoeslag_ontvangen"] = _received(homes["huurtoeslag"], draw[np.maximum(homes["huurder"], 0)], take_up, "huurtoeslag")

    households, received = {}, {}
    for name in ALLOWANCES:
        if name == "huurtoeslag":
            households[name] = homes[name]
            received[name] = homes[name + "_ontvangen"]
        else:
            households[name] = np.bincount(u_household, weights=units[name], minlength=nh)
            received[name] = np.bincount(u_household, weights=units[name + "_ontvangen"], minlength=nh)
    households["totaal"] = sum(households[a] for a in ALLOWANCES)
    received["totaal"] = sum(received[a] for a in ALLOWANCES)
    persons = {"unit": unit, "child_unit": child_unit, "partner": partner, "criterion": pr.criterion, "ht_role": roles}
    sim = Simulation(population.year, p, population, pr, persons, units, homes, households, received)
    sim.details = details
    return sim


def _received(award, draw, take_up, name):
    if not take_up or name not in take_up:
        return award.copy()
    t = take_up[name]
    return np.where(claims(award / 12.0, draw, t["intercept"], t["slope"]), award, 0.0)


# roles in the huurtoeslag household
HT_NONE, HT_HUURDER, HT_PARTNER, HT_MEDEBEWONER, HT_ONDERHUURDER = 0, 1, 2, 3, 4
HT_ROLE_NAMES = {HT_NONE: "", HT_HUURDER: "huurder", HT_PARTNER: "partner", HT_MEDEBEWONER: "medebewoner", HT_ONDERHUURDER: "onderhuurder"}


def _huurtoeslag(population: Population, p, unit, partner, child_unit, resident, rank):
    P, H = population.persons, population.households
    n, nh = population.n_persons, population.n_households
    household = P["household"]
    age = P["age"].astype(np.int64)
    birth_month = P["birth_month"].astype(np.int64)
    lodger = P["lodger"]
    renter = H["renter"]

    # the huurder: the person marked as tenant, else the oldest adult without a parent at the address, not a lodger
    has_parent_here = np.zeros(n, dtype=bool)
    for col in ("parent1", "parent2"):
        par = P[col]
        ok = par >= 0
        has_parent_here |= ok & resident[np.where(ok, par, 0)]
    candidate = resident & (age >= 18) & ~lodger & renter[household]
    huurder = _first_per_group(
        household, (rank, -age, has_parent_here.astype(np.int64), (~P["tenant"]).astype(np.int64)), candidate, nh
    )
    has_huurder = huurder >= 0
    hu = np.where(has_huurder, huurder, 0)
    ht_partner = np.where(has_huurder, partner[hu], -1)
    ht_partner = np.where((ht_partner >= 0) & resident[np.maximum(ht_partner, 0)], ht_partner, -1)

    role = np.zeros(n, dtype=np.int8)
    in_rented = resident & renter[household] & has_huurder[household]
    role[in_rented] = HT_MEDEBEWONER
    # onderhuurders (Awir art. 2 lid 1 e 2°-3°): lodgers with their partner and children, unless first-degree
    # relatives of the huurder or partner
    huurder_of = huurder[household]
    partner_of = ht_partner[household]
    first_degree = np.zeros(n, dtype=bool)
    for col in ("parent1", "parent2"):
        par = P[col]
        first_degree |= (par >= 0) & ((par == huurder_of) | (par == partner_of))
    for ref in (huurder_of, partner_of):
        ok = ref >= 0
        r = np.where(ok, ref, 0)
        first_degree |= ok & ((P["parent1"][r] == np.arange(n)) | (P["parent2"][r] == np.arange(n)))
    onder = in_rented & lodger & ~first_degree & (np.arange(n) != huurder_of) & (np.arange(n) != partner_of)
    onder_units = np.unique(unit[onder & (unit >= 0)])
    onder_household = onder.copy()
    if len(onder_units):
        onder_household |= in_rented & np.isin(unit, onder_units) & (np.arange(n) != huurder_of) & (np.arange(n) != partner_of)
        onder_household |= in_rented & np.isin(child_unit, onder_units)
    role[onder_household] = HT_ONDERHUURDER
    role[huurder[has_huurder]] = HT_HUURDER
    role[ht_partner[ht_partner >= 0]] = HT_PARTNER
    member = (role == HT_HUURDER) | (role == HT_PARTNER) | (role == HT_MEDEBEWONER)
    mede = role == HT_MEDEBEWONER

    # income: a young child of a member counts only above the exemption (Awir art. 7 lid 6)
    parent_is_member = np.zeros(n, dtype=bool)
    for col in ("parent1", "parent2"):
        par = P[col]
        ok = par >= 0
        parent_is_member |= ok & member[np.where(ok, par, 0)]
    young_child = mede & parent_is_member & (age < p.awir.leeftijd_vrijstelling_medebewoner_kind)
    income = P["income"].astype(float)
    counted = np.where(young_child, np.maximum(income - p.awir.vrijstelling_inkomen_medebewoner_kind, 0.0), income)
    rekeninkomen = np.bincount(household, weights=np.where(member, counted, 0.0), minlength=nh)
    aantal = np.bincount(household, weights=member.astype(float), minlength=nh).astype(np.int64)
    n_mede = np.bincount(household, weights=mede.astype(float), minlength=nh)
    age_months = 12 * age + (12 - birth_month)
    aow = member & (age_months >= p.huurtoeslag.pensioengerechtigde_leeftijd)
    ouderen = np.bincount(household, weights=aow.astype(float), minlength=nh) > 0
    old_enough = member & (age >= p.huurtoeslag.maximale_huurgrens.jongerenleeftijd)
    with_child = member & parent_is_member
    young_disabled = member & P["disability"]
    hoge = np.bincount(household, weights=(old_enough | with_child | young_disabled).astype(float), minlength=nh) > 0
    assets = P["assets"].astype(float)
    vermogen = np.bincount(household, weights=np.where((role == HT_HUURDER) | (role == HT_PARTNER), assets, 0.0), minlength=nh)
    mede_rijk = np.bincount(
        household, weights=(mede & (assets > p.awir.vermogensgrens.huurtoeslag.alleenstaande)).astype(float), minlength=nh
    ) > 0
    uitzondering = H["adapted_home"] | (H["home_for_8plus"] & (aantal >= 8)) | H["acquired_right"]
    eenpersoons = (aantal == 1)
    res = ht_rules.huurtoeslag(
        kale_huur=np.where(renter, H["bare_rent"], 0.0),
        servicekosten=H["service_costs"],
        rekeninkomen=rekeninkomen,
        eenpersoons=eenpersoons,
        ouderen=ouderen,
        aantal_personen=aantal,
        aangepaste_woning=H["adapted_home"],
        hoge_huurgrens=hoge,
        uitzondering_huurgrens=uitzondering,
        vermogen=vermogen,
        heeft_partner=ht_partner >= 0,
        medebewoner_boven_vermogensgrens=mede_rijk,
        huurder_meerderjarig=has_huurder & (age[hu] >= p.huurtoeslag.minimumleeftijd_huurder),
        p=p,
    )
    per_maand = np.where(has_huurder & renter, res["per_maand"], 0.0)
    award = toekenning(12.0 * per_maand, p)
    homes = {
        "huurder": huurder,
        "partner": ht_partner,
        "rekeninkomen": rekeninkomen,
        "aantal_personen": aantal,
        "medebewoners": n_mede.astype(np.int64),
        "huurtoeslag": award,
        "huurtoeslag_per_maand": np.where(award > 0, per_maand, 0.0),
    }
    return homes, res, role
