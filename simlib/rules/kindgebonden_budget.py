"""Kindgebonden budget (Wet op het kindgebonden budget, BWBR0022751).

For each calendar month (art. 2 lid 11), for the children for whom the parent receives kinderbijslag, from the
month after birth up to and including the month the child turns 18 (art. 2 lid 1):

    base  = amount for the number of children (art. 2 lid 2)
          + supplement per child aged 12-15 / 16-17, from the month after the 12th / 16th birthday (lid 3-5)
          + ALO-kop for a parent without toeslagpartner (lid 6)
    KGB   = base - afbouw% x (toetsingsinkomen - drempelinkomen)+                     (lid 7, single parent)
          = base - afbouw% x (joint toetsingsinkomen - drempelinkomen - verhoging)+   (lid 8, partners)
each as a yearly amount, of which a month gets one twelfth. No budget above the asset limit (art. 1 lid 4).
"""

from __future__ import annotations

import numpy as np

from simlib.rules.awir import round_cents, vermogenstoets


def bedrag_kinderen(aantal, p):
    """Yearly amount for ``aantal`` children (Wkgb art. 2 lid 2), by the amount each child rank adds."""
    b = p.kindgebonden_budget.bedrag_per_kind
    cumulatief = np.array([0.0, b.eerste_kind, b.eerste_kind + b.tweede_kind, b.eerste_kind + b.tweede_kind + b.derde_kind])
    n = np.asarray(aantal)
    return cumulatief[np.minimum(n, 3)] + np.maximum(n - 3, 0) * b.vierde_en_volgende_kind


def kindgebonden_budget(toetsingsinkomen, heeft_partner, vermogen, kinderen, kinderen_12_15, kinderen_16_17, p):
    """Kindgebonden budget of benefit units, per month and for the year (before the Awir rounding).

    Args:
        toetsingsinkomen: joint toetsingsinkomen of the unit, shape (n,).
        heeft_partner: the parent has a toeslagpartner, shape (n,).
        vermogen: own or joint rendementsgrondslag on 1 January, shape (n,).
        kinderen, kinderen_12_15, kinderen_16_17: number of children entitling to the budget in each month, and of
            those the ones with the 12-15 and 16-17 supplement, shape (n, 12).
        p: parameters of the year.

    Returns a dict: ``basis`` and ``per_maand`` of shape (n, 12), ``afbouw``, ``drempel`` and ``jaarbedrag`` (n,).
    """
    kgb = p.kindgebonden_budget
    ti = np.asarray(toetsingsinkomen, dtype=float)
    heeft_partner = np.asarray(heeft_partner, dtype=bool)
    kinderen = np.asarray(kinderen)
    alo = np.where(heeft_partner, 0.0, kgb.alleenstaande_ouderkop)[:, None]
    basis = (
        bedrag_kinderen(kinderen, p)
        + kgb.verhoging_12_tot_16 * np.asarray(kinderen_12_15)
        + kgb.verhoging_16_tot_18 * np.asarray(kinderen_16_17)
        + np.where(kinderen > 0, alo, 0.0)
    )
    drempel = kgb.drempelinkomen + np.where(heeft_partner, kgb.verhoging_drempelinkomen_partners, 0.0)
    afbouw = kgb.afbouwpercentage * np.maximum(ti - drempel, 0.0)
    vermogen_ok, vermogen_korting = vermogenstoets(vermogen, heeft_partner, "kindgebonden_budget", p)
    per_maand = np.where(kinderen > 0, np.maximum(basis - afbouw[:, None], 0.0) / 12.0, 0.0)
    jaarbedrag = np.where(vermogen_ok, np.maximum(per_maand.sum(axis=1) - vermogen_korting, 0.0), 0.0)
    return {
        "basis": basis,
        "drempel": drempel,
        "afbouw": afbouw,
        "vermogen_ok": vermogen_ok,
        "per_maand": round_cents(np.where(vermogen_ok[:, None], per_maand, 0.0)),
        "jaarbedrag": jaarbedrag,
    }
