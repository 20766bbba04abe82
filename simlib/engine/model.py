"""The columnar data model shared by the household calculator and the population: persons, households, relations.

Persons are rows sorted by household; references between persons (spouse, parents, ...) are row numbers, -1 for
none. Households are rows; ``persons["household"]`` is the household row of each person. ``relations`` records
family ties that the partner rule needs beyond parents and spouses (siblings, in-laws, foster children), once per
pair. Benefit units (aanvrager + toeslagpartner) are derived by the partner rule, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simlib.errors import InputError

REFERENCES = ("spouse", "cohabitant", "pension_partner", "partner_last_year", "parent1", "parent2")
# the names of the codes in the columns household_type, profile, tenure and extra_member
TYPES = ("eenpersoons", "paar_zonder_kinderen", "paar_met_kinderen", "eenouder", "overig")
PROFILES = ("vast", "flex", "zelfstandige", "uitkering", "pensioen", "student", "geen")
TENURES = ("koop", "sociale_huur", "particuliere_huur")
EXTRA_KINDS = ("kamerhuurder", "ouder_mantelzorg", "broer_zus", "overig")
CARE_TYPE_CODES = {"dagopvang": 1, "bso": 2, "gastouderopvang": 3}
CARE_TYPE_NAMES = {v: k for k, v in CARE_TYPE_CODES.items()}

# name: (dtype, default, description)
PERSON_COLUMNS: dict[str, tuple[str, object, str]] = {
    "household": ("int32", None, "row of the person's household"),
    "person_id": ("int64", None, "unique id of the person"),
    "age": ("int16", None, "age in whole years on 1 January of the year"),
    "birth_month": ("int8", 12, "month of the birthday (1-12); 12 = age constant through the year"),
    "income": ("float64", 0.0, "toetsingsinkomen of the year (Awir art. 8)"),
    "assets": ("float64", 0.0, "box-3 rendementsgrondslag on 1 January"),
    "insured": ("bool", True, "insured under the Zorgverzekeringswet"),
    "works": ("bool", True, "meets the work requirement for kinderopvangtoeslag (work, traject, study, inburgering)"),
    "hours_worked": ("float64", np.nan, "hours worked per month (for the link until 2022); NaN = unknown"),
    "spouse": ("int32", -1, "row of the spouse, registered partner or notarial cohabitation partner (AWR 5a)"),
    "cohabitant": ("int32", -1, "row of the unmarried partner they live with as a couple"),
    "pension_partner": ("int32", -1, "row of the person registered as partner in a pension scheme (Awir 3.2 c)"),
    "partner_last_year": ("int32", -1, "row of last year's toeslagpartner (Awir 3.2 f)"),
    "parent1": ("int32", -1, "row of a parent (or foster parent) at the address"),
    "parent2": ("int32", -1, "row of the other parent at the address"),
    "home_owner": ("bool", False, "(co-)owner of the home (Awir 3.2 d)"),
    "lodger": ("bool", False, "rents part of the home under a written agreement (onderhuurder, Awir 2.1 e 2°)"),
    "business_rental_contract": ("bool", False, "the rental agreement is on business terms (Awir 3.2 e exception)"),
    "requests_exception": ("bool", True, "files the requests the partner rule allows (Awir 3.2 e, 3.5 b, 3.9, 3a)"),
    "in_shelter": ("bool", False, "stays in a Wmo shelter (Awir 3.8, art. 3a)"),
    "temporary_protection": ("bool", False, "temporary protection as a displaced person from Ukraine (Awir 3b)"),
    "elsewhere": ("bool", False, "lives at another address (a spouse who is toeslagpartner under lid 1 only)"),
    "tenant": ("bool", False, "the huurder of the home"),
    "disability": ("bool", False, "has a handicap (Wht art. 13 lid 1 a 2°)"),
    "childcare_type": ("int8", 0, "0 none, 1 dagopvang, 2 buitenschoolse opvang, 3 gastouderopvang"),
    "childcare_hours": ("float64", 0.0, "hours of childcare per month"),
    "childcare_price": ("float64", 0.0, "hourly price of the childcare"),
    "profile": ("int8", -1, "income/work profile: 0 vast, 1 flex, 2 zelfstandige, 3 uitkering, 4 pensioen, 5 student, 6 geen; -1 unknown"),
    "takeup_draw": ("float64", 0.0, "uniform draw deciding take-up (claims if the draw is below the take-up probability)"),
}

HOUSEHOLD_COLUMNS: dict[str, tuple[str, object, str]] = {
    "household_id": ("int64", None, "unique id of the household (address)"),
    "renter": ("bool", False, "the home is rented (a huurder exists)"),
    "bare_rent": ("float64", 0.0, "kale huur per month"),
    "service_costs": ("float64", 0.0, "subsidiabele servicekosten per month"),
    "adapted_home": ("bool", False, "home adapted for a handicap (Wht art. 13 lid 2 a, art. 21 lid 1 c 3°)"),
    "home_for_8plus": ("bool", False, "home suited and meant for a household of 8 or more (Wht art. 13 lid 2 b)"),
    "acquired_right": ("bool", False, "huurtoeslag was granted for this home before (Wht art. 13 lid 2 c)"),
    "independent_home": ("bool", True, "a zelfstandige woonruimte (own front door, kitchen, toilet) or a room the Dienst designates; "
                                       "a room (kamer) otherwise: no huurtoeslag (Wht art. 1, 9)"),
    "weight": ("float64", 1.0, "number of Dutch households this household represents"),
    "household_type": ("int8", -1, "0 eenpersoons, 1 paar zonder kinderen, 2 paar met kinderen, 3 eenouder, 4 overig; -1 unknown"),
    "tenure": ("int8", -1, "0 koop, 1 sociale huur (woningcorporatie), 2 particuliere huur; -1 unknown"),
    "extra_member": ("int8", -1, "kind of extra member: 0 kamerhuurder, 1 ouder (mantelzorg), 2 broer/zus, 3 overig; -1 none"),
}

RELATION_COLUMNS: dict[str, tuple[str, object, str]] = {
    "rel_a": ("int32", None, "row of the first person"),
    "rel_b": ("int32", None, "row of the second person"),
    "rel_kind": ("int16", None, "what the second person is of the first (see simlib.rules.partner.RELATIVE_KINDS)"),
}


def _columns(spec: dict, data: dict, n: int, table: str) -> dict[str, np.ndarray]:
    out = {}
    for name, (dtype, default, _) in spec.items():
        if name in data:
            arr = np.asarray(data[name])
            if arr.shape != (n,):
                raise InputError(f"{table}.{name}: expected {n} values, got shape {arr.shape}")
            out[name] = arr.astype(dtype, copy=False)
        elif default is None:
            raise InputError(f"{table}.{name}: required column is missing")
        else:
            out[name] = np.full(n, default, dtype=dtype)
    return out


@dataclass
class Population:
    """Columnar persons, households and relations for one year (see the module docstring)."""

    year: int
    persons: dict[str, np.ndarray]
    households: dict[str, np.ndarray]
    relations: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_columns(
        cls, year: int, persons: dict, households: dict, relations: dict | None = None, meta: dict | None = None
    ) -> Population:
        """Build from columns (missing optional columns get their defaults) and check the structure."""
        n_p = len(np.asarray(persons["age"]))
        n_h = len(np.asarray(households["household_id"]))
        rel = relations or {}
        n_r = len(np.asarray(rel.get("rel_a", [])))
        pop = cls(
            year=int(year),
            persons=_columns(PERSON_COLUMNS, persons, n_p, "persons"),
            households=_columns(HOUSEHOLD_COLUMNS, households, n_h, "households"),
            relations=_columns(RELATION_COLUMNS, rel, n_r, "relations") if n_r else {
                k: np.empty(0, dtype=v[0]) for k, v in RELATION_COLUMNS.items()
            },
            meta=dict(meta or {}),
        )
        pop.check_structure()
        return pop

    def freeze(self) -> Population:
        """Make every column read-only (a shared population must not change under the results cached on it)."""
        for table in (self.persons, self.households, self.relations):
            for arr in table.values():
                arr.setflags(write=False)
        return self

    @property
    def n_persons(self) -> int:
        return len(self.persons["age"])

    @property
    def n_households(self) -> int:
        return len(self.households["household_id"])

    def check_structure(self) -> None:
        """Referential integrity: raises InputError naming the first violations found."""
        p, n, nh = self.persons, self.n_persons, self.n_households
        hh = p["household"]
        problems: list[str] = []
        if n and (hh.min() < 0 or hh.max() >= nh):
            problems.append("persons.household: refers to a household that does not exist")
        if n > 1 and np.any(np.diff(hh) < 0):
            problems.append("persons.household: persons must be sorted by household")
        rows = np.arange(n)
        for col in ("spouse", "cohabitant", "pension_partner", "partner_last_year", "parent1", "parent2"):
            ref = p[col]
            bad = (ref < -1) | (ref >= n)
            if bad.any():
                problems.append(f"persons.{col}: {int(bad.sum())} references to a person that does not exist")
                continue
            has = ref >= 0
            other_hh = hh[np.where(has, ref, 0)]
            cross = has & (other_hh != hh)
            if cross.any():
                problems.append(f"persons.{col}: {int(cross.sum())} references to a person in another household")
            self_ref = has & (ref == rows)
            if self_ref.any():
                problems.append(f"persons.{col}: {int(self_ref.sum())} persons refer to themselves")
        sp = p["spouse"]
        has = sp >= 0
        back = sp[np.where(has, sp, 0)]
        not_mutual = has & (back != rows)
        if not_mutual.any():
            problems.append(f"persons.spouse: {int(not_mutual.sum())} spouses do not point back")
        bad_age = (p["age"] < 0) | (p["age"] > 120)
        if bad_age.any():
            problems.append(f"persons.age: {int(bad_age.sum())} ages outside 0-120")
        bad_month = (p["birth_month"] < 1) | (p["birth_month"] > 12)
        if bad_month.any():
            problems.append(f"persons.birth_month: {int(bad_month.sum())} values outside 1-12")
        minor = p["age"] < 18
        resident = ~p["elsewhere"]
        no_parent = minor & resident & (p["parent1"] < 0) & (p["parent2"] < 0)
        if no_parent.any():
            problems.append(f"persons.parent1: {int(no_parent.sum())} children under 18 without a parent at the address")
        for col in ("income", "assets", "childcare_hours", "childcare_price", "hours_worked"):
            arr = p[col]
            if col != "hours_worked" and not np.all(np.isfinite(arr)):
                problems.append(f"persons.{col}: {int((~np.isfinite(arr)).sum())} values are not finite numbers")
        for col in ("childcare_hours", "childcare_price"):
            if (p[col] < 0).any():
                problems.append(f"persons.{col}: negative values")
        if ((p["childcare_type"] < 0) | (p["childcare_type"] > 3)).any():
            problems.append("persons.childcare_type: values outside 0-3")
        h = self.households
        for col in ("bare_rent", "service_costs", "weight"):
            arr = h[col]
            if not np.all(np.isfinite(arr)) or (arr < 0).any():
                problems.append(f"households.{col}: values must be finite and not negative")
        r = self.relations
        if len(r["rel_a"]):
            for col in ("rel_a", "rel_b"):
                if (r[col] < 0).any() or (r[col] >= n).any():
                    problems.append(f"relations.{col}: refers to a person that does not exist")
        if problems:
            raise InputError("; ".join(problems))


def edit_population(pop: Population, keep_households=None, keep_persons=None, add_persons: dict | None = None) -> Population:
    """A new population with some households and persons dropped and persons added (all vectorised).

    ``keep_households`` / ``keep_persons`` are boolean masks; ``add_persons`` holds columns of new persons whose
    ``household`` and references are rows of the *old* population. References to dropped persons become -1; the
    new rows are placed after the existing members of their household. Relations follow the persons they name.
    """
    P, H = pop.persons, pop.households
    n, nh = pop.n_persons, pop.n_households
    keep_h = np.ones(nh, dtype=bool) if keep_households is None else np.asarray(keep_households, dtype=bool)
    keep_p = np.ones(n, dtype=bool) if keep_persons is None else np.asarray(keep_persons, dtype=bool)
    keep_p = keep_p & keep_h[P["household"]]
    add = add_persons or {}
    n_add = len(add["household"]) if add else 0
    add_keep = keep_h[np.asarray(add["household"])] if n_add else np.zeros(0, dtype=bool)
    # new household rows
    h_new = np.full(nh, -1, dtype=np.int64)
    h_new[keep_h] = np.arange(int(keep_h.sum()))
    # order of the combined person rows: by new household, existing before added
    old_rows = np.flatnonzero(keep_p)
    add_rows = np.flatnonzero(add_keep)
    hh_all = np.r_[h_new[P["household"][old_rows]], h_new[np.asarray(add["household"])[add_rows]] if n_add else np.zeros(0, np.int64)]
    src_is_new = np.r_[np.zeros(len(old_rows), dtype=bool), np.ones(len(add_rows), dtype=bool)]
    order = np.lexsort((src_is_new, hh_all))
    # map old person rows to new rows
    p_new = np.full(n, -1, dtype=np.int64)
    pos = np.empty(len(order), dtype=np.int64)
    pos[order] = np.arange(len(order))
    p_new[old_rows] = pos[: len(old_rows)]
    cols = {}
    for name, (dtype, default, _) in PERSON_COLUMNS.items():
        old = P[name][old_rows]
        if n_add:
            extra = np.asarray(add[name])[add_rows] if name in add else np.full(len(add_rows), default if default is not None else 0, dtype=dtype)
        else:
            extra = np.zeros(0, dtype=old.dtype)
        merged = np.concatenate([old, extra.astype(old.dtype, copy=False)])[order]
        if name in REFERENCES:
            merged = np.where(merged >= 0, p_new[np.maximum(merged, 0)], -1)
        elif name == "household":
            merged = hh_all[order]
        elif name == "person_id" and n_add:
            base = int(P["person_id"].max()) + 1 if n else 0
            ids = np.concatenate([P["person_id"][old_rows], base + np.arange(len(add_rows))])
            merged = ids[order]
        cols[name] = merged
    households = {k: v[keep_h] for k, v in H.items()}
    R = pop.relations
    rels = {}
    if len(R["rel_a"]):
        a, b = p_new[R["rel_a"]], p_new[R["rel_b"]]
        ok = (a >= 0) & (b >= 0)
        rels = {"rel_a": a[ok], "rel_b": b[ok], "rel_kind": R["rel_kind"][ok]}
    return Population.from_columns(pop.year, cols, households, rels, dict(pop.meta))
