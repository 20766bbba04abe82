"""Interrupted runs: SIGKILL at random moments, into a fresh folder and into the folder of an earlier run. The
target is afterwards absent or a complete run (every file its manifest lists, unchanged) — never a folder that
looks complete but is not, never a mix of two runs. The next run removes what a killed one left beside it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simlib.engine.io import is_complete

KILLS = 4  # per case: random moments between the start and the end of a typical run


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "simlib.face.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def run(*args) -> None:
    res = subprocess.run([sys.executable, "-m", "simlib.face.cli", *args], capture_output=True, timeout=300)
    assert res.returncode == 0, res.stderr.decode()[-2000:]


def kill_at(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL ``proc`` after ``seconds`` unless it ended; True if it was killed."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def leftovers(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*"))


def compare_args(scenario: str, out: Path) -> list[str]:
    return ["compare", scenario, "--out", str(out), "--year", "2020", "--seeds", "0", "--repayment-runs", "1"]


def timed(args) -> float:
    t0 = time.perf_counter()
    run(*args)
    return time.perf_counter() - t0


def assert_one_run(out: Path) -> None:
    """The summary and the tables of ``out`` come from the same run: the spending change agrees."""
    import csv

    summary = json.loads((out / "summary.json").read_text())
    with open(out / "by_allowance.csv", newline="") as fh:
        total = next(r for r in csv.DictReader(fh) if r["allowance"] == "total")
    assert float(total["cost_change"]) == pytest.approx(summary["cost"]["total"]["change"]), "summary and tables of two runs"


def test_a_killed_compare_leaves_no_folder_or_a_whole_one(tmp_path):
    rng = random.Random(20261206)
    duration = timed(compare_args("huurgrens-als-aftopping", tmp_path / "warm"))  # also warms the caches
    killed = 0
    for i in range(KILLS):
        out = tmp_path / f"fresh{i}"
        killed += kill_at(start(*compare_args("huurgrens-als-aftopping", out)), rng.uniform(0.3 * duration, 1.05 * duration))
        assert not out.exists() or is_complete(out), f"kill {i}: {sorted(p.name for p in out.iterdir())}"
    assert killed >= 1, "every run ended before its kill: nothing was tested"


def test_a_killed_compare_over_an_earlier_run_leaves_that_run_or_the_new_one(tmp_path):
    rng = random.Random(6121202)
    out = tmp_path / "out"
    duration = timed(compare_args("huurgrens-als-aftopping", out))
    killed = 0
    for i in range(KILLS):
        scenario = ("vermogensgrens-huurtoeslag-als-zorgtoeslag", "huurgrens-als-aftopping")[i % 2]
        killed += kill_at(start(*compare_args(scenario, out)), rng.uniform(0.3 * duration, 1.05 * duration))
        assert is_complete(out), f"kill {i}: the folder is not a whole run"
        assert_one_run(out)
    assert killed >= 1
    run(*compare_args("huurgrens-als-aftopping", out))
    assert is_complete(out) and not leftovers(out), leftovers(out)


def test_a_killed_population_build_leaves_no_folder_or_a_whole_one(tmp_path):
    rng = random.Random(8374404)
    args = ["population", "build", "--households", "20000", "--seed", "11", "--year", "2020"]
    duration = timed([*args, "--out", str(tmp_path / "warm")])
    out = tmp_path / "pop"
    for i in range(KILLS):
        kill_at(start(*args, "--out", str(out)), rng.uniform(0.3 * duration, 1.05 * duration))
        assert not out.exists() or is_complete(out)
    run(*args, "--out", str(out))
    assert is_complete(out) and not leftovers(out)
    from simlib.population.store import load_population

    assert load_population(out).n_households == 20_000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_an_error_midway_leaves_the_earlier_run(tmp_path, monkeypatch):
    """Not a kill: an exception while writing. The earlier run stays, nothing is left beside it."""
    from simlib.engine.io import output_folder

    out = tmp_path / "o"
    with output_folder(out, {"a.txt"}) as f:
        (f / "a.txt").write_text("first")
    with pytest.raises(RuntimeError), output_folder(out, {"a.txt"}) as f:
        (f / "a.txt").write_text("second, half")
        raise RuntimeError("disk full")
    assert (out / "a.txt").read_text() == "first" and is_complete(out) and not leftovers(out)
