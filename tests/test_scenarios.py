"""Scenario files: every shipped one loads; malformed ones get a clear error naming file and key."""

import string

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simlib.errors import SimlibError
from simlib.parameters.scenario import VARIANTS, list_scenarios, load_scenario

SCENARIOS = list_scenarios()


def test_there_are_baselines_for_every_year_and_the_required_proposals():
    names = {p.stem for p in SCENARIOS}
    assert {f"baseline-{y}" for y in range(2020, 2027)} <= names
    for required in ("vermogensgrens-huurtoeslag-als-zorgtoeslag", "vermogensgrenzen-heffingvrij-vermogen", "vermogenstoets-geleidelijke-afbouw",
                     "huurgrens-als-aftopping", "huurgrens-afschaffen", "partner-zonder-criterium-e", "partner-criterium-e-alleen-stellen",
                     "partner-vrouwenopvang", "kot-ontkoppeling-gewerkte-uren", "kot-koppeling-gewerkte-uren-terug"):
        assert required in names, required
    assert len(names) >= 7 + 10 + 2


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_loads_for_every_year(path):
    s = load_scenario(path)
    assert s.name and s.description and s.year
    for year in range(2020, 2027):
        s.parameter_set(year)


def test_stacking_applies_both(tmp_path):
    s = load_scenario("scenarios/partnerdefinitie-herzien.yaml")
    assert s.parameters["awir.toeslagpartner.criterium_minderjarig_kind_alleen_stellen"] is True
    assert s.parameters["awir.toeslagpartner.opvang_uitzondering"] == "automatisch"
    assert len(s.files) == 3


def write(tmp_path, data, name="s.yaml"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


BASE = {"name": "x", "description": "y", "year": 2024}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"parameters": {"awir.vermogensgrens.huurtoeslag.alleenstaand": 1}}, r"s.yaml: changes.parameters.awir.vermogensgrens.huurtoeslag.alleenstaand: unknown parameter \(did you mean 'awir.vermogensgrens.huurtoeslag.alleenstaande'"),
        ({"parameters": {"zorgtoeslag.standaardpremie": "hoog"}}, r"s.yaml: changes.parameters: zorgtoeslag.standaardpremie: expected a number"),
        ({"parameters": {"kindgebonden_budget.afbouwpercentage": 250}}, r"outside the allowed range 0 to 100"),
        ({"parameters": {"huurtoeslag.maximale_huurgrens.werking": "soms"}}, r"is not one of 'uitsluiting', 'aftopping', 'geen'"),
        ({"variants": {"toeslagpartner": "zonder_e"}}, r"changes.variants.toeslagpartner: unknown variant 'zonder_e' \(did you mean 'zonder_criterium_e'\?\)"),
        ({"variants": {"toeslagpartners": "huidig"}}, r"changes.variants.toeslagpartners: unknown variant group \(did you mean 'toeslagpartner'\?\)"),
        ({"parameters": {"awir.vermogensgrens.huurtoeslag.partners": {"from": "awir.heffingvrij_vermogn"}}}, r"\.from: unknown parameter 'awir.heffingvrij_vermogn'"),
        ({"behaviour": {"take_up": {"zorgtoeslg": {"intercept_shift": 1}}}}, r"changes.behaviour.take_up.zorgtoeslg: unknown allowance \(did you mean 'zorgtoeslag'"),
        ({"paramters": {}}, r"s.yaml: changes.paramters: unknown key \(did you mean 'parameters'\?\)"),
    ],
)
def test_bad_scenario_names_file_and_key(tmp_path, changes, message):
    path = write(tmp_path, dict(BASE, changes=changes))
    with pytest.raises(SimlibError, match=message):
        load_scenario(path)


def test_other_file_errors(tmp_path):
    with pytest.raises(SimlibError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(SimlibError, match=r"not valid YAML \(line"):
        load_scenario(write(tmp_path, "name: [x\n"))
    with pytest.raises(SimlibError, match=r"year: 2031 is not supported"):
        load_scenario(write(tmp_path, dict(BASE, year=2031)))
    with pytest.raises(SimlibError, match=r"description: required key is missing"):
        load_scenario(write(tmp_path, {"name": "x"}))
    with pytest.raises(SimlibError, match=r"stack\[0\]: .*scenario file not found"):
        load_scenario(write(tmp_path, dict(BASE, stack=["missing.yaml"])))
    path = write(tmp_path, dict(BASE, stack=["s.yaml"]))
    with pytest.raises(SimlibError, match="stacks on itself"):
        load_scenario(path)


# --- thousands of malformed scenario files: always a SimlibError with the file name, never anything else ---
PATHS = ["zorgtoeslag.standaardpremie", "awir.vermogensgrens.huurtoeslag.alleenstaande", "huurtoeslag.maximale_huurgrens.werking",
         "kinderopvangtoeslag.inkomenstabel", "awir.toeslagpartner.criterium_minderjarig_kind", "zorgtoeslag.standaardpremi", "x", ""]
junk = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | st.text(string.printable, max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(string.ascii_lowercase + "._", max_size=10), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def malformed(draw):
    data = {"name": draw(st.one_of(st.text(max_size=5), junk)), "description": draw(st.one_of(st.just("d"), junk))}
    if draw(st.booleans()):
        data["year"] = draw(st.one_of(st.integers(1990, 2040), junk))
    changes = {}
    if draw(st.booleans()):
        changes["parameters"] = draw(st.dictionaries(st.sampled_from(PATHS) | st.text(max_size=8), junk, max_size=3))
    if draw(st.booleans()):
        changes["variants"] = draw(st.dictionaries(st.sampled_from(list(VARIANTS)) | st.text(max_size=5), st.text(max_size=12) | junk, max_size=2))
    if draw(st.booleans()):
        changes["behaviour"] = draw(junk)
    if draw(st.booleans()):
        changes[draw(st.text(max_size=6))] = draw(junk)
    data["changes"] = changes if draw(st.booleans()) else draw(junk)
    if draw(st.booleans()):
        data["stack"] = draw(st.one_of(st.lists(st.text(max_size=8), max_size=2), junk))
    return data


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(malformed())
@example({"name": "0", "description": "d", "changes": {"parameters": {"\n": None}}})  # found by CI: a key with a line break
@example({"name": "0", "description": "d", "changes": {"variants": {"a\tb": "x"}, "behaviour": {"take_up": {"\r": {}}}}})
def test_malformed_scenarios_get_a_clear_error(tmp_path, data):
    path = tmp_path / "m.yaml"
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except Exception:
        return
    path.write_text(text, encoding="utf-8")
    try:
        load_scenario(path)
    except SimlibError as exc:
        assert str(path) in str(exc) or "scenario" in str(exc), str(exc)
        assert "\n" not in str(exc)
