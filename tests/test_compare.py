"""Impact analysis: the known directions hold, a scenario against itself changes nothing, outputs are complete."""

import json
import subprocess
import sys

import numpy as np
import pytest

from simlib.analysis.compare import compare
from simlib.parameters.scenario import load_scenario
from simlib.population.build import DEFAULT_DIR
from simlib.population.store import load_population
from simlib.rules.partner import MINDERJARIG_KIND


@pytest.fixture(scope="module")
def pop():
    return load_population(DEFAULT_DIR)


def run(name, pop, year=2020, **kw):
    kw.setdefault("repayment_seeds", 1)
    return compare(load_scenario(f"scenarios/{name}.yaml"), population=pop, year=year, **kw)


@pytest.mark.parametrize("name", ["huurgrens-als-aftopping", "huurgrens-afschaffen", "vermogensgrens-huurtoeslag-als-zorgtoeslag"])
def test_relaxing_scenarios_create_no_losers(pop, name):
    c = run(name, pop)
    assert c.summary["losers"] == 0
    assert c.summary["winners"] > 0
    assert c.summary["cost"]["huurtoeslag"]["change"] > 0


def test_no_cap_costs_at_least_as_much_as_the_cap(pop):
    cap = run("huurgrens-als-aftopping", pop).summary["cost"]["total"]["change"]
    none = run("huurgrens-afschaffen", pop).summary["cost"]["total"]["change"]
    assert none >= cap > 0


def test_dropping_criterion_e_changes_only_partnerships_based_on_it(pop):
    c = run("partner-zonder-criterium-e", pop)
    before, after = c.baseline.persons, c.reform.persons
    changed = before["partner"] != after["partner"]
    assert changed.any()
    assert np.all(before["criterion"][changed] == MINDERJARIG_KIND)
    # every partnership through criterion e is gone
    assert not np.any(after["criterion"] == MINDERJARIG_KIND)
    assert c.summary["partner_changes"]["households"] > 0


def test_couples_only_keeps_couples(pop):
    c = run("partner-criterium-e-alleen-stellen", pop)
    P = pop.persons
    before, after = c.baseline.persons, c.reform.persons
    changed = np.flatnonzero(before["partner"] != after["partner"])
    assert len(changed)
    assert np.all(before["criterion"][changed] == MINDERJARIG_KIND)
    partners = before["partner"][changed]
    is_couple = (P["cohabitant"][changed] == partners) | (P["cohabitant"][partners] == changed) | (P["spouse"][changed] == partners)
    assert not is_couple.any()


def test_scenario_against_itself_changes_nothing(pop):
    s = load_scenario("scenarios/vermogenstoets-geleidelijke-afbouw.yaml")
    c = compare(s, s, population=pop, year=2020, repayment_seeds=1)
    assert c.summary["winners"] == 0 and c.summary["losers"] == 0
    assert all(v["change"] == 0 for v in c.summary["cost"].values())
    assert all(v["change"] == 0 for v in c.summary["recipients"].values())
    assert c.summary["partner_changes"]["households"] == 0


def test_decoupling_hours_in_2022_costs_money_and_creates_no_losers(pop):
    from simlib.population.build import cached_population

    p2022 = cached_population(2022, n_households=20_000)
    c = run("kot-ontkoppeling-gewerkte-uren", p2022, year=2022)
    assert c.summary["losers"] == 0 and c.summary["cost"]["kinderopvangtoeslag"]["change"] > 0


def test_summary_contract_and_report(tmp_path, pop):
    from simlib.face.impact_report import write_comparison

    c = run("vermogenstoets-geleidelijke-afbouw", pop, seeds=2)
    s = c.summary
    for key in ("year", "households", "cost", "recipients", "winners", "losers", "repayments", "interval", "provenance"):
        assert key in s
    assert set(s["cost"]) == {"zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag", "total"}
    assert {"count_ge_500", "problematic", "amount"} <= set(s["repayments"]["baseline"])
    assert s["repayments"]["status"] == "modelled"
    assert s["interval"]["seeds"] == 3 and s["interval"]["cost_change"]["min"] <= s["interval"]["cost_change"]["max"]
    assert s["provenance"]["reform_files"][0]["sha256"]
    write_comparison(c, tmp_path / "out")
    for name in ("summary.json", "report.html", "by_decile.csv", "by_household_type.csv", "by_tenure.csv", "gain_distribution.csv", "by_allowance.csv"):
        assert (tmp_path / "out" / name).exists(), name
    html = (tmp_path / "out" / "report.html").read_text()
    assert "plotly" in html and "Winners and losers by income decile" in html
    json.loads((tmp_path / "out" / "summary.json").read_text())


def test_cli_compare(tmp_path):
    out = tmp_path / "cmp"
    res = subprocess.run([sys.executable, "-m", "simlib.face.cli", "compare", "scenarios/huurgrens-als-aftopping.yaml", "--out", str(out),
                          "--population", str(DEFAULT_DIR), "--year", "2020", "--seeds", "0", "--repayment-runs", "1"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads((out / "summary.json").read_text())["losers"] == 0
    bad = subprocess.run([sys.executable, "-m", "simlib.face.cli", "compare", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "x")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "scenario file not found" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x").exists()


def test_no_interval_built_by_default_for_a_large_population(pop, monkeypatch, tmp_path):
    """Above AUTO_INTERVAL_MAX_HOUSEHOLDS the default builds no further populations (for the whole country each is a
    build of minutes and 12 GB): the summary and the report say that there is no interval and why."""
    import simlib.analysis.compare as compare_module
    import simlib.population.build as build
    from simlib.face.impact_report import write_comparison

    def no_build(*a, **k):
        raise AssertionError("a further population was built")

    monkeypatch.setattr(build, "cached_population", no_build)
    monkeypatch.setattr(compare_module, "AUTO_INTERVAL_MAX_HOUSEHOLDS", pop.n_households - 1)
    c = run("huurgrens-als-aftopping", pop, seeds=None, repayment_seeds=0)
    assert c.summary["interval"]["seeds"] == 0
    assert f"{pop.n_households:,} households" in c.summary["interval"]["method"]
    write_comparison(c, tmp_path / "out")
    assert "no interval over population seeds" in (tmp_path / "out" / "report.html").read_text()


def test_every_headline_number_carries_its_validation_status(pop, tmp_path):
    from simlib.analysis.validation import HEADLINE_MEASURES
    from simlib.face.impact_report import write_comparison

    c = run("huurtoeslag-jongerenleeftijd-21", pop, seeds=1)
    val = c.summary["validation"]
    assert set(val) == set(HEADLINE_MEASURES)
    row = val["newly_entitled.huurtoeslag"]  # published: about 14,000 (Kamervraag 2019Z21693)
    assert row["published"] == 14_000 and row["deviation"] == pytest.approx(row["model"] / 14_000 - 1)
    assert row["interval"][0] <= row["model"] <= row["interval"][1] or row["interval"][0] <= row["interval"][1]
    assert val["cost.zorgtoeslag"]["status"] == "no published counterpart"
    write_comparison(c, tmp_path / "out")
    assert "Beside the published estimates" in (tmp_path / "out" / "report.html").read_text()
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["validation"]["newly_entitled.huurtoeslag"]["published"] == 14_000
