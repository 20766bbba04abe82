"""The household of the calculator as a user gives it (a dict, as in the README): validated, then columnar.

:func:`parse_household` checks every field and the relations between persons and raises an
:class:`~simlib.errors.InputError` of one line naming the field; :func:`to_population` turns the household into a
one-household :class:`~simlib.engine.model.Population` (or many copies of it, for sweeps).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from simlib.engine.model import CARE_TYPE_CODES, REFERENCES, Population
from simlib.errors import InputError, did_you_mean, short_repr
from simlib.parameters import load_parameters
from simlib.rules.partner import RELATIVE_KINDS

def _whole(v: Any) -> Any:
    """A whole number written as 30.0 is 30; true, "30" and 30.5 stay what they are and are refused."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e6:
        return int(v)
    return v


Whole = Annotated[int, BeforeValidator(_whole)]

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)  # no true for a number, no "35" for 35


class Childcare(BaseModel):
    model_config = _STRICT
    type: Literal["dagopvang", "bso", "gastouderopvang"]
    hours_per_month: float = Field(ge=0, le=744)
    hourly_price: float = Field(ge=0, le=1000)


class PersonInput(BaseModel):
    model_config = _STRICT
    id: str = Field(min_length=1, max_length=64)
    age: Whole = Field(ge=0, le=120)
    birth_month: Whole | None = Field(default=None, ge=1, le=12)
    income: float = Field(default=0.0, ge=-1e9, le=1e9)
    assets: float = Field(default=0.0, ge=-1e10, le=1e10)
    spouse: str | None = Field(default=None, max_length=64)
    cohabitant: str | None = Field(default=None, max_length=64)
    pension_partner: str | None = Field(default=None, max_length=64)
    partner_last_year: str | None = Field(default=None, max_length=64)
    parents: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=2)
    relatives: dict[Annotated[str, Field(max_length=64)], Literal[tuple(RELATIVE_KINDS)]] = Field(default_factory=dict, max_length=40)  # type: ignore[valid-type]
    childcare: Childcare | None = None
    works: bool = True
    hours_worked_per_month: float | None = Field(default=None, ge=0, le=744)
    insured: bool = True
    home_owner: bool = False
    lodger: bool = False
    business_rental_contract: bool = False
    requests_exception: bool = True
    in_shelter: bool = False
    temporary_protection: bool = False
    lives_elsewhere: bool = False
    tenant: bool = False
    disability: bool = False

    @field_validator("id", "spouse", "cohabitant", "pension_partner", "partner_last_year", mode="before")
    @classmethod
    def _id_as_text(cls, v):
        if isinstance(v, bool):
            raise ValueError("must be a text or number id")
        return str(v) if isinstance(v, int) else v

    @field_validator("income", "assets")
    @classmethod
    def _finite(cls, v):
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


class RentInput(BaseModel):
    model_config = _STRICT
    bare_rent: float = Field(ge=0, le=100_000)
    service_costs: float = Field(default=0.0, ge=0, le=100_000)
    adapted_for_disability: bool = False
    home_for_8plus: bool = False
    acquired_right: bool = False
    independent: bool = True  # a zelfstandige woonruimte; false for a room (kamer): no huurtoeslag


class HouseholdInput(BaseModel):
    model_config = _STRICT
    year: Whole
    persons: list[PersonInput] = Field(min_length=1, max_length=40)
    rent: RentInput | None = None


def _format_validation_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ""
    for part in err["loc"]:
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        model = {"persons": PersonInput, "rent": RentInput, "childcare": Childcare}
        parent = next((m for k, m in reversed(list(model.items())) if k in [str(x) for x in err["loc"]]), HouseholdInput)
        name = str(err["loc"][-1])
        allowed = list(parent.model_fields)
        msg = f"unknown field{did_you_mean(name, allowed)}; allowed: {', '.join(allowed)}"
    elif err["type"] == "missing":
        msg = "required field is missing"
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        msg = f"{msg} (got {short_repr(err['input'])})"
    return f"{loc}: {msg}" if loc else msg


def parse_household(data: Any) -> HouseholdInput:
    """Validate a household dict; raise InputError with a one-line message naming the field."""
    if not isinstance(data, dict):
        raise InputError(f"household: expected a JSON object, got {type(data).__name__}")
    try:
        hh = HouseholdInput.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format_validation_error(exc)) from None
    ids = [p.id for p in hh.persons]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        dup = next(pid for pid in ids if ids.count(pid) > 1)
        raise InputError(f"persons: id {dup!r} is used more than once")

    def ref(i, field, value):
        if value is None:
            return
        if value not in index:
            raise InputError(f"persons[{i}].{field}: {short_repr(value)} is not the id of a person in this household{did_you_mean(value, ids)}")
        if value == ids[i]:
            raise InputError(f"persons[{i}].{field}: a person cannot refer to themselves")

    tenants = [p.id for p in hh.persons if p.tenant]
    if len(tenants) > 1:
        raise InputError(f"persons: more than one tenant ({', '.join(tenants)}); mark at most one person as tenant")
    for i, p in enumerate(hh.persons):
        for field in ("spouse", "cohabitant", "pension_partner", "partner_last_year"):
            ref(i, field, getattr(p, field))
        for par in p.parents:
            ref(i, "parents", par)
        if len(set(p.parents)) != len(p.parents):
            raise InputError(f"persons[{i}].parents: the same parent is listed twice")
        for rel in p.relatives:
            ref(i, "relatives", rel)
        if p.spouse is not None:
            other = hh.persons[index[p.spouse]]
            if other.spouse not in (None, p.id):
                raise InputError(f"persons[{i}].spouse: {p.spouse!r} is married to {other.spouse!r}, not to {p.id!r}")
            if p.age < 18 or other.age < 18:
                raise InputError(f"persons[{i}].spouse: a spouse must be 18 or older")
        if p.lives_elsewhere:
            married_here = p.spouse is not None or any(q.spouse == p.id for q in hh.persons)
            if not married_here:
                raise InputError(f"persons[{i}].lives_elsewhere: only a spouse of someone in the household can live elsewhere")
            if p.age < 18:
                raise InputError(f"persons[{i}].lives_elsewhere: a person living elsewhere must be 18 or older")
        for par in p.parents:
            parent = hh.persons[index[par]]
            if parent.age <= p.age:
                raise InputError(f"persons[{i}].parents: {par!r} (age {parent.age}) is not older than {p.id!r} "
                                 f"(age {p.age}); a parent must be older than the child")
            if par in (p.spouse, p.cohabitant, p.pension_partner) or p.id in (parent.spouse, parent.cohabitant, parent.pension_partner):
                raise InputError(f"persons[{i}].parents: {par!r} cannot be both a parent and the partner of {p.id!r}")
        if p.age < 18 and not p.lives_elsewhere:
            here = [par for par in p.parents if not hh.persons[index[par]].lives_elsewhere]
            if not here:
                raise InputError(f"persons[{i}].parents: a child under 18 needs a parent in the household (Awir art. 4)")
        if p.tenant and p.age < 18:
            raise InputError(f"persons[{i}].tenant: {p.id!r} is {p.age}; a child living with a parent cannot be the "
                             "tenant (huurtoeslag from 18, Wht art. 8): mark the parent")
        if p.childcare is not None:
            limit = int(load_parameters(hh.year).kinderopvangtoeslag.maximumleeftijd_kind)
            if p.age > limit:
                raise InputError(
                    f"persons[{i}].childcare: kinderopvangtoeslag is for children up to secondary school (age {limit} or less), got age {p.age}"
                )
    return hh


def to_population(hh: HouseholdInput, copies: int = 1) -> tuple[Population, list[str]]:
    """The household as a columnar population (persons sorted by id, so the order of input does not matter)."""
    persons = sorted(hh.persons, key=lambda q: q.id)
    ids = [q.id for q in persons]
    row = {pid: i for i, pid in enumerate(ids)}
    # spouses are symmetric even if given on one side only
    spouse = [-1] * len(persons)
    for i, q in enumerate(persons):
        if q.spouse is not None:
            spouse[i] = row[q.spouse]
            spouse[row[q.spouse]] = i
    n = len(persons)

    def col(fn, dtype):
        return np.array([fn(q) for q in persons], dtype=dtype)

    def opt(name):
        return col(lambda q: row[getattr(q, name)] if getattr(q, name) is not None else -1, np.int64)

    cols = {
        "household": np.zeros(n, dtype=np.int64),
        "person_id": np.arange(n, dtype=np.int64),
        "age": col(lambda q: q.age, np.int16),
        "birth_month": col(lambda q: q.birth_month or 12, np.int8),
        "income": col(lambda q: q.income, float),
        "assets": col(lambda q: q.assets, float),
        "insured": col(lambda q: q.insured, bool),
        "works": col(lambda q: q.works, bool),
        "hours_worked": col(lambda q: np.nan if q.hours_worked_per_month is None else q.hours_worked_per_month, float),
        "spouse": np.array(spouse, dtype=np.int64),
        "cohabitant": opt("cohabitant"),
        "pension_partner": opt("pension_partner"),
        "partner_last_year": opt("partner_last_year"),
        "parent1": col(lambda q: row[sorted(q.parents)[0]] if q.parents else -1, np.int64),
        "parent2": col(lambda q: row[sorted(q.parents)[1]] if len(q.parents) > 1 else -1, np.int64),
        "home_owner": col(lambda q: q.home_owner, bool),
        "lodger": col(lambda q: q.lodger, bool),
        "business_rental_contract": col(lambda q: q.business_rental_contract, bool),
        "requests_exception": col(lambda q: q.requests_exception, bool),
        "in_shelter": col(lambda q: q.in_shelter, bool),
        "temporary_protection": col(lambda q: q.temporary_protection, bool),
        "elsewhere": col(lambda q: q.lives_elsewhere, bool),
        "tenant": col(lambda q: q.tenant, bool),
        "disability": col(lambda q: q.disability, bool),
        "childcare_type": col(lambda q: CARE_TYPE_CODES[q.childcare.type] if q.childcare else 0, np.int8),
        "childcare_hours": col(lambda q: q.childcare.hours_per_month if q.childcare else 0.0, float),
        "childcare_price": col(lambda q: q.childcare.hourly_price if q.childcare else 0.0, float),
    }
    rel_a, rel_b, rel_kind = [], [], []
    for i, q in enumerate(persons):
        for other, kind in q.relatives.items():
            rel_a.append(i)
            rel_b.append(row[other])
            rel_kind.append(RELATIVE_KINDS[kind])
    rent = hh.rent
    households = {
        "household_id": np.zeros(1, dtype=np.int64),
        "renter": np.array([rent is not None]),
        "bare_rent": np.array([rent.bare_rent if rent else 0.0]),
        "service_costs": np.array([rent.service_costs if rent else 0.0]),
        "adapted_home": np.array([bool(rent and rent.adapted_for_disability)]),
        "home_for_8plus": np.array([bool(rent and rent.home_for_8plus)]),
        "acquired_right": np.array([bool(rent and rent.acquired_right)]),
        "independent_home": np.array([bool(rent.independent) if rent else True]),
    }
    relations = {"rel_a": np.array(rel_a, dtype=np.int64), "rel_b": np.array(rel_b, dtype=np.int64), "rel_kind": np.array(rel_kind, dtype=np.int16)}
    if copies > 1:
        cols, households, relations = _tile(cols, households, relations, n, copies)
    return Population.from_columns(hh.year, cols, households, relations), ids


def _tile(cols, households, relations, n, copies):
    """``copies`` identical households in one population (for sweeps)."""
    offset = np.repeat(np.arange(copies, dtype=np.int64) * n, n)
    out = {}
    for name, arr in cols.items():
        tiled = np.tile(arr, copies)
        if name in REFERENCES:
            tiled = np.where(tiled >= 0, tiled + offset, -1)
        elif name == "household":
            tiled = np.repeat(np.arange(copies, dtype=np.int64), n)
        elif name == "person_id":
            tiled = np.arange(copies * n, dtype=np.int64)
        out[name] = tiled
    hh = {name: np.tile(arr, copies) for name, arr in households.items()}
    hh["household_id"] = np.arange(copies, dtype=np.int64)
    m = len(relations["rel_a"])
    roff = np.repeat(np.arange(copies, dtype=np.int64) * n, m)
    rel = {
        "rel_a": np.tile(relations["rel_a"], copies) + roff,
        "rel_b": np.tile(relations["rel_b"], copies) + roff,
        "rel_kind": np.tile(relations["rel_kind"], copies),
    }
    return out, hh, rel
