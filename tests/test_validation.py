"""The model beside the published estimates: the document is in step with the estimates, the measures are right."""

from pathlib import Path

import numpy as np
import pytest

from simlib.analysis.validation import load_estimates, validate, year_measure
from simlib.parameters.scenario import list_scenarios

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def test_every_estimate_has_a_source_a_quote_and_a_comparator():
    scenarios = {p.stem for p in list_scenarios()}
    for e in load_estimates():
        assert len(e.source) > 10 and len(e.quote) > 10, e.id
        assert e.scenario is None or e.scenario in scenarios, e.id


def test_the_document_lists_every_estimate_and_every_shipped_proposal():
    text = DOC.read_text()
    for e in load_estimates():
        assert f"### {e.id}" in text, f"docs/validation.md is stale: run simlib validate-proposals --out docs/validation.md ({e.id})"
    for p in list_scenarios():
        if not p.stem.startswith("baseline-"):
            assert p.stem in text, p.stem


def test_a_validation_row_is_computed_from_the_model():
    est = [e for e in load_estimates() if e.id == "jongerenleeftijd-21-2020-newly-entitled"]
    table = validate(est, seeds=1)
    row = table.iloc[0]
    assert row.published == 14_000 and row.low <= row.model <= row.high
    assert row.deviation == pytest.approx(row.model / 14_000 - 1)


def test_year_measures_count_what_they_say():
    from simlib.analysis.repayments.year import CAUSES, YearResult

    claimants = {a: np.array([0, 1, 2, 3]) for a in ("huurtoeslag",)}
    res = YearResult(claimants=claimants, advance={"huurtoeslag": np.ones(4)}, final={"huurtoeslag": np.ones(4)},
                     repayment={"huurtoeslag": np.array([0.0, 600.0, 800.0, 0.0])},
                     backpayment={"huurtoeslag": np.array([0.0, 0.0, 0.0, 5.0])},
                     cause={"huurtoeslag": np.array([0, CAUSES.index("inkomen"), CAUSES.index("huur"), 0], dtype=np.int8)},
                     repayment_total=np.zeros(4), problematic=np.zeros(4, dtype=bool), capacity=np.zeros(4), weight=np.array([1.0, 1.0, 3.0, 5.0]))
    assert year_measure(res, "repayment_share.huurtoeslag") == pytest.approx(4 / 10)
    assert year_measure(res, "backpayment_share.huurtoeslag") == pytest.approx(5 / 10)
    assert year_measure(res, "repayment_cause_share.huurtoeslag.inkomen") == pytest.approx(1 / 4)
    assert year_measure(res, "repayment_cause_share.huurtoeslag.inkomen+huur") == pytest.approx(1.0)
    assert year_measure(res, "repayment_count.huurtoeslag") == pytest.approx(4.0)
    assert year_measure(res, "repayment_amount.huurtoeslag") == pytest.approx(600 + 3 * 800)
    assert year_measure(res, "mean_repayment.huurtoeslag") == pytest.approx((600 + 3 * 800) / 4)
    assert year_measure(res, "repayment_amount_share.huurtoeslag") == pytest.approx((600 + 3 * 800) / 10)
    assert year_measure(res, "backpayment_count.huurtoeslag") == pytest.approx(5.0)
    assert year_measure(res, "backpayment_amount.huurtoeslag") == pytest.approx(25.0)
    with pytest.raises(Exception, match="unknown allowance"):
        year_measure(res, "repayment_count.zorgtoeslag")


def test_the_indexed_comparator_brings_incomes_and_rents_back_by_the_populations_growth():
    from simlib.analysis.validation import deflated
    from simlib.population import build

    now = build.cached_population(2026, 20_000, build.DEFAULT_SEED)
    then = build.cached_population(2025, 20_000, build.DEFAULT_SEED)
    back = deflated(now, 2025)
    earning = back.persons["income"] > 0
    renting = back.households["renter"]
    # the deflated 2026 households have the mean income and rent of the 2025 households, nothing else moves
    assert back.persons["income"][earning].mean() == pytest.approx(then.persons["income"][then.persons["income"] > 0].mean())
    assert back.households["bare_rent"][renting].mean() == pytest.approx(then.households["bare_rent"][then.households["renter"]].mean())
    assert np.array_equal(back.persons["age"], now.persons["age"]) and np.array_equal(back.households["weight"], now.households["weight"])
    assert np.array_equal(deflated(now, 2026).persons["income"], now.persons["income"])
