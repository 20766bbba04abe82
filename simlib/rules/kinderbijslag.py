"""Kinderbijslag per child for a year (Algemene Kinderbijslagwet art. 7, 11-13). ``p`` is the ``kinderbijslag`` node.

Per calendar quarter a share of the basiskinderbijslagbedrag by the child's age on the first day of the quarter
(70% under 6, 85% from 6 to 12, 100% from 12 to 18), rounded to cents as the published amounts are; the basisbedrag
of the first two quarters and that of the last two differ (indexation on 1 January and 1 July). No income test.
"""

from __future__ import annotations

import numpy as np

QUARTER_START_MONTHS = (1, 4, 7, 10)


def leeftijd_op(age: np.ndarray, birth_month: np.ndarray, month: int) -> np.ndarray:
    """Age on the first day of ``month``, from the age on 1 January and the month of birth (a birthday on the first of
    the month is not known: a child born in ``month`` has not yet had its birthday on its first day)."""
    return age + (birth_month < month)


MAX_AGE = 130


def kwartaalbedragen(basisbedrag: float, p) -> np.ndarray:
    """The amount for one quarter by the age on its first day, as a table over ages 0..MAX_AGE (AKW art. 12 lid 2:
    a share of the basisbedrag rounded to cents, as published; nil from the maximum age)."""
    age = np.arange(MAX_AGE + 1)
    share = p.percentage
    pct = np.select([age < 6, age < 12, age < p.maximumleeftijd_kind], [share.tot_6, share.van_6_tot_12, share.van_12_tot_18], 0.0)
    return np.round(basisbedrag * pct, 2)


def kinderbijslag(age: np.ndarray, birth_month: np.ndarray, p) -> np.ndarray:
    """Kinderbijslag for the year per child (AKW art. 11-12): the sum of the four quarters."""
    total = np.zeros(age.shape, dtype=float)
    tables = {half: kwartaalbedragen(b, p) for half, b in (("1", p.basisbedrag.eerste_halfjaar), ("2", p.basisbedrag.tweede_halfjaar))}
    for month in QUARTER_START_MONTHS:
        total += tables["1" if month < 7 else "2"][np.clip(leeftijd_op(age, birth_month, month), 0, MAX_AGE)]
    return total
