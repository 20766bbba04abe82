"""Benchmark of the population run and the year of advances and repayments. Prints figures; asserts nothing.

Run: python benchmarks/bench_population.py [POPULATION_DIR]   (default: the bundled population)
"""

from __future__ import annotations

import sys
import time

from simlib.parameters import load_parameters
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population
from simlib.repayments.model import draw_events, simulate_year, summarise
from simlib.simulate import simulate


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    t0 = time.perf_counter()
    pop = load_population(path)
    print(f"load {path}: {pop.n_households:,} households, {pop.n_persons:,} persons in {time.perf_counter() - t0:.1f} s")
    p = load_parameters(pop.year)
    simulate(pop, p)  # warm up
    t = time.perf_counter()
    simulate(pop, p)
    print(f"simulate (four allowances, partner rule, take-up): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    ev = draw_events(pop, 1)
    print(f"draw the year's events: {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    res = simulate_year(pop, p, pop.meta.get("take_up"), ev)
    print(f"year of advances and repayments: {time.perf_counter() - t:.2f} s")
    s = summarise(res)
    print(f"  repayments >= EUR 500: {s['count_ge_500']:,.0f}; problematic: {s['problematic']:,.0f}")


if __name__ == "__main__":
    main()
