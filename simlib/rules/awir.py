"""Rules of the Algemene wet inkomensafhankelijke regelingen shared by all allowances.

- rounding of the yearly award to whole euros and the minimum of EUR 24 (Awir art. 14 lid 4-5);
- the asset test on the box-3 rendementsgrondslag on 1 January (Awir art. 7 lid 3-4; Wzt art. 2a/3;
  Wkgb art. 1 lid 4), with an optional phase-out instead of the cliff as a scenario lever.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-6  # guards halves against binary rounding noise of sums of cents


def round_half_up(x, unit: float = 1.0):
    """Round to a multiple of ``unit``, halves away from zero for positive amounts (rekenkundig afronden)."""
    return np.floor(np.asarray(x, dtype=float) / unit + 0.5 + _EPS) * unit


def round_cents(x):
    """Round an amount to whole cents, halves up."""
    return np.floor(np.asarray(x, dtype=float) * 100.0 + 0.5 + _EPS) / 100.0


def ceil_cents(x):
    """Round an amount up to whole cents (Wht art. 19 lid 3), ignoring binary noise below 1e-7 cent."""
    return np.ceil(np.asarray(x, dtype=float) * 100.0 - 1e-7) / 100.0


def toekenning(jaarbedrag, p):
    """The awarded yearly amount: rounded to whole euros (Awir art. 14 lid 4), nil below the minimum (lid 5)."""
    rounded = round_half_up(np.maximum(jaarbedrag, 0.0), p.awir.afronding_tegemoetkoming)
    return np.where(rounded < p.awir.minimum_tegemoetkoming, 0.0, rounded)


def vermogensgrens(heeft_partner, allowance: str, p):
    """The asset limit of each claimant of ``allowance``: the single limit without a toeslagpartner, the joint one
    with (Awir art. 7 lid 3; Wet op de zorgtoeslag art. 3, Wet op het kindgebonden budget art. 2 lid 3, Wet op de
    huurtoeslag art. 14 via Awir art. 7 lid 7). The values are ``awir.vermogensgrens.<allowance>``."""
    limit = getattr(p.awir.vermogensgrens, allowance)
    return np.where(heeft_partner, limit.partners, limit.alleenstaande)


def boven_vermogensgrens(vermogen, heeft_partner, allowance: str, p):
    """Whether the rendementsgrondslag on 1 January (own, or joint with a toeslagpartner) exceeds the asset limit of
    ``allowance`` (:func:`vermogensgrens`), whatever the consequence (a cliff, or a phase-out as a scenario lever)."""
    return np.asarray(vermogen, dtype=float) > vermogensgrens(heeft_partner, allowance, p)


def vermogenstoets(vermogen, heeft_partner, allowance: str, p):
    """Asset test of ``allowance``: returns (passes, reduction per year).

    ``vermogen`` is the own rendementsgrondslag without partner, the joint one with a partner for the whole year
    (Awir art. 7 lid 3). With the legal cliff (``awir.vermogensgrens.afbouw`` = 0) ``passes`` is False above the
    limit (:func:`vermogensgrens`) and the reduction is 0. With a phase-out percentage every unit passes and the
    yearly allowance is reduced by that share of the assets above the limit.
    """
    boven = np.maximum(np.asarray(vermogen, dtype=float) - vermogensgrens(heeft_partner, allowance, p), 0.0)
    afbouw = p.awir.vermogensgrens.afbouw
    if afbouw > 0:
        return np.ones(np.shape(boven), dtype=bool), afbouw * boven
    return boven <= 0.0, np.zeros(np.shape(boven))
