"""Generators of bad and edge-case input, and the judge of what the library does with it.

Used by tests/test_bad_input.py (every CI run) and benchmarks/bad_input.py (the counts in the README). Each
generator is a hypothesis strategy that draws one input of a family (households, household files, scenarios,
grids, flags); :func:`judge` runs it and sorts the outcome:

- ``refused``: a :class:`~simlib.errors.SimlibError` whose message is one line, names the file or field, and is
  short — the wanted answer to bad input;
- ``accepted``: a result, which must be sane (finite, not negative, strict JSON) — the wanted answer to a legal
  edge case, and only to one;
- ``traceback`` (any other exception), ``absurd`` (a result that is not sane), ``unclear`` (a refusal that is not
  one line or names nothing) and ``hang`` (no answer within :data:`TIME_LIMIT` seconds) are failures.
"""

from __future__ import annotations

import collections
import copy
import json
import math
import signal
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from hypothesis import strategies as st

from simlib.errors import SimlibError

TIME_LIMIT = 20  # seconds for one input: far above any legal input's time
OUTCOMES: collections.Counter = collections.Counter()  # (family, outcome) -> count, for the report
FAILURES: list[tuple[str, str, str]] = []  # (family, outcome, detail), for the report


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int = TIME_LIMIT):
    def alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def judge(family: str, run: Callable[[], object], names: tuple[str, ...], sane: Callable[[object], str | None],
          expect: str | None = None) -> str:
    """Run one input; record and return its outcome (see the module docstring). ``names``: one of these must appear
    in a refusal (the file or field); ``sane(result)`` returns what is wrong with an accepted result, or None;
    ``expect``: 'refused' or 'accepted' when the generator knows which answer is right."""
    try:
        with time_limit():
            result = run()
    except Hang as exc:
        outcome, detail = "hang", str(exc)
    except SimlibError as exc:
        msg = str(exc)
        named = any(n in msg for n in names)
        outcome = "refused" if ("\n" not in msg and len(msg) <= 600 and named) else "unclear"
        detail = msg[:300]
    except RecursionError as exc:  # noqa: B014 - named so that the report shows it
        outcome, detail = "traceback", f"RecursionError: {exc}"[:300]
    except Exception as exc:  # noqa: BLE001 - any other exception is a traceback a user would see
        outcome, detail = "traceback", f"{type(exc).__name__}: {exc}"[:300]
    else:
        problem = sane(result)
        outcome, detail = ("accepted", "") if problem is None else ("absurd", problem)
    if expect and outcome in ("refused", "accepted") and outcome != expect:
        outcome, detail = f"wrongly {outcome}", detail or "expected to be refused"
    OUTCOMES[(family, outcome)] += 1
    if outcome not in ("refused", "accepted"):
        FAILURES.append((family, outcome, detail))
    return outcome


def finite_tree(obj, path: str = "") -> str | None:
    """What in ``obj`` is not a finite, non-negative-where-an-amount number, or None."""
    stack = [(path, obj)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((f"{where}.{k}", v) for k, v in node.items())
        elif isinstance(node, (list, tuple)):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            return f"{where} = {node}"
    return None


# --- households ---------------------------------------------------------------------------------------------------

BASE_HOUSEHOLD = {
    "year": 2024,
    "persons": [
        {"id": "a", "age": 38, "income": 31_000, "assets": 5_000, "hours_worked_per_month": 120},
        {"id": "b", "age": 36, "income": 12_000, "spouse": "a", "hours_worked_per_month": 80},
        {"id": "k1", "age": 2, "parents": ["a", "b"],
         "childcare": {"type": "dagopvang", "hours_per_month": 100, "hourly_price": 10.5}},
        {"id": "k2", "age": 9, "parents": ["a", "b"]},
    ],
    "rent": {"bare_rent": 720, "service_costs": 30},
}
NUMBER_FIELDS = ("age", "income", "assets", "hours_worked_per_month", "birth_month")
WRONG_VALUES = st.sampled_from([
    True, False, None, "", "35", "veel", [], [1], {}, {"a": 1}, float("nan"), float("inf"), -float("inf"),
    10**5000, -(10**5000), 1e308, -1e308, 2**63, -1, -1e12, 1e12, 0.5, "\x00", "é" * 100_000,
])


def _number(v) -> bool:
    """A number that can be compared safely (not a bool, not NaN or infinite, not an integer of 5,000 digits)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return abs(v) < 10**18 if isinstance(v, int) else math.isfinite(v)


def _set(hh: dict, path: list, value) -> dict:
    out = copy.deepcopy(hh)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


def _delete(hh: dict, path: list) -> dict:
    out = copy.deepcopy(hh)
    node = out
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return out


@st.composite
def bad_households(draw) -> tuple[dict, str]:
    """A household that must be refused, and a word the refusal must contain (the field)."""
    kind = draw(st.sampled_from([
        "wrong value", "unknown key", "missing", "not a household", "references", "impossible people", "sizes",
        "childcare", "rent", "year",
    ]))
    hh = BASE_HOUSEHOLD
    if kind == "wrong value":
        i = draw(st.integers(0, 3))
        field = draw(st.sampled_from(NUMBER_FIELDS + ("id", "works", "tenant", "spouse", "parents")))
        value = draw(WRONG_VALUES)
        if field == "hours_worked_per_month" and _number(value) and 0 <= value <= 744:
            value = True  # a legal number: swap for one that is not
        if field in ("income", "assets") and _number(value) and abs(value) <= 1e9:
            value = True
        if field == "age" and _number(value) and 0 <= value <= 120 and float(value).is_integer():
            value = "35"
        if field == "birth_month" and _number(value) and 1 <= value <= 12 and float(value).is_integer():
            value = 13
        if field == "id" and (isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool) and value.bit_length() < 200)) \
                and str(value).strip() and len(str(value)) <= 64 and str(value) not in ("a", "b", "k1", "k2"):
            value = None  # a legal new id: swap for one that is not
        if field in ("hours_worked_per_month", "birth_month") and value is None:
            value = "x"  # optional: null is legal
        if field in ("works", "tenant") and isinstance(value, bool):
            value = "ja"
        if field == "spouse" and value is None:
            value = "nobody"
        if field == "parents" and value == []:
            value = "a"
        return _set(hh, ["persons", i, field], value), "persons"
    if kind == "unknown key":
        where = draw(st.sampled_from([[], ["persons", 0], ["rent"], ["persons", 2, "childcare"]]))
        key = draw(st.sampled_from(["inkomen", "Income", "x", "", "spouse ", "__class__", "year2"]))
        return _set(hh, where + [key], 1), "unknown field"
    if kind == "missing":
        path = draw(st.sampled_from([["year"], ["persons"], ["persons", 0, "age"], ["persons", 0, "id"], ["rent", "bare_rent"],
                                     ["persons", 2, "childcare", "type"]]))
        return _delete(hh, path), "missing"
    if kind == "not a household":
        return draw(st.sampled_from([None, [], [BASE_HOUSEHOLD], "household", 42, True, 1.5])), "household"
    if kind == "references":
        case = draw(st.sampled_from(["self spouse", "unknown spouse", "unknown parent", "self parent", "duplicate id",
                                     "triangle", "same parent twice", "three parents", "relative unknown"]))
        if case == "self spouse":
            return _set(hh, ["persons", 0, "spouse"], "a"), "persons[0].spouse"
        if case == "unknown spouse":
            return _set(hh, ["persons", 1, "spouse"], "z"), "persons[1].spouse"
        if case == "unknown parent":
            return _set(hh, ["persons", 3, "parents"], ["a", "q"]), "persons[3].parents"
        if case == "self parent":
            return _set(hh, ["persons", 3, "parents"], ["k2"]), "persons[3].parents"
        if case == "duplicate id":
            return _set(hh, ["persons", 3, "id"], "k1"), "persons"
        if case == "triangle":
            out = _set(hh, ["persons", 0, "spouse"], "b")
            return _set(out, ["persons", 1, "spouse"], "k2"), "spouse"
        if case == "same parent twice":
            return _set(hh, ["persons", 3, "parents"], ["a", "a"]), "persons[3].parents"
        if case == "three parents":
            return _set(hh, ["persons", 3, "parents"], ["a", "b", "k1"]), "persons[3].parents"
        return _set(hh, ["persons", 0, "relatives"], {"nobody": "kind"}), "persons[0].relatives"
    if kind == "impossible people":
        case = draw(st.sampled_from(["young parent", "parents of each other", "minor tenant", "minor spouse",
                                     "minor alone", "child of partner", "spouse elsewhere minor"]))
        if case == "young parent":
            age = draw(st.integers(0, 9))
            out = _set(hh, ["persons", 0, "age"], age)
            return out, "persons"
        if case == "parents of each other":
            out = _set(hh, ["persons", 0, "parents"], ["b"])
            return _set(out, ["persons", 1, "parents"], ["a"]), "persons"
        if case == "minor tenant":
            return _set(hh, ["persons", draw(st.sampled_from([2, 3])), "tenant"], True), "tenant"
        if case == "minor spouse":
            return _set(hh, ["persons", 1, "age"], draw(st.integers(10, 17))), "persons"
        if case == "minor alone":
            return {"year": 2024, "persons": [{"id": "x", "age": draw(st.integers(0, 17)), "income": 0}]}, "persons[0]"
        if case == "child of partner":
            return _set(hh, ["persons", 1, "parents"], ["a"]), "persons[1].parents"
        return _set(_set(hh, ["persons", 1, "lives_elsewhere"], True), ["persons", 1, "age"], 16), "persons"
    if kind == "sizes":
        n = draw(st.sampled_from([0, 41, 500]))
        return {"year": 2024, "persons": [{"id": f"p{i}", "age": 30} for i in range(n)]}, "persons"
    if kind == "childcare":
        case = draw(st.sampled_from(["adult", "type", "hours", "price", "not a mapping"]))
        if case == "adult":
            return _set(hh, ["persons", 0, "childcare"], {"type": "bso", "hours_per_month": 10, "hourly_price": 5}), "persons[0].childcare"
        if case == "type":
            return _set(hh, ["persons", 2, "childcare", "type"], draw(st.sampled_from(["creche", "", "BSO", 3]))), "childcare"
        if case == "hours":
            return _set(hh, ["persons", 2, "childcare", "hours_per_month"], draw(st.sampled_from([-1, 745, 1e9, float("nan")]))), "childcare"
        if case == "price":
            return _set(hh, ["persons", 2, "childcare", "hourly_price"], draw(st.sampled_from([-0.01, 1e6, float("inf")]))), "childcare"
        return _set(hh, ["persons", 2, "childcare"], draw(st.sampled_from(["dagopvang", 1, [1]]))), "childcare"
    if kind == "rent":
        field = draw(st.sampled_from(["bare_rent", "service_costs"]))
        return _set(hh, ["rent", field], draw(st.sampled_from([-1, 1e6, float("nan"), "600", True, None]))), "rent"
    return _set(hh, ["year"], draw(st.sampled_from([0, 2019, 2031, -2024, 10**30, "2024", True, 2024.5, None]))), "year"


@st.composite
def edge_households(draw) -> dict:
    """A legal household at the edges of what the contract allows: must be accepted with sane amounts."""
    year = draw(st.sampled_from(range(2020, 2027)))
    n_kids = draw(st.integers(0, 6))
    persons = [{"id": "a", "age": draw(st.sampled_from([18, 19, 22, 23, 66, 67, 120])),
                "income": draw(st.sampled_from([-1e9, -50_000, 0, 0.01, 1e9, 25_000.5])),
                "assets": draw(st.sampled_from([-1e10, 0, 1e10, 30_846, 30_847]))}]
    if draw(st.booleans()):
        persons.append({"id": "b", "age": draw(st.integers(18, 120)), "spouse": "a", "income": draw(st.sampled_from([0, 1e9])),
                        "works": draw(st.booleans()), "insured": draw(st.booleans())})
    adults = [p["id"] for p in persons]
    for k in range(n_kids):
        age = draw(st.integers(0, 17))
        child = {"id": f"k{k}", "age": age, "parents": adults, "birth_month": draw(st.integers(1, 12))}
        if age <= 12 and draw(st.booleans()):
            child["childcare"] = {"type": draw(st.sampled_from(["dagopvang", "bso", "gastouderopvang"])),
                                  "hours_per_month": draw(st.sampled_from([0, 230, 744])), "hourly_price": draw(st.sampled_from([0, 1000]))}
        persons.append(child)
    hh = {"year": year, "persons": persons}
    if draw(st.booleans()):
        hh["rent"] = {"bare_rent": draw(st.sampled_from([0, 1, 100_000])), "service_costs": draw(st.sampled_from([0, 100_000])),
                      "independent": draw(st.booleans())}
    return hh


def household_sane(result) -> str | None:
    bad = finite_tree(result)
    if bad:
        return f"not finite: {bad}"
    for a, v in result["annual"].items():
        if not isinstance(v, int) or v < 0 or v > 200_000:
            return f"annual {a} = {v!r}"
    for a, v in result["monthly"].items():
        if not (0 <= v <= 20_000):
            return f"monthly {a} = {v!r}"
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return f"not strict JSON: {exc}"
    return None


# --- text files (household JSON, scenario and grid YAML) ----------------------------------------------------------

GOOD_HOUSEHOLD_TEXT = json.dumps({"year": 2025, "persons": [{"id": "a", "age": 40, "income": 25000}], "rent": {"bare_rent": 600}})


@st.composite
def bad_json_texts(draw) -> bytes:
    """Bytes of a household file that must be refused."""
    kind = draw(st.sampled_from(["utf16", "utf16-nobom", "utf32", "latin1", "nul", "deep", "digits", "huge float",
                                 "nan", "duplicate", "garbage", "empty", "truncated", "too big", "binary"]))
    text = GOOD_HOUSEHOLD_TEXT
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "utf16-nobom":
        return text.encode("utf-16-le")
    if kind == "utf32":
        return text.encode("utf-32")
    if kind == "latin1":
        return text.replace('"a"', '"Zoë"').encode("latin-1")
    if kind == "nul":
        return text.encode() + b"\x00" * draw(st.integers(1, 100))
    if kind == "deep":
        n = draw(st.sampled_from([40, 1000, 100_000]))
        return ("[" * n + "]" * n).encode()
    if kind == "digits":
        return text.replace("25000", "9" * draw(st.sampled_from([31, 5000, 100_000]))).encode()
    if kind == "huge float":
        return text.replace("25000", draw(st.sampled_from(["1e999", "-1e999", "1" * 400 + ".5"]))).encode()
    if kind == "nan":
        return text.replace("25000", draw(st.sampled_from(["NaN", "Infinity", "-Infinity"]))).encode()
    if kind == "duplicate":
        return text.replace('"age": 40', '"age": 40, "age": 41').encode()
    if kind == "garbage":
        return (text + draw(st.sampled_from(["x", "}", ",", "\n{}"]))).encode()
    if kind == "empty":
        return draw(st.sampled_from([b"", b"   ", b"\n"]))
    if kind == "truncated":
        return text[: draw(st.integers(1, len(text) - 1))].encode()
    if kind == "too big":
        return b" " * (4 * 1024 * 1024 + 1) + text.encode()
    return bytes(draw(st.lists(st.integers(0, 255), min_size=1, max_size=64))) + b"\xff\xfe\x00"


SCENARIO_HEAD = "name: Fuzz\ndescription: a generated scenario\nyear: 2024\n"


@st.composite
def bad_scenario_texts(draw) -> str | bytes:
    """The text (or bytes) of a scenario file that must be refused."""
    from simlib.parameters import parameter_tree

    tree = parameter_tree()
    kind = draw(st.sampled_from(["value", "table", "reference", "unknown", "duplicate", "bomb", "deep", "encoding",
                                 "structure", "variant", "behaviour", "year"]))
    if kind == "value":
        path = draw(st.sampled_from(sorted(p for p, x in tree.items() if x.unit not in ("table",))))
        unit = tree[path].unit
        numeric = unit not in ("boolean", "choice")
        value = draw(st.sampled_from([".nan", ".inf", "-.inf", "-1", "1e308", "-1e308", "veel", "[1, 2]", "{a: 1}", "''",
                                      "1e13", "-0.5"] + (["true", "yes"] if numeric else ["3", "maybe"])))
        if unit == "factor" and value in ("-0.5", "-1") and (tree[path].range or (0, 0))[0] < 0:
            value = "-1e6"
        if unit == "choice" and value == "''":
            value = "nope"
        if unit == "years" and value == "-0.5":
            value = "151"
        return SCENARIO_HEAD + f"changes:\n  parameters:\n    {path}: {value}\n"
    if kind == "table":
        row = draw(st.sampled_from(["[0, .nan, 96]", "[0, 96]", "[0, 96, 96, 1]", "[0, -1, 96]", "[0, 96, 101]", "[-5, 96, 96]",
                                    "[0, .inf, 96]", "[0, true, 96]", "['x', 96, 96]", "[1e13, 96, 96]"]))
        rows = draw(st.sampled_from([f"[{row}]", f"[[0, 96, 96], {row}]", "[]", "[[10, 96, 96], [5, 90, 90]]", "7"]))
        return SCENARIO_HEAD + f"changes:\n  parameters:\n    kinderopvangtoeslag.inkomenstabel: {rows}\n"
    if kind == "reference":
        ref = draw(st.sampled_from(["{from: nope}", "{from: zorgtoeslag.standaardpremie, factor: -1}",
                                    "{from: zorgtoeslag.standaardpremie, factor: .nan}", "{from: zorgtoeslag.standaardpremie, factor: 1e300}",
                                    "{from: huurtoeslag.maximale_huurgrens.modus}", "{from: zorgtoeslag.standaardpremie, extra: 1}",
                                    "{factor: 2}"]))
        return SCENARIO_HEAD + f"changes:\n  parameters:\n    zorgtoeslag.standaardpremie: {ref}\n"
    if kind == "unknown":
        key = draw(st.sampled_from(["zorgtoeslag.standaardpremi", "zorgtoeslag", "x.y.z", "''", "zorgtoeslag.standaardpremie.x"]))
        return SCENARIO_HEAD + f"changes:\n  parameters:\n    {key}: 1\n"
    if kind == "duplicate":
        return draw(st.sampled_from([
            SCENARIO_HEAD + "changes:\n  parameters:\n    zorgtoeslag.standaardpremie: 1\n    zorgtoeslag.standaardpremie: 2\n",
            SCENARIO_HEAD + "name: again\n",
            "name: a\nname: b\ndescription: d\n",
        ]))
    if kind == "bomb":
        levels, width = draw(st.sampled_from([(9, 9), (30, 2), (12, 5)]))
        lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels)]
        return SCENARIO_HEAD + "\n".join(lines) + f"\nchanges: {{parameters: {{zorgtoeslag.standaardpremie: *a{levels - 1}}}}}\n"
    if kind == "deep":
        n = draw(st.sampled_from([40, 500, 5000]))
        return SCENARIO_HEAD + "changes: " + "[" * n + "]" * n + "\n"
    if kind == "encoding":
        text = SCENARIO_HEAD + "changes:\n  parameters:\n    zorgtoeslag.standaardpremie: 2000\n"
        return draw(st.sampled_from([text.encode("utf-16"), text.encode("utf-32"), text.replace("Fuzz", "Zoë").encode("latin-1"),
                                     text.encode() + b"\x00\x00", b"\x89PNG\r\n\x1a\n" + bytes(range(256))]))
    if kind == "structure":
        return draw(st.sampled_from(["", "- a\n- b\n", "just text\n", "name: x\n", "name: [1]\ndescription: d\n",
                                     SCENARIO_HEAD + "changes: 5\n", SCENARIO_HEAD + "stack: [x.yaml]\n",
                                     SCENARIO_HEAD + "stack: [/dev/zero]\n", SCENARIO_HEAD + "stack: [/tmp]\n",
                                     SCENARIO_HEAD + "stack: [s.yaml]\n", SCENARIO_HEAD + "stack: ['']\n",
                                     SCENARIO_HEAD + "stack: [" + ", ".join(["x.yaml"] * 9) + "]\n",
                                     SCENARIO_HEAD + "changes:\n  parameters: [1, 2]\n", SCENARIO_HEAD + "extra: 1\n",
                                     "name: x\ndescription: d\nchanges: {parameters: {? [a, b] : 1}}\n",
                                     SCENARIO_HEAD + "changes:\n  parameters:\n    zorgtoeslag.standaardpremie: !!python/object:os.system ls\n"]))
    if kind == "variant":
        return SCENARIO_HEAD + draw(st.sampled_from(["changes: {variants: {nope: x}}\n", "changes: {variants: {vermogenstoets: nope}}\n",
                                                     "changes: {variants: {vermogenstoets: [1]}}\n"]))
    if kind == "behaviour":
        return SCENARIO_HEAD + draw(st.sampled_from([
            "changes: {behaviour: {take_up: {huurtoeslag: {intercept_shift: .nan}}}}\n",
            "changes: {behaviour: {take_up: {huurtoeslag: {intercept_shift: 1e9}}}}\n",
            "changes: {behaviour: {take_up: {nope: {slope: 1}}}}\n",
            "changes: {behaviour: {repayments: {matiging: 2}}}\n",
            "changes: {behaviour: {repayments: {signalering_profielen: [nobody]}}}\n",
            "changes: {behaviour: {take_up: {huurtoeslag: {slope: true}}}}\n"]))
    return draw(st.sampled_from(["name: a\ndescription: d\nyear: 0\n", "name: a\ndescription: d\nyear: 2019\n",
                                 "name: a\ndescription: d\nyear: '2024'\n", "name: a\ndescription: d\nyear: 99999999999999999999999\n",
                                 "name: a\ndescription: d\nyear: true\n", "name: a\ndescription: d\nyear: 2024.5\n"]))


@st.composite
def edge_scenario_texts(draw) -> str:
    """A legal scenario at the edges of the parameter domains: must load, and simulate to finite amounts."""
    from simlib.parameters import parameter_tree
    from simlib.parameters.loader import DEFAULT_RANGES

    tree = parameter_tree()
    path = draw(st.sampled_from(sorted(p for p, x in tree.items() if x.unit not in ("table", "boolean", "choice")
                                       and not p.startswith("awir.toeslagpartner."))))
    low, high = tree[path].range or DEFAULT_RANGES[tree[path].unit]
    value = draw(st.sampled_from([low, high, (low + high) / 2 if math.isfinite(high) else low + 1]))
    return SCENARIO_HEAD + f"changes:\n  parameters:\n    {path}: {value!r}\n"


# --- grids -------------------------------------------------------------------------------------------------------

GRID_HEAD = "name: fuzz\nyear: 2024\n"


@st.composite
def bad_grid_texts(draw) -> str:
    kind = draw(st.sampled_from(["value", "seeds", "size", "keys", "scenario", "population", "year", "households"]))
    if kind == "value":
        path = draw(st.sampled_from(["awir.vermogensgrens.huurtoeslag.alleenstaande", "zorgtoeslag.standaardpremie",
                                     "kindgebonden_budget.afbouwpercentage", "huurtoeslag.normhuur.eenpersoons.factor_a"]))
        number = draw(st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1.01e12), st.floats(allow_nan=True).filter(math.isnan)))
        v = draw(st.sampled_from([f"[{number!r}]".replace("nan", ".nan").replace("inf", ".inf"), "[veel]", "[]", "5", "[true]",
                                  f"[1, {number!r}]".replace("nan", ".nan").replace("inf", ".inf")]))
        return GRID_HEAD + f"grid:\n  {path}: {v}\n"
    if kind == "seeds":
        return GRID_HEAD + draw(st.sampled_from(["seeds: [-1]\n", "seeds: [99999999999999999999]\n", "seeds: [1.5]\n",
                                                 "seeds: [true]\n", "seeds: 5\n"]))
    if kind == "size":
        return GRID_HEAD + "grid:\n" + "".join(f"  awir.vermogensgrens.huurtoeslag.{k}: [{', '.join(str(1000 * i) for i in range(400))}]\n"
                                               for k in ("alleenstaande", "partners"))
    if kind == "keys":
        return GRID_HEAD + draw(st.sampled_from(["grid: {nope.nope: [1]}\n", "extra: 1\n", "grid: [1]\n"]))
    if kind == "scenario":
        return GRID_HEAD + draw(st.sampled_from(["scenarios: [missing-scenario]\n", "scenarios: []\n", "scenarios: [/dev/zero]\n",
                                                 "scenarios: [/tmp]\n"]))
    if kind == "population":
        return GRID_HEAD + draw(st.sampled_from(["population: /nonexistent\n", "population: ''\n", "population: 5\n"]))
    if kind == "households":
        return GRID_HEAD + draw(st.sampled_from(["households: 0\n", "households: 10000000000\n", "households: -5\n"]))
    return draw(st.sampled_from(["name: fuzz\nyear: 0\n", "name: fuzz\nyear: '2024'\n", "name: fuzz\n", "year: 2024\n"]))


# --- flags ---------------------------------------------------------------------------------------------------------

@st.composite
def bad_flags(draw) -> list[str]:
    """A command line that must be refused by the argument parser or the command (exit code 2, one line)."""
    count = draw(st.sampled_from(["-1", "-5", "1000000000000", "10" * 20, "x", "", "1.5", "0x10", "1e3", "NaN", "3 4"]))
    year = draw(st.sampled_from(["0", "2019", "2031", "-2024", "9999", "twenty", "2024.0"]))
    date = draw(st.sampled_from(["9999-12-31", "0001-01-01", "2026-13-01", "yesterday", "2026/11/27"]))
    return draw(st.sampled_from([
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--seeds", count],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--repayment-runs", count],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--year", year],
        ["run", "--year", year, "--out", "{tmp}/o"],
        ["population", "build", "--households", count, "--out", "{tmp}/o"],
        ["population", "build", "--seed", count if count != "1.5" else "-3", "--out", "{tmp}/o"],
        ["population", "validate", "--year", year],
        ["sweep", "scenarios/sweeps/vermogensgrens-huurtoeslag.yaml", "--out", "{tmp}/o", "--workers", count],
        ["sweep", "scenarios/sweeps/vermogensgrens-huurtoeslag.yaml", "--out", "{tmp}/o",
         "--scheduler", draw(st.sampled_from(["not-an-address", "http://x", "tcp://", "", "tcp://a b:1"]))],
        ["complexity", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--decision-date", date],
        ["validate-proposals", "--seeds", count],
        ["validate-proposals", "--households", draw(st.sampled_from(["0", "999", "-1", "100000000"]))],
        ["household", draw(st.sampled_from(["/dev/zero", "/nonexistent.json", "/tmp", "{tmp}"]))],
        ["compare", draw(st.sampled_from(["/dev/zero", "nope", "/tmp", "{tmp}/missing.yaml"])), "--out", "{tmp}/o"],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--population", draw(st.sampled_from(["/dev/zero", "/nonexistent", "{tmp}"]))],
        ["compare", "huurgrens-als-aftopping"],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--years",
         draw(st.sampled_from(["2030-2026", "2019-2030", "2026-2031", "twenty", "", "2026,", "-", "2026--2030", "10" * 20]))],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--years", "2026",
         "--projections", draw(st.sampled_from(["/dev/zero", "/nonexistent.yaml", "/tmp", "{tmp}", "", "scenarios/huurgrens-als-aftopping.yaml"]))],
        ["compare", "--all", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--years", "2026"],
        ["compare", "--years", "2026-2027", "--out", "{tmp}/o"],
        ["compare", "huurgrens-als-aftopping", "--out", "{tmp}/o", "--years", "2026", "--seeds", "2"],
        ["nope"],
        [],
    ]))


def write_file(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path
