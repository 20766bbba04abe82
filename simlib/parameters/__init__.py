"""Sourced legal parameters, one YAML file per allowance plus ``awir.yaml``.

Each parameter has a description, a unit and dated values; every value carries its source and a status.
:func:`load_parameters` resolves them for one berekeningsjaar into a read-only :class:`ParameterSet` that the
rule functions take as an argument. Scenario overrides use the same dotted paths
(``huurtoeslag.aftoppingsgrens.een_of_twee_personen``).
"""

from simlib.parameters.loader import (
    SUPPORTED_YEARS,
    Parameter,
    ParameterSet,
    ValueEntry,
    check_override,
    load_parameters,
    parameter_tree,
)

__all__ = [
    "SUPPORTED_YEARS",
    "Parameter",
    "ParameterSet",
    "ValueEntry",
    "check_override",
    "load_parameters",
    "parameter_tree",
]
