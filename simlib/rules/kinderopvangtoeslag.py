"""Kinderopvangtoeslag (Wet kinderopvang, BWBR0017017; Besluit kinderopvangtoeslag, BWBR0017321).

Per child per month (Besluit KOT art. 2):

    kinderopvangtoeslag = percentage(joint toetsingsinkomen, rank) x hours x min(hourly price, maximum hourly price)

- the percentage comes from Bijlage I; the child with the most hours is the 'eerste kind', all others use the
  table for the second and next child (Besluit KOT art. 3, art. 6);
- at most 230 hours per child per month (art. 8a lid 1); until 2022 also at most 140% (dagopvang, gastouderopvang
  before school age) or 70% (buitenschoolse opvang, school-age gastouderopvang; 140% in 2022) of the hours worked by
  the parent who works least (art. 8a lid 1 onderdeel b, 'koppeling gewerkte uren');
- only in months in which the parent and the toeslagpartner both work or follow a traject, study or inburgering
  (Wko art. 1.6); no asset test.
"""

from __future__ import annotations

import numpy as np

# Care types (Wko art. 1.1)
GEEN, DAGOPVANG, BUITENSCHOOLSE_OPVANG, GASTOUDEROPVANG = 0, 1, 2, 3
CARE_TYPES = {"dagopvang": DAGOPVANG, "bso": BUITENSCHOOLSE_OPVANG, "gastouderopvang": GASTOUDEROPVANG}


def percentages(toetsingsinkomen, p):
    """Percentages for the first and for the next child by joint toetsingsinkomen (Besluit KOT Bijlage I)."""
    tabel = p.kinderopvangtoeslag.inkomenstabel
    rij = np.searchsorted(tabel[:, 0], np.asarray(toetsingsinkomen, dtype=float), side="right") - 1
    rij = np.clip(rij, 0, len(tabel) - 1)
    return tabel[rij, 1], tabel[rij, 2]


def maximum_uren(soort, leeftijd, uren_gewerkt_minst, p):
    """Maximum compensated hours per month for each child (Besluit KOT art. 8a lid 1)."""
    kot = p.kinderopvangtoeslag
    maximum = np.full(np.shape(soort), kot.maximum_uren_per_maand, dtype=float)
    kgu = kot.koppeling_gewerkte_uren
    if kgu.van_toepassing:
        soort = np.asarray(soort)
        schoolgaand = np.asarray(leeftijd) >= kgu.leeftijd_schoolgaand
        schoolse_opvang = (soort == BUITENSCHOOLSE_OPVANG) | ((soort == GASTOUDEROPVANG) & schoolgaand)
        pct = np.where(schoolse_opvang, kgu.percentage_buitenschoolse_opvang, kgu.percentage_dagopvang)
        gekoppeld = np.ceil(pct * np.asarray(uren_gewerkt_minst, dtype=float) - 1e-9)
        maximum = np.minimum(maximum, gekoppeld)
    return maximum


def maximum_uurprijs(soort, p):
    """Maximum hourly price by care type (Besluit KOT art. 4 lid 1)."""
    m = p.kinderopvangtoeslag.maximum_uurprijs
    prijzen = np.array([0.0, m.dagopvang, m.buitenschoolse_opvang, m.gastouderopvang])
    return prijzen[np.asarray(soort)]


def kinderopvangtoeslag(eenheid, soort, uren, uurprijs, leeftijd, n_eenheden, toetsingsinkomen, voldoet_arbeidseis, uren_gewerkt_minst, p):
    """Kinderopvangtoeslag per child in childcare and per benefit unit, for one month of a constant situation.

    Args:
        eenheid: index of the benefit unit of each child in care (children of one unit may be in any order).
        soort, uren, uurprijs, leeftijd: care type code, hours per month, hourly price and age of each child.
        n_eenheden: number of benefit units.
        toetsingsinkomen: joint toetsingsinkomen per unit, shape (n_eenheden,).
        voldoet_arbeidseis: the parent(s) of the unit meet the work requirement, shape (n_eenheden,).
        uren_gewerkt_minst: hours worked per month by the parent who works least, shape (n_eenheden,).
        p: parameters of the year.

    Returns a dict: per child ``uren_vergoed``, ``uurprijs_vergoed``, ``eerste_kind``, ``percentage``,
    ``per_maand``; per unit ``per_maand_eenheid``.
    """
    eenheid = np.asarray(eenheid, dtype=np.int64)
    soort = np.asarray(soort)
    uren = np.asarray(uren, dtype=float)
    uurprijs = np.asarray(uurprijs, dtype=float)
    ti = np.asarray(toetsingsinkomen, dtype=float)
    max_uren = maximum_uren(soort, leeftijd, np.asarray(uren_gewerkt_minst, dtype=float)[eenheid], p)
    uren_vergoed = np.clip(np.minimum(uren, max_uren), 0.0, None)
    prijs_vergoed = np.minimum(uurprijs, maximum_uurprijs(soort, p))
    kosten = uren_vergoed * prijs_vergoed
    # eerste kind: most hours; ties go to the child with the highest compensated costs, then the first listed
    order = np.lexsort((np.arange(len(eenheid)), -kosten, -uren_vergoed, eenheid))
    eerste = np.zeros(len(eenheid), dtype=bool)
    if len(order):
        sorted_units = eenheid[order]
        first_pos = np.r_[True, sorted_units[1:] != sorted_units[:-1]]
        eerste[order[first_pos]] = True
    pct_eerste, pct_volgende = percentages(ti[eenheid], p)  # only the units with a child in care
    pct = np.where(eerste, pct_eerste, pct_volgende)
    per_maand = np.where(np.asarray(voldoet_arbeidseis, dtype=bool)[eenheid], pct * kosten, 0.0)
    per_eenheid = np.bincount(eenheid, weights=per_maand, minlength=n_eenheden)
    return {
        "uren_vergoed": uren_vergoed,
        "uurprijs_vergoed": prijs_vergoed,
        "eerste_kind": eerste,
        "percentage": pct,
        "per_maand": per_maand,
        "per_maand_eenheid": per_eenheid,
    }
