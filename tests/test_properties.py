"""Property tests: the rules hold their shape for any household, not just the worked examples."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simlib
from simlib.parameters import SUPPORTED_YEARS

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CARE = st.one_of(
    st.none(),
    st.builds(
        lambda t, h, pr: {"type": t, "hours_per_month": h, "hourly_price": pr},
        st.sampled_from(["dagopvang", "bso", "gastouderopvang"]),
        st.integers(0, 260),
        st.floats(0, 15, allow_nan=False).map(lambda x: round(x, 2)),
    ),
)


@st.composite
def households(draw):
    year = draw(st.sampled_from(SUPPORTED_YEARS))
    couple = draw(st.booleans())
    persons = [{"id": "a", "age": draw(st.integers(18, 90)), "income": draw(st.integers(0, 120_000)), "assets": draw(st.integers(0, 60_000))}]
    if couple:
        persons.append(
            {"id": "b", "age": draw(st.integers(18, 90)), "income": draw(st.integers(0, 60_000)), "spouse": "a",
             "works": draw(st.booleans()), "insured": draw(st.booleans())}
        )
    parents = ["a", "b"] if couple else ["a"]
    for k in range(draw(st.integers(0, 3))):
        age = draw(st.integers(0, 17))
        child = {"id": f"k{k}", "age": age, "parents": parents, "birth_month": draw(st.integers(1, 12))}
        care = draw(CARE) if age <= 12 else None
        if care:
            child["childcare"] = care
        persons.append(child)
    if draw(st.booleans()):
        persons.append({"id": "z", "age": draw(st.integers(18, 40)), "income": draw(st.integers(0, 40_000)), "lodger": draw(st.booleans())})
    hh = {"year": year, "persons": persons}
    if draw(st.booleans()):
        hh["rent"] = {"bare_rent": draw(st.integers(0, 1200)), "service_costs": draw(st.integers(0, 80))}
    return hh


@SETTINGS
@given(households())
def test_amounts_are_never_negative(hh):
    r = simlib.calculate_household(hh, explain=False)
    for allowance in simlib.ALLOWANCES:
        assert r["annual"][allowance] >= 0
        assert r["monthly"][allowance] >= 0


@SETTINGS
@given(households(), st.integers(1, 30_000))
def test_amounts_do_not_rise_with_income(hh, extra):
    before = simlib.calculate_household(hh, explain=False)
    richer = copy.deepcopy(hh)
    richer["persons"][0]["income"] += extra
    after = simlib.calculate_household(richer, explain=False)
    for allowance in simlib.ALLOWANCES:
        assert after["annual"][allowance] <= before["annual"][allowance], allowance


@SETTINGS
@given(households(), st.randoms(use_true_random=False))
def test_order_of_persons_does_not_matter(hh, rnd):
    shuffled = copy.deepcopy(hh)
    rnd.shuffle(shuffled["persons"])
    a = simlib.calculate_household(hh)
    b = simlib.calculate_household(shuffled)
    assert a["annual"] == b["annual"] and a["monthly"] == b["monthly"]
    assert {k: v["toeslagpartner"] for k, v in a["persons"].items()} == {k: v["toeslagpartner"] for k, v in b["persons"].items()}


@SETTINGS
@given(st.sampled_from(SUPPORTED_YEARS), st.integers(0, 80_000), st.integers(0, 80_000), st.integers(0, 3), st.booleans())
def test_partners_are_symmetric(year, inc_a, inc_b, n_kids, rent):
    def household(first, second, spouse_on):
        persons = [
            {"id": "a", "age": 40, "income": first},
            {"id": "b", "age": 38, "income": second},
        ]
        persons[spouse_on]["spouse"] = "b" if spouse_on == 0 else "a"
        persons += [{"id": f"k{i}", "age": 3 + i, "parents": ["a", "b"]} for i in range(n_kids)]
        hh = {"year": year, "persons": persons}
        if rent:
            hh["rent"] = {"bare_rent": 700}
        return hh

    r1 = simlib.calculate_household(household(inc_a, inc_b, 0))
    r2 = simlib.calculate_household(household(inc_b, inc_a, 1))
    assert r1["annual"] == r2["annual"]
    assert r1["persons"]["a"]["toeslagpartner"] == "b" and r1["persons"]["b"]["toeslagpartner"] == "a"


@SETTINGS
@given(st.sampled_from(SUPPORTED_YEARS), st.integers(0, 15_000), st.booleans())
def test_asset_limit_is_a_cliff(year, income, couple):
    p = simlib.load_parameters(year)
    persons = [{"id": "a", "age": 40, "income": income}]
    if couple:
        persons.append({"id": "b", "age": 40, "spouse": "a"})
    persons.append({"id": "k", "age": 5, "parents": ["a", "b"] if couple else ["a"]})
    key = "partners" if couple else "alleenstaande"
    for allowance, limit in (
        ("zorgtoeslag", getattr(p.awir.vermogensgrens.zorgtoeslag, key)),
        ("kindgebonden_budget", getattr(p.awir.vermogensgrens.kindgebonden_budget, key)),
        ("huurtoeslag", getattr(p.awir.vermogensgrens.huurtoeslag, key)),
    ):
        def run(assets):
            ps = copy.deepcopy(persons)
            ps[0]["assets"] = assets
            return simlib.calculate_household({"year": year, "persons": ps, "rent": {"bare_rent": 600}}, explain=False)["annual"][allowance]

        assert run(limit) > 0, (allowance, year, limit)
        assert run(limit + 1) == 0, (allowance, year, limit)
