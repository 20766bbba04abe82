"""Amounts of the law in the years after the last enacted one: indexed by the rules of ``indexation.yaml`` with the
growth of the projections file (``data/projections/cpb.yaml``, replaceable with :func:`use_projections`).

A value written in a parameter file always wins (an enacted or announced 2027 amount); a year without one takes the
last written value, moved by the index its law names (Wet IB 2001 art. 10.1 for brackets, credits and the
kindgebonden budget, the minimum wage for the drempelinkomen, the huurprijsontwikkeling for the Wht rent limits).
Only euro amounts move; percentages, rates and ages keep their last value. Every projected value says so
(status ``projected``) and names its index and growth.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simlib.errors import InputError
from simlib.inputs import read_yaml
from simlib.rules.awir import round_cents, round_half_up

LAST_ENACTED_YEAR = 2026  # the last year whose amounts are all written in the parameter files
PROJECTED_YEARS = tuple(range(LAST_ENACTED_YEAR + 1, 2031))
RULES_FILE = Path(__file__).with_name("indexation.yaml")
DEFAULT_PROJECTIONS = Path(__file__).resolve().parents[2] / "data" / "projections" / "cpb.yaml"
SERIES = ("contractloon", "cpi", "minimumloon", "huurprijs", "zorgpremie", "tabelcorrectiefactor", "vermogen", "huishoudens")
EURO_UNITS = {"euro", "euro_per_year", "euro_per_month", "euro_per_quarter", "euro_per_hour"}
_state = {"path": DEFAULT_PROJECTIONS}


class _Series(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=3)
    growth: dict[int, float]
    source: dict[int, str]


class _Projections(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=3)
    series: dict[str, _Series]


@dataclass(frozen=True)
class Projections:
    """Growth in percent per series and year, with the source of each figure."""

    path: str
    growth: dict[str, dict[int, float]]
    source: dict[str, dict[int, str]]
    digest: str

    def factor(self, series: str, from_year: int, to_year: int) -> float:
        """The index of ``to_year`` relative to ``from_year`` (the product of the yearly growth in between)."""
        f = 1.0
        for y in range(from_year + 1, to_year + 1):
            f *= 1.0 + self.growth[series][y] / 100.0
        return f


def use_projections(path: str | Path | None) -> None:
    """Use another projections file (None: the bundled CPB file) for every later load of the parameters."""
    if path is not None and not str(path).strip():
        raise InputError("projections file: an empty path; give a YAML file such as data/projections/cpb.yaml")
    p = DEFAULT_PROJECTIONS if path is None else Path(path)
    if p != _state["path"]:
        projections(p)  # refuse a bad file before it is used
        _state["path"] = p  # the loader's cache is keyed by it


def current_path() -> Path:
    return _state["path"]


def projections(path: Path | None = None) -> Projections:
    """The projections file (default: the one in use), validated: every series needs a growth between -20% and +50%
    for each projected year."""
    return _projections(Path(path or _state["path"]))


@functools.cache
def _projections(path: Path) -> Projections:
    data, raw = read_yaml(path, "projections file")
    where = str(path)
    try:
        pf = _Projections.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"{where}: {'.'.join(str(x) for x in err['loc'])}: {err['msg']}") from None
    missing = [s for s in SERIES if s not in pf.series]
    if missing:
        raise InputError(f"{where}: series.{missing[0]}: missing (needed: {', '.join(SERIES)})")
    for name, s in pf.series.items():
        for y in PROJECTED_YEARS:
            g = s.growth.get(y)
            if g is None or not math.isfinite(g) or not -20 <= g <= 50:
                raise InputError(f"{where}: series.{name}.growth.{y}: expected a growth in percent between -20 and 50, got {g!r}")
            if not s.source.get(y):
                raise InputError(f"{where}: series.{name}.source.{y}: every figure needs its source")
    return Projections(where, {n: dict(s.growth) for n, s in pf.series.items()},
                       {n: dict(s.source) for n, s in pf.series.items()}, hashlib.sha256(raw).hexdigest()[:12])


@functools.cache
def rules() -> tuple[tuple[str, str, str], ...]:
    """(prefix, index series, law) for every prefix of indexation.yaml, longest prefix first."""
    data, _ = read_yaml(RULES_FILE, "indexation rules")
    out = [(p, r["index"], r["law"]) for r in data["rules"] for p in r["prefixes"]]
    for _, series, _ in out:
        if series not in SERIES:
            raise InputError(f"{RULES_FILE}: unknown index {series!r} (known: {', '.join(SERIES)})")
    return tuple(sorted(out, key=lambda r: -len(r[0])))


def rule_for(path: str) -> tuple[str, str] | None:
    """(index series, law) of the parameter at ``path``, or None when it keeps its last value."""
    for prefix, series, law in rules():
        if path == prefix or path.startswith(prefix + "."):
            return series, law
    return None


def _round(value: float, unit: str) -> float:
    return float(round_half_up(value) if unit in ("euro", "euro_per_year") else round_cents(value))


def indexed(path: str, unit: str, columns, value, from_year: int, to_year: int):
    """``value`` (of ``from_year``) moved to ``to_year`` by the parameter's index, and a text saying how; the value
    unchanged (and None as text) when the parameter does not move."""
    rule = rule_for(path)
    if value is None or rule is None or (unit not in EURO_UNITS and unit != "table"):
        return value, None
    series, law = rule
    proj = projections()
    f = proj.factor(series, from_year, to_year)
    if unit == "table":
        euro = [j for j, (_, u) in enumerate(columns or ()) if u in EURO_UNITS]
        if not euro:
            return value, None
        value = [[_round(x * f, columns[j][1]) if j in euro else x for j, x in enumerate(row)] for row in value]
    else:
        value = _round(float(value) * f, unit)
    growth = ", ".join(f"{y} {proj.growth[series][y]:+.2f}%" for y in range(from_year + 1, to_year + 1))
    return value, f"projected: the {from_year} value indexed with {series} ({growth}; {proj.path}) under {law}"
