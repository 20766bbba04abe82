"""Scenarios: a proposal as data (YAML), validated, stackable, applied as parameter overrides.

A scenario file::

    name: Geharmoniseerde vermogensgrenzen
    description: The huurtoeslag asset limit raised to the zorgtoeslag level.
    signal: Stand van de uitvoering Toeslagen 2021, bijlage A 'Vermogensgrenzen'
    year: 2024                      # default berekeningsjaar (a run may choose another)
    stack: [other.yaml]             # optional: scenarios applied first (paths relative to this file)
    phase_in: {2027: 0.5, 2028: 1}  # optional: share of the measure in force per year (0 before the first year)
    changes:
      parameters:                   # dotted parameter paths, values in the unit of the parameter file
        awir.vermogensgrens.huurtoeslag.alleenstaande: {from: awir.vermogensgrens.zorgtoeslag.alleenstaande}
        awir.vermogensgrens.huurtoeslag.partners: 179429
      variants:                     # named rule variants (see VARIANTS)
        toeslagpartner: zonder_criterium_e
      behaviour:                    # behaviour assumptions
        take_up: {huurtoeslag: {intercept_shift: 0.2}}

A value ``{from: <path>, factor: 2}`` takes another parameter of the same year (times a factor), so a scenario works
for every year. Every error names the file, the key and what is allowed.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simlib.errors import InputError, ParameterError, did_you_mean, short_repr
from simlib.inputs import read_yaml
from simlib.inputs import show as _show
from simlib.parameters.loader import SUPPORTED_YEARS, ParameterSet, check_override, load_parameters, parameter_tree
from simlib.rules import ALLOWANCES

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR = ROOT / "scenarios"
MAX_STACK = 8  # scenarios stacked on each other (the deepest shipped stack has 2)

# Named rule variants: each is a set of parameter values (paths of the parameter files).
VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "toeslagpartner": {
        "huidig": {},
        "zonder_criterium_e": {"awir.toeslagpartner.criterium_minderjarig_kind": False},
        "criterium_e_alleen_stellen": {"awir.toeslagpartner.criterium_minderjarig_kind_alleen_stellen": True},
        "vrouwenopvang_automatisch": {"awir.toeslagpartner.opvang_uitzondering": "automatisch"},
    },
    "maximale_huurgrens": {
        "uitsluiting": {"huurtoeslag.maximale_huurgrens.werking": "uitsluiting"},
        "aftopping": {"huurtoeslag.maximale_huurgrens.werking": "aftopping"},
        "geen": {"huurtoeslag.maximale_huurgrens.werking": "geen"},
    },
    "koppeling_gewerkte_uren": {
        "aan": {"kinderopvangtoeslag.koppeling_gewerkte_uren.van_toepassing": True},
        "uit": {"kinderopvangtoeslag.koppeling_gewerkte_uren.van_toepassing": False},
    },
    "vermogenstoets": {
        "harde_grens": {"awir.vermogensgrens.afbouw": 0},
        "geleidelijke_afbouw": {"awir.vermogensgrens.afbouw": 10},
    },
}
_STRICT = ConfigDict(extra="forbid", strict=True)  # no true for a number, no "2024" for 2024


class _Reference(BaseModel):
    model_config = _STRICT
    from_: str = Field(alias="from")
    factor: float = 1.0


class _TakeUp(BaseModel):
    model_config = _STRICT
    intercept_shift: float = Field(default=0.0, ge=-20, le=20)
    slope: float | None = Field(default=None, ge=0, le=10)


class _Repayments(BaseModel):
    model_config = _STRICT
    actuele_gegevens: float = Field(default=0.0, ge=0, le=1)
    signalering: float = Field(default=0.0, ge=0, le=1)
    signalering_profielen: list[Literal["vast", "flex", "zelfstandige", "uitkering", "pensioen", "student", "geen"]] = Field(
        default_factory=lambda: ["flex", "zelfstandige"]
    )
    matiging: float = Field(default=0.0, ge=0, le=1)
    voorschot_korting: float = Field(default=0.0, ge=0, le=0.5)
    voorschot_profielen: list[Literal["vast", "flex", "zelfstandige", "uitkering", "pensioen", "student", "geen"]] = Field(
        default_factory=lambda: ["flex", "zelfstandige"]
    )
    inkomen_opslag: float = Field(default=0.0, ge=0, le=0.2)


class _LabourSupply(BaseModel):
    model_config = _STRICT
    hours_elasticity: float = Field(default=0.0, ge=-2, le=2)  # analysis/labour_supply.py
    participation_elasticity: float = Field(default=0.0, ge=-2, le=2)


class _Behaviour(BaseModel):
    model_config = _STRICT
    take_up: dict[str, _TakeUp] = Field(default_factory=dict, max_length=10)
    labour_supply: _LabourSupply | None = None
    take_up_risk_coefficient: float | None = Field(default=None, ge=0, le=100)  # behavioural take-up (analysis/behaviour.py)
    repayments: _Repayments | None = None


class _Changes(BaseModel):
    model_config = _STRICT
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=500)
    variants: dict[str, str] = Field(default_factory=dict, max_length=50)
    behaviour: _Behaviour = Field(default_factory=_Behaviour)


class _ScenarioFile(BaseModel):
    model_config = _STRICT
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=100_000)
    signal: str | None = Field(default=None, max_length=10_000)
    year: int | None = None
    stack: list[str] = Field(default_factory=list, max_length=MAX_STACK)
    phase_in: dict[int, float] | None = Field(default=None, max_length=20)  # year -> share of the measure in force
    changes: _Changes = Field(default_factory=_Changes)


@dataclass
class Scenario:
    """A validated scenario (with the scenarios it stacks on, in order of application)."""

    name: str
    description: str
    signal: str | None
    year: int | None
    parameters: dict[str, Any]  # path -> value or {"from": path, "factor": f}, in order of application
    behaviour: dict[str, dict] = field(default_factory=dict)
    files: list[dict] = field(default_factory=list)  # provenance: path and sha256 of every file used
    repayments: dict = field(default_factory=dict)  # levers of the advances-and-repayments model
    risk_coefficient: float | None = None  # of the behavioural take-up; None: the fitted default (behaviour.yaml)
    phase_in: dict[int, float] | None = None  # year -> share of the measure in force (None: whole from the start)
    labour_supply: dict | None = None  # elasticities of the parents' labour supply (analysis/labour_supply.py)

    def share(self, year: int) -> float:
        """The share of the measure in force in ``year``: that of the latest phase-in year up to it (0 before the first)."""
        if not self.phase_in:
            return 1.0
        past = [y for y in self.phase_in if y <= year]
        return self.phase_in[max(past)] if past else 0.0

    def phased(self, year: int) -> Scenario:
        """This scenario as in force in ``year``: with a share s between 0 and 1, every number moves the fraction s
        from current law to the proposal (a table of the same shape cell by cell, a take-up shift and the repayment
        levers times s); a choice, a switch or a table of another shape holds only once the share is 1."""
        s = self.share(year)
        if s >= 1.0 and not self.phase_in:
            return self
        base = load_parameters(year)
        params: dict[str, Any] = {}
        if s > 0:
            for path, v in self.resolve(year).items():
                if s >= 1.0:
                    params[path] = v
                else:
                    b = base.entries[path].value
                    mixed = _between(b, v, s, parameter_tree()[path].columns)
                    if mixed is not None:
                        params[path] = check_override(path, mixed, f"scenario {self.name!r}: phase_in {year}")
        behaviour = {a: {"intercept_shift": c.get("intercept_shift", 0.0) * s,
                         **({"slope": c["slope"]} if c.get("slope") is not None and s >= 1.0 else {})}
                     for a, c in self.behaviour.items()} if s > 0 else {}
        repayments = {k: (v * s if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                      for k, v in self.repayments.items()} if s > 0 else {}
        name = self.name if s >= 1.0 else f"{self.name} ({s:.0%} in {year})"
        return Scenario(name, self.description, self.signal, year, params, behaviour, self.files, repayments,
                        self.risk_coefficient, None, self.labour_supply)

    def parameter_set(self, year: int | None = None) -> ParameterSet:
        """The parameters of ``year`` (default: the scenario's year) with this scenario applied."""
        year = year if year is not None else self.year
        if year is None:
            raise InputError(f"scenario {self.name!r}: no year given (set 'year' in the file or pass one)")
        return load_parameters(year, self.resolve(year))

    def resolve(self, year: int) -> dict[str, Any]:
        """Overrides for ``year`` with every ``from`` reference replaced by a value."""
        base = load_parameters(year)
        resolved: dict[str, Any] = {}
        for path, value in self.parameters.items():
            if isinstance(value, dict):
                ref = value["from"]
                if ref in resolved:
                    v = resolved[ref]
                else:
                    v = base.entries[ref].value
                if v is None:
                    raise InputError(f"scenario {self.name!r}: {path}: {ref} has no value in {year}")
                value = v * value.get("factor", 1.0)
                if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
                    value = int(value)
            where = f"{_show(self.files[-1]['path'])}: changes.parameters" if self.files else f"scenario {self.name!r}"
            resolved[path] = check_override(path, value, f"{where} ({year})")
        return resolved

    def take_up(self, base: dict | None) -> dict | None:
        """The take-up parameters of a population with this scenario's behaviour assumptions applied."""
        if not self.behaviour or not base:
            return base
        out = {a: dict(v) for a, v in base.items()}
        for a, change in self.behaviour.items():
            out[a]["intercept"] += change.get("intercept_shift", 0.0)
            if change.get("slope") is not None:
                out[a]["slope"] = change["slope"]
        return out

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for f in self.files:
            h.update(f["sha256"].encode())
        return h.hexdigest()[:16]


def _between(base: Any, value: Any, share: float, columns=None) -> Any:
    """``share`` of the way from ``base`` to ``value``: numbers; tables of the same shape cell by cell; step tables
    (first column the income from which a row applies, the others percentages: the childcare table, the tax
    brackets) on the union of both tables' bounds. None where no mix is defined (a switch, a choice)."""
    if isinstance(value, bool) or isinstance(base, bool) or base is None:
        return None
    if isinstance(value, (int, float)) and isinstance(base, (int, float)):
        return base + share * (value - base)
    if not (isinstance(value, list) and isinstance(base, list)):
        return None
    b, v = np.asarray(base, dtype=float), np.asarray(value, dtype=float)
    if b.shape == v.shape:
        return (b + share * (v - b)).tolist()
    step = columns and columns[0][0] == "inkomen_vanaf" and all(u == "percent" for _, u in columns[1:])
    if not step or b.ndim != 2 or v.ndim != 2 or b.shape[1] != v.shape[1]:
        return None
    bounds = np.union1d(b[:, 0], v[:, 0])
    at = lambda t: t[np.maximum(np.searchsorted(t[:, 0], bounds, side="right") - 1, 0), 1:]  # noqa: E731
    return np.column_stack([bounds, at(b) + share * (at(v) - at(b))]).tolist()


def _format(exc: ValidationError, where: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(_show(x) for x in err["loc"] if x != "from_") or "(top level)"
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        allowed = {
            (): list(_ScenarioFile.model_fields),
            ("changes",): list(_Changes.model_fields),
            ("changes", "behaviour"): list(_Behaviour.model_fields),
            ("changes", "behaviour", "repayments"): list(_Repayments.model_fields),
            ("changes", "behaviour", "labour_supply"): list(_LabourSupply.model_fields),
        }.get(tuple(str(x) for x in err["loc"][:-1]), [])
        name = str(err["loc"][-1])
        msg = f"unknown key{did_you_mean(name, allowed)}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
    elif err["type"] == "missing":
        msg = "required key is missing"
    elif "input" in err and not isinstance(err["input"], (dict, list)):
        msg = f"{msg} (got {short_repr(err['input'])})"
    return f"{where}: {loc}: {msg}"


def _check_value(path: str, value: Any, where: str) -> Any:
    tree = parameter_tree()
    key = _show(path)
    if not isinstance(path, str) or path not in tree:
        raise InputError(f"{where}: changes.parameters.{key}: unknown parameter{did_you_mean(str(path), tree)}")
    if isinstance(value, dict):
        try:
            ref = _Reference.model_validate(value)
        except ValidationError as exc:
            raise InputError(_format(exc, f"{where}: changes.parameters.{key}")) from None
        if ref.from_ not in tree:
            raise InputError(f"{where}: changes.parameters.{key}.from: unknown parameter {ref.from_!r}{did_you_mean(ref.from_, tree)}")
        if tree[ref.from_].unit in ("boolean", "choice", "table") or tree[path].unit in ("boolean", "choice", "table"):
            raise InputError(f"{where}: changes.parameters.{key}.from: only numbers can refer to another parameter")
        if not math.isfinite(ref.factor) or ref.factor < 0:
            raise InputError(f"{where}: changes.parameters.{key}.factor: must be a finite number of at least 0")
        return {"from": ref.from_, "factor": ref.factor}
    try:
        return check_override(path, value, f"{where}: changes.parameters")
    except ParameterError as exc:
        raise InputError(str(exc)) from None


def _read(path: Path, seen: tuple) -> tuple[_ScenarioFile, bytes]:
    where = _show(path)
    if path.resolve() in seen:
        raise InputError(f"{where}: stack: the scenario stacks on itself")
    if len(seen) >= MAX_STACK:
        raise InputError(f"{where}: stack: scenarios stacked more than {MAX_STACK} deep")
    data, raw = read_yaml(path, "scenario file")
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping with name, description and changes, got {type(data).__name__}")
    try:
        return _ScenarioFile.model_validate(data), raw
    except ValidationError as exc:
        raise InputError(_format(exc, where)) from None


def load_scenario(path: str | Path, _seen: tuple = ()) -> Scenario:
    """Read and validate a scenario file (and the files it stacks on)."""
    path = Path(path)
    if not path.exists() and not path.suffix and (SCENARIO_DIR / f"{path}.yaml").exists():
        path = SCENARIO_DIR / f"{path}.yaml"
    sf, raw = _read(path, _seen)
    where = _show(path)
    if sf.year is not None and sf.year not in SUPPORTED_YEARS:
        raise InputError(f"{where}: year: {sf.year} is not supported ({SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]})")
    parameters: dict[str, Any] = {}
    behaviour: dict[str, dict] = {}
    repayments: dict = {}
    files: list[dict] = []
    risk_coefficient = None
    phase_in = None
    labour_supply = None
    year = sf.year
    for i, other in enumerate(sf.stack):
        if not other.strip() or not other.isprintable():
            raise InputError(f"{where}: stack[{i}]: {other!r} is not a scenario file name")
        sub_path = (path.parent / other) if not Path(other).is_absolute() else Path(other)
        if not sub_path.exists() and (SCENARIO_DIR / other).exists():
            sub_path = SCENARIO_DIR / other
        try:
            sub = load_scenario(sub_path, _seen + (path.resolve(),))
        except InputError as exc:
            raise InputError(f"{where}: stack[{i}]: {exc}") from None
        parameters.update(sub.parameters)
        for a, b in sub.behaviour.items():
            behaviour[a] = {**behaviour.get(a, {}), **b}
        repayments.update(sub.repayments)
        risk_coefficient = sub.risk_coefficient if sub.risk_coefficient is not None else risk_coefficient
        phase_in = sub.phase_in if sub.phase_in is not None else phase_in
        labour_supply = sub.labour_supply if sub.labour_supply is not None else labour_supply
        files += sub.files
        year = year if year is not None else sub.year
    for group, name in sf.changes.variants.items():
        if group not in VARIANTS:
            raise InputError(f"{where}: changes.variants.{_show(group)}: unknown variant group{did_you_mean(group, VARIANTS)}; allowed: {', '.join(VARIANTS)}")
        options = VARIANTS[group]
        if name not in options:
            raise InputError(f"{where}: changes.variants.{group}: unknown variant {name!r}{did_you_mean(name, options)}; allowed: {', '.join(options)}")
        for p, v in options[name].items():
            parameters[p] = _check_value(p, v, where)
    for p, v in sf.changes.parameters.items():
        parameters[p] = _check_value(p, v, where)
    for a, tu in sf.changes.behaviour.take_up.items():
        if a not in ALLOWANCES:
            raise InputError(f"{where}: changes.behaviour.take_up.{_show(a)}: unknown allowance{did_you_mean(a, ALLOWANCES)}; allowed: {', '.join(ALLOWANCES)}")
        behaviour[a] = {**behaviour.get(a, {}), **tu.model_dump(exclude_none=True)}
    if sf.changes.behaviour.repayments is not None:
        repayments.update(sf.changes.behaviour.repayments.model_dump(exclude_unset=True))
    if sf.changes.behaviour.take_up_risk_coefficient is not None:
        risk_coefficient = sf.changes.behaviour.take_up_risk_coefficient
    if sf.changes.behaviour.labour_supply is not None:
        labour_supply = sf.changes.behaviour.labour_supply.model_dump()
    if sf.phase_in is not None:
        for y, share in sf.phase_in.items():
            if y not in SUPPORTED_YEARS or not (math.isfinite(share) and 0 <= share <= 1):
                raise InputError(f"{where}: phase_in.{y}: expected a year {SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]} "
                                 f"and a share between 0 and 1, got {short_repr(share)}")
        phase_in = dict(sorted(sf.phase_in.items()))
    files.append({"path": str(path), "sha256": hashlib.sha256(raw).hexdigest()})
    scenario = Scenario(sf.name, sf.description, sf.signal, year, parameters, behaviour, files, repayments, risk_coefficient,
                        phase_in, labour_supply)
    if year is not None:
        scenario.resolve(year)  # every value must also hold once references are resolved
    return scenario


def current_law(year: int) -> Scenario:
    """The baseline: current law of ``year``, no changes."""
    return Scenario(f"Huidig recht {year}", f"Current law of {year}", None, year, {}, {}, [])


def list_scenarios() -> list[Path]:
    return sorted(SCENARIO_DIR.glob("*.yaml"))


def shipped_proposals() -> list[Path]:
    """The shipped proposals: every scenario file but the baselines (``baseline-*``, which compare to zero)."""
    return [p for p in list_scenarios() if not p.stem.startswith("baseline-")]
