# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
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
# # Toeslagen policy simulator — the notebooks
#
# Current or proposed rules of the Dutch allowances (zorgtoeslag, huurtoeslag, kindgebonden budget with the
# ALO-kop, kinderopvangtoeslag) and the toeslagpartner definition of the Awir, applied to a synthetic population of
# all Dutch households calibrated to the official totals. Read them in this order:
#
# | | notebook | answers |
# |---|---|---|
# | 1 | [Baseline and calibration](01_baseline_en_kalibratie.ipynb) | Who is in the population, what current law pays per allowance, and how close that is to the official figures (fit and held-out evidence). |
# | 2 | [Compare the proposals](02_voorstellen_vergelijken.ipynb) | What each shipped proposal costs, who wins and who loses (by income decile and household type), who becomes or stops being entitled. |
# | 3 | [Repayments](03_terugvorderingen.ipynb) | How many terugvorderingen of €500 or more and problematic repayments a year has, why, and what each proposal does to them. |
# | 4 | [Uitvoeringstoets](04_uitvoeringstoets.ipynb) | The implementation-test view of a proposal: affected citizens, new data needs, manual work, fraud risk, timing. |
# | 5 | [What-if briefing](05_what_if.ipynb) | An interactive panel: move the main levers, see cost, winners, losers and repayments change at once. |
# | 6 | [Household explorer](06_huishouden.ipynb) | One household under current law and a proposal over a range of incomes, assets or rents: the cliffs and the combined withdrawal rate. |
#
# **Running them.** Each notebook runs top to bottom on the bundled population (populations of other years are
# built and cached on first use, a few seconds each). The first cell of each notebook holds its parameters (tagged
# `parameters`), so another year, scenario or language can be chosen from the command line, for example:
#
# ```bash
# .venv/bin/papermill notebooks/02_voorstellen_vergelijken.ipynb out/02-2023.ipynb -p YEAR 2023 -p LANG nl
# ```
#
# **Language.** Figures and tables are labelled in English or Dutch: `LANG = "nl"` in the parameters cell (or the
# environment variable `SIMLIB_LANG=nl`).
#
# **Briefing exports.** Figures are written as standalone HTML and PNG, tables as CSV and Excel, under
# `out/notebooks/`.
#
# **Dashboard.** The what-if panel also runs as a dashboard without code:
# `.venv/bin/voila notebooks/05_what_if.ipynb --VoilaConfiguration.extension_denylist=jupyterlab-jupytext`.
#
# The logic lives in the `simlib` package; every cell here calls it. The sources and assumptions behind every
# number: `docs/parameters.md` (law and parameter values), `data/targets/` (official figures),
# `data/synthetic/README.md` (the population), `docs/repayments.md` (the year of advances and repayments).
