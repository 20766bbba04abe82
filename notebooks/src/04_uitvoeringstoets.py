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
# # 4. Uitvoeringstoets (indicative)
#
# What a proposal asks of the Dienst Toeslagen and of citizens, measured on the population and rated in the shape of
# the summary box of a Belastingdienst/Toeslagen uitvoeringstoets. The Stand van de uitvoering Toeslagen 2021 (par.
# 3.4) says complexity is weighed too little when rules are made; these numbers are meant for early in the process.
#
# Every rating comes from one measured indicator and the thresholds beside it (`simlib/analysis/complexity/thresholds.yaml`,
# with their reasoning). Disagree? Copy the file, change it and set `THRESHOLDS` below. The inputs the rules read and
# where they come from (register, declaration, judged by a person): `simlib/analysis/complexity/inputs.yaml`. Method:
# `docs/complexity.md`.

# %% tags=["parameters"]
SCENARIOS = None  # None: every shipped proposal; or a list of names in scenarios/
FOCUS = "partner-criterium-e-alleen-stellen"  # the proposal shown in full below
DECISION_DATE = None  # "YYYY-MM-DD" of the decision, for the earliest start; None = today
THRESHOLDS = None  # path to your own thresholds file; None = the shipped one
REPAYMENT_SEEDS = 1
LANG = "en"
OUT = "../out/notebooks/04_uitvoeringstoets"

# %%
from datetime import date

from simlib.face import labels
from simlib.analysis.complexity import assess_all
from simlib.face.complexity_report import overview, overview_style, show, write_report
from simlib.face.export import save_table

labels.set_language(LANG)
decision = date.fromisoformat(DECISION_DATE) if DECISION_DATE else None
assessments = assess_all(SCENARIOS, thresholds=THRESHOLDS, decision_date=decision, repayment_seeds=REPAYMENT_SEEDS)

# %% [markdown]
# ## The shipped proposals side by side

# %%
table = overview(assessments)
overview_style(table)

# %% [markdown]
# ## One proposal in full: the summary box and the indicators behind it

# %%
show(assessments[FOCUS])

# %% [markdown]
# ## Export
# The report of the chosen proposal as Markdown, HTML and JSON; the overview as CSV and Excel. Reports for every
# shipped proposal: `simlib complexity --all --out DIR` (committed under `docs/uitvoeringstoetsen/`).

# %%
written = write_report(assessments[FOCUS], f"{OUT}/{FOCUS}") + save_table(table.reset_index(names="onderdeel"), f"{OUT}/overview")
[str(p) for p in written]
