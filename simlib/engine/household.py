"""The household calculator: one household in, the four allowances out, with the reasons.

It converts the household (a dict, as in the README) into a one-household :class:`~simlib.engine.model.Population` and
runs the same vectorised :func:`~simlib.engine.simulate.simulate` as the population run — one implementation, not two.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from simlib.errors import InputError, did_you_mean
from simlib.engine.model import CARE_TYPE_CODES, CARE_TYPE_NAMES, Population
from simlib.parameters import load_parameters
from simlib.rules.huurtoeslag import TYPE_NAMES
from simlib.rules.partner import CRITERION_NAMES, EXCLUSION_NAMES, GEEN, RELATIVE_KINDS
from simlib.rules import ALLOWANCES
from simlib.engine.simulate import simulate
from simlib.rules.huishouden import HT_MEDEBEWONER, HT_ONDERHUURDER, HT_ROLE_NAMES

_STRICT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Childcare(BaseModel):
    model_config = _STRICT
    type: Literal["dagopvang", "bso", "gastouderopvang"]
    hours_per_month: float = Field(ge=0, le=744)
    hourly_price: float = Field(ge=0, le=1000)


class PersonInput(BaseModel):
    model_config = _STRICT
    id: str = Field(min_length=1, max_length=64)
    age: int = Field(ge=0, le=120)
    birth_month: int | None = Field(default=None, ge=1, le=12)
    income: float = Field(default=0.0, ge=-1e9, le=1e9)
    assets: float = Field(default=0.0, ge=-1e10, le=1e10)
    spouse: str | None = None
    cohabitant: str | None = None
    pension_partner: str | None = None
    partner_last_year: str | None = None
    parents: list[str] = Field(default_factory=list, max_length=2)
    relatives: dict[str, Literal[tuple(RELATIVE_KINDS)]] = Field(default_factory=dict)  # type: ignore[valid-type]
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


class HouseholdInput(BaseModel):
    model_config = _STRICT
    year: int
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
        msg = f"{msg} (got {err['input']!r})"
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
            raise InputError(f"persons[{i}].{field}: {value!r} is not the id of a person in this household{did_you_mean(value, ids)}")
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
        if p.age < 18 and not p.lives_elsewhere:
            here = [par for par in p.parents if not hh.persons[index[par]].lives_elsewhere]
            if not here:
                raise InputError(f"persons[{i}].parents: a child under 18 needs a parent in the household (Awir art. 4)")
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
        if name in ("spouse", "cohabitant", "pension_partner", "partner_last_year", "parent1", "parent2"):
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


def _num(x) -> float:
    return round(float(x), 2)


def calculate_household(household: dict, explain: bool = True, scenario=None) -> dict:
    """Allowances of one household for one year.

    ``household`` follows the contract in the README: ``year``, ``persons`` (id, age, income, assets, spouse,
    parents, childcare, works, insured, and the optional fields the partner rule needs) and ``rent`` (per month;
    absent = not a tenant). Returns ``annual`` (awarded euros for the year, Awir-rounded, all benefit units of the
    household summed), ``monthly`` (euros per month for a situation constant through the year) and, with
    ``explain``, per benefit unit the toeslagpartner and why, and the intermediate values of each rule.
    ``scenario`` (a :class:`simlib.parameters.scenario.Scenario`) applies a proposal instead of current law.
    """
    hh = parse_household(household)
    p = scenario.parameter_set(hh.year) if scenario is not None else load_parameters(hh.year)
    pop, ids = to_population(hh)
    sim = simulate(pop, p)
    annual = {a: int(sim.households[a][0]) for a in ALLOWANCES}
    m = sim.details["monthly"]
    monthly = {
        "zorgtoeslag": _num(m["zorgtoeslag"].sum()),
        "huurtoeslag": _num(m["huurtoeslag"][0]),
        "kindgebonden_budget": _num(m["kindgebonden_budget"].sum()),
        "kinderopvangtoeslag": _num(m["kinderopvangtoeslag"].sum()),
    }
    result: dict[str, Any] = {"year": hh.year, "annual": annual, "monthly": monthly, "total_annual": int(sum(annual.values()))}
    if explain:
        result.update(_explain(sim, ids, p))
    return result


def _explain(sim, ids, p) -> dict:
    P, u, pr = sim.persons, sim.units, sim.partners
    name = lambda r: ids[r] if r >= 0 else None  # noqa: E731
    zt = sim.details["zorgtoeslag"]
    kgb_units, kgb, counts = sim.details["kindgebonden_budget"]
    care, kot = sim.details["kinderopvangtoeslag"]
    kgb_pos = {int(x): i for i, x in enumerate(kgb_units)}
    units = []
    for k, head in enumerate(u["head"]):
        partner = int(u["partner"][k])
        crit = int(P["criterion"][head])
        children = [ids[c] for c in np.flatnonzero(P["child_unit"] == k)]
        unit = {
            "aanvrager": ids[head],
            "toeslagpartner": name(partner),
            "reden_toeslagpartner": CRITERION_NAMES[crit] if partner >= 0 else "geen toeslagpartner",
            "kinderen": children,
            "toetsingsinkomen": _num(u["toetsingsinkomen"][k]),
            "vermogen": _num(u["vermogen"][k]),
            "zorgtoeslag": {
                "annual": int(u["zorgtoeslag"][k]),
                "monthly": _num(sim.details["monthly"]["zorgtoeslag"][k]),
                "maanden": int(u["zorgtoeslag_maanden"][k]),
                "standaardpremie": _num(zt["standaardpremie"][k]),
                "drempelinkomen": _num(p.zorgtoeslag.drempelinkomen),
                "normpremie": _num(zt["normpremie"][k]),
                "jaarbedrag_voor_afronding": _num(zt["jaarbedrag"][k]),
                "vermogen_ok": bool(zt["vermogen_ok"][k]),
            },
        }
        if k in kgb_pos:
            i = kgb_pos[k]
            unit["kindgebonden_budget"] = {
                "annual": int(u["kindgebonden_budget"][k]),
                "monthly": _num(sim.details["monthly"]["kindgebonden_budget"][k]),
                "kinderen_per_maand": counts["kinderen"][i].tolist(),
                "basis_per_jaar_per_maand": [_num(x) for x in kgb["basis"][i]],
                "drempelinkomen": _num(kgb["drempel"][i]),
                "afbouw_per_jaar": _num(kgb["afbouw"][i]),
                "alleenstaande_ouderkop": not bool(u["has_partner"][k]),
                "vermogen_ok": bool(kgb["vermogen_ok"][i]),
            }
        in_unit = np.flatnonzero(sim.population.persons["childcare_type"][care] > 0)
        mine = [j for j in in_unit if P["child_unit"][care[j]] == k]
        if mine:
            unit["kinderopvangtoeslag"] = {
                "annual": int(u["kinderopvangtoeslag"][k]),
                "monthly": _num(sim.details["monthly"]["kinderopvangtoeslag"][k]),
                "kinderen": [
                    {
                        "id": ids[care[j]],
                        "soort": CARE_TYPE_NAMES[int(sim.population.persons["childcare_type"][care[j]])],
                        "uren_vergoed": _num(kot["uren_vergoed"][j]),
                        "uurprijs_vergoed": _num(kot["uurprijs_vergoed"][j]),
                        "eerste_kind": bool(kot["eerste_kind"][j]),
                        "percentage": round(float(kot["percentage"][j]) * 100, 2),
                        "per_maand": _num(kot["per_maand"][j]),
                    }
                    for j in mine
                ],
            }
        units.append(unit)

    h = sim.details["huurtoeslag"]
    homes = sim.homes
    huurtoeslag: dict[str, Any] = {"annual": int(homes["huurtoeslag"][0]), "monthly": _num(sim.details["monthly"]["huurtoeslag"][0])}
    if sim.population.households["renter"][0]:
        roles = P["ht_role"]
        huurtoeslag.update(
            {
                "huurder": name(int(homes["huurder"][0])),
                "partner": name(int(homes["partner"][0])),
                "medebewoners": [ids[r] for r in np.flatnonzero(roles == HT_MEDEBEWONER)],
                "onderhuurders": [ids[r] for r in np.flatnonzero(roles == HT_ONDERHUURDER)],
                "aantal_personen": int(homes["aantal_personen"][0]),
                "huishoudtype": TYPE_NAMES[int(h["huishoudtype"][0])],
                "rekeninkomen": _num(homes["rekeninkomen"][0]),
                "rekenhuur": _num(h["rekenhuur"][0]),
                "maximale_huurgrens": _num(h["maximale_huurgrens"][0]),
                "boven_maximale_huurgrens": bool(h["boven_maximale_huurgrens"][0]),
                "uitgesloten_door_huurgrens": bool(h["uitgesloten_huurgrens"][0]),
                "normhuur": _num(h["normhuur"][0]),
                "basishuur": _num(h["basishuur"][0]),
                "kwaliteitskortingsgrens": _num(h["kwaliteitskortingsgrens"][0]),
                "aftoppingsgrens": _num(h["aftoppingsgrens"][0]),
                "deel_100_procent": _num(h["deel_100"][0]),
                "deel_65_procent": _num(h["deel_65"][0]),
                "deel_40_procent": _num(h["deel_40"][0]),
                "afbouw": _num(h["afbouw"][0]),
                "vermogen_ok": bool(h["vermogen_ok"][0]),
            }
        )
    persons = {}
    for r, pid in enumerate(ids):
        cands = []
        for i, j, c, e in zip(pr.pair_i, pr.pair_j, pr.pair_criterion, pr.pair_exclusion):
            if r in (i, j) and (c != GEEN or e):
                other = j if r == i else i
                cands.append(
                    {
                        "met": ids[other],
                        "criterium": CRITERION_NAMES[int(c)],
                        "uitgesloten": EXCLUSION_NAMES.get(int(e)),
                    }
                )
        persons[pid] = {
            "toeslagpartner": name(int(P["partner"][r])),
            "reden": CRITERION_NAMES[int(P["criterion"][r])] if P["partner"][r] >= 0 else None,
            "kandidaten": cands,
            "rol_huurtoeslag": HT_ROLE_NAMES[int(P["ht_role"][r])] or None,
        }
    return {"units": units, "huurtoeslag": huurtoeslag, "persons": persons}


def household_sweep(household: dict, income: Any = None, person: str | None = None, assets: Any = None, rent: Any = None,
                    scenario=None):
    """The household over a grid of one variable, in one vectorised run.

    Give exactly one grid: ``income`` or ``assets`` (of ``person``; default the first adult listed) or ``rent``
    (the kale huur per month). ``scenario`` (a :class:`simlib.parameters.scenario.Scenario`) evaluates a proposal instead of
    current law. Returns a pandas DataFrame: the grid and the awarded yearly amount of each allowance and the total.
    """
    import pandas as pd

    grids = {k: v for k, v in (("income", income), ("assets", assets), ("rent", rent)) if v is not None}
    if len(grids) != 1:
        raise InputError("sweep: give exactly one of income, assets or rent as a list of values")
    (name, values), = grids.items()
    hh = parse_household(household)
    grid = np.asarray(values, dtype=float).ravel()
    if grid.size == 0 or not np.all(np.isfinite(grid)):
        raise InputError(f"{name}: expected a non-empty list of finite numbers")
    pop, ids = to_population(hh, copies=len(grid))
    n = len(ids)
    if name == "rent":
        if hh.rent is None:
            raise InputError("rent: the household has no rent; add 'rent' to sweep over it")
        if (grid < 0).any():
            raise InputError("rent: must not be negative")
        pop.households["bare_rent"] = grid
    else:
        if person is None:
            adults = [q.id for q in hh.persons if q.age >= 18 and not q.lives_elsewhere]
            if not adults:
                raise InputError("person: the household has no adult whose income or assets could vary")
            person = adults[0]
        if person not in ids:
            raise InputError(f"person: {person!r} is not the id of a person in this household{did_you_mean(person, ids)}")
        pop.persons["income" if name == "income" else "assets"][np.arange(len(grid)) * n + ids.index(person)] = grid
    params = scenario.parameter_set(hh.year) if scenario is not None else load_parameters(hh.year)
    sim = simulate(pop, params)
    data = {name: grid}
    for a in ALLOWANCES:
        data[a] = sim.households[a]
    data["totaal"] = sim.households["totaal"]
    return pd.DataFrame(data)


def sweep_cliffs(df, x: str, minimum_drop: float = 100.0) -> list[tuple[float, float, str]]:
    """Ranges of ``x`` where an allowance is nil after dropping at once by at least ``minimum_drop`` (a cliff)."""
    xs = df[x].to_numpy(dtype=float)
    out = []
    for a in ALLOWANCES:
        y = df[a].to_numpy(dtype=float)
        for i in np.flatnonzero((y[:-1] >= minimum_drop) & (y[1:] == 0)) + 1:
            j = i
            while j + 1 < len(y) and y[j + 1] == 0:
                j += 1
            out.append((float(xs[i - 1] + xs[i]) / 2, float(xs[j]), a))
    return out


# default sweep ranges: (from, to, step) per variable
SWEEP_RANGES = {"income": (0.0, 80_000.0, 100.0), "assets": (0.0, 200_000.0, 250.0), "rent": (200.0, 1_400.0, 2.5)}


def sweep_grid(household: dict, x: str, person: str | None = None, points: int | None = None) -> np.ndarray:
    """A grid for :func:`household_sweep` over ``x`` (income, assets or rent) that covers the household's own value
    and the range where the allowances phase out."""
    if x not in SWEEP_RANGES:
        raise InputError(f"sweep: {x!r} is not one of {', '.join(SWEEP_RANGES)}")
    lo, hi, step = SWEEP_RANGES[x]
    hh = parse_household(household)
    if x == "rent" and hh.rent is not None:
        hi = max(hi, 1.5 * float(hh.rent.bare_rent))
    elif x != "rent":
        field = "income" if x == "income" else "assets"
        own = max((float(getattr(q, field) or 0.0) for q in hh.persons if person in (None, q.id)), default=0.0)
        hi = max(hi, 1.5 * own)
    if points:
        return np.linspace(lo, hi, points)
    return np.arange(lo, hi + step / 2, step)


def compare_household(household: dict, scenario) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The household under current law and under ``scenario``: the yearly allowances (euros) and, per adult, the
    toeslagpartner with the criterion (Awir art. 3) that makes them partners."""
    import pandas as pd

    base = calculate_household(household, explain=True)
    reform = calculate_household(household, explain=True, scenario=scenario)
    amounts = pd.DataFrame({"baseline": {**base["annual"], "totaal": base["total_annual"]},
                            "reform": {**reform["annual"], "totaal": reform["total_annual"]}})
    amounts["change"] = amounts["reform"] - amounts["baseline"]
    partners = pd.DataFrame([
        {"person": pid, "toeslagpartner_baseline": info["toeslagpartner"], "reason_baseline": info["reden"],
         "toeslagpartner_reform": reform["persons"][pid]["toeslagpartner"], "reason_reform": reform["persons"][pid]["reden"]}
        for pid, info in base["persons"].items()
    ]).set_index("person")
    return amounts, partners
