# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 6. Household explorer
#
# One household under current law and under a proposal, over a range of its income, assets or rent: the yearly
# amount of each allowance, the ranges where an allowance falls to nil at once (cliffs, shaded), and the combined
# withdrawal rate — the share of an extra euro that the allowances take back together. Then its net disposable
# income (income tax and premiums, the heffingskortingen, kinderbijslag and the allowances) and its marginale druk:
# of each extra euro earned, the share that goes, split by cause, and the ranges where one euro more leaves the
# household with less. The household is a file in the format of the household calculator (see the README).

# %% tags=["parameters"]
HOUSEHOLD = "../examples/single_parent_lodger.json"
SCENARIO = "partner-zonder-criterium-e"  # a file or a name in scenarios/
SWEEP = "income"  # income, assets or rent
PERSON = None  # whose income or assets vary (default: the first adult)
LANG = "en"
OUT = "../out/notebooks/06_huishouden"

# %%
import json

from simlib import load_scenario
from simlib.face import charts, labels
from simlib.face.export import briefing_formats, save_figure, save_table
from simlib.engine.household import compare_household, household_sweep, marginal_cliffs, sweep_cliffs, sweep_grid

labels.set_language(LANG)
with open(HOUSEHOLD, encoding="utf-8") as fh:
    household = json.load(fh)
reform = load_scenario(SCENARIO)
print(f"{reform.name}: {reform.description}")

# %% [markdown]
# ## This household today and under the proposal

# %%
amounts, partners = compare_household(household, reform)
amounts

# %%
partners

# %% [markdown]
# ## Over a range

# %%
grid = sweep_grid(household, SWEEP, person=PERSON)
base = household_sweep(household, person=PERSON, **{SWEEP: grid})
proposal = household_sweep(household, person=PERSON, scenario=reform, **{SWEEP: grid})
fig = charts.sweep(base, SWEEP, cliffs=sweep_cliffs(base, SWEEP), reform=proposal, withdrawal=True)
fig

# %% [markdown]
# ## Net income and marginale druk
#
# Over the income of the person (the marginale druk is of that person's income; for assets or rent the chart shows
# the net income only).

# %%
net_grid = grid if SWEEP == "income" else sweep_grid(household, "income", person=PERSON)
net_base = household_sweep(household, person=PERSON, income=net_grid)
net_proposal = household_sweep(household, person=PERSON, income=net_grid, scenario=reform)
net_fig = charts.net_income_sweep(net_base, "income", reform=net_proposal)
net_fig

# %%
# where one euro more leaves less (marginale druk above 100%), with the causes; current law, then the proposal
{"baseline": marginal_cliffs(net_base), "proposal": marginal_cliffs(net_proposal)}

# %% [markdown]
# ## Export for a briefing

# %%
table = base.merge(proposal, on=SWEEP, suffixes=("_baseline", "_reform"))
written = save_figure(fig, f"{OUT}/sweep_{SWEEP}", briefing_formats()) + save_table(table, f"{OUT}/sweep_{SWEEP}")
written += save_figure(net_fig, f"{OUT}/net_income", briefing_formats())
written += save_table(net_base.merge(net_proposal, on="income", suffixes=("_baseline", "_reform")), f"{OUT}/net_income")
[str(p) for p in written]
