"""Fingerprints of every result the project promises to keep identical when the code is reorganised.

Prints one SHA-256 per family of results (and writes them as JSON with ``--out``), so that a refactor can be checked
with a diff of two runs: populations as generated and as calibrated (all columns, weights, take-up), the bundled
population rebuilt byte for byte, the simulation arrays of every shipped scenario, the years of advances and
repayments, the comparisons (summary and tables), the household calculator, the what-if engine and the indicative
uitvoeringstoetsen.

    python benchmarks/fingerprint.py --out before.json
    ... change the code ...
    python benchmarks/fingerprint.py --out after.json && diff before.json after.json

``--quick`` leaves out the rebuilt bundled population and the uitvoeringstoetsen (the two slowest families).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 20200101


class Digest:
    """A SHA-256 over arrays, numbers and nested containers, in a fixed order."""

    def __init__(self):
        self.h = hashlib.sha256()

    def add(self, name: str, value) -> None:
        self.h.update(name.encode())
        if isinstance(value, np.ndarray):
            a = np.ascontiguousarray(value)
            self.h.update(f"{a.dtype.str}{a.shape}".encode())
            self.h.update(a.tobytes())
        elif isinstance(value, dict):
            for k in sorted(value, key=str):
                self.add(f"{name}.{k}", value[k])
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                self.add(f"{name}[{i}]", v)
        elif hasattr(value, "to_csv"):
            self.h.update(value.to_csv(index=False).encode())
        elif isinstance(value, float):
            self.h.update(float(value).hex().encode())
        else:
            self.h.update(repr(value).encode())

    def hexdigest(self) -> str:
        return self.h.hexdigest()


def _population(d: Digest, name: str, pop) -> None:
    d.add(name + ".persons", pop.persons)
    d.add(name + ".households", pop.households)
    d.add(name + ".relations", pop.relations)
    d.add(name + ".meta", {k: v for k, v in pop.meta.items() if k != "path"})


def _simulation(d: Digest, name: str, sim) -> None:
    for part in ("persons", "units", "homes", "households", "received"):
        d.add(f"{name}.{part}", getattr(sim, part))
    pr = sim.partners
    d.add(name + ".partners", [pr.partner, pr.criterion, pr.pair_i, pr.pair_j, pr.pair_criterion, pr.pair_exclusion])


def populations() -> dict:
    from simlib.population.build import build_population
    from simlib.population.generate import generate

    out = {}
    for year in (2020, 2024):
        d = Digest()
        _population(d, "generated", generate(year, 20_000, 7))
        out[f"generated_{year}"] = d.hexdigest()
        d = Digest()
        _population(d, "built", build_population(year, 20_000, 7))
        out[f"built_{year}"] = d.hexdigest()
    return out


def bundled() -> dict:
    from simlib.population.build import DEFAULT_DIR, build_population
    from simlib.population.store import save_population

    with tempfile.TemporaryDirectory() as tmp:
        save_population(build_population(2020, 100_000, SEED), tmp)
        same = all((Path(tmp) / f.name).read_bytes() == f.read_bytes() for f in sorted(DEFAULT_DIR.iterdir()) if f.is_file())
    return {"bundled_rebuilds_byte_for_byte": str(same)}


def _scenarios():
    from simlib.parameters.scenario import load_scenario, shipped_proposals

    return [(p.stem, load_scenario(p)) for p in shipped_proposals()]


def simulations() -> dict:
    import simlib
    from simlib.parameters.scenario import current_law

    out = {}
    for year in (2020, 2024):
        pop = simlib.default_population(year)
        d = Digest()
        tu = pop.meta.get("take_up")
        base = simlib.simulate(pop, current_law(year).parameter_set(year), take_up=tu)
        _simulation(d, "baseline", base)
        d.add("details", {k: v for k, v in base.details.items() if k in ("zorgtoeslag", "huurtoeslag", "monthly")})
        for key, sc in _scenarios():
            sim = simlib.simulate(pop, sc.parameter_set(year), take_up=sc.take_up(tu), reuse=base)
            _simulation(d, key, sim)
        out[f"simulate_{year}"] = d.hexdigest()
    return out


def years() -> dict:
    import simlib
    from simlib.analysis.repayments import Levers, draw_events, simulate_year, summarise
    from simlib.parameters.scenario import current_law, load_scenario

    pop = simlib.default_population(2020)
    d = Digest()
    for name in ("current-law", "tijdige-signalering", "huurgrens-afschaffen", "matiging-terugvordering"):
        sc = current_law(2020) if name == "current-law" else load_scenario(name)
        levers = Levers.from_scenario(sc.repayments)
        for seed in (0, 1):
            res = simulate_year(pop, sc.parameter_set(2020), sc.take_up(pop.meta.get("take_up")), draw_events(pop, SEED + seed, levers), levers)
            for field in ("claimants", "advance", "final", "repayment", "backpayment", "cause"):
                d.add(f"{name}.{seed}.{field}", getattr(res, field))
            d.add(f"{name}.{seed}.household", [res.repayment_total, res.problematic, res.capacity, res.weight])
            d.add(f"{name}.{seed}.summary", summarise(res))
    return {"year_of_repayments": d.hexdigest()}


def comparisons() -> dict:
    import simlib

    out = {}
    for key, sc in _scenarios():
        year = sc.year or 2024
        c = simlib.compare(sc, population=simlib.default_population(year), year=year, seeds=0, repayment_seeds=2)
        summary = json.loads(json.dumps(c.summary, default=float))
        for k in ("run_seconds", "git_commit", "population_path", "reform_files", "baseline_files"):
            summary["provenance"].pop(k, None)
        d = Digest()
        d.add("summary", summary)
        d.add("tables", c.tables)
        d.add("household", c.household)
        out[f"compare_{key}"] = d.hexdigest()
    return out


def households() -> dict:
    import yaml

    import simlib

    d = Digest()
    for f in sorted((ROOT / "examples").glob("*.json")):
        hh = json.loads(f.read_text())
        d.add(f.name, simlib.calculate_household(hh))
        for x in ("income", "assets", "rent"):
            if x == "rent" and "rent" not in hh:
                continue
            grid = np.linspace(0, 60_000 if x != "rent" else 1_200, 97)
            d.add(f"{f.name}.sweep.{x}", simlib.household_sweep(hh, **{x: grid}))
    for f in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(f.read_text())):
            d.add(f"{f.name}[{i}]", simlib.calculate_household({"year": case["period"], **case["input"]}))
    return {"household_calculator": d.hexdigest()}


def whatif() -> dict:
    import simlib
    from simlib.analysis.whatif import WhatIf

    engine = WhatIf(simlib.default_population(2024), 2024)
    d = Digest()
    for settings in ({}, {"vermogensgrens_huurtoeslag": 60_000.0, "vermogenstoets": "geleidelijke_afbouw"},
                     {"maximale_huurgrens": "aftopping", "toeslagpartner": "zonder_criterium_e"},
                     {"uurprijs_dagopvang": 11.0, "kgb_bedrag_per_kind": 2_500.0, "alo_kop": 3_600.0}):
        r = engine.evaluate(settings)
        r.pop("seconds")
        d.add(json.dumps(settings, sort_keys=True), r)
    return {"whatif": d.hexdigest()}


def uitvoeringstoetsen() -> dict:
    from datetime import date

    from simlib.face.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        main(["complexity", "--all", "--out", tmp, "--decision-date", date(2026, 7, 1).isoformat()])
        d = Digest()
        for f in sorted(Path(tmp).rglob("*")):
            if f.is_file() and f.suffix in (".json", ".csv", ".md"):
                text = f.read_text()
                if f.name == "complexity.json":
                    data = json.loads(text)
                    data["provenance"].pop("git_commit", None)
                    data["scenario"].pop("files", None)
                    data["baseline"].pop("files", None)
                    text = json.dumps(data, sort_keys=True)
                elif f.name == "report.md":
                    text = "\n".join(line for line in text.splitlines() if "commit" not in line and "sha256" not in line)
                d.add(str(f.relative_to(tmp)), text)
    return {"uitvoeringstoetsen": d.hexdigest()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="write the fingerprints as JSON to this file")
    ap.add_argument("--quick", action="store_true", help="leave out the rebuilt bundled population and the uitvoeringstoetsen")
    ap.add_argument("--only", nargs="*", help="only these families")
    args = ap.parse_args(argv)
    families = [populations, bundled, simulations, years, comparisons, households, whatif, uitvoeringstoetsen]
    if args.quick:
        families = [f for f in families if f not in (bundled, uitvoeringstoetsen)]
    if args.only:
        families = [f for f in families if f.__name__ in args.only]
    result = {}
    for fam in families:
        t0 = time.perf_counter()
        part = fam()
        for k, v in part.items():
            print(f"{k:44s} {v}", flush=True)
        print(f"  ({fam.__name__}: {time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        result.update(part)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
