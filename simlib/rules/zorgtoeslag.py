"""Zorgtoeslag (Wet op de zorgtoeslag, BWBR0018451).

normpremie = percentage x drempelinkomen + percentage x (toetsingsinkomen - drempelinkomen)+   (Wzt art. 2 lid 2-3)
zorgtoeslag = standaardpremie (twice with a partner: one joint claim) - normpremie            (Wzt art. 2 lid 1)
with a partner who is not a verzekerde: 50%                                                     (Wzt art. 2 lid 4)
per calendar month (art. 2 lid 5); no zorgtoeslag above the asset limit (art. 2a / art. 3).
"""

from __future__ import annotations

import numpy as np

from simlib.rules.awir import round_cents, vermogenstoets


def zorgtoeslag(toetsingsinkomen, heeft_partner, partner_verzekerd, vermogen, maanden, p):
    """Zorgtoeslag of benefit units for the year, before the Awir rounding.

    Args:
        toetsingsinkomen: joint toetsingsinkomen of the unit (Awir art. 7-8).
        heeft_partner: the unit has a toeslagpartner.
        partner_verzekerd: the partner is a verzekerde (ignored without partner).
        vermogen: own or joint rendementsgrondslag on 1 January.
        maanden: number of months in which the aanvrager is a verzekerde of 18 or older (Wzt art. 1 lid 1 c).
        p: parameters of the year.

    Returns a dict of arrays: ``normpremie``, ``jaarbedrag_volledig`` (for a full year), ``per_maand``,
    ``vermogen_ok`` and ``jaarbedrag`` (the entitlement over the eligible months, unrounded).
    """
    zt = p.zorgtoeslag
    ti = np.asarray(toetsingsinkomen, dtype=float)
    heeft_partner = np.asarray(heeft_partner, dtype=bool)
    drempel = zt.drempelinkomen
    pct_drempel = np.where(
        heeft_partner, zt.normpremie.percentage_drempelinkomen.partners, zt.normpremie.percentage_drempelinkomen.alleenstaande
    )
    normpremie = pct_drempel * drempel + zt.normpremie.percentage_boven_drempelinkomen * np.maximum(ti - drempel, 0.0)
    standaardpremie = zt.standaardpremie * np.where(heeft_partner, 2.0, 1.0)
    volledig = np.maximum(standaardpremie - normpremie, 0.0)
    volledig = volledig * np.where(heeft_partner & ~np.asarray(partner_verzekerd, dtype=bool), zt.partner_niet_verzekerd_percentage, 1.0)
    vermogen_ok, vermogen_korting = vermogenstoets(vermogen, heeft_partner, "zorgtoeslag", p)
    maanden = np.asarray(maanden, dtype=float)
    jaarbedrag = np.where(vermogen_ok, np.maximum(volledig * maanden / 12.0 - vermogen_korting, 0.0), 0.0)
    return {
        "standaardpremie": standaardpremie,
        "normpremie": normpremie,
        "jaarbedrag_volledig": volledig,
        "per_maand": round_cents(volledig / 12.0),
        "vermogen_ok": vermogen_ok,
        "jaarbedrag": jaarbedrag,
    }
