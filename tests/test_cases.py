"""Runs the YAML cases in tests/cases (worked examples and toeslagpartner cases)."""

from pathlib import Path

import pytest
import yaml

import simlib

CASES = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}:{case['name']}")


@pytest.mark.parametrize("case", list(_load()))
def test_case(case):
    assert case.get("source"), "every case cites its source"
    household = dict(case["input"], year=case["period"])
    result = simlib.calculate_household(household)
    out = case["output"]
    for allowance, expected in out.get("annual", {}).items():
        assert result["annual"][allowance] == expected, (allowance, result["annual"][allowance], expected)
    for allowance, expected in out.get("monthly", {}).items():
        assert result["monthly"][allowance] == pytest.approx(expected, abs=0.005), (allowance, result["monthly"][allowance], expected)
    for person, expected in out.get("partners", {}).items():
        assert result["persons"][person]["toeslagpartner"] == expected, (person, result["persons"][person])
    for person, expected in out.get("huurtoeslag_roles", {}).items():
        assert result["persons"][person]["rol_huurtoeslag"] == expected, (person, result["persons"][person])
