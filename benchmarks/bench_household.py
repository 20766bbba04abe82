"""Benchmark of the household calculator and the vectorised rules. Prints figures; asserts nothing.

Run: python benchmarks/bench_household.py
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

import simlib
from simlib.household import parse_household, to_population
from simlib.simulate import simulate

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples" / "couple_childcare.json").read_text())


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def main() -> None:
    print(f"simlib {simlib.__version__}, numpy {np.__version__}")
    med, best = timed(lambda: simlib.calculate_household(EXAMPLE, explain=False), 300)
    print(f"calculate_household, one household (4 persons), warm: median {med * 1e3:.3f} ms, best {best * 1e3:.3f} ms")
    med, best = timed(lambda: simlib.calculate_household(EXAMPLE, explain=True), 300)
    print(f"calculate_household with explanation: median {med * 1e3:.3f} ms, best {best * 1e3:.3f} ms")
    grid = np.linspace(0, 100_000, 1000)
    med, best = timed(lambda: simlib.household_sweep(EXAMPLE, income=grid, person="a"), 20)
    print(f"household_sweep, 1,000 incomes: median {med * 1e3:.2f} ms, best {best * 1e3:.2f} ms")
    hh = parse_household(EXAMPLE)
    for copies in (10_000, 100_000):
        pop, _ = to_population(hh, copies=copies // 1)
        p = simlib.load_parameters(hh.year)
        med, best = timed(lambda: simulate(pop, p), 5)
        print(
            f"simulate, {copies:,} households ({pop.n_persons:,} persons, identical copies): median {med * 1e3:.1f} ms, best {best * 1e3:.1f} ms"
        )


if __name__ == "__main__":
    main()
