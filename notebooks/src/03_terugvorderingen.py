# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 3. Repayments (terugvorderingen)
#
# Each year about 500,000 advances end in a repayment of €500 or more, and for about 150,000 households that
# repayment is problematic (Stand van de uitvoering Toeslagen 2021, par. 3.3). A proposal that costs nothing can
# still change these numbers a lot. The model simulates the year month by month: the advance rests on an income
# estimate and the situation known at the start, changes happen (income shocks by work profile, a partner moving in
# or out, a birth, a move, childcare changes) and are reported with a probability and a delay; the final award is
# made on the real year. How it works and what was tuned: `docs/repayments.md`.

# %% tags=["parameters"]
YEAR = 2024
SEEDS = 3  # Monte Carlo runs of the year (the interval is min-max over the runs)
SCENARIOS = None  # None: every shipped proposal
LANG = "en"
OUT = "../out/notebooks/03_terugvorderingen"

# %%
import simlib
from simlib.face import charts, labels
from simlib.analysis.compare import compare_all, ranked_summary
from simlib.face.export import briefing_formats, save_figure, save_table
from simlib.analysis.repayments.runs import fit_table, mean_and_interval, repayment_runs
from simlib.parameters.scenario import current_law

labels.set_language(LANG)
population = simlib.default_population(YEAR)
runs, tables = repayment_runs(current_law(YEAR), population, YEAR, SEEDS)
baseline = mean_and_interval(runs)

# %% [markdown]
# ## The baseline year against the official figures
# The first two rows were used to tune two behavioural parameters (the spread of income estimates and the share of
# payment capacity available for repayment); the others are evidence from 2016.

# %%
fit = fit_table(baseline)
fit.style.format({"official": "{:,.0f}", "simulated": "{:,.0f}", "low": "{:,.0f}", "high": "{:,.0f}", "deviation": "{:+.1%}"})

# %% [markdown]
# ## Why: the causes of repayments of €500 or more

# %%
fig_causes = charts.repayment_causes({"baseline": baseline})
fig_causes

# %% [markdown]
# ## Who: by work profile, household type and income decile (first run)

# %%
tables["repayments_by_profile"].round(0)

# %%
tables["repayments_by_household_type"].round(0)

# %%
tables["repayments_by_decile"].round(0)

# %% [markdown]
# ## What each proposal does to them
# The same events for current law and proposal, so the change is the proposal's effect. Ranked by the change in
# repayments of €500 or more.

# %%
comparisons = compare_all(SCENARIOS, repayment_seeds=SEEDS)
ranking = ranked_summary(comparisons).sort_values("repayments_ge_500_change", ignore_index=True)
ranking[["name", "year", "repayments_ge_500_change", "problematic_change", "repayment_amount_change_mln", "cost_change_mln"]].round(1)

# %%
fig_proposals = charts.scenario_repayments(ranking)
fig_proposals

# %% [markdown]
# ## Export for a briefing

# %%
written = save_table(fit, f"{OUT}/fit_{YEAR}") + save_table(ranking, f"{OUT}/proposals")
written += save_figure(fig_causes, f"{OUT}/causes_{YEAR}", briefing_formats())
written += save_figure(fig_proposals, f"{OUT}/proposals", briefing_formats())
[str(p) for p in written]
