"""The uitvoeringstoets indicators against direct computation on a small population, and the report interfaces."""

import json
from datetime import date

import numpy as np
import pytest

from simlib.analysis.complexity import assess, load_thresholds, rate
from simlib.analysis.complexity.indicators import earliest_start, fraud_gain
from simlib.engine.household_input import parse_household, to_population
from simlib.engine.simulate import simulate
from simlib.errors import InputError
from simlib.face.cli import main
from simlib.parameters import load_parameters
from simlib.parameters.scenario import current_law, list_scenarios, load_scenario
from simlib.population.build import cached_population
from simlib.rules import ALLOWANCES
from simlib.rules.partner import MINDERJARIG_KIND

YEAR = 2024


@pytest.fixture(scope="module")
def pop():
    return cached_population(YEAR, 20_000)


@pytest.fixture(scope="module")
def base_sim(pop):
    return simulate(pop, load_parameters(YEAR))


def weighted_households(pop, person_mask):
    hh = np.zeros(pop.n_households, dtype=bool)
    hh[pop.persons["household"][person_mask]] = True
    return float(pop.households["weight"][hh].sum())


def test_dropping_criterion_e_changes_the_partner_of_exactly_the_households_that_met_it(pop, base_sim):
    a = assess(load_scenario("partner-zonder-criterium-e"), population=pop, year=YEAR, repayment_seeds=0)
    # partners by criterion 2e who were not also partners last year (criterion f, which comes after e, would keep them)
    P, partner = pop.persons, base_sim.persons["partner"]
    mate = np.maximum(partner, 0)
    also_f = (P["partner_last_year"] == partner) | (P["partner_last_year"][mate] == np.arange(pop.n_persons))
    direct = weighted_households(pop, (base_sim.persons["criterion"] == MINDERJARIG_KIND) & ~also_f)
    assert direct > 0
    assert a.details["citizens"]["partner_changes"] == pytest.approx(direct)


def test_couples_only_cases_are_the_households_whose_partnership_the_declaration_ends(pop, base_sim):
    sc = load_scenario("partner-criterium-e-alleen-stellen")
    a = assess(sc, population=pop, year=YEAR, repayment_seeds=0)
    reform = simulate(pop, sc.parameter_set(YEAR))
    direct = weighted_households(pop, reform.persons["partner"] != base_sim.persons["partner"])
    cases = next(m for m in a.details["manual_cases"] if m["input"] == "geen_stel")
    assert cases["baseline"] == 0 and cases["reform"] == pytest.approx(direct) and direct > 0
    assert any(d["input"] == "geen_stel" and d["status"] == "new" and d["person_check"] for d in a.details["data_needs"])


def test_entitlement_counts_equal_two_direct_runs(pop, base_sim):
    sc = load_scenario("vermogensgrens-huurtoeslag-als-zorgtoeslag")
    a = assess(sc, population=pop, year=YEAR, repayment_seeds=0)
    reform = simulate(pop, sc.parameter_set(YEAR))
    w = pop.households["weight"]
    rows = {r["allowance"]: r for r in a.details["citizens"]["per_allowance"]}
    for al in ALLOWANCES:
        eb, er = base_sim.households[al] > 0, reform.households[al] > 0
        assert rows[al]["newly_entitled"] == pytest.approx(float(w[~eb & er].sum()))
        assert rows[al]["no_longer_entitled"] == pytest.approx(float(w[eb & ~er].sum()))
        assert rows[al]["expected_new_applications"] <= rows[al]["newly_entitled"] + 1e-6
    assert rows["huurtoeslag"]["newly_entitled"] > 0
    assert a.details["citizens"]["decisions"] == pytest.approx(sum(r["decisions"] for r in rows.values()))


def test_rent_cap_removes_the_fraud_gain_of_declaring_the_rent_at_the_limit():
    """A single tenant above the 2024 limit: under the exclusion, declaring the rent at the limit gains exactly the
    huurtoeslag at the limit (computed independently with the household calculator); with the cap it gains nothing."""
    import simlib

    limit = load_parameters(YEAR).huurtoeslag.maximale_huurgrens.bedrag
    household = {"year": YEAR, "persons": [{"id": "a", "age": 40, "income": 18_000}], "rent": {"bare_rent": limit + 60}}
    at_limit = simlib.calculate_household({**household, "rent": {"bare_rent": limit}}, explain=False)["annual"]["huurtoeslag"]
    assert simlib.calculate_household(household, explain=False)["annual"]["huurtoeslag"] == 0 and at_limit > 0
    one, _ = to_population(parse_household(household))
    p = load_parameters(YEAR)
    assert fraud_gain("rent_at_limit", simulate(one, p, take_up={}), p, 1)["max_gain"] == pytest.approx(at_limit)
    cap = load_scenario("huurgrens-als-aftopping").parameter_set(YEAR)
    assert fraud_gain("rent_at_limit", simulate(one, cap, take_up={}), cap, 1)["households"] == 0


def test_phase_out_is_recognised_as_the_variant_and_adds_exact_assets(pop):
    a = assess(load_scenario("vermogenstoets-geleidelijke-afbouw"), population=pop, year=YEAR, repayment_seeds=0)
    assert a.details["rule_diff"]["variants"] == [{"group": "vermogenstoets", "baseline": "harde_grens", "reform": "geleidelijke_afbouw"}]
    assert [d["input"] for d in a.details["data_needs"] if d["status"] == "new"] == ["vermogen_exact"]
    near = {n["cliff"]: n for n in a.details["near_cliffs"]}
    assert near["vermogensgrens huurtoeslag"]["reform"] == 0 < near["vermogensgrens huurtoeslag"]["baseline"]


def test_against_itself_everything_is_beperkt(pop):
    a = assess(current_law(YEAR), population=pop, year=YEAR, repayment_seeds=0, decision_date=date(2026, 11, 27))
    assert {r["rating"] for r in a.box if r["key"] != "invoering"} == {"beperkt"}
    assert a.rating("invoering") == "2028-01-01"


def test_ratings_follow_the_thresholds_the_author_sets(pop, tmp_path):
    sc = load_scenario("huurgrens-als-aftopping")
    assert rate(49_999, [50_000, 500_000]) == "beperkt" and rate(50_000, [50_000, 500_000]) == "middelgroot"
    own = tmp_path / "th.yaml"
    own.write_text("dimensions:\n  interactie_burgers:\n    thresholds: [1, 2]\n")
    a = assess(sc, population=pop, year=YEAR, repayment_seeds=0, thresholds=own)
    assert a.rating("interactie_burgers") == "ingrijpend"
    assert next(r for r in a.box if r["key"] == "interactie_burgers")["thresholds"] == [1, 2]


@pytest.mark.parametrize("text, where", [("dimensions:\n  nonsense: {thresholds: [1, 2]}\n", "dimensions.nonsense"),
                                         ("dimensions:\n  handhaafbaarheid: {thresholds: [5, 1]}\n", "handhaafbaarheid.thresholds"),
                                         ("extra: 1\n", "extra"), ("near_threshold_band: 3\n", "near_threshold_band")])
def test_bad_thresholds_files_name_the_key(tmp_path, text, where):
    f = tmp_path / "t.yaml"
    f.write_text(text)
    with pytest.raises(InputError, match=where):
        load_thresholds(f)


@pytest.mark.parametrize("decision, lead, expected", [(date(2026, 11, 27), 9, date(2028, 1, 1)),
                                                      (date(2027, 5, 15), 9, date(2029, 1, 1)),
                                                      (date(2027, 7, 1), 3, date(2029, 1, 1)),
                                                      (date(2027, 1, 1), 12, date(2028, 1, 1))])
def test_earliest_start_fits_the_yearly_release(decision, lead, expected):
    assert earliest_start(decision, lead, {"month": 6, "day": 1})[0] == expected


def test_cli_writes_markdown_html_and_json(tmp_path, pop):
    out = tmp_path / "r"
    assert main(["complexity", "partner-zonder-criterium-e", "--out", str(out), "--year", str(YEAR), "--repayment-runs", "0",
                 "--population", str(pop.meta["path"]), "--decision-date", "2026-11-27"]) == 0
    data = json.loads((out / "complexity.json").read_text())
    assert [r["label"] for r in data["box"]][0] == "Gevolgen overall" and data["box"][-1]["label"] == "Invoering mogelijk per"
    md = (out / "report.md").read_text()
    for part in ("Interactie burgers/bedrijven", "Maakbaarheid systemen", "Handhaafbaarheid", "Fraudebestendigheid",
                 "Complexiteitsgevolgen", "Risico procesverstoringen", "Invoering mogelijk per"):
        assert part in md
    assert "<table" in (out / "report.html").read_text()


def test_cli_errors_are_one_line(capsys):
    assert main(["complexity", "--out", "/tmp/x"]) == 2
    assert main(["complexity", "no-such-scenario.yaml", "--out", "/tmp/x"]) == 2
    assert "not found" in capsys.readouterr().err


def test_a_report_exists_for_every_shipped_proposal():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs" / "uitvoeringstoetsen"
    for path in list_scenarios():
        if not path.stem.startswith("baseline-"):
            assert (docs / path.stem / "report.md").exists(), f"no report for {path.stem}: run simlib complexity --all --out docs/uitvoeringstoetsen"
