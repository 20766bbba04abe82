"""Advances (voorschotten) and final awards through the year: the repayments and back-payments a rule causes.

:mod:`events` draws what really happens in a year (income errors, changes of situation, reporting) and builds the
populations it leads to; :mod:`year` computes advances, final awards and their settlement; :mod:`runs` repeats the
year over Monte Carlo seeds for a scenario and a comparison, and holds the fit against the official figures.
"""

from simlib.analysis.repayments.events import EVENTS, Events, Levers, draw_events
from simlib.analysis.repayments.year import CAUSES, YearResult, breakdown, simulate_year, summarise

__all__ = ["CAUSES", "EVENTS", "Events", "Levers", "YearResult", "breakdown", "draw_events", "simulate_year", "summarise"]
