"""The structure of a population: who forms a benefit unit and a huurtoeslag household with whom.

The toeslagpartner rule (Awir art. 3), the benefit units (aanvrager and toeslagpartner, the children of a parent at
the address), the huurtoeslag household of each rented home (huurder, partner, medebewoners, onderhuurders; Awir art.
2 lid 1 e) and the per-unit and per-home inputs of the rules. It depends on the population and a few parameters
only (STRUCTURE_PARAMETERS), so it is computed once per population and cached; the amounts of the four allowances
(:mod:`simlib.engine.simulate`) are computed from it for every scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.engine.model import REFERENCES, Population
from simlib.parameters import ParameterSet
from simlib.parameters.loader import ParameterNode
from simlib.rules.partner import PartnerResult, toeslagpartners
from simlib.engine.memory import for_population
from simlib.engine.threads import parallel_map, spans, workers

FULL_TIME_HOURS_PER_MONTH = 40 * 365 / 7 / 12  # assumed hours worked when unknown (weeks counted as 365/7)
MONTHS = np.arange(1, 13)
CHUNK_HOUSEHOLDS = 250_000  # households per block: large populations are processed in blocks of this size


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


def slice_households(pop: Population, h0: int, h1: int) -> tuple[Population, int]:
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


def _shift(arr: np.ndarray, offset: int) -> np.ndarray:
    return np.where(arr >= 0, arr + offset, arr)


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
_CACHE_SIZE = 8  # structures kept per population (one per set of structure parameter values)


_VIEWS: dict[int, tuple] = {}  # id(parameter set) -> (parameter set, key, view); parameter sets are immutable


def _structure_parameters(p: ParameterSet) -> tuple[tuple, ParameterNode]:
    """Cached :func:`_structure_view` per parameter set (the parameter set is kept, so its id is not reused)."""
    hit = _VIEWS.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1], hit[2]
    key, view = _structure_view(p)
    if len(_VIEWS) >= 256:
        _VIEWS.clear()
    _VIEWS[id(p)] = (p, key, view)
    return key, view


def _structure_view(p: ParameterSet) -> tuple[tuple, ParameterNode]:
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
    are not meant to be changed in place (build a new population with :func:`simlib.engine.model.edit_population`). A
    population of more than CHUNK_HOUSEHOLDS households is done in blocks of households, on threads.
    """
    key, view = _structure_parameters(p)
    key = key + (("blocks of", CHUNK_HOUSEHOLDS),)
    for_population(population.n_households)
    cols = _columns(population)
    cache = population.__dict__.setdefault("_structures", [])
    for k, c, st in cache:
        if k == key and len(c) == len(cols) and all(a is b for a, b in zip(c, cols)):
            return st
    nh = population.n_households
    base = population.__dict__.get("_derived_from")
    if base is not None and _derivable(population, base):
        st = _derive(population, structure(base, p), view)
    elif nh > CHUNK_HOUSEHOLDS:
        bounds = spans(nh, CHUNK_HOUSEHOLDS)

        def block(b):
            part, p0 = slice_households(population, *b)
            return _build_structure(part, view), p0, b[0]

        # a few blocks at a time on the threads; each is copied into the whole population's arrays and dropped
        merged = _Merged(population.n_persons, nh)
        for i in range(0, len(bounds), workers()):
            for part in parallel_map(block, bounds[i : i + workers()]):
                merged.add(*part)
        st = merged.result()
    else:
        st = _build_structure(population, view)
    cache.append((key, cols, st))
    del cache[:-_CACHE_SIZE]
    return st


class _Merged:
    """The structure of consecutive blocks of households, copied into arrays for the whole population as each block
    is done (person, unit and household numbers shifted), so that the blocks and the whole are never held together
    (the whole country's structure is 1.4 GB). Persons and homes have known numbers; the arrays of units, children
    and childcare rows are sized from the first block (5 % to spare; they grow when a later block needs more) and
    handed out as views of their filled part."""

    SECTIONS = (("units", ()), ("kgb", ("units",)), ("care", ("unit",)), ("homes", ()))
    PERSON_REFS = frozenset({"head", "partner", "huurder", "rows"})
    SPARE = 1.05

    def __init__(self, n_persons: int, n_households: int):
        self.n_households = n_households
        self.capacity = {"homes": n_households, "persons": n_persons}
        self.filled = dict.fromkeys(("units", "kgb", "care", "homes", "persons"), 0)
        self.out: dict[str, dict[str, np.ndarray]] = {name: {} for name in self.filled}
        self.pairs: list[tuple] = []

    def _put(self, section: str, key: str, values: np.ndarray, at: int, block_households: int) -> None:
        if section not in self.capacity:  # rows per household of the first block, for all households
            self.capacity[section] = int(len(values) / max(block_households, 1) * self.n_households * self.SPARE) + 1024
        dest = self.out[section].get(key)
        if dest is None:
            dest = self.out[section][key] = np.empty((self.capacity[section], *values.shape[1:]), values.dtype)
        if at + len(values) > len(dest):  # more rows than foreseen: grow by a quarter
            grown = np.empty((max(int(len(dest) * 1.25), at + len(values)), *values.shape[1:]), values.dtype)
            grown[:at] = dest[:at]
            dest = self.out[section][key] = grown
        dest[at : at + len(values)] = values

    def add(self, st: Structure, p0: int, h0: int) -> None:
        u0 = self.filled["units"]
        nb = len(st.homes["rents"])  # the block's households (one home each)
        for name, unit_refs in self.SECTIONS:
            rows = 0
            for k, arr in getattr(st, name).items():
                if k in self.PERSON_REFS:
                    arr = _shift(arr, p0)
                elif k in unit_refs:
                    arr = arr + u0
                elif k == "household":
                    arr = arr + h0
                self._put(name, k, arr, self.filled[name], nb)
                rows = len(arr)
            self.filled[name] += rows
        rows = 0
        for k, arr in st.persons.items():
            shift = {"unit": 1, "child_unit": 1, "partner": 0}.get(k)
            self._put("persons", k, arr if shift is None else _shift(arr, u0 if shift else p0), p0, nb)
            rows = len(arr)
        self._put("persons", "_criterion", st.partners.criterion, p0, nb)
        self.filled["persons"] = p0 + rows
        x = st.partners
        self.pairs.append((x.pair_i + p0, x.pair_j + p0, x.pair_criterion, x.pair_exclusion))

    def result(self) -> Structure:
        out = {name: {k: v[: self.filled[name]] for k, v in arrays.items()} for name, arrays in self.out.items()}
        persons = out["persons"]
        criterion = persons.pop("_criterion")
        pair_i, pair_j, pair_criterion, pair_exclusion = (np.concatenate(a) for a in zip(*self.pairs))
        partners = PartnerResult(persons["partner"], criterion, pair_i, pair_j, pair_criterion, pair_exclusion)
        return Structure(partners, persons, out["units"], out["kgb"], out["care"], out["homes"])


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

    assets = P["assets"].astype(float)
    insured = P["insured"]
    works = P["works"]
    months_adult = np.where(age[heads] >= 18, 12, np.where(turns_18[heads], 12 - birth_month[heads], 0))
    units = {
        "head": heads,
        "partner": head_partner,
        "household": household[heads],
        "has_partner": has_partner,
        "vermogen": assets[heads] + np.where(has_partner, assets[hp_safe], 0.0),
        "both_insured": insured[heads] & np.where(has_partner, insured[hp_safe], False),
        "zorgtoeslag_maanden": np.where(insured[heads] | np.where(has_partner, insured[hp_safe], False), months_adult, 0),
        "works": works[heads] & np.where(has_partner, works[hp_safe], True),
        "takeup_draw": P["takeup_draw"][heads],
    }
    units.update(_unit_incomes(P, heads, head_partner))

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
    care = {"rows": care_rows, "household": household[care_rows], "unit": child_unit[care_rows], "type": P["childcare_type"][care_rows],
            "hours": P["childcare_hours"][care_rows], "price": P["childcare_price"][care_rows], "age": age[care_rows]}

    homes, role, young_child = _huurtoeslag_structure(population, p, unit, partner, child_unit, resident, rank)
    persons = {"unit": unit, "child_unit": child_unit, "partner": partner, "criterion": pr.criterion, "ht_role": role,
               "ht_young_child": young_child}
    return _compact(Structure(pr, persons, units, kgb, care, homes))


# storage types of the cached structure: row numbers fit in int32, counts in small integers (the structure of the
# whole country is kept in memory, so this halves it)
_COMPACT = {
    "persons": {"unit": np.int32, "child_unit": np.int32, "partner": np.int32},
    "units": {"head": np.int32, "partner": np.int32, "zorgtoeslag_maanden": np.int8},
    "kgb": {"units": np.int32, "kinderen": np.int8, "kinderen_12_15": np.int8, "kinderen_16_17": np.int8},
    "care": {"rows": np.int32, "unit": np.int32},
    "homes": {"huurder": np.int32, "partner": np.int32, "aantal_personen": np.int16, "medebewoners": np.int16},
}


def _compact(st: Structure) -> Structure:
    for table, types in _COMPACT.items():
        d = getattr(st, table)
        for k, t in types.items():
            d[k] = d[k].astype(t, copy=False)
    pr = st.partners
    st.partners = PartnerResult(st.persons["partner"], pr.criterion, pr.pair_i.astype(np.int32), pr.pair_j.astype(np.int32),
                                pr.pair_criterion, pr.pair_exclusion)
    return st


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
        "rekeninkomen": _rekeninkomen(P, member, young_child, nh, p),
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
        "takeup_draw": np.where(has_huurder, P["takeup_draw"][hu], 1.0),  # no huurder: nobody to claim
    }
    return homes, role, young_child


def _unit_incomes(P: dict, heads: np.ndarray, partner: np.ndarray) -> dict:
    """Joint toetsingsinkomen of each unit and the hours worked by the parent who works least (unknown hours: full
    time for someone who works). Only the members of the units given are read (units may be a block)."""
    income = np.asarray(P["income"], dtype=float)
    hours_worked = np.asarray(P["hours_worked"], dtype=float)

    def hours(rows: np.ndarray) -> np.ndarray:
        h = hours_worked[rows]
        return np.where(np.isnan(h), np.where(P["works"][rows], FULL_TIME_HOURS_PER_MONTH, 0.0), h)

    has_partner = partner >= 0
    mate = np.where(has_partner, partner, heads)
    return {"toetsingsinkomen": income[heads] + np.where(has_partner, income[mate], 0.0),
            "least_hours": np.where(has_partner, np.minimum(hours(heads), hours(mate)), hours(heads))}


def _rekeninkomen(P: dict, member: np.ndarray, young_child: np.ndarray, nh: int, p, block: tuple | None = None) -> np.ndarray:
    """Income of the huurtoeslag household: huurder, partner and medebewoners; a young child of a member counts only
    above the exemption (Awir art. 7 lid 6). ``block`` (h0, h1, p0, p1): only households h0..h1-1 (persons p0..p1-1)."""
    h0, h1, p0, p1 = block or (0, nh, 0, len(member))
    sl = slice(p0, p1)
    income = np.asarray(P["income"][sl], dtype=float)
    counted = np.where(young_child[sl], np.maximum(income - p.awir.vrijstelling_inkomen_medebewoner_kind, 0.0), income)
    return np.bincount(P["household"][sl] - h0, weights=np.where(member[sl], counted, 0.0), minlength=h1 - h0)


def household_blocks(household: np.ndarray, nh: int, size: int = 1 << 18) -> list[tuple[int, int, int, int]]:
    """Blocks of households h0..h1-1 with their persons p0..p1-1 (persons are sorted by household)."""
    bounds = spans(nh, size)
    p = np.searchsorted(household, [b for h in bounds for b in h])
    return [(h0, h1, int(p[2 * i]), int(p[2 * i + 1])) for i, (h0, h1) in enumerate(bounds)]


INCOME_COLUMNS = ("income", "hours_worked")  # person columns the derived structure of a population may differ in


def derive_from(population: Population, base: Population) -> None:
    """Declare ``population`` a copy of ``base`` that differs only in income and hours worked (an income estimate):
    its structure is then derived from the structure of ``base`` instead of being built (see :func:`structure`)."""
    population.__dict__["_derived_from"] = base


def _derivable(population: Population, base: Population) -> bool:
    same = lambda a, b: all(a[k] is b[k] for k in a if k not in INCOME_COLUMNS) and a.keys() == b.keys()  # noqa: E731
    return (population.n_persons == base.n_persons and same(population.persons, base.persons)
            and all(population.households[k] is base.households[k] for k in base.households)
            and all(population.relations[k] is base.relations[k] for k in base.relations))


def _derive(population: Population, st: Structure, p) -> Structure:
    """The structure of a population that differs from the one of ``st`` only in income and hours worked."""
    P = population.persons
    nh, heads, partner = population.n_households, st.units["head"], st.units["partner"]
    units = dict(st.units)
    units.update({k: np.empty(len(heads)) for k in ("toetsingsinkomen", "least_hours")})
    homes = dict(st.homes)
    homes["rekeninkomen"] = np.empty(nh)
    role = st.persons["ht_role"]
    member = (role == HT_HUURDER) | (role == HT_PARTNER) | (role == HT_MEDEBEWONER)

    def block(b: tuple[int, int, int, int]) -> None:  # in blocks on threads; each writes its own part
        h0, h1, _, _ = b
        u0, u1 = np.searchsorted(units["household"], [h0, h1])
        for k, v in _unit_incomes(P, heads[u0:u1], partner[u0:u1]).items():
            units[k][u0:u1] = v
        homes["rekeninkomen"][h0:h1] = _rekeninkomen(P, member, st.persons["ht_young_child"], nh, p, b)

    parallel_map(block, household_blocks(P["household"], nh))
    return Structure(st.partners, st.persons, units, st.kgb, st.care, homes)


