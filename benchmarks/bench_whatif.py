"""Benchmark of the what-if panel's answer to a change of settings. Prints figures; asserts nothing.

Run: python benchmarks/bench_whatif.py [YEAR]   (default 2025, the default population of 100,000 households)

The engine answer is the rules for all households plus the year of advances and repayments (one Monte Carlo run);
the panel answer adds updating the three figures and the headline (Python side, as after a slider move).
"""

from __future__ import annotations

import statistics
import sys
import time

from simlib.analysis.whatif import WhatIf

SETTINGS = [
    {"vermogensgrens_huurtoeslag": 60_000},
    {"vermogenstoets": "geleidelijke_afbouw", "afbouw": 20},
    {"maximale_huurgrens": "aftopping"},
    {"uurprijs_dagopvang": 12.0},
    {"kgb_bedrag_per_kind": 2800, "alo_kop": 4000},
    {"toeslagpartner": "zonder_criterium_e"},  # a structure parameter: the first answer builds the new structure
]


def main() -> None:
    year = int(sys.argv[1]) if len(sys.argv) > 1 else 2025
    t0 = time.perf_counter()
    engine = WhatIf(year=year)
    print(f"what-if {year}: {engine.population.n_households:,} households; set-up (load, baseline, baseline year) "
          f"{time.perf_counter() - t0:.2f} s")
    for s in SETTINGS:
        times = []
        for _ in range(5):
            times.append(engine.evaluate(s)["seconds"])
        print(f"  {s}: first {times[0] * 1e3:.0f} ms, then median {statistics.median(times[1:]) * 1e3:.0f} ms")
    try:
        from simlib.face.whatif_panel import WhatIfPanel
    except ImportError:
        return
    panel = WhatIfPanel(engine)
    times = []
    for v in (40_000, 45_000, 50_000, 55_000, 60_000, 65_000):
        t = time.perf_counter()
        panel.controls["vermogensgrens_huurtoeslag"].value = v
        times.append(time.perf_counter() - t)
    print(f"panel answer to a slider move (engine + figures + headline): median {statistics.median(times) * 1e3:.0f} ms, "
          f"max {max(times) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
