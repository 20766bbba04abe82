"""The toeslagen policy simulator.

Applies the rules of the Dutch allowances (zorgtoeslag, huurtoeslag, kindgebonden budget, kinderopvangtoeslag)
and the toeslagpartner definition of the Awir, year by year from 2020, to single households and to a synthetic
population of all Dutch households.

Main entry points: :func:`calculate_household`, :func:`household_sweep`, :func:`load_parameters`,
:func:`simulate`, :func:`load_scenario`, :func:`compare`, :func:`default_population` (the bundled or a cached population of a
year) and :func:`load_population`. The heavier ones (pandas, pyarrow, plotly) are imported on first use.
"""

from simlib.engine.household import calculate_household, household_sweep
from simlib.engine.simulate import simulate
from simlib.errors import InputError, ParameterError, SimlibError
from simlib.parameters import SUPPORTED_YEARS, load_parameters
from simlib.rules import ALLOWANCES

__version__ = "0.1.0"

_LAZY = {
    "compare": ("simlib.analysis.compare", "compare"),
    "load_scenario": ("simlib.parameters.scenario", "load_scenario"),
    "default_population": ("simlib.population.build", "cached_population"),
    "load_population": ("simlib.population.store", "load_population"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simlib' has no attribute {name!r}")


__all__ = [
    "ALLOWANCES",
    "SUPPORTED_YEARS",
    "InputError",
    "ParameterError",
    "SimlibError",
    "calculate_household",
    "compare",
    "household_sweep",
    "load_parameters",
    "load_population",
    "load_scenario",
    "default_population",
    "simulate",
]
