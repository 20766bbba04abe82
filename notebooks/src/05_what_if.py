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
# # 5. What-if briefing
#
# Move a lever and the cost per allowance, the households better and worse off (by income decile) and the
# repayments of the year update at once. The baseline (current law of the year) is computed once; each change runs
# the rules and the year of advances and repayments (one Monte Carlo run) for the whole population. Partner limits
# of the asset test move with the single-person limit in the ratio of current law; the other childcare types move
# with the dagopvang price. "Save as scenario" writes the settings as a scenario file for `simlib compare`, which
# adds the interval over several runs and populations.

# %% tags=["parameters"]
YEAR = 2025
LANG = "en"
OUT = "../out/notebooks/05_what_if"

# %%
from simlib.face import labels
from simlib.analysis.whatif import WhatIf
from simlib.face.whatif_panel import WhatIfPanel

labels.set_language(LANG)
panel = WhatIfPanel(WhatIf(year=YEAR), out_dir=OUT)
panel
