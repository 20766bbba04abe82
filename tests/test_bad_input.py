"""Bad input: refused with one line naming the file or field; legal edge cases: sane answers; never a traceback,
an absurd result accepted, or a hang. Generators in tests/badinput.py; the counts per family and outcome are
printed by benchmarks/bad_input.py (and stated in the README)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simlib
from badinput import (FAILURES, bad_flags, bad_grid_texts, bad_households, bad_json_texts, bad_scenario_texts,
                      edge_households, edge_scenario_texts, household_sane, judge, write_file)
from simlib.errors import SimlibError

# examples per family in every CI run (together well over 1,000 bad inputs on the fast API path)
SCALE = float(os.environ.get("SIMLIB_BAD_INPUT_SCALE", "1"))  # benchmarks/bad_input.py --scale
EXAMPLES = {family: max(1, int(n * SCALE)) for family, n in {
    "households": 600, "household files": 250, "scenarios": 500, "grids": 150, "flags": 200,
    "edge households": 150, "edge scenarios": 100}.items()}


def fuzz(family: str):
    return settings(max_examples=EXAMPLES[family], deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much, HealthCheck.data_too_large])


def _assert_fine(outcome: str) -> None:
    assert outcome in ("refused", "accepted"), FAILURES[-1]


@pytest.fixture(scope="module")
def small_population():
    from simlib.population.build import build_population

    return build_population(2024, 2_000, 7)


@fuzz("households")
@given(bad_households())
def test_bad_households_are_refused_naming_the_field(case):
    household, field = case
    _assert_fine(judge("households", lambda: simlib.calculate_household(household), (field,), household_sane, expect="refused"))


@fuzz("edge households")
@given(edge_households())
def test_legal_edge_households_get_sane_amounts(household):
    _assert_fine(judge("edge households", lambda: simlib.calculate_household(household), ("persons", "year", "rent"),
                       household_sane, expect="accepted"))


@fuzz("household files")
@given(bad_json_texts())
def test_bad_household_files_are_refused_naming_the_file(tmp_path_factory, raw):
    from simlib.inputs import read_json

    path = write_file(tmp_path_factory.mktemp("hh") / "house.json", raw)
    _assert_fine(judge("household files", lambda: simlib.calculate_household(read_json(str(path), "household file")),
                       (str(path),), household_sane, expect="refused"))


def _scenario_run(path, population):
    from simlib.engine.io import to_json
    from simlib.engine.simulate import simulate
    from simlib.parameters.scenario import load_scenario

    sc = load_scenario(path)
    sim = simulate(population, sc.parameter_set(2024))
    totals = {a: float(np.sum(sim.households[a] * population.households["weight"])) for a in simlib.ALLOWANCES}
    to_json(totals, str(path))  # what compare would write must be strict JSON
    return totals


def _totals_sane(totals) -> str | None:
    for a, v in totals.items():
        if not np.isfinite(v) or v < 0:
            return f"{a}: {v}"
    return None


@fuzz("scenarios")
@given(bad_scenario_texts())
def test_bad_scenarios_are_refused_naming_the_file(tmp_path_factory, small_population, text):
    path = write_file(tmp_path_factory.mktemp("sc") / "s.yaml", text)
    _assert_fine(judge("scenarios", lambda: _scenario_run(path, small_population), (str(path),), _totals_sane, expect="refused"))


@fuzz("edge scenarios")
@given(edge_scenario_texts())
def test_legal_edge_scenarios_simulate_to_finite_amounts(tmp_path_factory, small_population, text):
    path = write_file(tmp_path_factory.mktemp("sc") / "s.yaml", text)
    _assert_fine(judge("edge scenarios", lambda: _scenario_run(path, small_population), (str(path),), _totals_sane,
                       expect="accepted"))


@fuzz("grids")
@given(bad_grid_texts())
def test_bad_grids_are_refused_naming_the_file(tmp_path_factory, text):
    from simlib.analysis.sweep import load_grid

    path = write_file(tmp_path_factory.mktemp("grid") / "g.yaml", text)
    _assert_fine(judge("grids", lambda: load_grid(path), (str(path),), lambda g: None, expect="refused"))


def run_main(argv: list[str]) -> str:
    """The CLI in this process; a refusal becomes a SimlibError carrying what the user saw on stderr."""
    from simlib.face.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    text = err.getvalue().strip()
    if code == 2:
        raise SimlibError(text)
    return f"exit code {code}: {text[:200]}"


@fuzz("flags")
@given(bad_flags())
def test_bad_flags_are_refused_on_one_line(tmp_path_factory, argv):
    tmp = str(tmp_path_factory.mktemp("flags"))
    argv = [a.replace("{tmp}", tmp) for a in argv]
    names = tuple(a for a in argv[1:] if len(a) > 1) + ("error: simlib",)  # the flag, file or value at fault
    _assert_fine(judge("flags", lambda: run_main(argv), names, lambda r: f"ran: {r}", expect="refused"))


# --- the CLI as a user runs it: a representative sample in subprocesses ---------------------------------------------

def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "simlib.face.cli", *args], input=stdin, capture_output=True,
                          timeout=120)


@pytest.mark.parametrize("args, stdin, says", [
    (["household", "-"], '{"year": 2024, "persons": [{"id": "a", "age": 40, "income": true}]}'.encode(), "persons[0].income"),
    (["household", "-"], '{"year": 2024, "persons": [{"id": "a", "age": 5}, {"id": "b", "age": 40, "parents": ["a"]}]}'.encode(), "persons[0]"),
    (["household", "-"], "{}".encode("utf-16"), "UTF-16"),
    (["household", "-"], b"[" * 200_000, "nested deeper"),
    (["household", "-"], ('{"year": 2024, "persons": [{"id": "a", "age": ' + "9" * 5000 + "}]}").encode(), "digits"),
    (["household", "/dev/zero"], None, "character device"),
    (["household", "/tmp"], None, "a directory"),
    (["compare", "huurgrens-als-aftopping", "--out", "/tmp/x", "--seeds", "-5"], None, "--seeds"),
    (["compare", "huurgrens-als-aftopping", "--out", "/tmp/x", "--seeds", "1000000000000"], None, "--seeds"),
    (["run", "--year", "0"], None, "--year"),
    (["sweep", "scenarios/sweeps/vermogensgrens-huurtoeslag.yaml", "--out", "/tmp/x", "--workers", "-1"], None, "--workers"),
    (["sweep", "scenarios/sweeps/vermogensgrens-huurtoeslag.yaml", "--out", "/tmp/x", "--scheduler", "not-an-address"], None, "--scheduler"),
    (["complexity", "huurgrens-als-aftopping", "--out", "/tmp/x", "--decision-date", "9999-12-31"], None, "--decision-date"),
    (["population", "build", "--seed", "-1", "--out", "/tmp/x"], None, "--seed"),
])
def test_the_cli_refuses_on_one_line_with_exit_code_2(args, stdin, says):
    res = cli(*args, stdin=stdin)
    err = res.stderr.decode("utf-8", "replace").strip()
    assert res.returncode == 2, (res.returncode, err[:500])
    assert len(err.splitlines()) == 1 and err.startswith("error:") and says in err, err[:500]


# --- outputs ---------------------------------------------------------------------------------------------------------

def test_out_refuses_a_fifo_and_a_symlink_to_a_device(tmp_path):
    """Never the real /dev/null: CI runs as root, and a test that replaced it would break the machine."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    hh = '{"year": 2024, "persons": [{"id": "a", "age": 40}]}'.encode()
    for target in (fifo, link):
        res = cli("household", "-", "--out", str(target), stdin=hh)
        assert res.returncode == 2 and b"not a regular file" in res.stderr, res.stderr
    assert os.path.islink(link) and os.readlink(link) == "/dev/null"
    res = cli("compare", "huurgrens-als-aftopping", "--out", str(link), "--seeds", "0", "--repayment-runs", "0")
    assert res.returncode == 2 and b"not a folder" in res.stderr, res.stderr
    assert os.path.islink(link)


def test_out_refuses_a_folder_of_someone_else(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    res = cli("compare", "huurgrens-als-aftopping", "--out", str(mine), "--seeds", "0", "--repayment-runs", "0")
    assert res.returncode == 2 and b"did not write" in res.stderr, res.stderr
    assert (mine / "thesis.docx").read_text() == "years of work"


def test_a_read_only_out_is_one_line(tmp_path):
    if os.geteuid() == 0:
        target = "/proc/version/out"  # root may write anywhere else; /proc is read-only for root too
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        target = str(ro / "out")
    res = cli("compare", "huurgrens-als-aftopping", "--out", target, "--seeds", "0", "--repayment-runs", "0")
    err = res.stderr.decode().strip()
    assert res.returncode == 2 and len(err.splitlines()) == 1 and err.startswith("error:"), err


def test_non_finite_results_are_never_written(tmp_path):
    from simlib.engine.io import write_csv_atomic, write_json_atomic

    with pytest.raises(SimlibError, match="cost.total is inf"):
        write_json_atomic(tmp_path / "summary.json", {"cost": {"total": float("inf")}})
    import pandas as pd

    with pytest.raises(SimlibError, match="column change, row 2"):
        write_csv_atomic(tmp_path / "t.csv", pd.DataFrame({"change": [1.0, -np.inf]}))
    assert not list(tmp_path.iterdir())


@given(st.sampled_from(["awir.afronding_tegemoetkoming: 0", "huurtoeslag.normhuur.eenpersoons.factor_a: -1",
                        "zorgtoeslag.standaardpremie: 1.0e+308", "kinderopvangtoeslag.inkomenstabel: [[0, .nan, 96]]"]))
@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_absurd_scenarios_of_the_issue_are_refused(tmp_path, line):
    from simlib.parameters.scenario import load_scenario

    path = write_file(tmp_path / "s.yaml", f"name: x\ndescription: y\nyear: 2024\nchanges:\n  parameters:\n    {line}\n")
    with pytest.raises(SimlibError, match=line.split(":")[0].replace(".", r"\.")):
        load_scenario(path)
