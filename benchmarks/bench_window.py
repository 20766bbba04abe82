"""Benchmark of the budget window. Prints figures; asserts nothing.

Run: python benchmarks/bench_window.py [SCENARIO]   (default kot-96-procent-ingroei-2027-2029)

Times one proposal over 2026-2030 on the default populations (100,000 households a year; built first if not cached)
with one run of the year of repayments a year, then again with the populations cached, then without repayments.
"""

from __future__ import annotations

import sys
import time

from simlib.analysis.window import WINDOW, budget_window
from simlib.parameters.scenario import load_scenario
from simlib.population.build import cached_population


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "kot-96-procent-ingroei-2027-2029"
    sc = load_scenario(name)
    t0 = time.perf_counter()
    for y in WINDOW:
        cached_population(y)
    print(f"populations {WINDOW[0]}-{WINDOW[-1]} ready (built or loaded): {time.perf_counter() - t0:.1f} s")
    for runs in (1, 1, 0):
        t0 = time.perf_counter()
        w = budget_window(sc, WINDOW, repayment_seeds=runs)
        print(f"{name}: {len(WINDOW)} years, {runs} run(s) of the year of repayments a year: {time.perf_counter() - t0:.1f} s "
              f"(total cost EUR {w.totals['cost'] / 1e6:+,.0f} mln)")


if __name__ == "__main__":
    main()
