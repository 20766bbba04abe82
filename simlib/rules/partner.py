"""The toeslagpartner (Awir art. 3, 3a, 3b; AWR art. 5a), vectorised over all pairs of people at an address.

A pair of adults is a candidate when one of the criteria holds, checked in the order of the law:

- lid 1: spouse or registered partner, or a notarial samenlevingscontract (AWR art. 5a) — also at another address;
- lid 2, same address: a) a child born from their relationship / b) a child recognised by one of the other (both
  derived from the children's parents), c) registered as each other's partner for a pension scheme, d) joint
  owners of the home, e) both adults and a minor child of at least one of them registered at the address,
  f) partners in the preceding calendar year.

Not a partner (lid 5, 8; art. 3a, 3b): first-degree blood or affine relatives (until 2024 unless both were 27 or
older on 1 January; affine relatives only on joint request, lid 9), a foster child or child for whom kinderbijslag
was received (on joint request, under 27 until 2024), criterion e only: a business rental agreement (on request),
a stay in Wmo shelter (lid 8), temporary protection as a Ukrainian (art. 3b); a spouse during the belanghebbende's
stay in a shelter for domestic violence (art. 3a, on request). Scenario levers switch criterion e off or limit it to
couples, and make the shelter exception automatic.

A person has one partner (lid 4): lid 1 first, then the first-mentioned category of lid 2. Among candidates in the
same category the pair with the lowest id ranks wins (an assumption: the law gives no order; the Dienst uses the
registration history). Pairs are matched greedily in that order, which is order-independent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Criterion codes, in the order of the law (lower = takes precedence; Awir art. 3 lid 4)
GEEN, LID1, KIND_SAMEN, PENSIOEN, WONING, MINDERJARIG_KIND, VORIG_JAAR = 0, 1, 2, 4, 5, 6, 7
CRITERION_NAMES = {
    GEEN: "geen",
    LID1: "lid 1: echtgenoot, geregistreerd partner of notarieel samenlevingscontract (AWR art. 5a)",
    KIND_SAMEN: "lid 2 a/b: kind uit hun relatie of erkend",
    PENSIOEN: "lid 2 c: aangemeld als partner voor een pensioenregeling",
    WONING: "lid 2 d: samen eigenaar van de woning",
    MINDERJARIG_KIND: "lid 2 e: beiden meerderjarig en een minderjarig kind van een van hen op het adres",
    VORIG_JAAR: "lid 2 f: vorig kalenderjaar al partners",
}

# Exclusion codes (why a candidate pair is not partners)
GEEN_UITSLUITING, VERWANT, PLEEGKIND, ZAKELIJKE_HUUR, OPVANG, OEKRAINE, OPVANG_3A, GEEN_STEL = 0, 1, 2, 3, 4, 5, 6, 7
EXCLUSION_NAMES = {
    VERWANT: "art. 3 lid 5 a: bloed- of aanverwant in de eerste graad",
    PLEEGKIND: "art. 3 lid 5 b: pleegkind of kind waarvoor kinderbijslag werd ontvangen (op verzoek)",
    ZAKELIJKE_HUUR: "art. 3 lid 2 e: zakelijke huurovereenkomst (op verzoek)",
    OPVANG: "art. 3 lid 8: verblijf in een Wmo-opvang",
    OEKRAINE: "art. 3b: tijdelijke bescherming (Oekraïne)",
    OPVANG_3A: "art. 3a: verblijf in de vrouwenopvang (echtgenoot geen toeslagpartner)",
    GEEN_STEL: "scenario: criterium e alleen voor een stel",
}

# Relative kinds (person field `relatives`), symmetric pairs
RELATIVE_KINDS = {
    "parent": 1,
    "child": 2,
    "parent_in_law": 3,
    "child_in_law": 4,
    "step_parent": 5,
    "step_child": 6,
    "foster_parent": 7,
    "foster_child": 8,
    "sibling": 9,
    "grandparent": 10,
    "grandchild": 11,
    "other": 12,
}
FIRST_DEGREE_BLOOD = (1, 2)
FIRST_DEGREE_AFFINE = (3, 4, 5, 6)
FOSTER = (7, 8)


@dataclass
class PartnerResult:
    """Outcome of the partner rule for all persons, and the candidate pairs that explain it."""

    partner: np.ndarray  # row of the toeslagpartner, -1 if none
    criterion: np.ndarray  # criterion code of the partnership per person (GEEN if none)
    pair_i: np.ndarray  # candidate pairs (rows), i < j
    pair_j: np.ndarray
    pair_criterion: np.ndarray  # first-mentioned criterion that holds for the pair (GEEN if none)
    pair_exclusion: np.ndarray  # exclusion code that prevents the partnership (0 if none)


def _any_of(values: np.ndarray, codes: tuple) -> np.ndarray:
    """``np.isin`` for a few codes (comparisons: faster, also on small arrays)."""
    out = np.zeros(values.shape, dtype=bool)
    for c in codes:
        out |= values == c
    return out


def _pairs_within_groups(members: np.ndarray, group: np.ndarray):
    """All pairs (a, b), a before b, of ``members`` (rows, sorted by ``group``) that share a group."""
    n = len(members)
    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    new_group = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(new_group)
    sizes = np.diff(np.r_[starts, n])
    size_of = np.repeat(sizes, sizes)
    pos = np.arange(n) - np.repeat(starts, sizes)
    later = size_of - pos - 1
    total = int(later.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    a = np.repeat(np.arange(n), later)
    offset = np.arange(total) - np.repeat(np.cumsum(later) - later, later)
    b = a + 1 + offset
    return members[a], members[b]


def _pair_keys(i, j, n):
    lo = np.minimum(i, j).astype(np.int64)
    hi = np.maximum(i, j).astype(np.int64)
    return lo * n + hi


def _relation_kind(pi, pj, rel_a, rel_b, rel_kind, n):
    """Kind of the recorded relation between each pair (0 if none); relations are stored once, from a's view."""
    kind = np.zeros(len(pi), dtype=np.int16)
    if len(rel_a) == 0 or len(pi) == 0:
        return kind
    keys = _pair_keys(rel_a, rel_b, n)
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]
    pk = _pair_keys(pi, pj, n)
    pos = np.searchsorted(skeys, pk)
    pos = np.clip(pos, 0, len(skeys) - 1)
    hit = skeys[pos] == pk
    kind[hit] = np.asarray(rel_kind)[order][pos[hit]]
    return kind


def _criteria(persons: dict, pi, pj, tp, n: int):
    """The first-mentioned criterion of Awir art. 3 lid 1-2 that holds for each candidate pair (lid 4), and for
    criterion e whether an exception blocks it (a business rental agreement on request, a shelter stay, temporary
    protection, or the scenario's 'couples only'): the criterion codes, the pairs that only criterion e would have
    made partners but for an exception, and the exclusion codes of those exceptions."""
    age, resident = persons["age"], persons["resident"]
    both_resident = resident[pi] & resident[pj]
    spouse = persons["spouse"]
    lid1 = (spouse[pi] == pj) | (spouse[pj] == pi)

    # a/b: a child of the two of them (registered at the address)
    p1, p2 = persons["parent1"], persons["parent2"]
    has_two = (p1 >= 0) & (p2 >= 0)
    child_keys = np.sort(_pair_keys(p1[has_two], p2[has_two], n))
    keys = _pair_keys(pi, pj, n)
    pos = np.minimum(np.searchsorted(child_keys, keys), max(len(child_keys) - 1, 0))
    kind_samen = (child_keys[pos] == keys if len(child_keys) else np.zeros(len(keys), dtype=bool)) & both_resident

    pension = persons["pension_partner"]
    pensioen = ((pension[pi] == pj) | (pension[pj] == pi)) & both_resident
    owner = persons["home_owner"]
    woning = owner[pi] & owner[pj] & both_resident
    last_year = persons["partner_last_year"]
    vorig_jaar = ((last_year[pi] == pj) | (last_year[pj] == pi)) & both_resident

    # e: a minor child of at least one of them registered at the address
    minor = (age < 18) & resident
    has_minor_child = np.zeros(n, dtype=bool)
    for col in (p1, p2):
        parents = col[minor & (col >= 0)]
        has_minor_child[parents] = True
    request = persons["requests_exception"]
    e_raw = both_resident & (has_minor_child[pi] | has_minor_child[pj]) & tp.criterium_minderjarig_kind
    business = persons["business_rental_contract"]
    e_zakelijk = (business[pi] | business[pj]) & (request[pi] | request[pj])
    shelter = persons["in_shelter"]
    e_opvang = shelter[pi] | shelter[pj]
    ua = persons["temporary_protection"]
    e_oekraine = ua[pi] != ua[pj]
    cohabitant = persons["cohabitant"]
    is_couple = lid1 | (cohabitant[pi] == pj) | (cohabitant[pj] == pi)
    e_geen_stel = ~is_couple if tp.criterium_minderjarig_kind_alleen_stellen else np.zeros(len(pi), dtype=bool)
    e_blocked = e_zakelijk | e_opvang | e_oekraine | e_geen_stel
    minderjarig = e_raw & ~e_blocked

    pair_criterion = np.select(
        [lid1, kind_samen, pensioen, woning, minderjarig, vorig_jaar],
        [LID1, KIND_SAMEN, PENSIOEN, WONING, MINDERJARIG_KIND, VORIG_JAAR],
        default=GEEN,
    ).astype(np.int8)
    exclusion = np.zeros(len(pi), dtype=np.int8)
    # record why criterion e did not make them partners (when nothing else does)
    e_only_blocked = e_raw & e_blocked & (pair_criterion == GEEN)
    exclusion[e_only_blocked & e_geen_stel] = GEEN_STEL
    exclusion[e_only_blocked & e_oekraine] = OEKRAINE
    exclusion[e_only_blocked & e_opvang] = OPVANG
    exclusion[e_only_blocked & e_zakelijk] = ZAKELIJKE_HUUR
    return pair_criterion, e_only_blocked, exclusion


def _exclusions(persons: dict, relations: dict, pi, pj, pair_criterion, e_only_blocked, exclusion, tp, n: int) -> None:
    """Record in ``exclusion`` why a candidate pair is not partners: first-degree relatives (Awir art. 3 lid 5 a,
    affine ones only on joint request, lid 9), a foster child (lid 5 b, on request) and the spouse of someone in a
    shelter for domestic violence (art. 3a)."""
    age = persons["age"]
    p1, p2, spouse, request = persons["parent1"], persons["parent2"], persons["spouse"], persons["requests_exception"]
    kind = _relation_kind(pi, pj, relations["rel_a"], relations["rel_b"], relations["rel_kind"], n)
    parent_child = (p1[pi] == pj) | (p2[pi] == pj) | (p1[pj] == pi) | (p2[pj] == pi) | _any_of(kind, FIRST_DEGREE_BLOOD)
    # affine: one is the spouse of a parent of the other (step-parent) or a recorded in-law / step relation
    step = np.zeros(len(pi), dtype=bool)
    for a, b in ((pi, pj), (pj, pi)):
        for col in (p1, p2):
            par = col[b]
            step |= (par >= 0) & (spouse[np.maximum(par, 0)] == a) & (par != a)
    affine = (step | _any_of(kind, FIRST_DEGREE_AFFINE)) & request[pi] & request[pj]  # only on joint request (lid 9)
    age_limit = tp.eerstegraads_verwant_vanaf_leeftijd
    both_old = (age[pi] >= age_limit) & (age[pj] >= age_limit) if age_limit is not None else np.zeros(len(pi), dtype=bool)
    verwant = (parent_child | affine) & ~both_old
    foster_limit = tp.pleegkind_tot_leeftijd
    younger = np.minimum(age[pi], age[pj])
    foster_young = younger < foster_limit if foster_limit is not None else np.ones(len(pi), dtype=bool)
    pleeg = _any_of(kind, FOSTER) & foster_young & request[pi] & request[pj]
    # relatives are recorded as such also where an exception to criterion e would have blocked it: being relatives
    # is the reason they are not partners, whatever else applies
    candidate = (pair_criterion != GEEN) | e_only_blocked
    exclusion[candidate & pleeg] = PLEEGKIND
    exclusion[candidate & verwant] = VERWANT

    # art. 3a: the spouse of a belanghebbende in a shelter for domestic violence
    opvang_3a = tp.opvang_uitzondering
    if opvang_3a != "geen":
        shelter = persons["in_shelter"]
        in_3a = (shelter[pi] & (request[pi] | (opvang_3a == "automatisch"))) | (
            shelter[pj] & (request[pj] | (opvang_3a == "automatisch"))
        )
        exclusion[(pair_criterion == LID1) & in_3a] = OPVANG_3A


def _match(rank, pi, pj, pair_criterion, valid, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lid 4: one partner each. Pairs are matched in order of (criterion, ranks): a pair is accepted when it is the
    best remaining pair of both its persons (mutual-best rounds, order-independent)."""
    partner = np.full(n, -1, dtype=np.int64)
    criterion = np.zeros(n, dtype=np.int8)
    rank = rank.astype(np.int64)
    r = np.int64(n + 1)
    lo = np.minimum(rank[pi], rank[pj])
    hi = np.maximum(rank[pi], rank[pj])
    key = pair_criterion.astype(np.int64) * r * r + lo * r + hi
    active = np.flatnonzero(valid)
    big = np.iinfo(np.int64).max
    while len(active):
        ai, aj, ak = pi[active], pj[active], key[active]
        best = np.full(n, big, dtype=np.int64)
        np.minimum.at(best, ai, ak)
        np.minimum.at(best, aj, ak)
        accept = (best[ai] == ak) & (best[aj] == ak)
        acc = active[accept]
        partner[pi[acc]] = pj[acc]
        partner[pj[acc]] = pi[acc]
        criterion[pi[acc]] = pair_criterion[acc]
        criterion[pj[acc]] = pair_criterion[acc]
        taken = partner >= 0
        active = active[~(taken[pi[active]] | taken[pj[active]])]
    return partner, criterion


def toeslagpartners(persons: dict, relations: dict, p) -> PartnerResult:
    """Determine the toeslagpartner of every person (Awir art. 3, 3a, 3b).

    ``persons`` is the columnar person table (rows sorted by household) with the columns household, age, rank,
    resident (not elsewhere), spouse, cohabitant, pension_partner, partner_last_year, parent1, parent2, home_owner,
    business_rental_contract, requests_exception, in_shelter, temporary_protection; ``relations`` has rel_a, rel_b,
    rel_kind (see :data:`RELATIVE_KINDS`).
    """
    tp = p.awir.toeslagpartner
    n = len(persons["age"])
    if n == 0:
        empty = np.empty(0, dtype=np.int64)
        return PartnerResult(np.full(0, -1, dtype=np.int64), np.zeros(0, dtype=np.int8), empty, empty,
                             np.zeros(0, np.int8), np.zeros(0, np.int8))
    # candidates: adults at the address, plus spouses living elsewhere (lid 1 only)
    members = np.flatnonzero(persons["age"] >= 18)
    pi, pj = _pairs_within_groups(members, persons["household"][members])
    pair_criterion, e_only_blocked, exclusion = _criteria(persons, pi, pj, tp, n)
    _exclusions(persons, relations, pi, pj, pair_criterion, e_only_blocked, exclusion, tp, n)
    valid = (pair_criterion != GEEN) & (exclusion == GEEN_UITSLUITING)
    partner, criterion = _match(persons["rank"], pi, pj, pair_criterion, valid, n)
    return PartnerResult(partner, criterion, pi, pj, pair_criterion, exclusion)
