"""The toeslagen policy simulator.

Applies the rules of the Dutch allowances (zorgtoeslag, huurtoeslag, kindgebonden budget, kinderopvangtoeslag)
and the toeslagpartner definition of the Awir, year by year from 2020, to single households and to a synthetic
population of all Dutch households.

Main entry points: :func:`calculate_household`, :func:`household_sweep`, :func:`load_parameters`,
:func:`simulate`.
"""

from simlib.errors import InputError, ParameterError, SimlibError
from simlib.household import calculate_household, household_sweep
from simlib.parameters import SUPPORTED_YEARS, load_parameters
from simlib.simulate import ALLOWANCES, simulate

__version__ = "0.1.0"

__all__ = [
    "ALLOWANCES",
    "SUPPORTED_YEARS",
    "InputError",
    "ParameterError",
    "SimlibError",
    "calculate_household",
    "household_sweep",
    "load_parameters",
    "simulate",
]
