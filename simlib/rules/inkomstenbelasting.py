"""Box 1 income tax, premies volksverzekeringen and the heffingskortingen, per person (Wet IB 2001; Wfsv).

Pure functions of arrays, like the allowances. ``p`` is the ``inkomstenbelasting`` node of a ParameterSet.

Modelled: the box 1 tariff with the premies volksverzekeringen on the first bracket (no AOW premium at AOW age;
the first bracket of those born before 1946), the algemene heffingskorting, arbeidskorting, inkomensafhankelijke
combinatiekorting, ouderenkorting and alleenstaande ouderenkorting, each in its AOW-age version, and the limit of
the credits to the tax and premiums due. Not modelled (stated in docs/net_income.md): deductions (aftrekposten),
boxes 2 and 3 (the toetsingsinkomen is taken as box 1 income), the payout of the algemene heffingskorting to a
partner without income (fully phased out from 2024), the jonggehandicaptenkorting.
"""

from __future__ import annotations

import numpy as np

PREMIE_PARTS = ("aow", "anw", "wlz")


def eerste_schijf(p) -> float:
    """End of the first bracket of art. 2.10 lid 1: also the maximum premie-inkomen (Wfsv art. 8 lid 3)."""
    return float(p.tarief[1, 0])


def belasting(inkomen: np.ndarray, geboren_voor_1946: np.ndarray, p) -> np.ndarray:
    """Tax on box 1 income without premiums (art. 2.10 lid 1; art. 2.10a: a longer first bracket for those born
    before 1946, the rest of the table unchanged)."""
    table = np.asarray(p.tarief, dtype=float)
    income = np.maximum(inkomen, 0.0)
    tax = np.zeros_like(income)
    starts, rates = table[:, 0], table[:, 1]
    ends = np.append(starts[1:], np.inf)
    for start, end, rate in zip(starts, ends, rates):
        tax += rate * np.clip(income - start, 0.0, end - start)
    old = np.flatnonzero(geboren_voor_1946)
    if old.size:  # the first bracket runs to a higher amount at the first rate instead of the second
        extra = np.clip(income[old], starts[1], p.eerste_schijf_geboren_voor_1946) - starts[1]
        tax[old] -= extra * (rates[1] - rates[0])
    return tax


def premies_volksverzekeringen(inkomen: np.ndarray, aow: np.ndarray, geboren_voor_1946: np.ndarray, p) -> np.ndarray:
    """Premies volksverzekeringen on the premie-inkomen up to its maximum (Wfsv art. 8 lid 3); no AOW premium at
    AOW age (Wfsv art. 10 lid 2)."""
    cap = np.where(geboren_voor_1946, p.eerste_schijf_geboren_voor_1946, eerste_schijf(p))
    base = np.clip(inkomen, 0.0, cap)
    pv = p.premie_volksverzekeringen
    rate = np.where(aow, pv.anw + pv.wlz, pv.aow + pv.anw + pv.wlz)
    return base * rate


def aow_deel(p) -> float:
    """Share of a heffingskorting that remains at AOW age: the credit is split over tax and premiums in proportion to
    their rates in the first bracket (art. 8.3-8.6) and the AOW part falls away (Wfsv art. 12)."""
    t1 = float(p.tarief[0, 1])
    pv = p.premie_volksverzekeringen
    return (t1 + pv.anw + pv.wlz) / (t1 + pv.aow + pv.anw + pv.wlz)


def algemene_heffingskorting(inkomen: np.ndarray, aow: np.ndarray, p) -> np.ndarray:
    """Art. 8.10 lid 2: the maximum, reduced by a percentage of the income above a threshold, not below nil."""
    ahk = p.algemene_heffingskorting
    full = np.maximum(ahk.maximum - ahk.afbouwpercentage * np.maximum(inkomen - ahk.afbouw_vanaf, 0.0), 0.0)
    return np.where(aow, full * aow_deel(p), full)


def arbeidskorting(arbeidsinkomen: np.ndarray, aow: np.ndarray, p) -> np.ndarray:
    """Art. 8.11 lid 2: a percentage of the arbeidsinkomen, then more per euro above each threshold, the sum capped
    at each row's maximum (onderdelen a-c), reduced above a threshold (onderdeel d), not below nil."""
    ak = p.arbeidskorting
    income = np.maximum(arbeidsinkomen, 0.0)
    total = np.zeros_like(income)
    for start, rate, cap in np.asarray(ak.opbouw, dtype=float):
        total = np.minimum(total + rate * np.maximum(income - start, 0.0), cap)
    full = np.maximum(total - ak.afbouwpercentage * np.maximum(income - ak.afbouw_vanaf, 0.0), 0.0)
    return np.where(aow, full * aow_deel(p), full)


def inkomensafhankelijke_combinatiekorting(arbeidsinkomen: np.ndarray, recht: np.ndarray, aow: np.ndarray, p) -> np.ndarray:
    """Art. 8.14a: a percentage of the arbeidsinkomen above the minimum, up to the maximum, for who has the right
    (``recht``: a child under 12 at the address, and no partner or the lower arbeidsinkomen of the two)."""
    c = p.inkomensafhankelijke_combinatiekorting
    above = arbeidsinkomen > c.minimum_arbeidsinkomen
    full = np.minimum(c.percentage * np.maximum(arbeidsinkomen - c.minimum_arbeidsinkomen, 0.0), c.maximum)
    return np.where(recht & above, np.where(aow, full * aow_deel(p), full), 0.0)


def iack_recht(arbeidsinkomen: np.ndarray, partner_arbeidsinkomen: np.ndarray, partner_leeftijd: np.ndarray,
               age: np.ndarray, kind_onder_12: np.ndarray) -> np.ndarray:
    """Who may have the combinatiekorting (art. 8.14a lid 1): a child under 12 at the address and no partner, or an
    arbeidsinkomen lower than the partner's (equal: the older of the two). ``partner_arbeidsinkomen``: NaN without a
    fiscal partner."""
    has = ~np.isnan(partner_arbeidsinkomen)
    other = np.where(has, partner_arbeidsinkomen, np.inf)
    lower = (arbeidsinkomen < other) | ((arbeidsinkomen == other) & (age > partner_leeftijd))
    return kind_onder_12 & (~has | lower)


def ouderenkorting(inkomen: np.ndarray, aow: np.ndarray, p) -> np.ndarray:
    """Art. 8.17 lid 2: at AOW age, the maximum reduced by a percentage of the verzamelinkomen above a threshold."""
    o = p.ouderenkorting
    full = np.maximum(o.maximum - o.afbouwpercentage * np.maximum(inkomen - o.afbouw_vanaf, 0.0), 0.0)
    return np.where(aow, full, 0.0)


def alleenstaande_ouderenkorting(aow: np.ndarray, alleenstaand: np.ndarray, p) -> np.ndarray:
    """Art. 8.18: at AOW age for who receives the AOW for a single person (here: no partner)."""
    return np.where(aow & alleenstaand, p.alleenstaande_ouderenkorting, 0.0)


CREDITS = ("algemene_heffingskorting", "arbeidskorting", "inkomensafhankelijke_combinatiekorting", "ouderenkorting",
           "alleenstaande_ouderenkorting")


def _on(mask: np.ndarray, n: int, fn, *arrays) -> np.ndarray:
    """``fn`` on the rows of ``mask`` only (nil elsewhere): a credit that only some persons can have."""
    rows = np.flatnonzero(mask)
    out = np.zeros(n)
    if rows.size:
        out[rows] = fn(*(a[rows] for a in arrays))
    return out


def inkomstenbelasting(inkomen: np.ndarray, arbeidsinkomen: np.ndarray, aow: np.ndarray, geboren_voor_1946: np.ndarray,
                       partner_arbeidsinkomen: np.ndarray, partner_leeftijd: np.ndarray, age: np.ndarray,
                       kind_onder_12: np.ndarray, p, detail: bool = True) -> dict[str, np.ndarray]:
    """Box 1 tax and premiums less the heffingskortingen, per person: each part and ``te_betalen`` (what is due).
    ``partner_arbeidsinkomen`` is NaN for who has no fiscal partner.

    The credits together reduce the tax and premiums due, not below nil (art. 8.1; the split of each credit over
    tax and premiums, art. 8.3-8.7, decides only the AOW-age amounts here). With ``detail`` each credit is returned
    as far as it is used: when they exceed what is due, in proportion (so the parts add up to
    ``heffingskortingen``); without, only ``heffingskortingen`` and ``te_betalen``. Each credit is computed only for
    who can have it (work income, a young child, the AOW age)."""
    n = len(inkomen)
    tax = belasting(inkomen, geboren_voor_1946, p)
    premie = premies_volksverzekeringen(inkomen, aow, geboren_voor_1946, p)
    alone = np.isnan(partner_arbeidsinkomen)
    credit = {
        "algemene_heffingskorting": algemene_heffingskorting(inkomen, aow, p),
        "arbeidskorting": _on(arbeidsinkomen > 0, n, lambda ai, a: arbeidskorting(ai, a, p), arbeidsinkomen, aow),
        "inkomensafhankelijke_combinatiekorting": _on(
            kind_onder_12 & (arbeidsinkomen > 0), n,
            lambda ai, pai, pl, ag, k, a: inkomensafhankelijke_combinatiekorting(ai, iack_recht(ai, pai, pl, ag, k), a, p),
            arbeidsinkomen, partner_arbeidsinkomen, partner_leeftijd, age, kind_onder_12, aow),
        "ouderenkorting": _on(aow, n, lambda i, a: ouderenkorting(i, a, p), inkomen, aow),
        "alleenstaande_ouderenkorting": _on(aow & alone, n, lambda a, al: alleenstaande_ouderenkorting(a, al, p), aow, alone),
    }
    credits = sum(credit.values())
    due = tax + premie
    used = np.minimum(credits, due)
    out = {"belasting": tax, "premies_volksverzekeringen": premie}
    if detail:
        share = np.divide(used, credits, out=np.zeros_like(used), where=credits > 0)
        out.update({c: v * share for c, v in credit.items()})
    out["heffingskortingen"] = used
    out["te_betalen"] = due - used
    return out
