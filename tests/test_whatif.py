"""The what-if engine: levers map to the right parameters, and its answers equal an independent compare()."""

import numpy as np
import pytest
import yaml

from simlib.analysis.compare import compare
from simlib.analysis.whatif import WhatIf, default_settings, overrides, scenario_yaml
from simlib.errors import InputError
from simlib.parameters import load_parameters
from simlib.parameters.scenario import load_scenario
from simlib.population.build import cached_population

YEAR = 2024


@pytest.fixture(scope="module")
def engine():
    return WhatIf(cached_population(YEAR, 20_000), YEAR, repayment_seed=20200101)


def test_current_law_settings_give_no_overrides():
    for year in (2020, 2022, 2024, 2026):
        assert overrides(default_settings(year), year) == {}


def test_levers_set_the_law_parameters():
    p = load_parameters(YEAR)
    ov = overrides({"vermogensgrens_huurtoeslag": 50_000, "uurprijs_dagopvang": p.kinderopvangtoeslag.maximum_uurprijs.dagopvang * 1.1,
                    "kgb_bedrag_per_kind": 3000, "vermogenstoets": "geleidelijke_afbouw", "afbouw": 20,
                    "maximale_huurgrens": "aftopping", "toeslagpartner": "zonder_criterium_e"}, YEAR)
    ht = p.awir.vermogensgrens.huurtoeslag
    assert ov["awir.vermogensgrens.huurtoeslag.alleenstaande"] == 50_000
    assert ov["awir.vermogensgrens.huurtoeslag.partners"] == round(50_000 * ht.partners / ht.alleenstaande)
    assert ov["kinderopvangtoeslag.maximum_uurprijs.buitenschoolse_opvang"] == round(p.kinderopvangtoeslag.maximum_uurprijs.buitenschoolse_opvang * 1.1, 2)
    assert all(ov[f"kindgebonden_budget.bedrag_per_kind.{r}"] == 3000 for r in ("eerste_kind", "tweede_kind", "derde_kind"))
    assert ov["awir.vermogensgrens.afbouw"] == 20
    assert ov["huurtoeslag.maximale_huurgrens.werking"] == "aftopping"
    assert ov["awir.toeslagpartner.criterium_minderjarig_kind"] is False
    load_parameters(YEAR, ov)  # every override is valid


def test_2020_child_amounts_by_rank_move_by_the_same_factor():
    p = load_parameters(2020).kindgebonden_budget.bedrag_per_kind
    ov = overrides({"kgb_bedrag_per_kind": p.eerste_kind * 2}, 2020)
    assert ov["kindgebonden_budget.bedrag_per_kind.tweede_kind"] == round(p.tweede_kind * 2)


@pytest.mark.parametrize("settings, field", [({"vermogensgrens": 1}, "vermogensgrens"), ({"toeslagpartner": "x"}, "toeslagpartner"),
                                             ({"alo_kop": -5}, "alo_kop"), ({"afbouw": float("nan")}, "afbouw"),
                                             ({"maximale_huurgrens": None}, "maximale_huurgrens")])
def test_bad_settings_name_the_lever(settings, field):
    with pytest.raises(InputError, match=field):
        overrides(settings, YEAR)


def test_no_change_answers_zero(engine):
    a = engine.evaluate({})
    assert a["cost"]["total"]["change"] == 0 and a["winners"] == 0 and a["losers"] == 0
    assert a["repayments"]["change"]["count_ge_500"] == 0
    assert np.allclose(a["by_decile"]["no change"], 1.0)


@pytest.mark.parametrize("settings", [{"vermogensgrens_huurtoeslag": 140_213, "maximale_huurgrens": "aftopping"},
                                      {"toeslagpartner": "zonder_criterium_e", "alo_kop": 2000}])
def test_answer_equals_compare_of_the_saved_scenario(engine, tmp_path, settings):
    path = tmp_path / "whatif.yaml"
    path.write_text(scenario_yaml(settings, YEAR))
    assert yaml.safe_load(path.read_text())["year"] == YEAR
    c = compare(load_scenario(path), population=engine.population, year=YEAR, repayment_seeds=1).summary
    a = engine.evaluate(settings)
    for k in ("zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag", "total"):
        assert a["cost"][k]["change"] == pytest.approx(c["cost"][k]["change"], abs=1.0)
    assert a["winners"] == pytest.approx(c["winners"]) and a["losers"] == pytest.approx(c["losers"])
    for k in ("count_ge_500", "problematic"):
        assert a["repayments"]["reform"][k] == pytest.approx(c["repayments"]["reform"][k])
    assert a["cost"]["total"]["change"] != 0


def test_repeated_answers_are_identical(engine):
    s = {"vermogenstoets": "geleidelijke_afbouw", "afbouw": 25}
    a, b = engine.evaluate(s), engine.evaluate(s)
    assert a["cost"] == b["cost"] and a["repayments"] == b["repayments"]


def test_panel_updates_figures_and_headline_in_place(engine, tmp_path):
    from simlib.face.whatif_panel import WhatIfPanel

    panel = WhatIfPanel(engine, out_dir=tmp_path)
    cost = panel.figures["cost"]
    title0, head0 = cost.layout.title.text, panel.headline.value
    panel.controls["maximale_huurgrens"].value = "geen"
    assert cost.layout.title.text != title0 and panel.headline.value != head0
    assert cost is panel.figures["cost"]  # the same widget, updated
    assert float(cost.data[0].y[1]) == pytest.approx(panel.answer["cost"]["huurtoeslag"]["change"] / 1e6)
    saved = panel.save_scenario()
    assert "huurtoeslag.maximale_huurgrens.werking: geen" in saved.read_text()
    panel.reset()
    assert cost.layout.title.text == title0


def test_panel_costs_its_settings_over_the_budget_window(engine, tmp_path):
    from simlib.face.whatif_panel import WhatIfPanel

    panel = WhatIfPanel(engine, out_dir=tmp_path)
    panel.controls["alo_kop"].value = panel.engine.defaults["alo_kop"] + 500  # EUR 500 more for every single parent
    w = panel.window(years=[2026, 2027])
    assert [r["year"] for r in w.rows] == [2026, 2027]
    # a fixed amount above the law of both years: it costs in both, and the law's own 2027 rise eats part of it
    assert w.rows[0]["cost_kindgebonden_budget"] > w.rows[1]["cost_kindgebonden_budget"] > 0
    assert "whatif-window-total" in panel.window_box.children[0]._dom_classes
