"""Statistics of a population and its baseline that can be compared with official figures.

A *linear* statistic is a weighted sum over households, ``sum_i w_i x_i``; its per-household column ``x`` is what
the calibration uses. Other statistics (medians, shares) are for validation only. Statistic names are the keys used
in ``data/targets/targets_<year>.yaml``.
"""

from __future__ import annotations

import functools

import numpy as np

from simlib.engine.model import PROFILES, TENURES, TYPES, Population
from simlib.engine.net_income import net_income
from simlib.engine.simulate import Simulation
from simlib.inputs import read_yaml
from simlib.population.generate import DATA
from simlib.parameters import ParameterSet
from simlib.rules import ALLOWANCES

PRIMARY_PROFILES = (0, 1, 2, 5, 6)  # vast, flex, zelfstandige, student, geen
AGE_BANDS = {"lt25": (0, 25), "25_35": (25, 35), "35_45": (35, 45), "45_55": (45, 55), "55_65": (55, 65),
             "65_75": (65, 75), "75_85": (75, 85), "85plus": (85, 200)}


class HouseholdColumns:
    """Per-household columns x of the linear statistics (sum_i w_i x_i is the statistic), computed on demand.

    ``cols["tenure.koop"]`` computes the family ``tenure`` once; only the families that are asked for are built, so
    calibrating the full population does not hold every column in memory. A family keeps what its columns share (a
    household's size, its primary income, a group mask) and derives each column when it is asked for: the whole
    country's columns are 67 MB each, and the family of primary incomes alone has nine. Without a simulation only the
    columns of the population itself are there (not those of the allowances: ``AFTER_TAKE_UP``).
    """

    FAMILIES = (
        "households", "household_type", "household_size", "tenure", "head_age", "couples", "persons",
        "primary_income", "households_with", "recipients", "spending", "kot_children", "single_parent_children",
    )

    AFTER_TAKE_UP = ("recipients", "spending", "kot_children")  # the families that need a simulation

    def __init__(self, population: Population, params: ParameterSet, sim: Simulation | None = None):
        self.sim, self.params = sim, params
        self._cache: dict[str, np.ndarray] = {}
        self._done: set[str] = set()
        self.P, self.H, self.n = population.persons, population.households, population.n_households
        self.hh = self.P["household"]
        self.resident = ~self.P["elsewhere"]

    def clear(self) -> None:
        """Forget the columns computed so far (they are computed again when asked for); the pieces several families
        share (the reference person's age) are kept."""
        self._cache = {k: v for k, v in self._cache.items() if k.startswith("_")}
        self._done.clear()

    def __contains__(self, name: str) -> bool:
        try:
            self._entry(name)
        except KeyError:
            return False
        return True

    def __getitem__(self, name: str) -> np.ndarray:
        column = self._entry(name)
        return column() if callable(column) else column

    def _entry(self, name: str):
        """The column ``name`` or the function that derives it, computing its family first if needed."""
        if name not in self._cache:
            family = name.split(".")[0]
            if family == "households" and name != "households":
                family = "primary_income"
            if family not in self.FAMILIES or family in self._done or (self.sim is None and family in self.AFTER_TAKE_UP):
                raise KeyError(name)
            self._done.add(family)
            self._cache.update(getattr(self, f"_{family}")())
        return self._cache[name]

    def names(self) -> list[str]:
        for f in self.FAMILIES:
            if f not in self._done and (self.sim is not None or f not in self.AFTER_TAKE_UP):
                self._done.add(f)
                self._cache.update(getattr(self, f"_{f}")())
        return sorted(self._cache)

    # --- shared pieces ---
    def _reference_age(self):
        """Age of the reference person (the first person listed in each household)."""
        if "_head_age" not in self._cache:
            hh = self.hh
            first = np.r_[True, hh[1:] != hh[:-1]] if len(hh) else np.zeros(0, dtype=bool)
            head_age = np.zeros(self.n)
            head_age[hh[first]] = self.P["age"][first]
            self._cache["_head_age"] = head_age
            self._cache["_first"] = first
        return self._cache["_head_age"]

    def _count(self, mask):
        return np.bincount(self.hh, weights=mask.astype(float), minlength=self.n)

    # --- families ---
    def _households(self):
        return {"households": np.ones(self.n)}

    def _household_type(self):
        code = self.H["household_type"]
        return {f"household_type.{name}": lambda t=t: (code == t).astype(float) for t, name in enumerate(TYPES)}

    def _household_size(self):
        size = self._count(self.resident)
        out = {f"household_size.{k}": lambda k=k: (size == k).astype(float) for k in (1, 2, 3, 4)}
        out["household_size.5plus"] = lambda: (size >= 5).astype(float)
        return out

    def _tenure(self):
        code = self.H["tenure"]
        return {f"tenure.{name}": lambda t=t: (code == t).astype(float) for t, name in enumerate(TENURES)}

    def _head_age(self):
        head_age = self._reference_age()
        return {f"head_age.{band}": lambda lo=lo, hi=hi: ((head_age >= lo) & (head_age < hi)).astype(float)
                for band, (lo, hi) in AGE_BANDS.items()}

    def _couples(self):
        P = self.P
        self._reference_age()
        head_rows = np.flatnonzero(self._cache["_first"])
        head_spouse = P["spouse"][head_rows]
        spouse_here = (head_spouse >= 0) & self.resident[np.maximum(head_spouse, 0)]
        married = np.zeros(self.n)
        married[self.hh[head_rows]] = spouse_here
        unmarried = np.zeros(self.n)
        unmarried[self.hh[head_rows]] = P["cohabitant"][head_rows] >= 0
        return {"couples.married": married, "couples.unmarried": unmarried}

    def _persons(self):
        return {"persons": self._count(self.resident), "persons.under_18": self._count(self.resident & (self.P["age"] < 18))}

    def _primary_income(self):
        P, H = self.P, self.H
        primary = np.isin(P["profile"], PRIMARY_PROFILES) & self.resident
        prim = np.bincount(self.hh, weights=np.where(primary, np.maximum(P["income"], 0.0), 0.0), minlength=self.n)
        below_aow = self._reference_age() * 12 < self.params.huurtoeslag.pensioengerechtigde_leeftijd
        out = {"primary_income.total": prim}
        for name, sel in income_groups(H, below_aow).items():
            out[f"primary_income.{name}"] = lambda sel=sel: np.where(sel, prim, 0.0)
            out[f"households.{name}"] = lambda sel=sel: sel.astype(float)
        return out

    def _households_with(self):
        P = self.P
        return {
            "households_with.work_income": (self._count(np.isin(P["profile"], (0, 1)) & self.resident) > 0).astype(float),
            "households_with.self_employed_income": (self._count((P["profile"] == 2) & self.resident) > 0).astype(float),
        }

    def _recipients(self):
        sim, n = self.sim, self.n
        unit_hh = sim.units["household"]

        def recipients(a):
            paid = (sim.amounts(a) > 0).astype(float)
            return paid if a == "huurtoeslag" else np.bincount(unit_hh, weights=paid, minlength=n)

        out = {f"recipients.{a}": lambda a=a: recipients(a) for a in ALLOWANCES}
        any_unit = np.zeros(len(unit_hh), dtype=bool)
        for a in ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag"):
            any_unit |= sim.units[a + "_ontvangen"] > 0
        ht = (sim.homes["huurtoeslag_ontvangen"] > 0) & (sim.homes["huurder"] >= 0)
        head_unit = sim.persons["unit"][np.maximum(sim.homes["huurder"], 0)]
        any_unit[head_unit[ht & (head_unit >= 0)]] = True
        out["recipients.any"] = np.bincount(unit_hh, weights=any_unit.astype(float), minlength=n)
        return out

    def _spending(self):
        sim, n = self.sim, self.n

        def spending(a):
            amounts = sim.amounts(a)
            return amounts if a == "huurtoeslag" else np.bincount(sim.units["household"], weights=amounts, minlength=n)

        return {f"spending.{a}": lambda a=a: spending(a) for a in ALLOWANCES}

    def _kot_children(self):
        sim, P = self.sim, self.P
        kot_units = sim.units["kinderopvangtoeslag_ontvangen"] > 0
        cu = sim.persons["child_unit"]
        paid = (cu >= 0) & (P["childcare_type"] > 0) & kot_units[np.maximum(cu, 0)]
        out = {f"kot_children.{name}": self._count(paid & (P["childcare_type"] == code))
               for code, name in ((1, "dagopvang"), (2, "bso"), (3, "gastouderopvang"))}
        out["kot_children.total"] = self._count(paid)
        return out

    def _single_parent_children(self):
        P = self.P
        home_child = self.resident & ((P["parent1"] >= 0) | (P["parent2"] >= 0))  # CBS: home-living children of any age
        n_kids = self._count(home_child)
        single_parent = self.H["household_type"] == 3
        return {f"single_parent_children.{k}": (single_parent & (n_kids == k)).astype(float) for k in (1, 2)}


def income_groups(H, below_aow) -> dict[str, np.ndarray]:
    return {
        "eenpersoons_onder_aow": (H["household_type"] == 0) & below_aow,
        "paar_zonder_kinderen_onder_aow": (H["household_type"] == 1) & below_aow,
        "paar_met_kinderen": H["household_type"] == 2,
        "eenouder": H["household_type"] == 3,
    }


def household_columns(sim: Simulation) -> HouseholdColumns:
    """The lazily computed per-household statistic columns of a simulation."""
    return HouseholdColumns(sim.population, sim.params, sim)


def weighted_quantile(values, weights, q):
    """The weighted quantile(s) ``q`` of ``values``: the smallest value whose cumulative weight reaches q of the
    total. ``q`` may be a number or an array (one sort for all)."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if values.size == 0:
        return float("nan") if np.ndim(q) == 0 else np.full(np.shape(q), np.nan)
    order = np.argsort(values)
    cw = np.cumsum(weights[order])
    pos = np.minimum(np.searchsorted(cw, np.asarray(q) * cw[-1]), len(values) - 1)
    out = values[order][pos]
    return float(out) if np.ndim(q) == 0 else out


def gross_income(pop: Population) -> np.ndarray:
    """Gross household income: the toetsingsinkomen of the persons living at the address, summed per household."""
    P = pop.persons
    return np.bincount(P["household"], weights=np.where(P["elsewhere"], 0.0, P["income"]), minlength=pop.n_households)


def standardised_income(pop: Population) -> np.ndarray:
    """Household toetsingsinkomen per equivalent adult (square-root scale), for the income deciles."""
    P = pop.persons
    resident = ~P["elsewhere"]
    n = pop.n_households
    income = np.bincount(P["household"], weights=np.where(resident, P["income"], 0.0), minlength=n)
    size = np.bincount(P["household"], weights=resident.astype(float), minlength=n)
    return income / np.sqrt(np.maximum(size, 1.0))


def income_deciles(values, weights) -> np.ndarray:
    """The weighted decile (1-10) of each value: deciles of households by standardised income."""
    cuts = weighted_quantile(values, weights, np.arange(1, 10) / 10)
    return np.searchsorted(cuts, values, side="right") + 1


LOW_INCOME_FILE = DATA / "targets" / "low_income_line.yaml"


@functools.cache
def low_income_line(year: int) -> tuple[float, str]:
    """The CBS lage-inkomensgrens of ``year`` (the last published one for later years) and what it is."""
    data, _ = read_yaml(LOW_INCOME_FILE, "low-income line file")
    lines = {int(y): v for y, v in data["lines"].items()}
    used = max((y for y in lines if y <= year), default=min(lines))
    note = f"CBS lage-inkomensgrens {used}" + ("" if used == year else f" (no line published for {year}; not indexed)")
    return float(lines[used]["value"]), note


def equivalence_factor(pop: Population) -> np.ndarray:
    """CBS equivalence factor per household from its adults and children under 18 (data/targets/low_income_line.yaml)."""
    data, _ = read_yaml(LOW_INCOME_FILE, "low-income line file")
    eq = data["equivalence"]
    P = pop.persons
    resident = ~P["elsewhere"]
    n = pop.n_households
    adults = np.bincount(P["household"], weights=(resident & (P["age"] >= 18)).astype(float), minlength=n)
    children = np.bincount(P["household"], weights=(resident & (P["age"] < 18)).astype(float), minlength=n)
    return 1.0 + eq["extra_adult"] * np.maximum(adults - 1.0, 0.0) + eq["child"] * children


def cbs_income_population(pop: Population) -> np.ndarray:
    """The households CBS's income statistics count: not a student household (every adult a student) and with
    income (CBS leaves out households without a full year of income; the model's nearest is no income at all)."""
    P = pop.persons
    hh = P["household"]
    n = pop.n_households
    adult = (P["age"] >= 18) & ~P["elsewhere"]
    others = np.bincount(hh, weights=(adult & (P["profile"] != PROFILES.index("student"))).astype(float), minlength=n)
    return (others > 0) & (gross_income(pop) > 0)


def below_low_income_line(sim: Simulation, net: dict) -> np.ndarray:
    """Households of the CBS income population whose net income without huurtoeslag per equivalent adult is below the
    lage-inkomensgrens of the year (``net``: :func:`simlib.engine.net_income.net_income` of ``sim``)."""
    line, _ = low_income_line(sim.year)
    return cbs_income_population(sim.population) & ((net["netto"] - net["huurtoeslag"]) / equivalence_factor(sim.population) < line)


def scalar_statistics(sim: Simulation) -> dict[str, float]:
    """Statistics that are not weighted sums (validation only)."""
    pop = sim.population
    P, H = pop.persons, pop.households
    w = H["weight"]
    hh = P["household"]
    n = pop.n_households
    assets = np.bincount(hh, weights=np.where(P["elsewhere"], 0.0, P["assets"]), minlength=n)
    hhp = P["household"]
    resident = ~P["elsewhere"]
    prim = np.bincount(hhp, weights=np.where(np.isin(P["profile"], PRIMARY_PROFILES) & resident, np.maximum(P["income"], 0.0), 0.0), minlength=n)
    first = np.r_[True, hhp[1:] != hhp[:-1]] if len(hhp) else np.zeros(0, dtype=bool)
    head_age = np.zeros(n)
    head_age[hhp[first]] = P["age"][first]
    below_aow = head_age * 12 < sim.params.huurtoeslag.pensioengerechtigde_leeftijd
    med = {}
    for name, sel in {"all": np.ones(n, dtype=bool), **income_groups(H, below_aow)}.items():
        if sel.any():
            med[f"primary_income_median.{name}"] = weighted_quantile(prim[sel], w[sel], 0.5)
    out = {"assets_median.all": weighted_quantile(assets, w, 0.5), "assets_mean.all": float(np.sum(assets * w) / np.sum(w))}
    for t, name in enumerate(TYPES):
        sel = H["household_type"] == t
        if sel.any():
            out[f"assets_median.{name}"] = weighted_quantile(assets[sel], w[sel], 0.5)
    for name, sel in (("huur", H["tenure"] > 0), ("koop", H["tenure"] == 0)):
        if sel.any():
            ws = w[sel].sum()
            out[f"assets_median.{name}"] = weighted_quantile(assets[sel], w[sel], 0.5)
            out[f"assets_share_le_5000.{name}"] = float(w[sel & (assets <= 5000)].sum() / ws)
            out[f"assets_share_ge_100000.{name}"] = float(w[sel & (assets >= 100000)].sum() / ws)
    care = P["childcare_type"] > 0
    pw = w[hh]
    for code, name in ((1, "dagopvang"), (2, "bso")):
        sel = P["childcare_type"] == code
        if sel.any():
            out[f"kot_hours_mean.{name}"] = float(np.sum(P["childcare_hours"][sel] * pw[sel]) / np.sum(pw[sel]))
    out.update(med)
    if care.any():
        out["kot_hours_mean.total"] = float(np.sum(P["childcare_hours"][care] * pw[care]) / np.sum(pw[care]))
    out.update(_rent_statistics(sim))
    for a in ALLOWANCES:
        amounts, cw = sim.claimant_amounts(a)
        pos = amounts > 0
        if pos.any():
            out[f"mean_amount.{a}"] = float(np.sum(amounts[pos] * cw[pos]) / np.sum(cw[pos]))
    for a, row in take_up_statistics(sim).items():
        out[f"non_take_up.{a}"] = row["non_take_up"]
        out[f"non_take_up_amount.{a}"] = row["unclaimed"]
        for label, share in (row["by_amount"] | row["by_profile"]).items():
            out[f"non_take_up.{a}.{label}"] = share
    below = below_low_income_line(sim, net_income(sim, detail=False))
    P = pop.persons
    children = np.bincount(P["household"], weights=((P["age"] < 18) & ~P["elsewhere"]).astype(float), minlength=n)
    out["low_income.households"] = float(w[below].sum())
    out["low_income.share_households"] = float(w[below].sum() / w[cbs_income_population(pop)].sum())
    out["low_income.children"] = float((w * children)[below].sum())
    residents = np.bincount(P["household"], weights=(~P["elsewhere"]).astype(float), minlength=n)
    out["low_income.share_persons"] = float((w * residents)[below].sum() / (w * residents)[cbs_income_population(pop)].sum())
    out["non_take_up_amount.zorgtoeslag_huurtoeslag_kindgebonden_budget"] = sum(
        out.get(f"non_take_up_amount.{a}", 0.0) for a in ("zorgtoeslag", "huurtoeslag", "kindgebonden_budget"))
    return out


def _rent_statistics(sim: Simulation) -> dict[str, float]:
    """Rents of the homes rented as a zelfstandige woonruimte (WoON counts households in a home): the mean by sector,
    the households above the maximale huurgrens (the liberalisatiegrens) and above EUR 1,000 a month, and per
    household size the share of households receiving huurtoeslag."""
    pop = sim.population
    H, w = pop.households, pop.households["weight"]
    rent = H["bare_rent"]
    home = (H["tenure"] > 0) & H["independent_home"]
    out = {}
    for name, sel in (("huur", home), ("sociale_huur", home & (H["tenure"] == 1)), ("particuliere_huur", home & (H["tenure"] == 2))):
        if sel.any():
            out[f"rent_mean.{name}"] = float(np.sum(rent[sel] * w[sel]) / np.sum(w[sel]))
    limit = sim.params.huurtoeslag.maximale_huurgrens.bedrag
    out["rent_above.maximale_huurgrens"] = float(w[home & (rent > limit)].sum())
    out["rent_above.1000"] = float(w[home & (rent > 1000)].sum())
    size = np.bincount(pop.persons["household"], weights=(~pop.persons["elsewhere"]).astype(float), minlength=pop.n_households)
    receives = sim.homes["huurtoeslag_ontvangen"] > 0
    for name, sel in (("eenpersoons", size == 1), ("meerpersoons", size > 1)):
        out[f"huurtoeslag_share.{name}"] = float(w[sel & receives].sum() / w[sel].sum())
    return out


# monthly entitlement classes (euros a month) for non-take-up by amount: (label, from, below)
AMOUNT_CLASSES = (("lt25", 0.0, 25.0), ("25_50", 25.0, 50.0), ("50_100", 50.0, 100.0), ("100_200", 100.0, 200.0),
                  ("200plus", 200.0, np.inf))


def take_up_statistics(sim: Simulation) -> dict[str, dict]:
    """Per allowance, among the claimants entitled to a positive yearly amount (benefit units; homes for
    huurtoeslag), weighted to the country: how many are entitled, how many receive it, the realised non-take-up
    (the share of the entitled who do not claim), the expected non-take-up under the take-up model (the mean of 1 - p,
    :mod:`simlib.engine.takeup`), the yearly euros not claimed, and the realised non-take-up by class of the monthly
    entitlement (AMOUNT_CLASSES) and by the work profile of the aanvrager (the huurder for huurtoeslag)."""
    from simlib.engine.takeup import probability

    profile = sim.population.persons["profile"]
    out = {}
    for a in ALLOWANCES:
        entitled, w = sim.claimant_amounts(a, received=False)
        applicant = sim.homes["huurder"] if a == "huurtoeslag" else sim.units["head"]
        pos = np.flatnonzero(entitled > 0)
        e, wp, claims = entitled[pos].astype(float), w[pos], sim.amounts(a, received=True)[pos] > 0
        total = float(wp.sum())
        t = (sim.take_up or {}).get(a)
        expected = float(np.sum(wp * (1 - probability(e / 12.0, t["intercept"], t["slope"]))) / total) if t and total else 0.0

        def share(sel: np.ndarray) -> float:
            return float(1 - wp[sel & claims].sum() / wp[sel].sum())

        groups = {"by_amount": {label: (e / 12.0 >= lo) & (e / 12.0 < hi) for label, lo, hi in AMOUNT_CLASSES},
                  "by_profile": {name: profile[applicant[pos]] == code for code, name in enumerate(PROFILES)}}
        out[a] = {"entitled": total, "receiving": float(wp[claims].sum()), "non_take_up": share(np.ones(len(pos), dtype=bool)) if total else 0.0,
                  "expected_non_take_up": expected, "unclaimed": float(np.sum((e * wp)[~claims])),
                  **{k: {label: share(sel) for label, sel in g.items() if sel.any()} for k, g in groups.items()}}
    return out
