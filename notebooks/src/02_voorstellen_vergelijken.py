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
# # 2. Compare the proposals
#
# Each shipped proposal (`scenarios/`) against current law of its year, on the same population and the same take-up
# draws, so every difference comes from the rules. Amounts are euros per year after take-up, counts are households
# weighted to the country. Most proposals answer a rule that the Stand van de uitvoering Toeslagen 2021 names as
# hurting most (its annex): the toeslagpartner definition, the hard asset limit of huurtoeslag, the maximum rent
# limit, the link between childcare hours and hours worked.

# %% tags=["parameters"]
SCENARIOS = None  # None: every shipped proposal; or a list of names in scenarios/, e.g. ["huurgrens-als-aftopping"]
YEAR = None  # None: each proposal in its own year; or one year (2020-2026) for all
FOCUS = "huurgrens-als-aftopping"  # the proposal shown in detail below
REPAYMENT_SEEDS = 1  # Monte Carlo runs of the year of advances and repayments per proposal
LANG = "en"
OUT = "../out/notebooks/02_voorstellen"

# %%
from simlib.face import charts, labels
from simlib.analysis.compare import compare_all, ranked_summary
from simlib.face.export import briefing_formats, save_figure, save_table

labels.set_language(LANG)
comparisons = compare_all(SCENARIOS, year=YEAR, repayment_seeds=REPAYMENT_SEEDS)
ranking = ranked_summary(comparisons)

# %% [markdown]
# ## Ranked summary
# Ranked by the change in spending (€ mln per year). Proposals that act on the year of advances (timely data,
# signalling, doelmatigheidsgrens, matiging) change no entitlement: their effect is in the repayment columns.

# %%
ranking.style.format({c: "{:+,.0f}" for c in ranking.columns if c.endswith(("_mln", "_change"))}
                     | {c: "{:,.0f}" for c in ("winners", "losers", "newly_entitled", "no_longer_entitled", "partner_changes")})

# %%
fig_ranking = charts.scenario_costs(ranking)
fig_ranking

# %% [markdown]
# ## One proposal in detail

# %%
focus = comparisons[FOCUS]
s = focus.summary
print(f"{s['reform']['name']} ({s['year']}): {s['reform']['description']}")
print(f"Signal: {s['reform']['signal']}")
print(f"Cost € {s['cost']['total']['change'] / 1e6:+,.0f} mln per year; {s['winners']:,.0f} households better off, "
      f"{s['losers']:,.0f} worse off.")
charts.cost_change(s)

# %%
charts.winners_losers(focus.tables["by_decile"], "decile")

# %%
charts.winners_losers(focus.tables["by_household_type"], "household_type")

# %%
charts.entitlement_changes(s)

# %%
charts.gain_distribution(focus.tables["gain_distribution"], s["no_change"])

# %% [markdown]
# ### Net income: koopkracht, low incomes, marginale druk
# The change of net disposable income (income tax and premiums after the heffingskortingen, kinderbijslag and the
# allowances after take-up) per income decile as CPB draws it, each household as a dot, the households below the CBS
# lage-inkomensgrens and the workers by marginale druk, current law against the proposal.

# %%
kk, low = s["koopkracht"], s["low_income"]
print(f"Koopkracht: median {kk['median'] * 100:+.2f}%; {kk['better_off']:,.0f} households at least 0.5% better off, "
      f"{kk['worse_off']:,.0f} worse off. Below the low-income line ({low['line_source']}): "
      f"{low['households_baseline']:,.0f} -> {low['households_reform']:,.0f} households.")
charts.koopkracht(focus.tables["koopkracht_by_decile"])

# %%
charts.koopkracht_cloud(focus.household)

# %%
charts.marginale_druk_shares(s)

# %%
focus.tables["marginale_druk_by_decile"]

# %% [markdown]
# ## The budget window 2026-2030
#
# The proposal over the cabinet period: each year on the population and law of that year (after 2026 the written
# amounts, else indexed with `data/projections/cpb.yaml`), with its phase-in. `docs/budget_window.md`.

# %%
from simlib.analysis.window import budget_window
from simlib.parameters.scenario import load_scenario
from simlib.face.window_report import window_figure

window = budget_window(load_scenario("kot-96-procent-ingroei-2027-2029"), years=range(2026, 2031), repayment_seeds=1)
display(window.table[["year", "parameters", "share_in_force", "cost", "behavioural_cost", "winners", "losers"]])
window_figure(window)

# %% [markdown]
# ## Export for a briefing

# %%
written = save_table(ranking, f"{OUT}/ranking") + save_figure(fig_ranking, f"{OUT}/ranking", briefing_formats())
written += save_figure(charts.winners_losers(focus.tables["by_decile"], "decile"), f"{OUT}/{FOCUS}_deciles", briefing_formats())
[str(p) for p in written]
