"""Plotly figures for reports, notebooks and the what-if panel: titles, units and source on every figure.

Labels follow :mod:`simlib.face.labels` (Dutch or English by one setting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.analysis.impact import BUCKETS  # one definition of the gain/loss buckets
from simlib.face.labels import t
from simlib.rules import ALLOWANCES

def _renderer_for_exported_notebooks() -> None:
    """In a notebook plotly's default renderer emits only its own mimetype: JupyterLab draws it, but a notebook
    exported to HTML (nbconvert, the usual way to send a briefing) shows nothing. Add the 'notebook' renderer, which
    also emits HTML with plotly.js embedded once per notebook (so the exported file works offline)."""
    import sys

    if "ipykernel" in sys.modules:
        import plotly.io as pio

        if "notebook" not in pio.renderers.default.split("+"):
            pio.renderers.default = "plotly_mimetype+notebook"


_renderer_for_exported_notebooks()

BUCKET_COLORS = {"loss > 5%": "#b2182b", "loss ≤ 5%": "#ef8a62", "no change": "#d9d9d9", "gain ≤ 5%": "#67a9cf", "gain > 5%": "#2166ac"}
COLOR = {"zorgtoeslag": "#1b9e77", "huurtoeslag": "#d95f02", "kindgebonden_budget": "#7570b3", "kinderopvangtoeslag": "#e7298a", "totaal": "#333333"}


def finish(fig: go.Figure, height: int = 440) -> go.Figure:
    """House style: white template, room for the source line below the axes."""
    fig.update_layout(
        template="plotly_white", height=height, margin={"t": 60, "b": 110, "l": 70, "r": 30} | dict(fig.layout.margin.to_plotly_json()),
        annotations=list(fig.layout.annotations)
        + [dict(text=t("source"), xref="paper", yref="paper", x=0, y=0, yshift=-80, yanchor="top", showarrow=False,
                 font={"size": 10}, xanchor="left")],
    )
    return fig


def cost_change(summary: dict) -> go.Figure:
    """Change in spending per allowance (€ mln per year)."""
    fig = go.Figure(go.Bar(x=[t(a) for a in ALLOWANCES], y=[summary["cost"][a]["change"] / 1e6 for a in ALLOWANCES],
                           marker_color=[COLOR[a] for a in ALLOWANCES]))
    fig.update_layout(title=t("cost_title_total", year=summary["year"], total=summary["cost"]["total"]["change"] / 1e6),
                      yaxis_title=t("eur_mln_year"))
    return finish(fig)


def winners_losers(table: pd.DataFrame, key: str) -> go.Figure:
    """Share of households in each gain/loss bucket by ``key`` (decile, household type, tenure)."""
    fig = go.Figure()
    for b in BUCKETS:
        fig.add_bar(x=[str(v) for v in table[key]], y=table[b] * 100, name=t(b), marker_color=BUCKET_COLORS[b])
    title = {"decile": "decile_title", "household_type": "type_title", "tenure": "tenure_title"}[key]
    fig.update_layout(barmode="stack", title=t(title), yaxis_title=t("households_pct"), xaxis_title=t(key), legend_title=t("bucket_legend"))
    return finish(fig)


def gain_distribution(table: pd.DataFrame, unchanged: float) -> go.Figure:
    g = table[table["bin"].astype(str) != "no change"]
    colors = ["#b2182b" if str(b).startswith(("<", "-")) else "#2166ac" for b in g["bin"]]
    fig = go.Figure(go.Bar(x=[str(v) for v in g["bin"]], y=g["households"] / 1e3, marker_color=colors))
    fig.update_layout(title=f"{t('eur_year')}: {unchanged:,.0f} {t('households')} {t('no change')}",
                      yaxis_title=t("households_thousands"), xaxis_title=t("eur_year"))
    return finish(fig)


def entitlement_changes(summary: dict) -> go.Figure:
    ec = summary["entitlement_changes"]
    fig = go.Figure()
    fig.add_bar(x=[t(a) for a in ALLOWANCES], y=[ec[a]["newly_entitled"] / 1e3 for a in ALLOWANCES], name="+", marker_color="#2166ac")
    fig.add_bar(x=[t(a) for a in ALLOWANCES], y=[-ec[a]["no_longer_entitled"] / 1e3 for a in ALLOWANCES], name="−", marker_color="#b2182b")
    fig.update_layout(barmode="relative", title=t("households_thousands"), yaxis_title=t("households_thousands"))
    return finish(fig)


def repayment_causes(repayments: dict) -> go.Figure:
    causes = list(next(iter(repayments["baseline"]["per_allowance"].values()))["causes_ge_500"])
    fig = go.Figure()
    for label, color in (("baseline", "#969696"), ("reform", "#2166ac")):
        if label in repayments:
            fig.add_bar(x=[t(c) for c in causes], name=t(label), marker_color=color,
                        y=[sum(repayments[label]["per_allowance"][a]["causes_ge_500"][c] for a in ALLOWANCES) / 1e3 for c in causes])
    fig.update_layout(barmode="group", title=t("repay_title"), yaxis_title=t("repayments_thousands"))
    return finish(fig)


def repayment_change(repayments: dict) -> go.Figure:
    """Repayments of EUR 500 or more and problematic repayments, baseline against reform (thousands)."""
    keys = ("count_ge_500", "problematic")
    fig = go.Figure()
    for label, color in (("baseline", "#969696"), ("reform", "#2166ac")):
        fig.add_bar(x=[t(k) for k in keys], y=[repayments[label][k] / 1e3 for k in keys], name=t(label), marker_color=color,
                    text=[f"{repayments[label][k] / 1e3:,.0f}k" for k in keys], textposition="outside")
    fig.update_layout(barmode="group", title=t("repay_change_title"), yaxis_title=t("households_thousands"))
    return finish(fig)


def scenario_costs(table: pd.DataFrame) -> go.Figure:
    """Change in spending per scenario (from :func:`simlib.analysis.compare.ranked_summary`), stacked by allowance."""
    df = table.iloc[::-1]
    labels = [f"{n} ({y})" for n, y in zip(df["name"], df["year"])]
    fig = go.Figure()
    for a in ALLOWANCES:
        fig.add_bar(y=labels, x=df[f"{a}_mln"], name=t(a), orientation="h", marker_color=COLOR[a],
                    customdata=np.c_[df["winners"], df["losers"]],
                    hovertemplate="%{y}: € %{x:,.0f} mln<br>winners %{customdata[0]:,.0f}, losers %{customdata[1]:,.0f}<extra></extra>")
    height = max(440, 28 * len(df) + 200)
    fig.update_layout(barmode="relative", title=t("scenarios_cost_title"), xaxis_title=t("eur_mln_year"), height=height,
                      margin={"l": 340})
    return finish(fig, height=height)


def scenario_repayments(table: pd.DataFrame) -> go.Figure:
    """Change in repayments of EUR 500 or more and in problematic repayments per scenario (thousands)."""
    df = table.iloc[::-1]
    labels = [f"{n} ({y})" for n, y in zip(df["name"], df["year"])]
    fig = go.Figure()
    fig.add_bar(y=labels, x=df["repayments_ge_500_change"] / 1e3, name=t("count_ge_500"), orientation="h", marker_color="#2166ac")
    fig.add_bar(y=labels, x=df["problematic_change"] / 1e3, name=t("problematic"), orientation="h", marker_color="#b2182b")
    height = max(440, 34 * len(df) + 200)
    fig.update_layout(barmode="group", title=t("scenarios_repay_title"), xaxis_title=t("households_thousands"), height=height,
                      margin={"l": 340})
    return finish(fig, height=height)


def baseline_totals(summary: dict) -> go.Figure:
    """Spending per allowance of a baseline (from simlib.analysis.baseline.baseline_summary)."""
    a = summary["allowances"]
    fig = go.Figure(go.Bar(x=[t(k) for k in a], y=[v["spending"] / 1e9 for v in a.values()], marker_color=[COLOR[k] for k in a],
                           text=[f"{v['recipients'] / 1e6:.2f} mln" for v in a.values()], textposition="outside"))
    fig.update_layout(title=t("spending_title", year=summary["year"]), yaxis_title="€ bn")
    return finish(fig)


def validation(table: pd.DataFrame) -> go.Figure:
    """Deviation of every target, calibration and validation targets side by side."""
    fig = go.Figure()
    for role, color in (("calibration", "#969696"), ("validation", "#2166ac")):
        part = table[table.role == role]
        fig.add_bar(y=part["statistic"], x=part["deviation"] * 100, orientation="h", name=t(role), marker_color=color)
    fig.update_layout(title=t("validation_title"), xaxis_title=t("deviation"), height=max(440, 18 * len(table) + 160), yaxis={"autorange": "reversed"})
    return finish(fig, height=max(440, 18 * len(table) + 160))


def sweep(df: pd.DataFrame, x: str, cliffs: list[tuple[float, float, str]] | None = None, reform: pd.DataFrame | None = None,
          withdrawal: bool = False) -> go.Figure:
    """Yearly allowances of one household over a grid of ``x`` (income, assets, rent), with shaded cliff regions.

    ``cliffs`` are (from, to, label) ranges of x where an allowance is nil because of a limit. With ``withdrawal``
    a lower panel shows the combined withdrawal rate: the share of an extra euro of ``x`` lost in allowances
    (the marginal rate, from the slope of the total between grid points).
    """
    from plotly.subplots import make_subplots

    rows = 2 if withdrawal and len(df) > 2 else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32][:rows] if rows == 2 else None,
                        vertical_spacing=0.06)
    xs = df[x].to_numpy(dtype=float)
    for a in ALLOWANCES:
        if (df[a] > 0).any() or (reform is not None and (reform[a] > 0).any()):
            fig.add_scatter(x=xs, y=df[a], name=t(a), line={"color": COLOR[a]}, mode="lines", row=1, col=1)
            if reform is not None:
                fig.add_scatter(x=reform[x], y=reform[a], name=f"{t(a)} ({t('reform')})", line={"color": COLOR[a], "dash": "dash"},
                                mode="lines", row=1, col=1)
    fig.add_scatter(x=xs, y=df["totaal"], name=t("totaal"), line={"color": COLOR["totaal"], "width": 3}, mode="lines", row=1, col=1)
    if reform is not None:
        fig.add_scatter(x=reform[x], y=reform["totaal"], name=f"{t('totaal')} ({t('reform')})",
                        line={"color": COLOR["totaal"], "width": 3, "dash": "dash"}, mode="lines", row=1, col=1)
    for lo, hi, label in cliffs or []:
        fig.add_vrect(x0=lo, x1=hi, fillcolor="#b2182b", opacity=0.08, line_width=0, annotation_text=label,
                      annotation_position="top left", row="all", col=1)
    label = {"income": t("income"), "assets": t("assets"), "rent": t("rent")}.get(x, x)
    if rows == 2:
        for frame, dash, name in ((df, "dot", t("withdrawal")), (reform, "dash", f"{t('withdrawal')} ({t('reform')})")):
            if frame is None:
                continue
            fx = frame[x].to_numpy(dtype=float)
            rate = -np.diff(frame["totaal"].to_numpy(dtype=float)) / np.diff(fx) * 100
            fig.add_scatter(x=fx[1:], y=rate, name=name, line={"color": "#636363", "dash": dash, "shape": "hv"}, mode="lines",
                            row=2, col=1)
        fig.update_yaxes(title_text=t("withdrawal_short"), row=2, col=1)
        fig.update_xaxes(title_text=label, row=2, col=1)
    else:
        fig.update_xaxes(title_text=label, row=1, col=1)
    fig.update_yaxes(title_text=t("eur_year"), row=1, col=1)
    fig.update_layout(title=t("sweep_title", x=label), hovermode="x unified")
    return finish(fig, height=560 if rows == 2 else 440)


def koopkracht(table: pd.DataFrame) -> go.Figure:
    """The koopkracht change per income decile as CPB draws it: a box from the 25th to the 75th percentile, the median,
    whiskers at the 10th and 90th (table: koopkracht_by_decile of a comparison; shares)."""
    fig = go.Figure()
    fig.add_box(x=table["decile"].astype(str), q1=table["p25"] * 100, median=table["p50"] * 100, q3=table["p75"] * 100,
                lowerfence=table["p10"] * 100, upperfence=table["p90"] * 100, marker_color=COLOR["totaal"], name=t("koopkracht_axis"),
                showlegend=False)
    fig.update_layout(title=t("koopkracht_title"), xaxis_title=t("decile"), yaxis_title=t("koopkracht_axis"))
    return finish(fig)


def koopkracht_cloud(household: pd.DataFrame, n: int = 4000, seed: int = 1) -> go.Figure:
    """CPB's puntenwolk: each dot a household (a sample drawn with the weights), its koopkracht change against its
    standardised income."""
    w = household["weight"].to_numpy(dtype=float)
    rows = np.random.default_rng(seed).choice(len(household), size=min(n, len(household)), replace=False, p=w / w.sum())
    sample = household.iloc[rows]
    fig = go.Figure(go.Scattergl(x=sample["standardised_income"], y=sample["koopkracht"] * 100, mode="markers",
                                 marker={"size": 4, "color": COLOR["totaal"], "opacity": 0.35}, showlegend=False))
    fig.update_layout(title=t("koopkracht_cloud_title"), xaxis_title=t("standardised_income"), yaxis_title=t("koopkracht_axis"))
    return finish(fig)


def marginale_druk_shares(summary: dict) -> go.Figure:
    """The share of workers above 60, 80 and 100% marginale druk, baseline and reform."""
    md = summary.get("marginale_druk") or {}
    fig = go.Figure()
    for key, color in (("baseline", "#969696"), ("reform", "#2166ac")):
        if key in md:
            pct = (60, 80, 100)
            fig.add_bar(x=[t("md_above", pct=p) for p in pct], y=[md[key][f"share_above_{p}"] * 100 for p in pct],
                        name=t(key), marker_color=color)
    fig.update_layout(title=t("md_title"), yaxis_title=t("md_share"), barmode="group")
    return finish(fig)


def net_income_sweep(df: pd.DataFrame, x: str = "income", reform: pd.DataFrame | None = None) -> go.Figure:
    """Net disposable income of one household over its income (upper panel) and the marginale druk by cause, stacked
    (lower panel: tax and premiums up, credits and allowances that fall with income up, those that rise down)."""
    from plotly.subplots import make_subplots

    from simlib.engine.household import CAUSES

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.5, 0.5], vertical_spacing=0.06)
    xs = df[x].to_numpy(dtype=float)
    fig.add_scatter(x=xs, y=df["netto"], name=t("netto"), line={"color": COLOR["totaal"], "width": 3}, row=1, col=1)
    if reform is not None:
        fig.add_scatter(x=reform[x], y=reform["netto"], name=f"{t('netto')} ({t('reform')})",
                        line={"color": COLOR["totaal"], "width": 3, "dash": "dash"}, row=1, col=1)
    palette = {"belasting_en_premies": "#636363", "algemene_heffingskorting": "#9e9ac8", "arbeidskorting": "#6baed6",
               "inkomensafhankelijke_combinatiekorting": "#74c476", "ouderenkorting": "#fdae6b",
               "alleenstaande_ouderenkorting": "#fd8d3c", "kinderbijslag": "#bcbddc", **COLOR}
    for c in CAUSES:
        y = df[f"md_{c}"] * 100
        if np.nanmax(np.abs(y.to_numpy(dtype=float)), initial=0) > 0.05:
            fig.add_bar(x=xs, y=y, name=t(c), marker_color=palette.get(c), row=2, col=1)
    fig.add_scatter(x=xs, y=df["marginale_druk"] * 100, name=t("md_line"), line={"color": "black", "shape": "hv"}, row=2, col=1)
    if reform is not None:
        fig.add_scatter(x=reform[x], y=reform["marginale_druk"] * 100, name=f"{t('md_line')} ({t('reform')})",
                        line={"color": "black", "dash": "dash", "shape": "hv"}, row=2, col=1)
    label = {"income": t("income")}.get(x, x)
    fig.update_layout(barmode="relative", bargap=0, title=t("net_title", x=label), hovermode="x unified")
    fig.update_yaxes(title_text=t("eur_year"), row=1, col=1)
    fig.update_yaxes(title_text=t("md_axis"), row=2, col=1)
    fig.update_xaxes(title_text=label, row=2, col=1)
    return finish(fig, height=640)
