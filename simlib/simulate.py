"""One run of the rules over a population: partner rule -> benefit units -> the four allowances -> Awir award.

Everything is vectorised over all persons, units and homes; there is no loop over households. The household
calculator runs this same function on a population of one household.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.model import REFERENCES, Population
from simlib.parameters import ParameterSet, load_parameters
from simlib.parameters.loader import ParameterNode
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


# Parameters read while forming benefit units and huurtoeslag households (a path or a group of paths). The structure
# of a population is cached per set of these values; rules read every other parameter.
STRUCTURE_PARAMETERS = (
    "awir.toeslagpartner",
    "awir.leeftijd_vrijstelling_medebewoner_kind",
    "awir.vrijstelling_inkomen_medebewoner_kind",
    "kindgebonden_budget.maximumleeftijd_kind",
    "huurtoeslag.pensioengerechtigde_leeftijd",
    "huurtoeslag.maximale_huurgrens.jongerenleeftijd",
    "huurtoeslag.minimumleeftijd_huurder",
)
_CACHE_SIZE = 4


def _structure_parameters(p: ParameterSet) -> tuple[tuple, ParameterNode]:
    """The values of STRUCTURE_PARAMETERS (the cache key) and a view of ``p`` that holds only those.

    Reading any other parameter through the view raises, so the cache cannot miss a dependency.
    """
    paths = sorted(path for path in p.entries if any(path == g or path.startswith(g + ".") for g in STRUCTURE_PARAMETERS))
    root: dict = {}
    key = []
    for path in paths:
        value = p
        for part in path.split("."):
            value = getattr(value, part)
        key.append((path, value))
        node = root
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def build(d: dict, prefix: str):
        return ParameterNode(prefix, {k: build(v, f"{prefix}.{k}".lstrip(".")) if isinstance(v, dict) else v for k, v in d.items()})

    return tuple(key), build(root, "")


@dataclass
class Structure:
    """Who forms a benefit unit and a huurtoeslag household with whom, and what the rules need per unit and home.

    Depends on the population and STRUCTURE_PARAMETERS only, so scenarios that change amounts, limits or rates reuse
    it (see :func:`structure`).
    """

    partners: PartnerResult
    persons: dict[str, np.ndarray]  # unit, child_unit, partner, criterion, ht_role per person
    units: dict[str, np.ndarray]  # per benefit unit
    kgb: dict[str, np.ndarray]  # units with children and their children per month
    care: dict[str, np.ndarray]  # children in childcare
    homes: dict[str, np.ndarray]  # per household (huurtoeslag inputs)


def _columns(population: Population) -> tuple:
    return tuple(population.persons.values()) + tuple(population.households.values()) + tuple(population.relations.values())


def structure(population: Population, p: ParameterSet) -> Structure:
    """The :class:`Structure` of ``population`` under ``p``, cached on the population.

    The cache is checked against the identity of every column array, so replacing a column invalidates it; arrays
    are not meant to be changed in place (build a new population with :func:`simlib.model.edit_population`).
    """
    key, view = _structure_parameters(p)
    cols = _columns(population)
    cache = population.__dict__.setdefault("_structures", [])
    for k, c, st in cache:
        if k == key and len(c) == len(cols) and all(a is b for a, b in zip(c, cols)):
            return st
    st = _build_structure(population, view)
    cache.append((key, cols, st))
    del cache[:-_CACHE_SIZE]
    return st


def _build_structure(population: Population, p) -> Structure:
    P = population.persons
    n = population.n_persons
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
    insured = P["insured"]
    works = P["works"]
    hours = P["hours_worked"].astype(float)
    hours = np.where(np.isnan(hours), np.where(works, FULL_TIME_HOURS_PER_MONTH, 0.0), hours)
    months_adult = np.where(age[heads] >= 18, 12, np.where(turns_18[heads], 12 - birth_month[heads], 0))
    units = {
        "head": heads,
        "partner": head_partner,
        "household": household[heads],
        "has_partner": has_partner,
        "toetsingsinkomen": income[heads] + np.where(has_partner, income[hp_safe], 0.0),
        "vermogen": assets[heads] + np.where(has_partner, assets[hp_safe], 0.0),
        "both_insured": insured[heads] & np.where(has_partner, insured[hp_safe], False),
        "zorgtoeslag_maanden": np.where(insured[heads] | np.where(has_partner, insured[hp_safe], False), months_adult, 0),
        "works": works[heads] & np.where(has_partner, works[hp_safe], True),
        "least_hours": np.where(has_partner, np.minimum(hours[heads], hours[hp_safe]), hours[heads]),
        "takeup_draw": P["takeup_draw"][heads],
    }

    # --- kindgebonden budget: children per month, up to and including the month they turn 18 ---
    kids = np.flatnonzero(child_unit >= 0)
    has_kids = np.zeros(n_units, dtype=bool)
    has_kids[child_unit[kids]] = True
    kgb_units = np.flatnonzero(has_kids)
    kid_pos = (np.cumsum(has_kids) - 1)[child_unit[kids]]
    age_m = age[kids, None] + (MONTHS[None, :] > birth_month[kids, None])  # Awir art. 5: from the next month
    max_age = int(p.kindgebonden_budget.maximumleeftijd_kind)
    cell = (kid_pos[:, None] * 12 + np.arange(12)[None, :]).ravel()
    kgb = {"units": kgb_units}
    for name, cond in (
        ("kinderen", age_m < max_age),
        ("kinderen_12_15", (age_m >= 12) & (age_m < 16)),
        ("kinderen_16_17", (age_m >= 16) & (age_m < max_age)),
    ):
        kgb[name] = np.bincount(cell, weights=cond.ravel(), minlength=len(kgb_units) * 12).reshape(-1, 12).astype(np.int64)

    # --- kinderopvangtoeslag: children in childcare ---
    care_rows = np.flatnonzero((child_unit >= 0) & (P["childcare_type"] > 0))
    care = {"rows": care_rows, "unit": child_unit[care_rows], "type": P["childcare_type"][care_rows],
            "hours": P["childcare_hours"][care_rows], "price": P["childcare_price"][care_rows], "age": age[care_rows]}

    homes, role = _huurtoeslag_structure(population, p, unit, partner, child_unit, resident, rank)
    persons = {"unit": unit, "child_unit": child_unit, "partner": partner, "criterion": pr.criterion, "ht_role": role}
    return Structure(pr, persons, units, kgb, care, homes)


def _simulate(population: Population, p: ParameterSet, take_up: dict | None) -> Simulation:
    st = structure(population, p)
    nh = population.n_households
    U = st.units
    n_units = len(U["head"])
    u_income, u_assets, has_partner = U["toetsingsinkomen"], U["vermogen"], U["has_partner"]

    # --- zorgtoeslag ---
    zt = zorgtoeslag(u_income, has_partner, U["both_insured"], u_assets, U["zorgtoeslag_maanden"], p)
    zt_award = toekenning(zt["jaarbedrag"], p)

    # --- kindgebonden budget ---
    K = st.kgb
    kgb_units = K["units"]
    kgb_award = np.zeros(n_units)
    kgb_month = np.zeros(n_units)
    kgb = kindgebonden_budget(
        u_income[kgb_units], has_partner[kgb_units], u_assets[kgb_units], K["kinderen"], K["kinderen_12_15"],
        K["kinderen_16_17"], p,
    )
    kgb_award[kgb_units] = toekenning(kgb["jaarbedrag"], p)
    kgb_month[kgb_units] = round_cents(kgb["jaarbedrag"] / 12.0)

    # --- kinderopvangtoeslag ---
    C = st.care
    kot = kinderopvangtoeslag(C["unit"], C["type"], C["hours"], C["price"], C["age"], n_units, u_income, U["works"],
                              U["least_hours"], p)
    kot_month = round_cents(kot["per_maand_eenheid"])
    kot_award = toekenning(12.0 * kot_month, p)

    units = {k: U[k] for k in ("head", "partner", "household", "has_partner", "toetsingsinkomen", "vermogen")}
    units |= {
        "zorgtoeslag": zt_award,
        "zorgtoeslag_per_maand": np.where(zt_award > 0, zt["per_maand"], 0.0),
        "kindgebonden_budget": kgb_award,
        "kindgebonden_budget_per_maand": np.where(kgb_award > 0, kgb_month, 0.0),
        "kinderopvangtoeslag": kot_award,
        "kinderopvangtoeslag_per_maand": np.where(kot_award > 0, kot_month, 0.0),
        "zorgtoeslag_maanden": U["zorgtoeslag_maanden"],
    }
    counts = {k: K[k] for k in ("kinderen", "kinderen_12_15", "kinderen_16_17")}
    details = {"zorgtoeslag": zt, "kindgebonden_budget": (kgb_units, kgb, counts), "kinderopvangtoeslag": (C["rows"], kot)}

    # --- huurtoeslag: one per rented home ---
    homes, ht_details = _huurtoeslag(population, st.homes, p)
    details["huurtoeslag"] = ht_details

    # --- take-up (non-gebruik) ---
    take_up = take_up if take_up is not None else population.meta.get("take_up")
    for name in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        units[name + "_ontvangen"] = _received(units[name], U["takeup_draw"], take_up, name)
    homes["huurtoeslag_ontvangen"] = _received(homes["huurtoeslag"], st.homes["takeup_draw"], take_up, "huurtoeslag")

    households, received = {}, {}
    u_household = U["household"]
    for name in ALLOWANCES:
        if name == "huurtoeslag":
            households[name] = homes[name]
            received[name] = homes[name + "_ontvangen"]
        else:
            households[name] = np.bincount(u_household, weights=units[name], minlength=nh)
            received[name] = np.bincount(u_household, weights=units[name + "_ontvangen"], minlength=nh)
    households["totaal"] = sum(households[a] for a in ALLOWANCES)
    received["totaal"] = sum(received[a] for a in ALLOWANCES)
    sim = Simulation(population.year, p, population, st.partners, dict(st.persons), units, homes, households, received)
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


def _group_max(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Maximum of ``values`` per group (rows sorted by group); -inf for an empty group."""
    out = np.full(n_groups, -np.inf)
    if len(values):
        starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
        out[group[starts]] = np.maximum.reduceat(values, starts)
    return out


def _huurtoeslag_structure(population: Population, p, unit, partner, child_unit, resident, rank):
    """The huurtoeslag household of every rented home: huurder, partner, medebewoners, onderhuurders (Awir art. 2 lid 1 e)."""
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
    aantal = np.bincount(household, weights=member.astype(float), minlength=nh).astype(np.int64)
    age_months = 12 * age + (12 - birth_month)
    aow = member & (age_months >= p.huurtoeslag.pensioengerechtigde_leeftijd)
    old_enough = member & (age >= p.huurtoeslag.maximale_huurgrens.jongerenleeftijd)
    with_child = member & parent_is_member
    young_disabled = member & P["disability"]
    assets = P["assets"].astype(float)
    homes = {
        "huurder": huurder,
        "partner": ht_partner,
        "rekeninkomen": np.bincount(household, weights=np.where(member, counted, 0.0), minlength=nh),
        "aantal_personen": aantal,
        "medebewoners": np.bincount(household, weights=mede.astype(float), minlength=nh).astype(np.int64),
        "ouderen": np.bincount(household, weights=aow.astype(float), minlength=nh) > 0,
        "hoge_huurgrens": np.bincount(household, weights=(old_enough | with_child | young_disabled).astype(float), minlength=nh) > 0,
        "vermogen": np.bincount(household, weights=np.where((role == HT_HUURDER) | (role == HT_PARTNER), assets, 0.0), minlength=nh),
        # the largest asset of a medebewoner: each one is tested against the limit of a single person
        "vermogen_medebewoner_max": _group_max(np.where(mede, assets, -np.inf), household, nh),
        "uitzondering_huurgrens": H["adapted_home"] | (H["home_for_8plus"] & (aantal >= 8)) | H["acquired_right"],
        "huurder_meerderjarig": has_huurder & (age[hu] >= p.huurtoeslag.minimumleeftijd_huurder),
        "rents": has_huurder & renter,
        "takeup_draw": P["takeup_draw"][hu],
    }
    return homes, role


def _huurtoeslag(population: Population, S: dict, p):
    """Huurtoeslag per home from its huurtoeslag household (Wet op de huurtoeslag art. 7-21)."""
    H = population.households
    renter = H["renter"]
    res = ht_rules.huurtoeslag(
        kale_huur=np.where(renter, H["bare_rent"], 0.0),
        servicekosten=H["service_costs"],
        rekeninkomen=S["rekeninkomen"],
        eenpersoons=S["aantal_personen"] == 1,
        ouderen=S["ouderen"],
        aantal_personen=S["aantal_personen"],
        aangepaste_woning=H["adapted_home"],
        hoge_huurgrens=S["hoge_huurgrens"],
        uitzondering_huurgrens=S["uitzondering_huurgrens"],
        vermogen=S["vermogen"],
        heeft_partner=S["partner"] >= 0,
        medebewoner_boven_vermogensgrens=S["vermogen_medebewoner_max"] > p.awir.vermogensgrens.huurtoeslag.alleenstaande,
        huurder_meerderjarig=S["huurder_meerderjarig"],
        p=p,
    )
    per_maand = np.where(S["rents"], res["per_maand"], 0.0)
    award = toekenning(12.0 * per_maand, p)
    homes = {k: S[k] for k in ("huurder", "partner", "rekeninkomen", "aantal_personen", "medebewoners")}
    homes["huurtoeslag"] = award
    homes["huurtoeslag_per_maand"] = np.where(award > 0, per_maand, 0.0)
    return homes, res
