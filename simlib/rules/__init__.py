"""The rules of the allowances as pure vectorised functions: arrays of all units in, arrays out.

One module per allowance, :mod:`partner` (the toeslagpartner, Awir art. 3), :mod:`huishouden` (who forms a benefit
unit and a huurtoeslag household: aanvrager, huurder, medebewoner, onderhuurder) and :mod:`awir` (rounding, the
minimum and the one asset test). Each function takes the resolved parameters of the berekeningsjaar (a
:class:`~simlib.parameters.ParameterSet`); rule structures that differ between years (huurtoeslag 2026, the childcare
hours link until 2022) switch on parameters, never on the year. Nothing here knows about populations, blocks,
threads or caches: that is :mod:`simlib.engine`.
"""

ALLOWANCES = ("zorgtoeslag", "huurtoeslag", "kindgebonden_budget", "kinderopvangtoeslag")
UNIT_ALLOWANCES = ("zorgtoeslag", "kindgebonden_budget", "kinderopvangtoeslag")  # per benefit unit; huurtoeslag per home
ASSET_TESTED = ("huurtoeslag", "zorgtoeslag", "kindgebonden_budget")  # the allowances with an asset test (Awir art. 7)
