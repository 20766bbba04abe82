"""The budget window: projected parameters, uprated populations, phase-in and ``compare --years``."""

import json
import math
import subprocess
import sys

import pytest

from simlib.errors import InputError
from simlib.parameters import load_parameters, parameter_tree
from simlib.parameters.indexation import PROJECTED_YEARS, projections, rule_for
from simlib.parameters.scenario import load_scenario


def test_written_values_win_over_the_index():
    # announced and enacted 2027 amounts are used as written, not indexed
    p = load_parameters(2027)
    assert p.zorgtoeslag.drempelinkomen == 30910
    assert p.kindgebonden_budget.alleenstaande_ouderkop == 3505
    assert p.kinderopvangtoeslag.maximum_uurprijs.dagopvang == pytest.approx(11.60)
    assert p.zorgtoeslag.normpremie.percentage_boven_drempelinkomen == pytest.approx(0.1376)  # Stb. 2025, 412
    assert load_parameters(2028).kindgebonden_budget.afbouwpercentage == pytest.approx(0.085)  # Wkgb art. 3 lid 5


def test_projected_amounts_follow_their_index():
    proj = projections()
    g = proj.growth
    # the standaardpremie follows the premium: 2026 value x growth 2027 x growth 2028 (independently computed)
    expected = round(2119 * (1 + g["zorgpremie"][2027] / 100) * (1 + g["zorgpremie"][2028] / 100))
    assert load_parameters(2028).zorgtoeslag.standaardpremie == expected
    # the drempelinkomen of 2028 moves from the announced 2027 value with the minimum wage
    assert load_parameters(2028).zorgtoeslag.drempelinkomen == round(30910 * (1 + g["minimumloon"][2028] / 100))
    # the rent limit with the rent development, in cents
    huur = 932.93 * (1 + g["huurprijs"][2027] / 100) * (1 + g["huurprijs"][2028] / 100)
    assert load_parameters(2028).huurtoeslag.maximale_huurgrens.bedrag == pytest.approx(math.floor(huur * 100 + 0.5) / 100)
    # tax brackets move, the rates do not
    t26, t30 = load_parameters(2026).inkomstenbelasting.tarief, load_parameters(2030).inkomstenbelasting.tarief
    assert (t30[:, 1] == t26[:, 1]).all() and t30[1, 0] > t26[1, 0]


def test_every_projected_value_says_so():
    for y in PROJECTED_YEARS:
        entries = load_parameters(y).entries
        for path, e in entries.items():
            assert e.status != "projected" or e.source.startswith("projected:"), path
        projected = [p for p, e in entries.items() if e.status == "projected"]
        assert "zorgtoeslag.standaardpremie" in projected
    assert load_parameters(2027).entries["zorgtoeslag.drempelinkomen"].status == "secondary"  # announced, written


def test_only_amounts_have_an_index():
    tree = parameter_tree()
    assert rule_for("zorgtoeslag.drempelinkomen")[0] == "minimumloon"
    assert rule_for("huurtoeslag.maximale_huurgrens.bedrag")[0] == "huurprijs"
    assert rule_for("kindgebonden_budget.bedrag_per_kind.eerste_kind")[0] == "tabelcorrectiefactor"
    assert tree["kindgebonden_budget.afbouwpercentage"].unit == "percent"
    assert load_parameters(2030).kindgebonden_budget.afbouwpercentage == load_parameters(2028).kindgebonden_budget.afbouwpercentage
    assert rule_for("huurtoeslag.verlaging_eigen_bijdrage") is None  # set by the WVEB year by year, no index
    assert load_parameters(2030).huurtoeslag.verlaging_eigen_bijdrage == pytest.approx(47.57)


def test_a_bad_projections_file_is_refused(tmp_path):
    from simlib.parameters.indexation import use_projections

    bad = tmp_path / "p.yaml"
    bad.write_text("description: x\nseries:\n  cpi: {description: abc, growth: {2027: 900}, source: {2027: x}}\n")
    with pytest.raises(InputError, match="p.yaml"):
        use_projections(bad)
    assert load_parameters(2027).zorgtoeslag.drempelinkomen == 30910  # the bundled file is still in use


def test_another_projections_file_moves_the_projected_years(tmp_path):
    from simlib.parameters import indexation

    text = indexation.DEFAULT_PROJECTIONS.read_text(encoding="utf-8").replace("growth: {2027: 8.0, 2028: 4.5", "growth: {2027: 8.0, 2028: 10.0")
    alt = tmp_path / "alt.yaml"
    alt.write_text(text, encoding="utf-8")
    before = load_parameters(2028).zorgtoeslag.standaardpremie
    try:
        indexation.use_projections(alt)
        after = load_parameters(2028).zorgtoeslag.standaardpremie
    finally:
        indexation.use_projections(None)
    assert after == pytest.approx(before / 1.045 * 1.10, abs=1.0)
    assert load_parameters(2028).zorgtoeslag.standaardpremie == before


def test_phase_in_moves_a_share_of_the_way(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: t\ndescription: phased\nyear: 2027\nstack: [afbouw-kgb-halveren.yaml]\nphase_in: {2027: 0.25, 2029: 1}\n")
    sc = load_scenario(f)
    assert sc.share(2026) == 0 and sc.share(2028) == 0.25 and sc.share(2030) == 1
    assert sc.phased(2026).parameters == {}
    full = 8.50 / 2  # the 2028 afbouwpercentage halved
    assert sc.phased(2028).parameters["kindgebonden_budget.afbouwpercentage"] == pytest.approx(8.50 + 0.25 * (full - 8.50))
    assert sc.phased(2029).parameters["kindgebonden_budget.afbouwpercentage"] == pytest.approx(full)


def test_phase_in_mixes_step_tables_on_their_bounds():
    sc = load_scenario("kot-96-procent-ingroei-2027-2029")
    law = load_parameters(2028).kinderopvangtoeslag.inkomenstabel
    mixed = sc.phased(2028).parameter_set(2028).kinderopvangtoeslag.inkomenstabel
    # the highest income: two thirds of the way from the law's percentage to 96%
    assert mixed[-1, 1] == pytest.approx(law[-1, 1] + 0.6667 * (0.96 - law[-1, 1]), abs=1e-6)
    assert sc.phased(2029).parameter_set(2029).kinderopvangtoeslag.inkomenstabel.tolist() == [[0, 0.96, 0.96]]


def test_bad_phase_in_is_refused(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: t\ndescription: d\nphase_in: {2027: 1.5}\n")
    with pytest.raises(InputError, match="phase_in.2027"):
        load_scenario(f)
    f.write_text("name: t\ndescription: d\nphase_in: {2040: 1}\n")
    with pytest.raises(InputError, match="phase_in.2040"):
        load_scenario(f)


def test_budget_window_command(tmp_path):
    out = tmp_path / "w"
    r = subprocess.run([sys.executable, "-m", "simlib.face.cli", "compare", "kot-96-procent-ingroei-2027-2029", "--years", "2026-2029",
                        "--repayment-runs", "1", "--out", str(out)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    w = json.loads((out / "window.json").read_text())
    rows = {row["year"]: row for row in w["per_year"]}
    assert rows[2026]["cost"] == 0 and rows[2026]["share_in_force"] == 0  # not in force before its first year
    assert 0 < rows[2027]["cost"] < rows[2028]["cost"] < rows[2029]["cost"]  # each step costs more
    assert w["total"]["cost"] == pytest.approx(sum(r["cost"] for r in w["per_year"]))
    assert {"behavioural_cost", "repayments_ge_500_change"} <= set(w["total"])
    assert rows[2028]["parameters"] == "projected" and rows[2026]["parameters"] == "enacted"
    assert (out / "report.html").read_text().count("<tr>") >= 6 and (out / "window.csv").exists()


def test_years_are_checked():
    from simlib.analysis.window import parse_years

    assert parse_years("2026-2030") == [2026, 2027, 2028, 2029, 2030]
    for bad in ("2026-2040", "twenty", "2019", ""):
        with pytest.raises(InputError, match="--years"):
            parse_years(bad)


@pytest.mark.parametrize("name, key", [("voorzichtig-voorschot", "voorschot_korting"), ("inkomensindexatie-jaarovergang", "inkomen_opslag"),
                                       ("correctie-voorschotten", "actuele_gegevens")])
def test_advance_levers_lower_repayments_and_raise_behavioural_take_up(name, key):
    from simlib.analysis.compare import compare
    from simlib.population.build import cached_population

    sc = load_scenario(name)
    assert sc.repayments[key] > 0
    c = compare(sc, population=cached_population(2026), year=2026, seeds=0, repayment_seeds=1, marginal=False)
    assert c.cost["total"].change == 0  # the final award does not change
    assert c.repayments.change["count_ge_500"] < 0
    assert c.behaviour["take_up_response"] > 0  # a lower repayment risk: more claim


def test_reminder_letters_raise_take_up_in_both_models():
    from simlib.analysis.compare import compare
    from simlib.population.build import cached_population

    c = compare(load_scenario("attenderingsbrieven-zorgtoeslag"), population=cached_population(2023), year=2023, seeds=0,
                repayment_seeds=1, marginal=False)
    assert 40_000 < c.recipients["zorgtoeslag"].change < 75_000  # about the 56,000 claims of the letters of 2024
    assert c.behaviour["behavioural_cost"] > 0.5 * c.cost["total"].change > 0


def test_every_shipped_proposal_in_one_command(tmp_path):
    import csv

    from simlib.parameters.scenario import list_scenarios

    out = tmp_path / "all"
    r = subprocess.run([sys.executable, "-m", "simlib.face.cli", "compare", "--all", "--years", "2026-2027", "--repayment-runs", "0",
                        "--out", str(out)], check=False, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader((out / "overview.csv").open()))
    shipped = {p.stem for p in list_scenarios() if not p.stem.startswith("baseline-")}
    assert {row["scenario"] for row in rows} == shipped
    for row in rows:
        assert float(row["total_mln"]) == pytest.approx(float(row["2026_mln"]) + float(row["2027_mln"]), abs=1e-6)
        assert (out / row["scenario"] / "window.json").exists()
    directe = next(row for row in rows if row["scenario"] == "kot-directe-financiering-2029")
    assert float(directe["2026_mln"]) == float(directe["2027_mln"]) == 0  # phased in from 2029
