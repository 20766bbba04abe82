"""The rules of the allowances as pure vectorised functions: arrays of all units in, arrays out.

One module per allowance plus :mod:`partner` (Awir art. 3) and :mod:`awir` (shared rules). Each function takes
the resolved :class:`~simlib.parameters.ParameterSet` of the berekeningsjaar; rule structures that differ between
years (huurtoeslag 2026, the childcare hours link until 2022) switch on parameters, never on the year.
"""
