"""Counts of the bad-input tests: inputs tried per family and what became of them.

    python benchmarks/bad_input.py            # the examples of a CI run (tests/test_bad_input.py)
    python benchmarks/bad_input.py --scale 5  # five times as many

Runs the property tests of tests/test_bad_input.py in this process and prints, per family, how many inputs were
tried and how many were refused with a clear one-line error, accepted (legal edge cases, with sane results),
or failed (traceback, absurd result, unclear error, hang). The README quotes these counts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="examples per family, times the CI run's")
    args = ap.parse_args()

    import os

    import pytest
    from hypothesis import settings

    os.environ["SIMLIB_BAD_INPUT_SCALE"] = str(args.scale)
    settings.register_profile("report", derandomize=args.scale == 1.0)  # 1.0: the very inputs of a CI run
    settings.load_profile("report")
    import badinput
    import test_bad_input as T
    from simlib.population.build import build_population

    population = build_population(2024, 2_000, 7)
    factory = pytest.TempPathFactory(Path(tempfile.mkdtemp(prefix="bad-input-")), retention_count=1,
                                     retention_policy="none", trace=lambda *a: None, _ispytest=True)
    tests = [
        ("households", T.test_bad_households_are_refused_naming_the_field, {}),
        ("edge households", T.test_legal_edge_households_get_sane_amounts, {}),
        ("household files", T.test_bad_household_files_are_refused_naming_the_file, {"tmp_path_factory": factory}),
        ("scenarios", T.test_bad_scenarios_are_refused_naming_the_file, {"tmp_path_factory": factory, "small_population": population}),
        ("edge scenarios", T.test_legal_edge_scenarios_simulate_to_finite_amounts, {"tmp_path_factory": factory, "small_population": population}),
        ("grids", T.test_bad_grids_are_refused_naming_the_file, {"tmp_path_factory": factory}),
        ("flags", T.test_bad_flags_are_refused_on_one_line, {"tmp_path_factory": factory}),
    ]
    t0 = time.perf_counter()
    for family, test, kwargs in tests:
        try:
            test(**kwargs)
        except Exception as exc:  # noqa: BLE001 - a failure is counted, the report goes on
            print(f"{family}: the test failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    seconds = time.perf_counter() - t0
    families = [f for f, _, _ in tests]
    outcomes = sorted({o for (_, o) in badinput.OUTCOMES})
    width = max(map(len, families)) + 2
    print(f"{'family':{width}s} {'tried':>6s} " + " ".join(f"{o:>16s}" for o in outcomes))
    total = 0
    for f in families:
        row = {o: badinput.OUTCOMES[(f, o)] for o in outcomes}
        n = sum(row.values())
        total += n
        print(f"{f:{width}s} {n:6d} " + " ".join(f"{row[o]:16d}" for o in outcomes))
    bad = sum(v for (f, o), v in badinput.OUTCOMES.items() if not f.startswith("edge"))
    print(f"\n{total} inputs ({bad} bad, {total - bad} legal edge cases) in {seconds:.0f} s; "
          f"failures: {len(badinput.FAILURES)}")
    for family, outcome, detail in badinput.FAILURES[:20]:
        print(f"  {family}: {outcome}: {detail}")
    return 1 if badinput.FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
