"""Where a result comes from: the scenario files, the parameter files, the population, the code version and commit."""

from __future__ import annotations

import hashlib
import subprocess
import time
from functools import cache
from importlib import metadata
from pathlib import Path

from simlib.parameters.loader import FILES, PARAMETER_DIR


def parameters_version() -> str:
    """A digest of the parameter files (the first 16 hex digits of their SHA-256)."""
    h = hashlib.sha256()
    for stem in FILES:
        h.update((PARAMETER_DIR / f"{stem}.yaml").read_bytes())
    return h.hexdigest()[:16]


@cache
def code_version() -> str:
    """The installed version of simlib (pyproject.toml), 'unknown' when it is not installed."""
    try:
        return metadata.version("simlib")
    except metadata.PackageNotFoundError:
        return "unknown"


def git_commit() -> str:
    """The commit of the checkout the code runs from, 'unknown' outside a git checkout."""
    try:
        res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=5)
        return res.stdout.strip() or "unknown"
    except Exception:
        return "unknown"


def provenance(reform, baseline, year: int, population, started: float) -> dict:
    """The provenance block of a comparison: files of both scenarios, the reform's overrides for ``year``, versions of
    parameters and code, the population (year, seed, size, generator) and the seconds since ``started``."""
    return {
        "reform_files": reform.files,
        "baseline_files": baseline.files,
        "reform_overrides": dict(reform.resolve(year)),
        "parameters_version": parameters_version(),
        "population": {k: population.meta.get(k) for k in ("year", "seed", "households", "generator_version")},
        "population_path": population.meta.get("path"),
        "code_version": code_version(),
        "git_commit": git_commit(),
        "run_seconds": round(time.perf_counter() - started, 3),
    }
