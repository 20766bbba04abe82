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


def vermogenstoets(vermogen, heeft_partner, grens_alleenstaande, grens_partners, p):
    """Asset test: returns (passes, reduction per year).

    ``vermogen`` is the own rendementsgrondslag without partner, the joint one with a partner for the whole year
    (Awir art. 7 lid 3). With the legal cliff (``awir.vermogensgrens.afbouw`` = 0) ``passes`` is False above the
    limit and the reduction is 0. With a phase-out percentage every unit passes and the yearly allowance is reduced
    by that share of the assets above the limit.
    """
    grens = np.where(heeft_partner, grens_partners, grens_alleenstaande)
    boven = np.maximum(np.asarray(vermogen, dtype=float) - grens, 0.0)
    afbouw = p.awir.vermogensgrens.afbouw
    if afbouw > 0:
        return np.ones(np.shape(boven), dtype=bool), afbouw * boven
    return boven <= 0.0, np.zeros(np.shape(boven))
