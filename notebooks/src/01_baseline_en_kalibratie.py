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
# # 1. Baseline and calibration
#
# The synthetic population, what current law pays per allowance, and how well the baseline reproduces the
# official figures. The population's weights and the take-up of each allowance are calibrated to the targets of
# the calibration year (2020, the year with the most detailed spending figures of the Dienst Toeslagen); other
# targets are kept out of the fit and serve as evidence.

# %% tags=["parameters"]
YEAR = 2020  # 2020-2026
LANG = "en"  # "en" or "nl": labels of figures and tables
OUT = "../out/notebooks/01_baseline"  # where exported figures and tables go

# %%
import simlib
from simlib.face import charts, labels
from simlib.face.export import briefing_formats, save_figure, save_table
from simlib.population.validate import validation_table
from simlib.analysis.baseline import baseline_summary, population_overview

labels.set_language(LANG)
population = simlib.default_population(YEAR)
print(f"{population.n_households:,} households ({population.n_persons:,} persons) weighted to "
      f"{population.households['weight'].sum():,.0f} households; built from {population.meta.get('path', 'the cache')}")

# %% [markdown]
# ## The population
# Households by type and tenure, weighted to the country (thousands), with the persons living in them and their
# mean gross income (sum of the toetsingsinkomen of the residents).

# %%
overview = population_overview(population)
overview.round(1)

# %% [markdown]
# ## The baseline: current law of the year
# Spending after non-take-up (what is paid out) and recipients per allowance. Non-take-up is modelled explicitly:
# each claimant takes up with a probability that rises with the amount, calibrated to the official recipient
# counts.

# %%
baseline = simlib.simulate(population)
summary = baseline_summary(baseline)
fig_totals = charts.baseline_totals(summary)
fig_totals

# %%
import pandas as pd

totals = pd.DataFrame(summary["allowances"]).T
totals["spending_bn"] = totals["spending"] / 1e9
totals["take_up_rate"] = totals["recipients"] / totals["entitled"]
totals[["spending_bn", "recipients", "entitled", "take_up_rate"]].round(3)

# %% [markdown]
# ## Simulated against the official figures
# Every target of the year with its source. **Calibration** rows are fitted (their deviation shows the fit, not
# evidence); **validation** rows were kept out of the fit and show how far the population can be trusted beyond what
# it was fitted to.

# %%
validation = validation_table(baseline)
fig_validation = charts.validation(validation)
fig_validation

# %%
validation[["role", "statistic", "target", "simulated", "deviation", "within_tolerance", "source"]].style.format(
    {"target": "{:,.0f}", "simulated": "{:,.0f}", "deviation": "{:+.1%}"})

# %% [markdown]
# ## Export for a briefing

# %%
written = save_figure(fig_totals, f"{OUT}/baseline_{YEAR}", briefing_formats())
written += save_figure(fig_validation, f"{OUT}/validation_{YEAR}", briefing_formats())
written += save_table(validation, f"{OUT}/validation_{YEAR}") + save_table(overview, f"{OUT}/population_{YEAR}")
[str(p) for p in written]
