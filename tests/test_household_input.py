"""Bad input gets one clear line naming the field; the CLI exits with 2 and prints no traceback."""

import json
import subprocess
import sys

import pytest

import simlib
from simlib.errors import InputError, ParameterError

BASE = {"year": 2025, "persons": [{"id": "a", "age": 40, "income": 20000}]}


def bad(**changes):
    hh = json.loads(json.dumps(BASE))
    hh.update(changes)
    return hh


@pytest.mark.parametrize(
    "household, message",
    [
        (bad(persons=[{"id": "a", "age": 40, "incme": 1}]), r"persons\[0\]\.incme: unknown field \(did you mean 'income'\?\)"),
        (bad(rent={"bare_rent": -5}), r"rent\.bare_rent: Input should be greater than or equal to 0"),
        (bad(persons=[{"id": "a", "age": 40}, {"id": "k", "age": 5}]), r"persons\[1\]\.parents: a child under 18 needs a parent"),
        (bad(persons=[{"id": "a", "age": 40, "spouse": "x"}]), r"persons\[0\]\.spouse: 'x' is not the id of a person in this household"),
        (bad(persons=[{"id": "a", "age": 40}, {"id": "k", "age": 5, "parents": ["b"]}]), r"persons\[1\]\.parents: 'b' is not the id"),
        (bad(persons=[{"id": "a", "age": 40}, {"id": "a", "age": 30}]), r"persons: id 'a' is used more than once"),
        (bad(persons=[{"id": "a", "age": 40, "childcare": {"type": "creche", "hours_per_month": 10, "hourly_price": 5}}]),
         r"persons\[0\]\.childcare\.type"),
        (bad(persons=[{"id": "a", "age": 40}, {"id": "k", "age": 15, "parents": ["a"], "childcare": {"type": "bso", "hours_per_month": 10, "hourly_price": 5}}]),
         r"persons\[1\]\.childcare: kinderopvangtoeslag is for children up to secondary school"),
        (bad(persons=[]), r"persons: "),
        (bad(rent={"bare_rent": 500, "servicecosts": 10}), r"rent\.servicecosts: unknown field \(did you mean 'service_costs'\?\)"),
        (bad(persons=[{"id": "a", "age": "forty"}]), r"persons\[0\]\.age"),
        (bad(persons=[{"id": "a", "age": 40, "spouse": "b"}, {"id": "b", "age": 40, "spouse": "c"}, {"id": "c", "age": 40}]),
         r"persons\[0\]\.spouse: 'b' is married to 'c'"),
        (bad(persons=[{"id": "a", "age": 40, "lives_elsewhere": True}]), r"persons\[0\]\.lives_elsewhere: only a spouse"),
        ({"persons": BASE["persons"]}, r"year: required field is missing"),
        ([1, 2], r"household: expected a JSON object"),
    ],
)
def test_bad_input_is_one_clear_line(household, message):
    with pytest.raises(InputError, match=message) as exc:
        simlib.calculate_household(household)
    assert "\n" not in str(exc.value)


def test_year_without_parameters():
    with pytest.raises(ParameterError, match=r"year: no parameters for 2019; supported years are 2020–2030"):
        simlib.calculate_household(bad(year=2019))


def run_cli(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "simlib.face.cli", *args], input=stdin, capture_output=True, text=True)


def test_cli_household_from_stdin():
    hh = {"year": 2025, "persons": [{"id": "a", "age": 40, "income": 25000}], "rent": {"bare_rent": 600}}
    res = run_cli(["household", "-"], json.dumps(hh))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out["annual"]) == set(simlib.ALLOWANCES)
    assert out["huurtoeslag"]["huurder"] == "a"


@pytest.mark.parametrize(
    "stdin, args, message",
    [
        ('{"year": 2025, "persons": [{"id": "a", "age": 40, "x": 1}]}', ["household", "-"], "persons[0].x: unknown field"),
        ("{not json", ["household", "-"], "stdin: not valid JSON"),
        (None, ["household", "/nonexistent/house.json"], "/nonexistent/house.json: household file not found"),
        ('{"year": 2031, "persons": [{"id": "a", "age": 40}]}', ["household", "-"], "year: no parameters for 2031"),
    ],
)
def test_cli_errors_exit_2_with_one_line(stdin, args, message):
    res = run_cli(args, stdin)
    assert res.returncode == 2
    assert res.stdout == ""
    assert res.stderr.startswith("error: ") and message in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1


def test_cli_writes_output_atomically(tmp_path):
    out = tmp_path / "sub" / "result.json"
    res = run_cli(["household", "-", "--out", str(out)], json.dumps(BASE))
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text())["year"] == 2025
    assert [p.name for p in out.parent.iterdir()] == ["result.json"]


def test_sweep_matches_single_calls():
    hh = {"year": 2024, "persons": [{"id": "a", "age": 35, "income": 0}, {"id": "k", "age": 4, "parents": ["a"]}], "rent": {"bare_rent": 700}}
    grid = [0, 15000, 30000, 45000, 60000]
    df = simlib.household_sweep(hh, income=grid)
    for income, row in zip(grid, df.itertuples()):
        hh["persons"][0]["income"] = income
        single = simlib.calculate_household(hh, explain=False)["annual"]
        for allowance in simlib.ALLOWANCES:
            assert getattr(row, allowance) == single[allowance]


@pytest.mark.parametrize("name", ["single", "couple_childcare", "single_parent_lodger", "above_asset_limit"])
def test_cli_examples_explain_themselves(name):
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.json"
    res = run_cli(["household", str(path)])
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["units"] and all("reden_toeslagpartner" in u for u in out["units"])
    if name == "single_parent_lodger":
        assert out["persons"]["ouder"]["toeslagpartner"] == "kamerhuurder"
    if name == "above_asset_limit":
        assert out["annual"]["huurtoeslag"] == 0 and out["huurtoeslag"]["vermogen_ok"] is False
