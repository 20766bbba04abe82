"""Read, validate and resolve the parameter files.

File format (one file per allowance, plus ``awir.yaml``)::

    description: Wet op de zorgtoeslag (BWBR0018451)
    standaardpremie:                      # a parameter: a node with `values`
      description: Standaardpremie per jaar (Wzt art. 4)
      unit: euro_per_year
      changes: yearly                     # every supported year needs its own value
      values:
        2024: {value: 1987, source: "Stcrt. 2023, 32413", status: verified}
    normpremie:                           # a group: a node without `values`
      description: ...
      percentage_drempelinkomen: {...}    # path zorgtoeslag.normpremie.percentage_drempelinkomen

A parameter with ``changes: by_law`` (the default) keeps its value until a later entry replaces it; one with
``changes: yearly`` must state a value for every supported year, so an indexed amount can never be carried
forward silently. Values of unit ``percent`` are written as percent numbers (13.67) and resolved to fractions
(0.1367). A ``null`` value (only where ``nullable: true``) means the parameter does not apply in that year.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simlib.errors import InputError, ParameterError, did_you_mean, short_repr
from simlib.inputs import read_yaml
from simlib.parameters.indexation import LAST_ENACTED_YEAR, PROJECTED_YEARS, current_path, indexed

PARAMETER_DIR = Path(__file__).parent
FILES = ("awir", "zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag", "inkomstenbelasting", "kinderbijslag")
ENACTED_YEARS = tuple(range(2020, LAST_ENACTED_YEAR + 1))  # every amount written in the parameter files
SUPPORTED_YEARS = ENACTED_YEARS + PROJECTED_YEARS  # 2027-2030: amounts indexed where no value is written (indexation.py)

Unit = Literal[
    "euro",
    "euro_per_year",
    "euro_per_month",
    "euro_per_quarter",
    "euro_per_hour",
    "percent",
    "hours_per_month",
    "months",
    "years",
    "count",
    "factor",
    "boolean",
    "choice",
    "table",
]
Status = Literal["verified", "verified_dienst", "secondary", "derived", "unverified"]
NUMERIC_UNITS = {
    "euro",
    "euro_per_year",
    "euro_per_month",
    "euro_per_quarter",
    "euro_per_hour",
    "percent",
    "hours_per_month",
    "months",
    "years",
    "count",
    "factor",
}


MAX_AMOUNT = 1e12  # a trillion euros: far above any threshold a scenario may raise to switch a test off, and small
# enough that every sum over the whole country stays finite
DEFAULT_RANGES = {
    "percent": (0, 100),
    "euro": (0, MAX_AMOUNT),
    "euro_per_year": (0, MAX_AMOUNT),
    "euro_per_month": (0, MAX_AMOUNT),
    "euro_per_quarter": (0, MAX_AMOUNT),
    "euro_per_hour": (0, MAX_AMOUNT),
    "hours_per_month": (0, 744),
    "months": (0, 1800),
    "years": (0, 150),
    "count": (0, 1e9),
}  # a 'factor' has no default: each states its own range


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any
    source: str = Field(min_length=5)
    status: Status
    note: str | None = None


class _Column(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    unit: Unit


class _Param(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=3)
    unit: Unit
    changes: Literal["yearly", "by_law"] = "by_law"
    reference: str | None = None
    choices: list[str] | None = None
    columns: list[_Column] | None = None
    nullable: bool = False
    range: tuple[float, float] | None = None
    values: dict[int, _Entry]


@dataclass(frozen=True)
class ValueEntry:
    """One dated value of a parameter with its provenance."""

    year: int
    value: Any
    source: str
    status: str
    note: str | None = None


@dataclass(frozen=True)
class Parameter:
    """A parameter as written in its file: description, unit and all dated values."""

    path: str
    file: str
    description: str
    unit: str
    changes: str
    values: tuple[ValueEntry, ...]
    reference: str | None = None
    choices: tuple[str, ...] | None = None
    columns: tuple[tuple[str, str], ...] | None = None
    nullable: bool = False
    range: tuple[float, float] | None = None

    def entry_for(self, year: int) -> ValueEntry:
        """The entry that applies in ``year``; a ParameterError if there is none."""
        if self.changes == "yearly":
            for e in self.values:
                if e.year == year:
                    return e
            ended = [e for e in self.values if e.year < year and e.value is None]
            if ended and max(e.year for e in self.values if e.year < year) == ended[-1].year:
                return ended[-1]  # a null value ends the parameter for all later years
            if year > LAST_ENACTED_YEAR and any(e.year < year for e in self.values):
                return self.projected(year)
            given = ", ".join(str(e.year) for e in self.values)
            raise ParameterError(
                f"{self.file}: {self.path}: no value for {year} (values given for {given}); "
                "this parameter changes every year, so each year needs its own value"
            )
        applicable = [e for e in self.values if e.year <= year]
        if not applicable:
            first = min(e.year for e in self.values)
            raise ParameterError(f"{self.file}: {self.path}: no value for {year} (first value is for {first})")
        return max(applicable, key=lambda e: e.year)

    def projected(self, year: int) -> ValueEntry:
        """The value of a year after the last enacted one without a written value: the last written value, moved by
        its index (indexation.py) when it is an amount in euro, else kept."""
        last = max((e for e in self.values if e.year < year), key=lambda e: e.year)
        value, how = indexed(self.path, self.unit, self.columns, last.value, last.year, year)
        if how is None:
            how = f"projected: the {last.year} value kept (a {self.unit} without an index; {last.source})"
        return ValueEntry(year, value, how, "projected", None)


MAX_TABLE_ROWS = 1_000


def _check_value(param: Parameter | _Param, value: Any, where: str) -> Any:
    """Check a value against the parameter's unit; return it normalised. Raise ParameterError naming ``where``."""
    unit = param.unit
    if value is None:
        if param.nullable:
            return None
        raise ParameterError(f"{where}: value is null, but this parameter is not nullable")
    if unit in NUMERIC_UNITS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterError(f"{where}: expected a number ({unit}, finite), got {short_repr(value)}")
        low, high = param.range or DEFAULT_RANGES[unit]
        if not low <= value <= high:
            raise ParameterError(f"{where}: {short_repr(value)} is outside the allowed range {low:g} to {high:g} ({unit})")
        return value
    if unit == "boolean":
        if not isinstance(value, bool):
            raise ParameterError(f"{where}: expected true or false, got {short_repr(value)}")
        return value
    if unit == "choice":
        choices = tuple(param.choices or ())
        if value not in choices:
            raise ParameterError(f"{where}: {short_repr(value)} is not one of {', '.join(map(repr, choices))}")
        return value
    if unit == "table":
        columns = param.columns or ()
        ncol = len(columns)
        if not isinstance(value, list) or not value:
            raise ParameterError(f"{where}: expected a non-empty list of rows, got {type(value).__name__}")
        if len(value) > MAX_TABLE_ROWS:
            raise ParameterError(f"{where}: {len(value):,} rows; at most {MAX_TABLE_ROWS:,}")
        for i, row in enumerate(value):
            if (
                not isinstance(row, list)
                or len(row) != ncol
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in row)
            ):
                raise ParameterError(f"{where}: row {i + 1} must be a list of {ncol} numbers, got {short_repr(row)}")
            for col, x in zip(columns, row):
                name, col_unit = (col.name, col.unit) if isinstance(col, _Column) else col
                low, high = DEFAULT_RANGES[col_unit]
                if not math.isfinite(x) or not low <= x <= high:
                    raise ParameterError(f"{where}: row {i + 1}, {name}: {x!r} is outside the allowed range {low:g} to {high:g} ({col_unit})")
        first = [row[0] for row in value]
        if any(b <= a for a, b in zip(first, first[1:])):
            raise ParameterError(f"{where}: the first column must be strictly increasing")
        return value
    raise ParameterError(f"{where}: unknown unit {unit!r}")  # pragma: no cover - guarded by pydantic


def _walk(node: dict, prefix: str, file: str, out: dict[str, Parameter]) -> None:
    for key, child in node.items():
        if key in ("description", "reference"):
            continue
        path = f"{prefix}.{key}"
        if not isinstance(child, dict):
            raise ParameterError(
                f"{file}: {path}: expected a parameter (with description, unit and values) or a group, got {child!r}"
            )
        if "values" in child:
            try:
                model = _Param.model_validate(child)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(x) for x in err["loc"])
                raise ParameterError(f"{file}: {path}.{loc}: {err['msg']}") from None
            if model.unit == "choice" and not model.choices:
                raise ParameterError(f"{file}: {path}: a parameter of unit 'choice' needs a list of choices")
            if model.unit == "table" and not model.columns:
                raise ParameterError(f"{file}: {path}: a parameter of unit 'table' needs its columns")
            if not model.values:
                raise ParameterError(f"{file}: {path}: no values")
            entries = []
            for year, e in sorted(model.values.items()):
                value = _check_value(model, e.value, f"{file}: {path}: value for {year}")
                entries.append(ValueEntry(year, value, e.source.strip(), e.status, e.note))
            out[path] = Parameter(
                path=path,
                file=file,
                description=model.description.strip(),
                unit=model.unit,
                changes=model.changes,
                values=tuple(entries),
                reference=model.reference,
                choices=tuple(model.choices) if model.choices else None,
                columns=tuple((c.name, c.unit) for c in model.columns) if model.columns else None,
                nullable=model.nullable,
                range=model.range,
            )
        else:
            _walk(child, path, file, out)


def read_parameter_file(path: Path) -> dict[str, Parameter]:
    """Read and validate one parameter file; keys are dotted paths starting with the file's stem."""
    name = path.name
    try:
        data, _ = read_yaml(path, "parameter file")  # duplicate keys, encodings and sizes checked as for a scenario
    except InputError as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(data, dict) or "description" not in data:
        raise ParameterError(f"{name}: expected a mapping with a description at the top")
    out: dict[str, Parameter] = {}
    _walk(data, path.stem, name, out)
    return out


@functools.cache
def parameter_tree(directory: str | None = None) -> dict[str, Parameter]:
    """All parameters of all files, validated, keyed by dotted path.

    Whether every parameter has a value for a year is checked when that year is loaded
    (:func:`load_parameters`), so one missing value names the year, file and key.
    """
    base = Path(directory) if directory else PARAMETER_DIR
    tree: dict[str, Parameter] = {}
    for stem in FILES:
        tree.update(read_parameter_file(base / f"{stem}.yaml"))
    return tree


def check_override(path: str, value: Any, where: str = "override") -> Any:
    """Validate a scenario override (dotted path and value in the unit of the parameter file)."""
    tree = parameter_tree()
    if path not in tree:
        raise ParameterError(f"{where}: unknown parameter {path!r}{did_you_mean(path, tree)}")
    return _check_value(tree[path], value, f"{where}: {path}")


class ParameterNode:
    """A read-only group of resolved parameters; attributes are sub-groups or values."""

    __slots__ = ("_path", "_items")

    def __init__(self, path: str, items: dict[str, Any]):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_items", items)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(
                f"no parameter {self._path}.{name}{did_you_mean(name, self._items)}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("parameters are read-only; use scenario overrides to change them")

    def __dir__(self):
        return list(self._items)

    def __repr__(self) -> str:
        return f"<parameters {self._path}: {', '.join(self._items)}>"


def _resolve(param: Parameter, value: Any) -> Any:
    if value is None:
        return None
    if param.unit == "percent":
        return value / 100.0
    if param.unit == "table":
        arr = np.array(value, dtype=float)
        for j, (_, unit) in enumerate(param.columns or ()):
            if unit == "percent":
                arr[:, j] /= 100.0
        arr.setflags(write=False)
        return arr
    if param.unit in NUMERIC_UNITS:
        return float(value)
    return value


class ParameterSet(ParameterNode):
    """All parameters resolved for one berekeningsjaar (``p.zorgtoeslag.standaardpremie``).

    ``entries`` maps each dotted path to the :class:`ValueEntry` used, so results can cite their sources.
    """

    __slots__ = ("year", "entries", "overrides")

    def __init__(self, year: int, entries: dict[str, ValueEntry], overrides: dict[str, Any]):
        tree = parameter_tree()
        root: dict[str, Any] = {}
        for path, entry in entries.items():
            parts = path.split(".")
            node = root
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = _resolve(tree[path], entry.value)

        def build(d: dict, prefix: str) -> dict:
            return {
                k: ParameterNode(f"{prefix}.{k}" if prefix else k, build(v, f"{prefix}.{k}" if prefix else k))
                if isinstance(v, dict)
                else v
                for k, v in d.items()
            }

        super().__init__("", build(root, ""))
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "overrides", overrides)

    def __repr__(self) -> str:
        extra = f", {len(self.overrides)} overrides" if self.overrides else ""
        return f"<ParameterSet {self.year}{extra}>"


def load_parameters(year: int, overrides: dict[str, Any] | None = None) -> ParameterSet:
    """The parameters of berekeningsjaar ``year``, with optional overrides by dotted path.

    Overrides are given in the unit of the parameter file (percent as 13.67) and validated like file values.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ParameterError(f"year: expected a whole year such as 2025, got {year!r}")
    year = int(year)
    if year not in SUPPORTED_YEARS:
        raise ParameterError(
            f"year: no parameters for {year}; supported years are {SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]}"
        )
    key = tuple(sorted((overrides or {}).items(), key=lambda kv: kv[0]))
    try:
        hash(key)
    except TypeError:
        key = _freeze(key)
    return _load(year, key, current_path())  # projected years depend on the projections file in use


def _freeze(items: tuple) -> tuple:
    def f(v):
        if isinstance(v, list):
            return tuple(f(x) for x in v)
        return v

    return tuple((k, f(v)) for k, v in items)


@functools.lru_cache(maxsize=256)
def _load(year: int, overrides: tuple, projections: Path) -> ParameterSet:
    tree = parameter_tree()
    entries = {path: param.entry_for(year) for path, param in tree.items()}
    applied: dict[str, Any] = {}
    for path, value in overrides:
        if isinstance(value, tuple):
            value = [list(r) if isinstance(r, tuple) else r for r in value]
        value = check_override(path, value)
        entries[path] = ValueEntry(year, value, "scenario override", "derived", None)
        applied[path] = value
    return ParameterSet(year, entries, applied)
