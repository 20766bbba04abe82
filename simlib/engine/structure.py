"""The structure of a population, computed once and kept: who forms a benefit unit and a huurtoeslag household.

The law of it is in :mod:`simlib.rules.partner` (the toeslagpartner, Awir art. 3) and :mod:`simlib.rules.huishouden`
(aanvrager, benefit unit, huurder, medebewoners, onderhuurders); this module applies it to a population and keeps
the result. It depends on the population and a few parameters only (STRUCTURE_PARAMETERS), so it is cached on the
population per set of their values; the amounts of the four allowances (:mod:`simlib.engine.simulate`) are computed
from it for every scenario. Large populations are done in blocks of households on threads and merged; a population
that differs only in incomes (an income estimate) gets its structure derived from the original's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.engine.memory import for_population
from simlib.engine.model import REFERENCES, Population
from simlib.engine.threads import parallel_map, spans, workers
from simlib.parameters import ParameterSet
from simlib.parameters.loader import ParameterNode
from simlib.rules import huishouden as hh
from simlib.rules.partner import PartnerResult, toeslagpartners

CHUNK_HOUSEHOLDS = 250_000  # households per block: large populations are processed in blocks of this size


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
    """Partners, benefit units and huurtoeslag households of ``population`` (the law: :mod:`simlib.rules.partner`,
    :mod:`simlib.rules.huishouden`) and the per-unit and per-home inputs of the rules."""
    P, H = population.persons, population.households
    n = population.n_persons
    age = P["age"].astype(np.int64)
    birth_month = P["birth_month"].astype(np.int64)
    resident = ~P["elsewhere"]
    rank = _rank(P["person_id"])
    pr = toeslagpartners(dict(P) | {"resident": resident, "rank": rank}, population.relations, p)
    partner = pr.partner

    heads = hh.aanvragers(age, birth_month, resident, partner, rank)
    unit = hh.unit_of_person(heads, partner, n)
    child_unit = hh.unit_of_child(age, resident, P["parent1"], P["parent2"], unit)
    units = hh.unit_members(P, heads, partner, age, birth_month)
    units.update(hh.unit_incomes(P, heads, units["partner"]))
    kgb = hh.children_per_month(child_unit, age, birth_month, len(heads), int(p.kindgebonden_budget.maximumleeftijd_kind))
    care = hh.children_in_childcare(P, child_unit, age)

    huurder = hh.huurder(P, H["renter"], resident, rank, age, population.n_households)
    role, ht_partner = hh.huurtoeslag_roles(P, H["renter"], resident, unit, partner, child_unit, huurder)
    young_child = hh.young_children_of_members(P, role, age, p.awir.leeftijd_vrijstelling_medebewoner_kind)
    homes = hh.huurtoeslag_household(P, H, role, ht_partner, huurder, young_child, age, birth_month, p)
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


def household_blocks(household: np.ndarray, nh: int, size: int = 1 << 18) -> list[tuple[int, int, int, int]]:
    """Blocks of households h0..h1-1 with their persons p0..p1-1 (persons are sorted by household)."""
    bounds = spans(nh, size)
    p = np.searchsorted(household, [b for h in bounds for b in h])
    return [(h0, h1, int(p[2 * i]), int(p[2 * i + 1])) for i, (h0, h1) in enumerate(bounds)]


INCOME_COLUMNS = ("income", "hours_worked", "works", "profile")  # person columns a derived structure may differ in (none of them shapes the structure; works is re-read)


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
    """The structure of a population that differs from the one of ``st`` only in income, hours worked and work."""
    P = population.persons
    nh, heads, partner = population.n_households, st.units["head"], st.units["partner"]
    units = dict(st.units)
    units.update({k: np.empty(len(heads)) for k in ("toetsingsinkomen", "least_hours")})
    homes = dict(st.homes)
    homes["rekeninkomen"] = np.empty(nh)
    member = hh.is_member(st.persons["ht_role"])
    exemption = p.awir.vrijstelling_inkomen_medebewoner_kind

    def block(b: tuple[int, int, int, int]) -> None:  # in blocks on threads; each writes its own part
        h0, h1, _, _ = b
        u0, u1 = np.searchsorted(units["household"], [h0, h1])
        for k, v in hh.unit_incomes(P, heads[u0:u1], partner[u0:u1]).items():
            units[k][u0:u1] = v
        homes["rekeninkomen"][h0:h1] = hh.rekeninkomen(P, member, st.persons["ht_young_child"], nh, exemption, b)

    parallel_map(block, household_blocks(P["household"], nh))
    works = P["works"]  # the work requirement of both parents (Wko art. 1.6), as unit_members
    units["works"] = works[heads] & np.where(partner >= 0, works[np.maximum(partner, 0)], True)
    return Structure(st.partners, st.persons, units, st.kgb, st.care, homes)
