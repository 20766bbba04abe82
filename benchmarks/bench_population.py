"""Benchmark of runs on a population: the rules (cold and warm), baseline plus a reform, the year of advances and
repayments, and peak memory. Prints figures (and one JSON line last); asserts nothing.

Run: python benchmarks/bench_population.py [POPULATION_DIR | --households N] [--year YEAR]
     (default: the default population of 2024; --households builds or takes a cached population of that size)

'cold' is the first run on a freshly loaded population (it builds the structure: partners, benefit units,
huurtoeslag households); 'warm' are the runs after it (each scenario on the same population). Peak memory is the
process's maximum resident set, read after the runs (load, cold, warm, baseline plus reform) and at the end (with the
year of repayments).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time

from simlib.analysis.marginale_druk import marginal_rates
from simlib.analysis.repayments import draw_events, simulate_year, summarise
from simlib.engine.net_income import net_income
from simlib.engine.simulate import simulate
from simlib.parameters import load_parameters
from simlib.population.build import DEFAULT_HOUSEHOLDS, cached_population
from simlib.population.store import load_population

REFORM = {"huurtoeslag.maximale_huurgrens.werking": "aftopping", "awir.vermogensgrens.huurtoeslag.alleenstaande": 60000}


def _t(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("population", nargs="?")
    ap.add_argument("--households", type=int, default=None)
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    r: dict = {}
    if args.population:
        r["load_s"], pop = _t(lambda: load_population(args.population))
    else:
        r["load_s"], pop = _t(lambda: cached_population(args.year, args.households or DEFAULT_HOUSEHOLDS))
    r["households"], r["persons"] = pop.n_households, pop.n_persons
    print(f"population: {pop.n_households:,} households, {pop.n_persons:,} persons ({pop.year}); load {r['load_s']:.2f} s")
    p = load_parameters(pop.year)
    reform = load_parameters(pop.year, REFORM)
    r["cold_s"], sim = _t(lambda: simulate(pop, p))
    del sim
    warm = []
    for _ in range(args.repeat):
        s, sim = _t(lambda: simulate(pop, p))
        warm.append(s)
        del sim
    r["warm_s"] = statistics.median(warm)
    r["baseline_plus_reform_s"], both = _t(lambda: (simulate(pop, p), simulate(pop, reform)))
    del both  # as a script would: the results are released before the year
    # a reform run that takes over the allowances it does not change from the baseline (simulate(..., reuse=))

    def baseline_then_reform():
        base = simulate(pop, p)
        return base, simulate(pop, reform, reuse=base)

    r["baseline_plus_reform_reuse_s"], both = _t(baseline_then_reform)
    del both
    r["peak_runs_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # load and runs, before the year
    print(f"four allowances: cold {r['cold_s']:.3f} s (builds the structure), warm {r['warm_s']:.3f} s "
          f"({r['warm_s'] / pop.n_households * 1e9:.0f} ns per household); baseline + reform (both run) "
          f"{r['baseline_plus_reform_s']:.3f} s; with the reform reusing the baseline's unchanged allowances "
          f"{r['baseline_plus_reform_reuse_s']:.3f} s")
    # net income (issue 17): income tax, credits and kinderbijslag on top of the allowance run, and the marginale
    # druk of every worker (two more runs of the allowances)
    sim = simulate(pop, p)
    net_income(sim)  # the first call reads the parameters of the tax
    r["net_income_s"] = statistics.median(_t(lambda: net_income(sim, detail=False))[0] for _ in range(args.repeat))
    r["net_income_detail_s"] = statistics.median(_t(lambda: net_income(sim))[0] for _ in range(args.repeat))
    r["allowances_plus_net_s"] = r["warm_s"] + r["net_income_s"]
    r["marginale_druk_s"], _ = _t(lambda: marginal_rates(sim))
    print(f"net income: income tax, credits and kinderbijslag {r['net_income_s']:.3f} s (every part per household "
          f"{r['net_income_detail_s']:.3f} s) on top of the allowances' {r['warm_s']:.3f} s: together "
          f"{r['allowances_plus_net_s'] / r['warm_s']:.2f} x the allowance run; the marginale druk of every worker "
          f"{r['marginale_druk_s']:.2f} s")
    del sim
    r["events_s"], ev = _t(lambda: draw_events(pop, 20200101))
    r["year_s"], res = _t(lambda: simulate_year(pop, p, pop.meta.get("take_up"), ev))
    r["year_reform_s"], _ = _t(lambda: simulate_year(pop, reform, pop.meta.get("take_up"), ev))
    s = summarise(res)
    print(f"year of advances and repayments: events {r['events_s']:.2f} s + year {r['year_s']:.2f} s "
          f"(= {r['events_s'] + r['year_s']:.2f} s); the same draws for a reform {r['year_reform_s']:.2f} s")
    print(f"  repayments >= EUR 500: {s['count_ge_500']:,.0f}; problematic: {s['problematic']:,.0f}")
    r["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak memory: load and runs {r['peak_runs_gb']:.2f} GB; with the year {r['peak_gb']:.2f} GB")
    print(json.dumps(r))


if __name__ == "__main__":
    main()
