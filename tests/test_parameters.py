"""Parameter files: every supported year loads, every value is sourced, bad files give clear errors."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from simlib.errors import ParameterError
from simlib.parameters import SUPPORTED_YEARS, check_override, load_parameters, loader, parameter_tree
from simlib.parameters.docs import render_markdown

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("year", SUPPORTED_YEARS)
def test_every_supported_year_loads(year):
    p = load_parameters(year)
    assert p.year == year
    table = p.kinderopvangtoeslag.inkomenstabel
    assert table.shape[1] == 3 and np.all(np.diff(table[:, 0]) > 0)
    assert np.all(np.diff(table[:, 1]) <= 0) and np.all(np.diff(table[:, 2]) <= 0), "percentages fall with income"


def test_every_value_has_a_source_and_status():
    for param in parameter_tree().values():
        for entry in param.values:
            assert len(entry.source) >= 5, param.path
            assert entry.status in {"verified", "verified_dienst", "secondary", "derived", "unverified"}


def test_percentages_are_fractions_after_loading():
    p = load_parameters(2025)
    assert p.zorgtoeslag.normpremie.percentage_boven_drempelinkomen == pytest.approx(0.137)
    assert p.kindgebonden_budget.afbouwpercentage == pytest.approx(0.071)


def test_unknown_year_is_a_clear_error():
    with pytest.raises(ParameterError, match="no parameters for 2019"):
        load_parameters(2019)
    with pytest.raises(ParameterError, match="year"):
        load_parameters("2025")


def test_parameters_are_read_only():
    p = load_parameters(2025)
    with pytest.raises(AttributeError):
        p.zorgtoeslag.standaardpremie = 1
    with pytest.raises(AttributeError, match="did you mean"):
        p.zorgtoeslag.standaardpremi  # noqa: B018


def test_override_is_validated():
    p = load_parameters(2025, {"awir.vermogensgrens.huurtoeslag.alleenstaande": 141896})
    assert p.awir.vermogensgrens.huurtoeslag.alleenstaande == 141896
    assert load_parameters(2025).awir.vermogensgrens.huurtoeslag.alleenstaande == 37395
    with pytest.raises(ParameterError, match="did you mean"):
        check_override("awir.vermogensgrens.huurtoeslag.alleenstaand", 1)
    with pytest.raises(ParameterError, match="expected a number"):
        check_override("zorgtoeslag.standaardpremie", "veel")
    with pytest.raises(ParameterError, match="outside the allowed range"):
        check_override("kindgebonden_budget.afbouwpercentage", 150)
    with pytest.raises(ParameterError, match="is not one of"):
        check_override("huurtoeslag.maximale_huurgrens.werking", "soms")


@pytest.fixture
def param_dir(tmp_path):
    d = tmp_path / "params"
    shutil.copytree(loader.PARAMETER_DIR, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return d


def _edit(d, name, fn):
    path = d / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _load_year(d, year):
    tree = loader.parameter_tree.__wrapped__(str(d))
    for param in tree.values():
        param.entry_for(year)


def test_missing_source_names_file_and_key(param_dir):
    _edit(param_dir, "zorgtoeslag.yaml", lambda d: d["standaardpremie"]["values"][2025].pop("source"))
    with pytest.raises(ParameterError, match=r"zorgtoeslag.yaml: zorgtoeslag.standaardpremie.values.2025.source"):
        loader.parameter_tree.__wrapped__(str(param_dir))


def test_wrong_type_names_file_and_key(param_dir):
    _edit(param_dir, "huurtoeslag.yaml", lambda d: d["kwaliteitskortingsgrens"]["values"][2024].update(value="veel"))
    with pytest.raises(ParameterError, match=r"huurtoeslag.yaml: huurtoeslag.kwaliteitskortingsgrens: value for 2024: expected a number"):
        loader.parameter_tree.__wrapped__(str(param_dir))


def test_wrong_unit_names_file_and_key(param_dir):
    _edit(param_dir, "awir.yaml", lambda d: d["doelmatigheidsgrens"].update(unit="euros"))
    with pytest.raises(ParameterError, match=r"awir.yaml: awir.doelmatigheidsgrens.unit"):
        loader.parameter_tree.__wrapped__(str(param_dir))


def test_missing_year_names_file_and_key(param_dir):
    _edit(param_dir, "kindgebonden_budget.yaml", lambda d: d["alleenstaande_ouderkop"]["values"].pop(2023))
    with pytest.raises(ParameterError, match=r"kindgebonden_budget.yaml: kindgebonden_budget.alleenstaande_ouderkop: no value for 2023"):
        _load_year(param_dir, 2023)


def test_broken_yaml_is_reported(param_dir):
    (param_dir / "awir.yaml").write_text("description: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="awir.yaml: not valid YAML"):
        loader.parameter_tree.__wrapped__(str(param_dir))


def test_docs_parameters_md_is_generated_from_the_yaml():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: simlib parameters --out docs/parameters.md"


def test_every_numeric_parameter_has_a_bounded_domain():
    """Issue 21: every amount, percentage, factor and table column has a finite range, so no scenario can make an
    amount infinite or NaN; a rounding unit cannot be zero."""
    import math

    from simlib.parameters.loader import DEFAULT_RANGES, NUMERIC_UNITS, parameter_tree

    for path, p in parameter_tree().items():
        if p.unit in NUMERIC_UNITS:
            low, high = p.range or DEFAULT_RANGES[p.unit]
            assert math.isfinite(low) and math.isfinite(high) and low <= high, path
        if p.unit == "table":
            for name, unit in p.columns:
                assert all(map(math.isfinite, DEFAULT_RANGES[unit])), (path, name)
    assert parameter_tree()["awir.afronding_tegemoetkoming"].range[0] > 0
