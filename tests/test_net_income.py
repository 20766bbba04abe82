"""Income tax, heffingskortingen and kinderbijslag (issue 17): published amounts of the Belastingdienst and CAK, an
independent calculation from the law texts, the SVB's kinderbijslag, and the marginale druk of a household against
the statutory rates. Expected values come from tests/cases/inkomstenbelasting.csv or are written out by hand below,
never computed by this code."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import simlib
from simlib.parameters import load_parameters
from simlib.rules import inkomstenbelasting as ib
from simlib.rules.kinderbijslag import kinderbijslag

CASES = Path(__file__).parent / "cases" / "inkomstenbelasting.csv"


def _rows():
    with open(CASES, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield pytest.param(row, id=row["case_id"])


def one_person(row) -> dict[str, float]:
    """The rules for one person as the case describes them (no partner; the youngest child under 12 for a single
    parent); what the case calls tax is box 1 tax plus premiums before the credits."""
    year = int(row["year"])
    p = load_parameters(year)
    age = np.array([int(row["age"])])
    work = float(row["work_income"] or 0)
    income = np.array([work + float(row["other_income"] or 0)])
    aow = age * 12 >= p.huurtoeslag.pensioengerechtigde_leeftijd
    child = np.array([row["single_parent"] == "1" and row["youngest_child_age"] != "" and int(row["youngest_child_age"]) < 12])
    out = ib.inkomstenbelasting(income, np.array([work]), aow, age >= year - 1946, np.array([np.nan]), np.array([-1]), age,
                                child, p.inkomstenbelasting)
    unlimited = {c: float(f(*args)[0]) for c, f, args in (
        ("algemene_heffingskorting", ib.algemene_heffingskorting, (income, aow, p.inkomstenbelasting)),
        ("arbeidskorting", ib.arbeidskorting, (np.array([work]), aow, p.inkomstenbelasting)),
        ("inkomensafhankelijke_combinatiekorting", ib.inkomensafhankelijke_combinatiekorting,
         (np.array([work]), child, aow, p.inkomstenbelasting)),
        ("ouderenkorting", ib.ouderenkorting, (income, aow, p.inkomstenbelasting)))}
    aok = float(ib.alleenstaande_ouderenkorting(aow, np.array([True]), p.inkomstenbelasting)[0])
    due = float(out["belasting"][0] + out["premies_volksverzekeringen"][0])
    credits_without_aok = sum(unlimited.values())
    return {**unlimited, "premies_volksverzekeringen": float(out["premies_volksverzekeringen"][0]),
            "belasting_en_premies": due, "netto_zonder_aok": float(income[0]) - max(0.0, due - credits_without_aok),
            "aok": aok}


@pytest.mark.parametrize("row", list(_rows()))
def test_tax_and_credits_against_published_and_independent_amounts(row):
    assert row["source"].strip()
    got = one_person(row)[row["measure"]]
    assert abs(got - float(row["expected"])) <= float(row["tolerance"]) + 1e-9, (got, row["expected"], row["notes"][:200])


def test_the_cases_cover_every_year_with_published_amounts():
    rows = [r.values[0] for r in _rows()]
    years = {r["year"] for r in rows if r["kind"] == "published"}
    assert years == {str(y) for y in range(2020, 2027)}
    assert sum(r["kind"] == "published" for r in rows) >= 30 and len(rows) >= 300


# kinderbijslag per quarter as the SVB and the Staatscourant publish it (0-5 / 6-11 / 12-17 years):
# 2022 H1 230.69 / 280.13 / 329.56 (Nibud), H2 249.31 / 302.74 / 356.16 (Stcrt. 2022, 16361);
# 2023 H1 269.76 / 327.56 / 385.37, H2 261.70 / 317.77 / 373.85; 2024 H1 279.49 / 339.38 / 399.27 (SVB),
# H2 281.69 / 342.05 / 402.41 (Stcrt. 2024, 19710)
@pytest.mark.parametrize("year, age, birth_month, expected", [
    (2022, 3, 12, 2 * 230.69 + 2 * 249.31),                 # under 6 all year
    (2023, 7, 12, 2 * 327.56 + 2 * 317.77),                 # 6-11 all year
    (2024, 14, 12, 2 * 399.27 + 2 * 402.41),                # 12-17 all year
    (2024, 5, 3, 279.49 + 339.38 + 2 * 342.05),             # turns 6 in March: the higher band from the quarter of 1 April
    (2023, 17, 8, 2 * 385.37 + 373.85),                     # turns 18 in August: nothing from the quarter of 1 October
    (2022, 11, 1, 280.13 + 329.56 + 2 * 356.16),            # turns 12 in January (after the 1st): 12 from 1 April
    (2024, 18, 6, 0.0),
])
def test_kinderbijslag_per_quarter_as_published(year, age, birth_month, expected):
    got = kinderbijslag(np.array([age]), np.array([birth_month]), load_parameters(year).kinderbijslag)[0]
    assert got == pytest.approx(expected, abs=0.005)


def test_a_single_parents_marginale_druk_is_the_sum_of_the_statutory_rates():
    """2024, a single parent of two renting at 750 a month, earning 40,000 -> 40,500: 36.97% tax and premiums,
    6.630% less algemene heffingskorting (art. 8.10), 6.51% less arbeidskorting above 39,957 (art. 8.11 lid 2 d),
    6.75% less kindgebonden budget (Wkgb art. 2 lid 7); zorgtoeslag is nil here; the huurtoeslag's part follows the
    normhuur (not a fixed rate) and is checked against the amounts."""
    hh = {"year": 2024, "persons": [{"id": "a", "age": 35, "income": 40_000}, {"id": "k1", "age": 4, "parents": ["a"]},
                                    {"id": "k2", "age": 8, "parents": ["a"]}], "rent": {"bare_rent": 750}}
    df = simlib.household_sweep(hh, income=[40_000, 40_500])
    row = df.iloc[0]
    assert row["md_belasting_en_premies"] == pytest.approx(0.3697)
    assert row["md_algemene_heffingskorting"] == pytest.approx(0.0663)
    assert row["md_arbeidskorting"] == pytest.approx(0.0651)
    assert row["md_kindgebonden_budget"] == pytest.approx(0.0675, abs=0.002)  # awards are whole euros
    assert row["md_zorgtoeslag"] == 0 and row["md_inkomensafhankelijke_combinatiekorting"] == 0  # IACK at its maximum
    ht = (df["huurtoeslag"].iloc[0] - df["huurtoeslag"].iloc[1]) / 500
    assert row["md_huurtoeslag"] == pytest.approx(ht)
    assert row["marginale_druk"] == pytest.approx(0.3697 + 0.0663 + 0.0651 + row["md_kindgebonden_budget"] + ht)


def test_net_income_adds_up_in_the_calculator():
    hh = {"year": 2025, "persons": [{"id": "a", "age": 40, "income": 45_000}, {"id": "b", "age": 38, "income": 35_000, "spouse": "a"},
                                    {"id": "c", "age": 3, "parents": ["a", "b"]}], "rent": {"bare_rent": 700}}
    r = simlib.calculate_household(hh, explain=False)
    n = r["net_income"]
    assert n["toetsingsinkomen"] == 80_000
    assert n["toeslagen"] == sum(r["annual"].values())
    assert n["netto"] == pytest.approx(80_000 - n["te_betalen"] + n["kinderbijslag"] + n["toeslagen"], abs=0.02)
    # only the lower earner with a child under 12 has the combinatiekorting: 11.45% of (35,000 - 6,145) is above the
    # maximum of 2,986 (2025, art. 8.14a lid 2); b's credits stay below b's tax and premiums, so it is used whole
    assert n["inkomensafhankelijke_combinatiekorting"] == pytest.approx(2_986)
    # kinderbijslag for a child of 3 all year, 2025: 2 x 286.45 (H1, SVB) + 2 x the second half-year's amount
    assert n["kinderbijslag"] >= 4 * 286.45 - 0.01


# Marginale druk of income tax and credits alone, 2023, as published (assets above every limit, so no toeslagen):
# modaal 49.54% (Tweede Kamer, motie 36 202 nr. 31: 36.93 + 6.095 + 6.51); Consumentenbond Geldgids 2023 ('Zoveel
# houdt u over van een euro extra'): with a child under 12, 23,201-29,000: 29%; without young children,
# 23,000-37,700: 40%; 37,700-73,000: 49%; above 73,000: 56% (rounded to whole percents)
@pytest.mark.parametrize("income, child, published", [
    (50_000, False, 49.54), (30_000, False, 40), (45_000, False, 49), (80_000, False, 56), (28_500, True, 29),
])
def test_tax_only_marginale_druk_within_one_point_of_the_published_2023_figures(income, child, published):
    persons = [{"id": "a", "age": 40, "income": income, "assets": 500_000}]
    if child:
        persons.append({"id": "k", "age": 5, "parents": ["a"]})
    df = simlib.household_sweep({"year": 2023, "persons": persons}, income=[income, income + 100])
    assert df["marginale_druk"].iloc[0] * 100 == pytest.approx(published, abs=1.0)
    assert df["toeslagen"].iloc[0] == 0 if "toeslagen" in df else df["totaal"].iloc[0] == 0
