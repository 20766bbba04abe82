"""One run of the rules over a population: structure (partners, units, homes) -> the four allowances -> Awir award.

Everything is vectorised over all units and homes; there is no loop over households. The structure of a population
(:mod:`simlib.engine.structure`) is computed once and cached; this module computes the amounts from it for a given set of
parameters. A large population runs in blocks of households on threads; the result is the same as in one block.
The household calculator runs this same function on a population of one household.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simlib.engine import structure as _structure
from simlib.engine.model import Population
from simlib.engine.structure import Structure, structure
from simlib.engine.takeup import received as received_after_take_up
from simlib.engine.threads import parallel_map, spans, workers
from simlib.parameters import ParameterSet, load_parameters
from simlib.rules import ALLOWANCES, ASSET_TESTED, UNIT_ALLOWANCES
from simlib.rules import huurtoeslag as ht_rules
from simlib.rules.awir import boven_vermogensgrens, round_cents, toekenning
from simlib.rules.kinderopvangtoeslag import kinderopvangtoeslag
from simlib.rules.kindgebonden_budget import kindgebonden_budget
from simlib.rules.partner import PartnerResult
from simlib.rules.zorgtoeslag import zorgtoeslag

UNIT_FROM_STRUCTURE = ("head", "partner", "household", "has_partner", "toetsingsinkomen", "vermogen", "zorgtoeslag_maanden")
HOME_FROM_STRUCTURE = ("huurder", "partner", "rekeninkomen", "aantal_personen", "medebewoners")


@dataclass
class Simulation:
    """Result of :func:`simulate`: per person, per benefit unit and per home (dicts of equal-length arrays).

    ``units`` holds the zorgtoeslag, kindgebonden budget and kinderopvangtoeslag of each benefit unit
    (aanvrager + toeslagpartner); ``homes`` the huurtoeslag of each rented home; ``households`` the awarded yearly
    entitlement of all four allowances summed per household, ``received`` the same after take-up (equal to the
    entitlement when no take-up model is given). Yearly amounts are whole euros, stored as float32 (exact); compute
    with them in float64 (``.astype(float)``) where fractions arise. ``details`` holds the intermediate values of each rule and, under
    ``"monthly"``, the monthly amounts of a situation constant through the year (for a population run in blocks they
    are computed again when first asked for).
    """

    year: int
    params: ParameterSet
    population: Population
    partners: PartnerResult
    persons: dict[str, np.ndarray]
    units: dict[str, np.ndarray]
    homes: dict[str, np.ndarray]
    households: dict[str, np.ndarray]
    received: dict[str, np.ndarray]
    take_up: dict | None = None  # the take-up the run used (resolved)
    structure: Structure | None = None  # the structure it ran on

    def amounts(self, allowance: str, received: bool = True) -> np.ndarray:
        """Yearly amount per claimant: per benefit unit, or per home for huurtoeslag."""
        suffix = "_ontvangen" if received else ""
        return self.homes["huurtoeslag" + suffix] if allowance == "huurtoeslag" else self.units[allowance + suffix]

    def claimant_amounts(self, allowance: str, received: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Yearly amount per claimant (benefit unit, or home for huurtoeslag) and the claimant's household weight."""
        w = self.population.households["weight"]
        return self.amounts(allowance, received), (w if allowance == "huurtoeslag" else w[self.units["household"]])

    def total(self, allowance: str, received: bool = True, weighted: bool = True) -> float:
        """Total yearly amount of one allowance (after take-up by default), weighted to the country by default."""
        amounts, w = self.claimant_amounts(allowance, received)
        # numpy's own (pairwise) sum, not BLAS: the same total whatever the number of BLAS threads
        return float(np.sum(amounts * w) if weighted else np.sum(amounts, dtype=float))

    def recipients(self, allowance: str, received: bool = True, weighted: bool = True) -> float:
        """Number of claimants (benefit units; homes for huurtoeslag) with a positive amount."""
        amounts, w = self.claimant_amounts(allowance, received)
        return float(w[amounts > 0].sum() if weighted else np.count_nonzero(amounts > 0))

    def over_asset_limit(self, allowance: str) -> np.ndarray:
        """Per household: a claimant of ``allowance`` fails its asset test (:func:`simlib.rules.awir.vermogensgrens`;
        for huurtoeslag :func:`simlib.rules.huurtoeslag.boven_vermogensgrens`: huurder and partner together, or a
        medebewoner on his own), whatever the rent, income or take-up."""
        n = self.population.n_households
        if allowance not in ASSET_TESTED:
            return np.zeros(n, dtype=bool)
        if allowance == "huurtoeslag":
            S = self.structure.homes
            over = ht_rules.boven_vermogensgrens(S["vermogen"], S["partner"] >= 0, S["vermogen_medebewoner_max"], self.params)
            return over & (S["huurder"] >= 0)
        u = self.units
        over = boven_vermogensgrens(u["vermogen"], u["has_partner"], allowance, self.params)
        return np.bincount(u["household"], weights=over.astype(float), minlength=n) > 0

    @property
    def details(self) -> dict:
        if getattr(self, "_details", None) is None:
            self._details = self._compute_details()
        return self._details

    @details.setter
    def details(self, value) -> None:
        self._details = value


UNIT_OUTPUTS = ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag", "zorgtoeslag_ontvangen",
                "kindgebonden_budget_ontvangen", "kinderopvangtoeslag_ontvangen")
HOME_OUTPUTS = ("huurtoeslag", "huurtoeslag_ontvangen")
AMOUNT = np.float32  # storage type of yearly awards (whole euros); arithmetic on them is done in float64


def simulate(population: Population, params: ParameterSet | None = None, take_up: dict | None = None,
             reuse: Simulation | None = None) -> Simulation:
    """Apply the rules of one year to every household of ``population``.

    ``take_up`` maps an allowance to ``{"intercept": .., "slope": ..}`` (see :mod:`simlib.engine.takeup`); by default the
    population's own calibrated take-up (``population.meta["take_up"]``) is used, and without one everybody entitled
    claims. Large populations are run in blocks of households on threads (households are independent), which keeps
    the arrays small enough for the processor's caches; each block writes its part of the output, so the result is
    the same as in one block.

    ``reuse``: a run on the same population (a baseline) whose results are taken over for every allowance whose
    inputs are the same here: its own parameters and those of the Awir (see :func:`unchanged_allowances`), its
    take-up and the structure. A reform of huurtoeslag then runs huurtoeslag only. Shared result arrays are made
    read-only in both runs.
    """
    p = params if params is not None else load_parameters(population.year)
    take_up = take_up if take_up is not None else population.meta.get("take_up")
    st = structure(population, p)
    nh = population.n_households
    n_units = len(st.units["head"])
    # awards are whole euros (Awir art. 14): float32 holds them exactly (below 16.7 million) in half the memory
    units = {k: st.units[k] for k in UNIT_FROM_STRUCTURE} | {k: np.empty(n_units, AMOUNT) for k in UNIT_OUTPUTS}
    homes = {k: st.homes[k] for k in HOME_FROM_STRUCTURE} | {k: np.empty(nh, AMOUNT) for k in HOME_OUTPUTS}
    households = {a: np.empty(nh, AMOUNT) for a in UNIT_ALLOWANCES}
    received = {a: np.empty(nh, AMOUNT) for a in UNIT_ALLOWANCES}
    out = (units, homes, households, received)
    bounds = _blocks(nh)
    eager = nh <= EAGER_DETAILS
    skip = frozenset() if eager or reuse is None else unchanged_allowances(reuse, population, st, p, take_up)
    for a in skip:  # taken over from ``reuse`` (read-only in both)
        if a == "huurtoeslag":
            shared = [(homes, reuse.homes, k) for k in HOME_OUTPUTS]
        else:
            shared = [(units, reuse.units, a), (units, reuse.units, a + "_ontvangen"), (households, reuse.households, a),
                      (received, reuse.received, a)]
        for mine, theirs, k in shared:
            theirs[k].setflags(write=False)
            mine[k] = theirs[k]
    details = parallel_map(lambda b: _amounts(population, st, p, take_up, *b, out=out, keep_details=eager, skip=skip), bounds)
    for d in (households, received):
        d["huurtoeslag"] = homes["huurtoeslag" if d is households else "huurtoeslag_ontvangen"]
        d["totaal"] = d["zorgtoeslag"] + d["huurtoeslag"] + d["kindgebonden_budget"] + d["kinderopvangtoeslag"]
    households = {a: households[a] for a in (*ALLOWANCES, "totaal")}
    received = {a: received[a] for a in (*ALLOWANCES, "totaal")}
    sim = Simulation(population.year, p, population, st.partners, dict(st.persons), units, homes, households, received,
                     take_up, st)
    if eager:
        sim.details = details[0] if len(details) == 1 else _merge_details(details, st)
    else:  # kept only on demand: computed again, block by block, when first asked for
        sim.details = None
        sim._compute_details = lambda: _merge_details(
            parallel_map(lambda b: _amounts(population, st, p, take_up, *b, out=None, keep_details=True), bounds), st)
    return sim


EAGER_DETAILS = 1_000  # up to this many households the rules' intermediate values are kept; above, made on demand
MIN_BLOCK = 20_000  # below this many households a block is not worth a thread


def _blocks(nh: int) -> list[tuple[int, int]]:
    """Household ranges to run: blocks of at most CHUNK_HOUSEHOLDS, and at least one per thread when there is
    enough work (MIN_BLOCK households each)."""
    size = min(_structure.CHUNK_HOUSEHOLDS, max(MIN_BLOCK, -(-nh // workers())))
    return spans(nh, size)


def _range(sorted_values: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """The positions of the values lo..hi-1 in a sorted array (needles in the array's own type: no copy)."""
    return tuple(int(x) for x in np.searchsorted(sorted_values, np.array([lo, hi], dtype=sorted_values.dtype)))


def _amounts(population: Population, st: Structure, p: ParameterSet, take_up: dict | None, h0: int, h1: int,
             out: tuple | None, keep_details: bool = True, skip: frozenset = frozenset()) -> dict | None:
    """The four allowances of households h0..h1-1, written into ``out`` (units, homes, households, received);
    returns the intermediate values of the rules when ``keep_details``. Allowances in ``skip`` are neither computed
    nor written (their results are taken over from another run; never with ``keep_details``)."""
    U = st.units
    u0, u1 = _range(U["household"], h0, h1)
    n_units = u1 - u0
    sl = slice(u0, u1)
    u_income, u_assets, has_partner = U["toetsingsinkomen"][sl], U["vermogen"][sl], U["has_partner"][sl]
    res = {}

    # --- zorgtoeslag (Wet op de zorgtoeslag art. 2) ---
    if "zorgtoeslag" not in skip:
        zt = zorgtoeslag(u_income, has_partner, U["both_insured"][sl], u_assets, U["zorgtoeslag_maanden"][sl], p)
        res["zorgtoeslag"] = zt_award = toekenning(zt["jaarbedrag"], p)

    # --- kindgebonden budget (Wet op het kindgebonden budget art. 2), per month ---
    if "kindgebonden_budget" not in skip:
        K = st.kgb
        k0, k1 = _range(K["units"], u0, u1)
        kgb_units = K["units"][k0:k1] - u0
        counts = {k: K[k][k0:k1] for k in ("kinderen", "kinderen_12_15", "kinderen_16_17")}
        kgb = kindgebonden_budget(u_income[kgb_units], has_partner[kgb_units], u_assets[kgb_units], counts["kinderen"],
                                  counts["kinderen_12_15"], counts["kinderen_16_17"], p)
        kgb_award = np.zeros(n_units)
        kgb_month = np.zeros(n_units)
        kgb_award[kgb_units] = toekenning(kgb["jaarbedrag"], p)
        kgb_month[kgb_units] = round_cents(kgb["jaarbedrag"] / 12.0)
        res["kindgebonden_budget"] = kgb_award

    # --- kinderopvangtoeslag (Wet kinderopvang art. 1.7; Besluit kinderopvangtoeslag) ---
    if "kinderopvangtoeslag" not in skip:
        C = st.care
        c0, c1 = _range(C["household"], h0, h1)
        kot = kinderopvangtoeslag(C["unit"][c0:c1] - u0, C["type"][c0:c1], C["hours"][c0:c1], C["price"][c0:c1], C["age"][c0:c1],
                                  n_units, u_income, U["works"][sl], U["least_hours"][sl], p)
        kot_month = round_cents(kot["per_maand_eenheid"])
        res["kinderopvangtoeslag"] = kot_award = toekenning(12.0 * kot_month, p)

    # --- huurtoeslag (Wet op de huurtoeslag), one per rented home ---
    ht = {}
    if "huurtoeslag" not in skip:
        ht, ht_details = _huurtoeslag(population.households, {k: v[h0:h1] for k, v in st.homes.items()}, h0, h1, p, keep_details)

    # --- take-up (non-gebruik): the aanvrager's draw, the huurder's for huurtoeslag ---
    draw = U["takeup_draw"][sl]
    computed = [name for name in UNIT_ALLOWANCES if name in res]
    for name in computed:
        res[name + "_ontvangen"] = _received(res[name], draw, take_up, name)
    if ht:
        ht["huurtoeslag_ontvangen"] = _received(ht["huurtoeslag"], st.homes["takeup_draw"][h0:h1], take_up, "huurtoeslag")

    if out is not None:
        units, homes, households, received = out
        for k, v in res.items():
            units[k][sl] = v
        for k, v in ht.items():
            homes[k][h0:h1] = v
        u_household = U["household"][sl] - h0
        for a in computed:
            households[a][h0:h1] = np.bincount(u_household, weights=res[a], minlength=h1 - h0)
            received[a][h0:h1] = np.bincount(u_household, weights=res[a + "_ontvangen"], minlength=h1 - h0)
    if keep_details:
        monthly = {  # the monthly amount of a situation constant through the year (units; homes for huurtoeslag)
            "zorgtoeslag": np.where(zt_award > 0, zt["per_maand"], 0.0),
            "kindgebonden_budget": np.where(kgb_award > 0, kgb_month, 0.0),
            "kinderopvangtoeslag": np.where(kot_award > 0, kot_month, 0.0),
            "huurtoeslag": np.where(ht["huurtoeslag"] > 0, ht_details["per_maand_woning"], 0.0),
        }
        return {"zorgtoeslag": zt, "kindgebonden_budget": (kgb_units, kgb, counts),
                "kinderopvangtoeslag": (C["rows"][c0:c1], kot), "huurtoeslag": ht_details, "monthly": monthly}
    return None


def unchanged_allowances(reuse: Simulation, population: Population, st: Structure, p: ParameterSet,
                         take_up: dict | None) -> frozenset:
    """The allowances whose results ``reuse`` already holds for this run: the same population and structure, the same
    parameters read by the allowance's rule (see :func:`rule_parameters`) and the same take-up of the allowance."""
    if reuse.population is not population or reuse.structure is not st or reuse.year != p.year:
        return frozenset()
    theirs, mine = reuse.take_up or {}, take_up or {}
    return frozenset(a for a in ALLOWANCES
                     if rule_parameters(reuse.params, a) == rule_parameters(p, a) and theirs.get(a) == mine.get(a))


def rule_parameters(p: ParameterSet, allowance: str) -> dict:
    """The parameters the rule of ``allowance`` reads, by dotted path, in comparable form: its own section and the
    Awir's (rounding, minimum, asset test), except the asset limits of the other allowances. A test perturbs every
    parameter in turn and checks that a run reusing a baseline equals a fresh run."""
    others = tuple(f"awir.vermogensgrens.{b}." for b in ALLOWANCES if b != allowance)
    return {k: _comparable(e.value) for k, e in p.entries.items()
            if k.startswith((allowance + ".", "awir.")) and not k.startswith(others)}


def _comparable(v):
    if isinstance(v, np.ndarray):
        return ("array", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, dict):
        return tuple(sorted((k, _comparable(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return tuple(_comparable(x) for x in v)
    return v


def _merge_details(parts: list[dict], st: Structure) -> dict:
    """The details of blocks as one (child rows of kinderopvangtoeslag as rows of the population)."""
    cat = np.concatenate
    K = st.kgb
    return {
        "zorgtoeslag": {k: cat([d["zorgtoeslag"][k] for d in parts]) for k in parts[0]["zorgtoeslag"]},
        "kindgebonden_budget": (K["units"], {k: cat([d["kindgebonden_budget"][1][k] for d in parts]) for k in parts[0]["kindgebonden_budget"][1]},
                                {k: K[k] for k in ("kinderen", "kinderen_12_15", "kinderen_16_17")}),
        "kinderopvangtoeslag": (st.care["rows"], {k: cat([d["kinderopvangtoeslag"][1][k] for d in parts]) for k in parts[0]["kinderopvangtoeslag"][1]}),
        "huurtoeslag": {k: cat([d["huurtoeslag"][k] for d in parts]) for k in parts[0]["huurtoeslag"]},
        "monthly": {k: cat([d["monthly"][k] for d in parts]) for k in parts[0]["monthly"]},
    }


def _received(award, draw, take_up, name):
    if not take_up or name not in take_up:
        return award
    t = take_up[name]
    return received_after_take_up(award, draw, t["intercept"], t["slope"])


def _huurtoeslag(H: dict, S: dict, h0: int, h1: int, p, keep_details: bool = True):
    """Huurtoeslag per home of households h0..h1-1 from its huurtoeslag household (Wet op de huurtoeslag art. 7-21).

    The rule runs for the rented homes with a huurder only (the others have none); with ``keep_details`` its
    intermediate values are returned per home of the range (zero for homes not rented)."""
    n = h1 - h0
    rows = np.flatnonzero(S["rents"])
    take = lambda a: a[rows]  # noqa: E731
    res = ht_rules.huurtoeslag(
        kale_huur=take(H["bare_rent"][h0:h1]),
        servicekosten=take(H["service_costs"][h0:h1]),
        rekeninkomen=take(S["rekeninkomen"]),
        eenpersoons=take(S["aantal_personen"]) == 1,
        ouderen=take(S["ouderen"]),
        aantal_personen=take(S["aantal_personen"]),
        aangepaste_woning=take(H["adapted_home"][h0:h1]),
        hoge_huurgrens=take(S["hoge_huurgrens"]),
        uitzondering_huurgrens=take(S["uitzondering_huurgrens"]),
        vermogen=take(S["vermogen"]),
        heeft_partner=take(S["partner"]) >= 0,
        vermogen_medebewoner=take(S["vermogen_medebewoner_max"]),
        huurder_meerderjarig=take(S["huurder_meerderjarig"]),
        p=p,
        zelfstandige_woning=take(H["independent_home"][h0:h1]),
    )
    per_maand = np.zeros(n)
    per_maand[rows] = res["per_maand"]
    award = toekenning(12.0 * per_maand, p)
    if not keep_details:
        return {"huurtoeslag": award}, None
    if len(rows) == n:  # every home of the range is rented: the rule's arrays are per home already
        return {"huurtoeslag": award}, res | {"per_maand_woning": per_maand}
    details = {}
    for k, v in res.items():
        v = np.asarray(v)
        full = np.zeros((n,) + v.shape[1:], dtype=v.dtype)
        full[rows] = v
        details[k] = full
    details["per_maand_woning"] = per_maand
    return {"huurtoeslag": award}, details
