"""The synthetic population: deterministic, calibrated, checked on load."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from simlib.engine.simulate import simulate
from simlib.errors import InputError
from simlib.population.build import DEFAULT_DIR, build_population, load_targets
from simlib.population.generate import generate
from simlib.population.store import load_population, save_population
from simlib.population.validate import validation_table


@pytest.fixture(scope="module")
def default():
    return load_population(DEFAULT_DIR)


def test_generation_is_deterministic():
    a = generate(2022, 5000, 7)
    b = generate(2022, 5000, 7)
    c = generate(2022, 5000, 8)
    for col in ("age", "income", "assets", "spouse", "parent1", "childcare_hours", "takeup_draw"):
        assert np.array_equal(a.persons[col], b.persons[col], equal_nan=True), col
    assert not np.array_equal(a.persons["income"][:100], c.persons["income"][:100])


def test_bundled_population_reproduces_the_calibration_targets(default):
    table = validation_table(simulate(default))
    calib = table[table.role == "calibration"]
    assert len(calib) >= 25
    assert calib.within_tolerance.all(), calib[~calib.within_tolerance][["statistic", "target", "simulated"]]
    for a in ("zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
        row = calib[calib.statistic == f"spending.{a}"].iloc[0]
        assert abs(row.deviation) <= 0.02
    assert (table.role == "validation").sum() >= 10


def test_bundled_population_weights_sum_to_the_country(default):
    assert default.households["weight"].sum() == pytest.approx(7_997_800, rel=1e-6)
    assert default.meta["take_up"]["zorgtoeslag"]["slope"] > 0


def test_joint_distributions_make_sense(default):
    P, H = default.persons, default.households
    w = H["weight"][P["household"]]
    adult = (P["age"] >= 18) & ~P["elsewhere"]
    # income rises from students to permanent employees; pensioners are 67+
    med = lambda sel: np.median(P["income"][sel])  # noqa: E731
    assert med(adult & (P["profile"] == 5)) < med(adult & (P["profile"] == 1)) < med(adult & (P["profile"] == 0))
    pens_age = P["age"][P["profile"] == 4]
    assert pens_age.min() >= 55 and np.mean(pens_age >= 66) > 0.95  # early retirement from 55 only
    # renters have lower incomes than owners
    hh_income = np.bincount(P["household"], weights=P["income"], minlength=default.n_households)
    assert np.median(hh_income[H["tenure"] == 1]) < np.median(hh_income[H["tenure"] == 0])
    # childcare only for children of working parents, mostly 0-12
    care = P["childcare_type"] > 0
    assert care.any() and P["age"][care].max() <= 12
    assert np.all(P["works"][P["parent1"][care]])
    # the partner scenarios need these patterns in the population
    assert P["lodger"].sum() > 50 and P["in_shelter"].sum() > 10 and (H["extra_member"] == 1).sum() > 50


def test_full_country_weights_and_sizes():
    pop = build_population(2024, 3000, 3)
    assert pop.households["weight"].sum() == pytest.approx(8_374_404, rel=1e-6)


def _copy(tmp_path):
    dst = tmp_path / "pop"
    shutil.copytree(DEFAULT_DIR, dst)
    return dst


def test_truncated_file_is_reported(tmp_path):
    d = _copy(tmp_path)
    data = (d / "persons.parquet").read_bytes()
    (d / "persons.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="persons.parquet: checksum differs"):
        load_population(d)


def test_hand_edited_table_violations_are_all_reported(tmp_path, default):
    d = tmp_path / "edited"
    pop = load_population(DEFAULT_DIR)
    P = {k: v.copy() for k, v in pop.persons.items()}  # loaded columns are read-only
    married = np.flatnonzero(P["spouse"] >= 0)
    P["spouse"][married[0]] = married[2]  # no longer points back
    kid = np.flatnonzero(P["parent1"] >= 0)[0]
    P["parent1"][kid] = np.flatnonzero(P["household"] != P["household"][kid])[0]  # parent in another household
    P["age"][5] = 130
    save_population(pop.__class__(pop.year, P, pop.households, pop.relations, pop.meta), d)
    with pytest.raises(InputError) as exc:
        load_population(d)
    msg = str(exc.value)
    for part in ("spouses do not point back", "persons.parent1", "in another household", "persons.age"):
        assert part in msg, msg


def test_missing_column_and_wrong_type(tmp_path):
    d = _copy(tmp_path)
    t = pq.read_table(d / "households.parquet")
    t = t.drop(["bare_rent"]).set_column(t.schema.get_field_index("renter") - 0, "renter", pa.array(np.zeros(t.num_rows, dtype=np.float64)))
    pq.write_table(t, d / "households.parquet")
    meta = json.loads((d / "meta.json").read_text())
    meta["tables"].pop("households")
    (d / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(InputError) as exc:
        load_population(d)
    assert "renter' must be true/false" in str(exc.value)


def test_targets_have_sources():
    for year in range(2020, 2027):
        for t in load_targets(year)["targets"]:
            assert len(t["source"]) > 10, (year, t["statistic"])


def test_cli_validate_and_run(tmp_path):
    res = subprocess.run([sys.executable, "-m", "simlib.face.cli", "population", "validate", "--out", str(tmp_path / "v.csv")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "Validation targets (kept out of the fit" in res.stdout and (tmp_path / "v.csv").exists()
    res = subprocess.run([sys.executable, "-m", "simlib.face.cli", "run", "--out", str(tmp_path / "run")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["allowances"]["huurtoeslag"]["spending"] == pytest.approx(4.0e9, rel=0.02)
    bad = subprocess.run([sys.executable, "-m", "simlib.face.cli", "run", "--population", str(tmp_path / "nope")], capture_output=True, text=True)
    assert bad.returncode == 2 and "population directory not found" in bad.stderr


@pytest.mark.parametrize("spare", [1.05, 0.3])
def test_structure_in_blocks_equals_one_block(default, monkeypatch, spare):
    """Blocks copied into whole-population arrays (sized from the first block; with 0.3 they must grow) give the
    structure of one block, array for array and type for type."""
    import dataclasses
    import importlib

    from simlib.engine.model import edit_population
    from simlib.parameters import load_parameters

    S = importlib.import_module("simlib.engine.structure")
    p = load_parameters(default.year)
    whole = S._build_structure(default, S._structure_parameters(p)[1])
    monkeypatch.setattr(S, "CHUNK_HOUSEHOLDS", 7_000)
    monkeypatch.setattr(S._Merged, "SPARE", spare)
    blocks = S.structure(edit_population(default), p)  # a fresh population: nothing cached
    for section in ("persons", "units", "kgb", "care", "homes"):
        a, b = getattr(whole, section), getattr(blocks, section)
        assert list(a) == list(b), section
        for k in a:
            assert a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]), (section, k)
    for f in dataclasses.fields(whole.partners):
        x, y = getattr(whole.partners, f.name), getattr(blocks.partners, f.name)
        assert x.dtype == y.dtype and np.array_equal(x, y), f.name


def test_simulation_in_blocks_equals_one_block(default, monkeypatch):
    import importlib

    S = importlib.import_module("simlib.engine.structure")
    from simlib.engine.simulate import simulate

    whole = simulate(default)
    monkeypatch.setattr(S, "CHUNK_HOUSEHOLDS", 7_000)
    blocks = simulate(default)  # the structure too is built in blocks (the block size is part of its cache key)
    for name in whole.households:
        assert np.array_equal(whole.households[name], blocks.households[name]), name
        assert np.array_equal(whole.received[name], blocks.received[name]), name
    for name in ("head", "partner", "household", "zorgtoeslag", "kindgebonden_budget"):
        assert np.array_equal(whole.units[name], blocks.units[name]), name
    for name in ("unit", "child_unit", "partner", "criterion", "ht_role"):
        assert np.array_equal(whole.persons[name], blocks.persons[name]), name
    assert np.array_equal(whole.homes["huurder"], blocks.homes["huurder"])
    assert np.array_equal(whole.partners.pair_i, blocks.partners.pair_i)
    for name in ("zorgtoeslag", "huurtoeslag"):  # rule details, merged from the blocks on demand
        for key in whole.details[name]:
            assert np.array_equal(whole.details[name][key], blocks.details[name][key]), (name, key)
    assert np.array_equal(whole.details["kinderopvangtoeslag"][0], blocks.details["kinderopvangtoeslag"][0])


def test_a_year_built_with_the_cached_calibration_equals_one_built_from_scratch(tmp_path, monkeypatch):
    import simlib.population.build as B

    monkeypatch.setattr(B, "CACHE_DIR", tmp_path / "cache")
    first = B.build_population(2023, 3000, 7)  # computes and caches the 2020 calibration
    assert (B._calibration_path(3000, 7) / "weights.npy").exists()
    second = B.build_population(2023, 3000, 7)  # takes it from the cache
    save_population(first, tmp_path / "a")
    save_population(second, tmp_path / "b")
    for f in ("persons.parquet", "households.parquet", "meta.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


def test_the_cache_key_follows_the_code_and_data_a_build_reads(tmp_path, monkeypatch):
    import shutil

    import simlib.population.build as B

    shutil.copytree(B.PACKAGE, tmp_path / "simlib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(B.DATA / "targets", tmp_path / "data" / "targets")
    monkeypatch.setattr(B, "PACKAGE", tmp_path / "simlib")
    monkeypatch.setattr(B, "DATA", tmp_path / "data")
    B.build_digest.cache_clear()
    try:
        def digest() -> str:
            B.build_digest.cache_clear()
            return B.build_digest()

        before = digest()
        table = tmp_path / "simlib" / "parameters" / "kinderopvangtoeslag.yaml"
        text = table.read_text(encoding="utf-8")
        table.write_text(text.replace("[0, 96, 96]", "[0, 95, 96]", 1), encoding="utf-8")
        assert digest() != before  # a changed parameter builds anew, not from a stale cache
        table.write_text(text, encoding="utf-8")
        assert digest() == before
        (tmp_path / "simlib" / "face" / "cli.py").write_text("# the face is not read by a build\n", encoding="utf-8")
        assert digest() == before  # a change in the CLI keeps the caches
    finally:
        B.build_digest.cache_clear()


def test_the_bundled_population_is_what_the_code_builds(tmp_path):
    """data/synthetic/default must be rebuilt when the code or data change (the README's command)."""
    import simlib.population.build as B

    save_population(B.build_population(2020, B.DEFAULT_HOUSEHOLDS, B.DEFAULT_SEED), tmp_path / "now")
    for f in ("persons.parquet", "households.parquet", "relations.parquet", "meta.json"):
        assert (tmp_path / "now" / f).read_bytes() == (B.DEFAULT_DIR / f).read_bytes(), (
            f"{f}: rebuild the bundled population: simlib population build --year 2020 --households 100000 "
            "--seed 20200101 --out data/synthetic/default")
