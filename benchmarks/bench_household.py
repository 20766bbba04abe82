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
from simlib.engine.household_input import parse_household, to_population
from simlib.engine.simulate import simulate

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
    naive_reference()
    hh = parse_household(EXAMPLE)
    for copies in (10_000, 100_000):
        pop, _ = to_population(hh, copies=copies // 1)
        p = simlib.load_parameters(hh.year)
        med, best = timed(lambda: simulate(pop, p), 5)
        print(
            f"simulate, {copies:,} households ({pop.n_persons:,} persons, identical copies): median {med * 1e3:.1f} ms, best {best * 1e3:.1f} ms"
        )


def naive_reference(n: int = 1000) -> None:
    """The same rules household by household in a Python loop (each a population of one), against one vectorised
    run over the default population: equal results, and the speed-up per household."""
    from simlib.engine.structure import slice_households
    from simlib.population.build import cached_population

    pop = cached_population(2024)
    p = simlib.load_parameters(2024)
    rows = np.linspace(0, pop.n_households - 1, n).astype(int)
    t = time.perf_counter()
    naive = np.array([simulate(slice_households(pop, h, h + 1)[0], p).households["totaal"][0] for h in rows])
    per_naive = (time.perf_counter() - t) / n
    simulate(pop, p)  # the structure is built once per population
    med, _ = timed(lambda: simulate(pop, p), 5)
    vector = simulate(pop, p).households["totaal"][rows]
    per_vector = med / pop.n_households
    same = bool(np.array_equal(naive, vector))
    print(f"naive loop (one household at a time, {n:,} households): {per_naive * 1e6:.0f} us per household; vectorised "
          f"({pop.n_households:,} households, warm): {per_vector * 1e9:.0f} ns per household; speed-up {per_naive / per_vector:,.0f}x; "
          f"same amounts: {same}")


if __name__ == "__main__":
    main()
