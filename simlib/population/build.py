"""Build, cache and load populations: generate -> baseline -> calibrate (weights and take-up) -> meta."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import time
from pathlib import Path

import numpy as np
import yaml

from simlib.engine.io import write_atomic, write_text_atomic
from simlib.engine.memory import for_population, release_freed_memory
from simlib.engine.model import Population
from simlib.errors import InputError
from simlib.parameters import SUPPORTED_YEARS, indexation, load_parameters
from simlib.population.calibrate import Equations, calibrate, calibration_equations, entitled_claimants
from simlib.population.generate import DATA, assumptions, generate, national_households
from simlib.population.store import load_population, save_population
from simlib.rules import ALLOWANCES

DEFAULT_DIR = DATA / "synthetic" / "default"
CACHE_DIR = DATA / "cache"
DEFAULT_SEED = 20200101
DEFAULT_HOUSEHOLDS = 100_000
GENERATOR_VERSION = 9
PACKAGE = Path(__file__).resolve().parents[1]
BUILD_INPUTS = ("errors.py", "inputs.py", "rules", "parameters", "engine", "population")  # what a build reads


@functools.cache
def build_digest() -> str:
    """A digest of everything a build reads: the code of the layers it runs (rules, parameters, engine, population),
    the parameter files, the generator's assumptions and the targets. A cached population or calibration is only
    reused while it is the same; a changed parameter (say the 2020 childcare table, which moves the calibration of
    every year) builds anew."""
    files = []
    for name in BUILD_INPUTS:
        path = PACKAGE / name
        files += sorted(path.rglob("*.py")) + sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    files += sorted((DATA / "targets").glob("targets_*.yaml")) + [DATA / "targets" / "uprating.yaml"]
    h = hashlib.sha256(str(GENERATOR_VERSION).encode())
    h.update(indexation.projections().digest.encode())  # the projected years' parameters and uprating
    for f in files:
        h.update(f.relative_to(PACKAGE.parent if f.is_relative_to(PACKAGE) else DATA.parent).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def load_targets(year: int) -> dict:
    """The target file of ``year`` (data/targets/targets_<year>.yaml); for a projected year (2027-2030), the
    targets of the last year with a file, as :func:`projected_targets` derives them."""
    if year in indexation.PROJECTED_YEARS and not (DATA / "targets" / f"targets_{year}.yaml").exists():
        return projected_targets(year, indexation.current_path())
    return _target_file(year)


@functools.cache
def projected_targets(year: int, projections_path) -> dict:
    """Targets of a year without a target file: the household structure of the last year with one (its calibration
    counts scaled to the projected number of households), the same non-take-up, no validation figures. The
    composition is held at that year's (no ageing projected): an assumption, stated in each target's source."""
    last = indexation.LAST_ENACTED_YEAR
    base = _target_file(last)
    ratio = national_households(year) / national_households(last)
    targets = []
    for t in base["targets"]:
        if t["role"] == "validation":
            continue
        t = dict(t)
        if t["role"] == "calibration":
            t["value"] = t["value"] * ratio
            t["source"] = f"projected: the {last} target x {ratio:.5f} (households {year} / {last}, data/projections); {t['source']}"
            t["status"] = "PROJECTED"
        targets.append(t)
    return {"year": year, "description": f"Projected targets of {year}: the {last} structure scaled to the projected households", "targets": targets}


@functools.cache
def _target_file(year: int) -> dict:
    path = DATA / "targets" / f"targets_{year}.yaml"
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: no targets for {year}") from None
    for i, t in enumerate(data["targets"]):
        for key in ("statistic", "value", "role", "source"):
            if key not in t:
                raise InputError(f"{path}: targets[{i}].{key} is missing")
        if t["role"] not in ROLES:
            raise InputError(f"{path}: targets[{i}].role must be one of {', '.join(ROLES)}, got {t['role']!r}")
    return data


# calibration: the weights are fitted to it; take_up: the take-up intercepts are fitted to it (in expectation);
# validation: evidence, kept out of the fit
ROLES = ("calibration", "take_up", "validation")


def non_take_up_targets(year: int) -> dict[str, float]:
    """The non-take-up per allowance the take-up model is fitted to in ``year`` (role take_up in the target file)."""
    out = {t["statistic"].split(".", 1)[1]: float(t["value"]) for t in load_targets(year)["targets"] if t["role"] == "take_up"}
    missing = [a for a in ALLOWANCES if a not in out]
    if missing:
        raise InputError(f"data/targets/targets_{year}.yaml: no take_up target non_take_up.{missing[0]}")
    return out


CALIBRATION_YEAR = 2020  # the year with spending and recipients per allowance (Stand van de uitvoering 2021)


def _generated(year: int, n_households: int, seed: int, say) -> Population:
    t0 = time.perf_counter()
    pop = generate(year, n_households, seed)
    say(f"generated {pop.n_households:,} households, {pop.n_persons:,} persons of {year} in {time.perf_counter() - t0:.1f} s")
    return pop


def _prepared(pop: Population, year: int, say) -> tuple[Equations, dict]:
    """All the calibration needs of ``pop`` (its weights are the design weights): the equations of the calibration
    targets of ``year`` and the entitled claimants of its baseline."""
    t0 = time.perf_counter()
    params = load_parameters(year)
    # between the steps the heap's free memory is handed back (simlib.engine.memory): the arrays of one step do not fit the
    # holes the previous one left, and kept, they add to the peak (whole country: 4.4 -> 4.0 GB, no slower)
    release_freed_memory()
    claimants = entitled_claimants(pop, params)
    release_freed_memory()
    say(f"baseline entitlement {year} in {time.perf_counter() - t0:.1f} s")
    t1 = time.perf_counter()
    eq = calibration_equations(pop, params, [t for t in load_targets(year)["targets"] if t["role"] == "calibration"])
    say(f"calibration equations of {year} in {time.perf_counter() - t1:.1f} s")
    return eq, claimants


def _solved(eq: Equations, claimants: dict, year: int, say) -> tuple[np.ndarray, dict, dict]:
    """Take-up and weights solved together (:func:`calibrate`): the weights, the take-up and the diagnostics."""
    t0 = time.perf_counter()
    weights, take_up, result = calibrate(eq, claimants, non_take_up_targets(year), assumptions()["take_up"]["slope"])
    p99 = result.weight_ratio_p99
    say(
        f"calibrated {len(eq.names)} targets of {year} in {time.perf_counter() - t0:.1f} s "
        f"(max relative error {result.max_relative_error:.1e}, 99th percentile weight ratio {p99:.2f})"
    )
    info = {"converged": result.converged, "max_relative_error": result.max_relative_error, "weight_ratio_p99": p99,
            "targets": len(eq.names)}
    return weights, take_up, info


def _calibrated(pop: Population, year: int, say) -> Population:
    """``pop`` with its take-up and weights solved against the calibration targets of ``year`` (design weights =
    its current ones)."""
    weights, take_up, info = _solved(*_prepared(pop, year, say), year, say)
    pop.households["weight"] = weights
    pop.meta["take_up"] = take_up
    pop.meta.setdefault("calibration", {})[str(year)] = info
    return pop


def build_population(year: int = 2020, n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, log=None) -> Population:
    """Generate a population and calibrate it to the official totals.

    The households are the same in every year (same seed); amounts are uprated to the year. The weights are first
    calibrated on 2020, the year with spending and recipients per allowance; for another year they are then raked
    from the 2020 weights to that year's household structure (and take-up re-solved), so the 2020 calibration of the
    allowances carries forward. Deterministic: the same year, size and seed give identical files.
    """
    if year not in SUPPORTED_YEARS:
        raise InputError(f"year: {year} is not supported ({SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]})")
    if not 1000 <= int(n_households) <= 10_000_000:
        raise InputError(f"households: expected between 1,000 and 10,000,000, got {n_households}")
    n_households = int(n_households)
    say = log or (lambda msg: None)
    for_population(n_households)  # a whole country: keep freed memory for reuse (simlib.engine.memory)
    meta = {"seed": seed, "households": n_households, "generator_version": GENERATOR_VERSION}
    if year == CALIBRATION_YEAR:
        base = _generated(year, n_households, seed, say)
        base.meta = meta
        _calibrated(base, year, say)
        _save_calibration(base.households["weight"], base.meta, seed)
        base.meta["year"] = year
        return base
    cached = _cached_calibration(n_households, seed, say)
    if cached is not None:
        weights, meta = cached
        pop = _generated(year, n_households, seed, say)
    else:
        # 2020 first, of which only its equations and claimants are kept while its calibration is solved
        prepared = _prepared(_generated(CALIBRATION_YEAR, n_households, seed, say), CALIBRATION_YEAR, say)
        weights, take_up, info = _solved(*prepared, CALIBRATION_YEAR, say)
        del prepared
        meta.update(take_up=take_up, calibration={str(CALIBRATION_YEAR): info})
        _save_calibration(weights, meta, seed)
        pop = _generated(year, n_households, seed, say)
    pop.households["weight"] = weights * (national_households(year) / national_households(CALIBRATION_YEAR))
    pop.meta = dict(meta, year=year)
    return _calibrated(pop, year, say)


def _calibration_path(n_households: int, seed: int) -> Path:
    return CACHE_DIR / f"calibration_{CALIBRATION_YEAR}_{int(n_households)}_{seed}_{build_digest()}"


def _prune_cache(prefix: str) -> None:
    """Remove the cached builds of ``prefix`` made by other code or data (they can never be reused)."""
    for p in CACHE_DIR.glob(f"{prefix}*"):
        if p.is_dir() and not p.name.endswith(build_digest()):
            shutil.rmtree(p, ignore_errors=True)


def _save_calibration(weights: np.ndarray, meta: dict, seed: int) -> None:
    """Keep the calibration year's weights (and its meta) for the builds of other years of the same size and seed."""
    path = _calibration_path(len(weights), seed)
    _prune_cache(f"calibration_{CALIBRATION_YEAR}_{len(weights)}_{seed}_")
    try:
        write_atomic(path / "weights.npy", lambda tmp: np.save(open(tmp, "wb"), weights))
        write_text_atomic(path / "meta.json", json.dumps({k: v for k, v in meta.items() if k != "year"}, sort_keys=True))
    except (OSError, InputError):  # a read-only installation: the cache is an optimisation only
        pass


def _cached_calibration(n_households: int, seed: int, say) -> tuple[np.ndarray, dict] | None:
    """The calibrated weights of the calibration year and its meta from the cache, if they are there."""
    path = _calibration_path(n_households, seed)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        weights = np.load(path / "weights.npy")
    except (OSError, ValueError):
        return None
    if len(weights) != n_households:
        return None
    say(f"calibration of {CALIBRATION_YEAR} taken from {path}")
    return weights, meta


def cached_population(year: int = 2020, n_households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, log=None) -> Population:
    """The default population (bundled for 2020) or a built one from the cache (data/cache), building if needed."""
    if year == 2020 and n_households == DEFAULT_HOUSEHOLDS and seed == DEFAULT_SEED and (DEFAULT_DIR / "meta.json").exists():
        return load_population(DEFAULT_DIR)
    path = CACHE_DIR / f"population_{year}_{n_households}_{seed}_{build_digest()}"
    if (path / "meta.json").exists():
        return load_population(path)
    pop = build_population(year, n_households, seed, log=log)
    if not (path / "meta.json").exists():  # another process (a test worker) may have built and written it meanwhile:
        _prune_cache(f"population_{year}_{n_households}_{seed}_")  # then it is not replaced under its readers
        save_population(pop, path)
    pop.meta["path"] = str(path)  # as when it is loaded from the cache
    return pop.freeze()
