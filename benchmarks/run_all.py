"""All benchmarks in one command; prints the figures of docs/performance.md. Asserts nothing.

Run: python benchmarks/run_all.py [--full POPULATION_DIR] [--build]

Each measurement runs in a fresh process (so 'cold', 'warm' and peak memory mean what they say):
- ``import simlib`` (median of 5);
- the household calculator, a 1,000-point sweep, and the naive per-household loop against the vectorised run
  (bench_household.py);
- runs on populations of 10,000, 100,000 and 1,000,000 households and, with ``--full``, the whole country
  (bench_population.py): cold and warm runs, baseline plus a reform, the year of repayments, peak memory;
- the what-if panel's answer on the default population (bench_whatif.py);
- a budget window 2026-2030 of one proposal on the default populations (bench_window.py);
- with ``--build``: building the whole country (8,374,404 households), from scratch (2024) and for a second year
  with the calibration year cached (2025). The 2020 calibration cache is kept in data/cache.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def run(args: list[str]) -> str:
    out = subprocess.run([PY, *args], capture_output=True, text=True, check=True, cwd=HERE.parent)
    return out.stdout


def import_time() -> float:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([PY, "-c", "import simlib"], check=True)
        t1 = time.perf_counter()
        subprocess.run([PY, "-c", "pass"], check=True)
        times.append((t1 - t) - (time.perf_counter() - t1))
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", help="a population directory of the whole country (simlib population build --households 8374404)")
    ap.add_argument("--build", action="store_true", help="also time building the whole country from scratch")
    ap.add_argument("--build-only", action="store_true", help="only time building the whole country")
    args = ap.parse_args()
    if args.build_only:
        builds()
        return
    print(f"import simlib: {import_time() * 1e3:.0f} ms (median of 5, interpreter start-up subtracted)\n")
    print(run([str(HERE / "bench_household.py")]))
    rows = []
    sizes = [("10k", ["--households", "10000"]), ("100k", ["--households", "100000"]), ("1M", ["--households", "1000000"])]
    if args.full:
        sizes.append(("full", [args.full]))
    for label, extra in sizes:
        out = run([str(HERE / "bench_population.py"), *extra])
        print(f"--- {label}\n{out}")
        rows.append((label, json.loads(out.strip().splitlines()[-1])))
    print("| households | cold run | warm run | ns per household | baseline + reform | the same, reform reusing the baseline "
          "| events + year | year, reform | peak memory: runs | peak memory: with the year |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, r in rows:
        print(f"| {r['households']:,} | {r['cold_s']:.3f} s | {r['warm_s']:.3f} s | {r['warm_s'] / r['households'] * 1e9:.0f} | "
              f"{r['baseline_plus_reform_s']:.3f} s | {r['baseline_plus_reform_reuse_s']:.3f} s | {r['events_s'] + r['year_s']:.2f} s | "
              f"{r['year_reform_s']:.2f} s | {r['peak_runs_gb']:.1f} GB | {r['peak_gb']:.1f} GB |")
    print()
    print(run([str(HERE / "bench_whatif.py")]))
    print(run([str(HERE / "bench_window.py")]))
    if args.build:
        builds()


def builds() -> None:
    """Build the whole country twice: 2024 from scratch (the cached 2020 calibration of that size is removed first),
    then 2025 with that calibration cached."""
    from simlib.population.build import DEFAULT_SEED, _calibration_path

    shutil.rmtree(_calibration_path(8374404, DEFAULT_SEED), ignore_errors=True)
    for year, what in ((2024, "from scratch: generate and calibrate 2020, generate and rake 2024, write"),
                       (2025, "with the 2020 calibration of the same size and seed cached: generate and rake 2025, write")):
        out = Path(f"out/bench-build-{year}")
        t = time.perf_counter()
        res = subprocess.run(["/usr/bin/time", "-v", PY, "-m", "simlib.face.cli", "population", "build", "--year", str(year),
                              "--households", "8374404", "--out", str(out)], capture_output=True, text=True, check=True)
        peak = next((int(line.split()[-1]) / 1e6 for line in res.stderr.splitlines() if "Maximum resident" in line), float("nan"))
        print(f"build the whole country, {year} ({what}): {time.perf_counter() - t:.0f} s, peak {peak:.1f} GB")
        print("  " + res.stderr.split("\tCommand being timed")[0].strip().replace("\n", "\n  "))


if __name__ == "__main__":
    main()
