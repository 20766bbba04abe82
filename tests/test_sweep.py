"""Sweeps: grid files validated, and the same results on a Dask LocalCluster as in one process."""

import numpy as np
import pandas as pd
import pytest

from simlib.analysis.sweep import load_grid, run
from simlib.errors import InputError
from simlib.face.cli import main

GRID = """\
name: test sweep
year: 2024
population: default
households: 20000
scenarios: [current-law, huurgrens-als-aftopping]
grid:
  awir.vermogensgrens.huurtoeslag.alleenstaande: [36952, 60000]
seeds: [20200101]
"""


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    d = tmp_path_factory.mktemp("grid")
    (d / "g.yaml").write_text(GRID)
    return load_grid(d / "g.yaml")


def test_grid_is_the_cartesian_product(grid):
    tasks = grid.tasks()
    assert len(tasks) == 2 * 2 * 1
    assert {t.overrides for t in tasks} == {(("awir.vermogensgrens.huurtoeslag.alleenstaande", v),) for v in (36952, 60000)}


def test_local_cluster_gives_the_serial_results_and_loads_the_population_once_per_worker(grid):
    serial = run(grid, serial=True, progress=False)
    cluster = run(grid, workers=2, progress=False)
    numbers = [c for c in serial.columns if c not in ("seconds", "worker_pid", "worker_loads")]
    pd.testing.assert_frame_equal(serial[numbers], cluster[numbers], check_exact=True)  # bit for bit
    # current law against itself changes nothing; a higher asset limit costs money and makes no losers
    law = serial[(serial.scenario == "current-law") & (serial["awir.vermogensgrens.huurtoeslag.alleenstaande"] == 36952)].iloc[0]
    assert law.cost_change == 0 and law.winners == 0 and law.repayments_count_ge_500_change == 0
    higher = serial[(serial.scenario == "current-law") & (serial["awir.vermogensgrens.huurtoeslag.alleenstaande"] == 60000)].iloc[0]
    assert higher.cost_change > 0 and higher.losers == 0
    loads = cluster.groupby("worker_pid")["worker_loads"].max()
    assert (loads == 1).all(), loads  # every worker loaded the population once, for all its tasks


@pytest.mark.parametrize("text, where", [
    ("name: x\nyear: 2024\ngrid:\n  awir.vermogensgrens.huurtoesl.alleenstaande: [1]\n", "did you mean"),
    ("name: x\nyear: 2024\ngrid:\n  awir.vermogensgrens.afbouw: [-5]\n", "grid.awir.vermogensgrens.afbouw[0]"),
    ("name: x\nyear: 2019\n", "year"),
    ("name: x\nyear: 2024\nscenarios: [nope.yaml]\n", "scenarios[0]"),
    ("name: x\nyear: 2024\nsweeps: 1\n", "sweeps"),
    ("name: x\nyear: 2024\ngrid:\n  awir.vermogensgrens.afbouw: []\n", "at least one"),
])
def test_bad_grids_name_the_key(tmp_path, text, where):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match=where.replace("[", r"\[").replace("]", r"\]")):
        load_grid(f)


def test_cli_writes_the_table(tmp_path):
    g = tmp_path / "g.yaml"
    g.write_text(GRID.replace("scenarios: [current-law, huurgrens-als-aftopping]", "scenarios: [current-law]").replace("seeds: [20200101]", "seeds: []"))
    assert main(["sweep", str(g), "--out", str(tmp_path / "out"), "--serial", "--quiet"]) == 0
    table = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert len(table) == 2 and np.isfinite(table["cost_change"]).all()
    assert main(["sweep", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "o2")]) == 2
