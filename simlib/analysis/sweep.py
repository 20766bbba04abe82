"""Sweeps: scenarios x parameter grids x Monte Carlo seeds, each point compared with current law, on Dask.

A grid file (YAML)::

    name: Vermogensgrens huurtoeslag en afbouw
    year: 2024
    population: default            # the default population of the year, or a population directory
    scenarios: [current-law, huurgrens-als-aftopping]   # each is combined with every grid point
    grid:                          # the cartesian product of these parameter values (unit of the parameter files)
      awir.vermogensgrens.huurtoeslag.alleenstaande: [36952, 50000, 75000]
      awir.vermogensgrens.afbouw: [0, 10]
    seeds: [20200101, 20200102]    # runs of the year of advances and repayments (empty: no repayments)

Every point is one task: the reform (scenario plus the grid values) against current law of the year, on the same
population and the same events of the seed. Tasks run on a dask.distributed cluster (a LocalCluster by default, any
scheduler address for a real cluster) or in this process (``serial``); results are identical either way. Each
worker loads the population once and keeps it (with its cached structure and baseline) for all its tasks.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simlib.errors import InputError, ParameterError, did_you_mean
from simlib.inputs import read_yaml, show
from simlib.parameters import SUPPORTED_YEARS, check_override, parameter_tree

CURRENT_LAW = "current-law"
MAX_TASKS = 100_000
CONNECT_TIMEOUT = "15s"  # waiting for a dask scheduler given by its address


class _GridFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    year: int = Field(ge=SUPPORTED_YEARS[0], le=SUPPORTED_YEARS[-1])
    population: str = Field(default="default", min_length=1, max_length=4096)
    households: int | None = Field(default=None, ge=1000, le=10_000_000)  # size of the default population
    scenarios: list[str] = Field(default_factory=lambda: [CURRENT_LAW], min_length=1, max_length=1000)
    grid: dict[str, list[Any]] = Field(default_factory=dict, max_length=50)
    seeds: list[Annotated[int, Field(ge=0, le=2**32 - 1)]] = Field(default_factory=list, max_length=1000)


@dataclass(frozen=True)
class Task:
    index: int
    scenario: str  # scenario file, or "current-law"
    overrides: tuple  # ((path, value), ...) of the grid point
    seed: int | None


@dataclass
class Grid:
    name: str
    year: int
    population: str
    households: int | None
    scenarios: list[str]
    grid: dict[str, list]
    seeds: list[int]
    path: str
    sha256: str

    def tasks(self) -> list[Task]:
        keys = list(self.grid)
        points = list(itertools.product(*(self.grid[k] for k in keys))) or [()]
        seeds = self.seeds or [None]
        out = []
        for scenario, point, seed in itertools.product(self.scenarios, points, seeds):
            out.append(Task(len(out), scenario, tuple(zip(keys, point)), seed))
        return out


def load_grid(path: str | Path) -> Grid:
    """Read and validate a grid file; every error names the file and the key."""
    path = Path(path)
    where = show(path)
    data, raw = read_yaml(path, "grid file")
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a mapping with name, year, grid")
    try:
        g = _GridFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        raise InputError(f"{where}: {loc}: {msg}") from None
    if g.year not in SUPPORTED_YEARS:
        raise InputError(f"{where}: year: {g.year} is not supported ({SUPPORTED_YEARS[0]}–{SUPPORTED_YEARS[-1]})")
    tree = parameter_tree()
    for key, values in g.grid.items():
        if key not in tree:
            raise InputError(f"{where}: grid.{key}: unknown parameter{did_you_mean(key, tree)}")
        if not values:
            raise InputError(f"{where}: grid.{key}: give at least one value")
        for i, v in enumerate(values):
            try:
                check_override(key, v, f"{where}: grid.{key}[{i}]")
            except ParameterError as exc:
                raise InputError(str(exc)) from None
    from simlib.parameters.scenario import load_scenario

    for i, sc in enumerate(g.scenarios):
        if sc != CURRENT_LAW:
            try:
                load_scenario(_scenario_path(sc, path))
            except InputError as exc:
                raise InputError(f"{where}: scenarios[{i}]: {exc}") from None
    if g.population != "default" and not Path(g.population).is_dir() and not (path.parent / g.population).is_dir():
        raise InputError(f"{where}: population: {g.population!r} is not 'default' or a population directory")
    n = len(g.scenarios) * int(np.prod([len(v) for v in g.grid.values()] or [1])) * max(len(g.seeds), 1)
    if n > MAX_TASKS:
        raise InputError(f"{where}: the grid has {n:,} points; at most {MAX_TASKS:,}")
    population = g.population if g.population == "default" or Path(g.population).is_dir() else str(path.parent / g.population)
    scenarios = [sc if sc == CURRENT_LAW else str(_scenario_path(sc, path)) for sc in g.scenarios]
    return Grid(g.name, g.year, population, g.households, scenarios, g.grid, g.seeds, str(path), hashlib.sha256(raw).hexdigest())


def _scenario_path(name: str, grid_path: Path) -> Path:
    p = Path(name)
    if not p.is_absolute() and (grid_path.parent / p).exists():
        return grid_path.parent / p
    return p


# --- what runs on a worker ---------------------------------------------------------------------------------------

_STATE: dict = {"loads": 0}  # per process: populations, baselines and how many loads happened (for the tests)


def _population(spec: tuple):
    """The population of a grid, loaded once per process."""
    pops = _STATE.setdefault("populations", {})
    if spec not in pops:
        kind, year, households, path = spec
        if kind == "default":
            from simlib.population.build import DEFAULT_HOUSEHOLDS, cached_population

            pops[spec] = cached_population(year, households or DEFAULT_HOUSEHOLDS)
        else:
            from simlib.population.store import load_population

            pops[spec] = load_population(path)
        _STATE["loads"] += 1
    return pops[spec]


def _baseline(spec: tuple, seed: int | None):
    """Current law on the population (and its year of repayments for ``seed``), once per process."""
    from simlib.engine.simulate import simulate
    from simlib.parameters.scenario import current_law

    key = (spec, seed)
    cache = _STATE.setdefault("baselines", {})
    if key not in cache:
        pop = _population(spec)
        law = current_law(spec[1])
        sim = simulate(pop, law.parameter_set(spec[1]), take_up=pop.meta.get("take_up"))
        rep = _repayments(pop, law, spec[1], seed) if seed is not None else None
        cache[key] = (sim, rep)
    return cache[key]


def _repayments(pop, scenario, year: int, seed: int) -> dict:
    from simlib.analysis.repayments import Levers, draw_events, simulate_year, summarise

    levers = Levers.from_scenario(scenario.repayments)
    res = simulate_year(pop, scenario.parameter_set(year), scenario.take_up(pop.meta.get("take_up")), draw_events(pop, seed, levers), levers)
    return summarise(res)


def run_task(task: Task, spec: tuple, threads: int | None = None) -> dict:
    """One point of the grid: the reform against current law (cost, recipients, winners, losers, repayments)."""
    from simlib.analysis.impact import cost_and_recipients
    from simlib.engine.simulate import simulate
    from simlib.parameters.scenario import Scenario, current_law, load_scenario
    from simlib.rules import ALLOWANCES

    if threads is not None:  # a worker of a cluster: one thread each, the cluster runs the tasks side by side
        os.environ["SIMLIB_THREADS"] = str(threads)
    t0 = time.perf_counter()
    year = spec[1]
    pop = _population(spec)
    base, base_rep = _baseline(spec, task.seed)
    law = current_law(year)
    sc = law if task.scenario == CURRENT_LAW else load_scenario(task.scenario)
    reform = Scenario(sc.name, sc.description, sc.signal, year, {**sc.parameters, **dict(task.overrides)}, dict(sc.behaviour),
                      list(sc.files), dict(sc.repayments))
    sim = simulate(pop, reform.parameter_set(year), take_up=reform.take_up(pop.meta.get("take_up")), reuse=base)
    w = pop.households["weight"]
    change = sim.received["totaal"].astype(float) - base.received["totaal"]
    row: dict = {"task": task.index, "scenario": Path(task.scenario).stem if task.scenario != CURRENT_LAW else CURRENT_LAW}
    row.update({k: v for k, v in task.overrides})
    row["seed"] = task.seed
    cost, recipients = cost_and_recipients(base, sim)
    for a in ALLOWANCES:
        row[f"cost_change_{a}"] = cost[a].change
        row[f"recipients_change_{a}"] = recipients[a].change
    row["cost_change"] = sum(cost[a].change for a in ALLOWANCES)
    row["winners"] = float(w[change >= 0.5].sum())
    row["losers"] = float(w[change <= -0.5].sum())
    if task.seed is not None:
        rep = _repayments(pop, reform, year, task.seed)
        for k in ("count_ge_500", "problematic", "amount"):
            row[f"repayments_{k}_baseline"] = base_rep[k]
            row[f"repayments_{k}_change"] = rep[k] - base_rep[k]
    row["seconds"] = time.perf_counter() - t0
    row["worker_pid"] = os.getpid()
    row["worker_loads"] = _STATE["loads"]
    return row


# --- running a grid ------------------------------------------------------------------------------------------------

def _spec(grid: Grid) -> tuple:
    if grid.population == "default":
        return ("default", grid.year, grid.households, None)
    return ("path", grid.year, None, str(Path(grid.population).resolve()))


def run(grid: Grid, scheduler: str | None = None, workers: int | None = None, serial: bool = False,
        progress: bool = True) -> pd.DataFrame:
    """Run every task of ``grid``: in this process (``serial``), on a new LocalCluster of ``workers`` processes
    (default: the processor count), or on the dask scheduler at ``scheduler`` (tcp://host:port). One row per task,
    in task order."""
    from tqdm.auto import tqdm

    tasks = grid.tasks()
    spec = _spec(grid)
    bar = tqdm(total=len(tasks), desc=grid.name, unit="task", disable=not progress)
    rows = []
    if serial:
        for task in tasks:
            rows.append(run_task(task, spec))
            bar.update()
    else:
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler is None:
            n = workers or max(1, min(os.cpu_count() or 1, len(tasks)))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=40)
        try:
            with Client(scheduler or cluster, timeout=CONNECT_TIMEOUT) as client:
                futures = [client.submit(run_task, t, spec, 1, key=f"simlib-sweep-{grid.sha256[:12]}-{t.index}", pure=False)
                           for t in tasks]
                for fut in as_completed(futures):
                    rows.append(fut.result())
                    bar.update()
        except (OSError, TimeoutError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(f"--scheduler {scheduler}: no dask scheduler answered within {CONNECT_TIMEOUT} ({reason})") from None
        finally:
            if cluster is not None:
                cluster.close()
    bar.close()
    return pd.DataFrame(rows).sort_values("task", ignore_index=True)
